"""The files of a workspace folder, as git would see them.

Honours `.gitignore` at every level (deeper files take precedence, negation included),
`.git/info/exclude` and extra patterns from settings. Never descends into a symlinked
directory, and keeps a symlinked file only when it resolves inside the folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

# Folders that are never part of a workspace's source, whatever the ignore files say.
ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", ".treewright"})


@dataclass(frozen=True)
class WalkedFile:
    rel: str  # POSIX path relative to the workspace folder
    size: int
    mtime_ns: int


class _Rules:
    """The ignore rules in force in one directory.

    Settings excludes win over everything; then `.gitignore` files, the deepest first;
    `.git/info/exclude` is the weakest, as in git.
    """

    def __init__(
        self,
        settings: GitIgnoreSpec | None,
        gitignores: tuple[tuple[str, GitIgnoreSpec], ...],
        info_exclude: GitIgnoreSpec | None,
    ):
        self.settings = settings
        self.gitignores = gitignores  # (directory prefix relative to root, spec), deepest first
        self.info_exclude = info_exclude

    def nested(self, prefix: str, spec: GitIgnoreSpec | None) -> _Rules:
        if spec is None:
            return self
        return _Rules(self.settings, ((prefix, spec),) + self.gitignores, self.info_exclude)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self.settings is not None and self.settings.check_file(probe).include:
            return True
        for prefix, spec in self.gitignores:
            result = spec.check_file(probe[len(prefix):])
            if result.include is not None:
                return bool(result.include)
        return bool(self.info_exclude is not None and self.info_exclude.check_file(probe).include)


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(lines) if any(line.strip() for line in lines) else None


def walk(root: Path, exclude: list[str] | tuple[str, ...] = ()) -> list[WalkedFile]:
    """Every file under `root` that git would not ignore, sorted by path."""
    root = root.resolve()
    rules = _Rules(
        GitIgnoreSpec.from_lines(list(exclude)) if exclude else None,
        (),
        _read_spec(root / ".git" / "info" / "exclude"),
    )
    files: list[WalkedFile] = []
    _walk_dir(root, str(root), "", rules, files)
    files.sort(key=lambda f: f.rel)
    return files


def _walk_dir(root: Path, directory: str, prefix: str, rules: _Rules, out: list[WalkedFile]) -> None:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    if any(e.name == ".gitignore" for e in entries):
        rules = rules.nested(prefix, _read_spec(Path(directory, ".gitignore")))
    for entry in entries:
        rel = prefix + entry.name
        try:
            if entry.is_symlink():
                if entry.is_dir():
                    continue
                target = Path(entry.path).resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    continue
                if rules.ignored(rel, False):
                    continue
                stat = target.stat()
                out.append(WalkedFile(rel, stat.st_size, stat.st_mtime_ns))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in ALWAYS_SKIPPED or rules.ignored(rel, True):
                    continue
                _walk_dir(root, entry.path, rel + "/", rules, out)
            elif entry.is_file(follow_symlinks=False):
                if rules.ignored(rel, False):
                    continue
                stat = entry.stat(follow_symlinks=False)
                out.append(WalkedFile(rel, stat.st_size, stat.st_mtime_ns))
        except OSError:
            continue  # vanished or unreadable mid-walk
