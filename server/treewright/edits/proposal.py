"""A proposal: every change of one agent turn, per file, split into hunks to review.

It is plain data: the LSP layer sends `to_dict()` as the `treewright/proposal` result (turning
paths into URIs), and sessions store the same dict and rebuild the proposal with `from_dict`.
Hunk ids are unique within a proposal: `f2h3` is the third hunk of the second file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from treewright.edits.hunks import Hunk, SymbolAt, compute_hunks, symbol_namer, unified_diff

MODIFY, CREATE, DELETE = "modify", "create", "delete"

Symbols = Callable[[str, str], SymbolAt | None]  # (path, original text) -> names for its lines


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the workspace folder, with "/"
    change: str  # MODIFY, CREATE or DELETE
    original: str | None  # None for CREATE
    proposed: str | None  # None for DELETE
    hunks: tuple[Hunk, ...]
    diff: str


@dataclass(frozen=True)
class Proposal:
    id: str
    title: str
    files: tuple[FileChange, ...]

    @classmethod
    def build(
        cls,
        id: str,
        title: str,
        changes: Mapping[str, tuple[str | None, str | None]],
        symbols: Symbols | None = symbol_namer,
    ) -> Proposal:
        """From path -> (original, proposed), None meaning the file does not exist on that
        side; unchanged files are left out, and files come in path order."""
        files = []
        for path in sorted(changes):
            original, proposed = changes[path]
            if original == proposed:
                continue
            change = CREATE if original is None else DELETE if proposed is None else MODIFY
            symbol_at = symbols(path, original) if symbols is not None and original else None
            hunks = compute_hunks(
                original or "", proposed or "", symbol_at=symbol_at, prefix=f"f{len(files) + 1}h"
            )
            diff = unified_diff(path, original, proposed)
            files.append(FileChange(path, change, original, proposed, tuple(hunks), diff))
        return cls(id, title, tuple(files))

    def file(self, path: str) -> FileChange:
        for f in self.files:
            if f.path == path:
                return f
        raise KeyError(f"proposal {self.id} does not change {path}")

    def file_of(self, hunk_id: str) -> FileChange:
        for f in self.files:
            if any(h.id == hunk_id for h in f.hunks):
                return f
        raise KeyError(f"proposal {self.id} has no hunk {hunk_id}")

    def hunk(self, hunk_id: str) -> Hunk:
        return next(h for h in self.file_of(hunk_id).hunks if h.id == hunk_id)

    def to_dict(self, *, texts: bool = True) -> dict[str, Any]:
        """The `treewright/proposal` shape, with each file's path in place of its URI. Hunk
        ranges are whole lines of the original; `before`/`after` are the lines kept around a
        hunk. With texts, each file also carries its original and proposed text, which
        `from_dict` needs."""
        files = []
        for f in self.files:
            entry: dict[str, Any] = {
                "path": f.path,
                "change": f.change,
                "hunks": [
                    {
                        "id": h.id,
                        "range": {
                            "start": {"line": h.start_line, "character": 0},
                            "end": {"line": h.end_line, "character": 0},
                        },
                        "oldText": h.old_text,
                        "newText": h.new_text,
                        "summary": h.summary,
                        "before": list(h.before),
                        "after": list(h.after),
                    }
                    for h in f.hunks
                ],
                "diff": f.diff,
            }
            if texts:
                entry["original"], entry["proposed"] = f.original, f.proposed
            files.append(entry)
        return {"proposalId": self.id, "title": self.title, "files": files}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Proposal:
        files = []
        for f in data["files"]:
            if "original" not in f or "proposed" not in f:
                raise ValueError(f"proposal {data['proposalId']} was stored without the texts of {f['path']}")
            hunks = tuple(
                Hunk(
                    h["id"],
                    h["range"]["start"]["line"],
                    h["range"]["end"]["line"],
                    h["oldText"],
                    h["newText"],
                    h["summary"],
                    tuple(h["before"]),
                    tuple(h["after"]),
                )
                for h in f["hunks"]
            )
            files.append(FileChange(f["path"], f["change"], f["original"], f["proposed"], hunks, f["diff"]))
        return cls(data["proposalId"], data["title"], tuple(files))
