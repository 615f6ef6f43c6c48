"""Aider, the peer, in a bench-only environment: `bench/.aider-venv/` (git-ignored).

    python bench/aider_env.py                  # create bench/.aider-venv if missing, print versions
    python bench/aider_env.py --check-offline  # Aider's RepoMap on examples/demo with no network at all

aider-chat comes from PyPI into its own venv, never into the project's: it pins its own
tree-sitter, numpy, scipy and networkx. matplotlib, for the plot, is installed there too.

Offline, precisely:
- Grammars. aider 0.86.2 parses through grep-ast 0.9, which takes parsers from
  tree-sitter-language-pack 0.13.0; that wheel ships the compiled grammars (one shared
  library per language inside the wheel), so no grammar is downloaded at run time. The tags
  queries ship inside aider (`aider/queries/`); TypeScript's comes from its
  `tree-sitter-languages` folder, the language pack folder having none.
- The model. `RepoMap` uses its `main_model` for one thing, `token_count(text)`.
  Constructing a real `aider.models.Model` fetches model metadata from the network
  (`ModelInfoManager` downloads litellm's model list with a 5 s timeout) and imports
  litellm. So the bench passes `OfflineTokens` instead: the same cl100k_base tiktoken
  encoding Aider's litellm would use for an OpenAI model, read from the BPE file that
  litellm ships in its wheel (`litellm/litellm_core_utils/tokenizers`, which litellm itself
  points `TIKTOKEN_CACHE_DIR` at). `--check-offline` runs a map in a network namespace with
  no interfaces (`unshare -n`) to show that nothing else is fetched.
- `io` is aider's own `InputOutput(pretty=False, fancy_input=False)`: it reads the files.

The measurement half of this file runs under the venv's Python (peers_bench.py starts it
with `--measure`); it imports nothing from Treewright.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".aider-venv"
REQUIREMENTS = ["aider-chat==0.86.2", "matplotlib"]
STAMP = VENV / ".bench-installed"


def python() -> Path:
    return VENV / "bin" / "python"


def ready() -> bool:
    return STAMP.is_file() and STAMP.read_text() == "\n".join(REQUIREMENTS) and python().is_file()


def ensure(timeout: float = 900, quiet: bool = False) -> Path:
    """The venv's python, creating the venv first if needed (about 2 minutes here)."""
    if ready():
        return python()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    say(f"creating {VENV} with {', '.join(REQUIREMENTS)} from PyPI (once; about 2 minutes)")
    started = time.monotonic()
    if not python().is_file():
        shutil.rmtree(VENV, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True, timeout=timeout)
    subprocess.run([str(python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *REQUIREMENTS], check=True, timeout=max(60, timeout - (time.monotonic() - started)),
                   stdout=subprocess.DEVNULL if quiet else None)
    STAMP.write_text("\n".join(REQUIREMENTS))
    say(f"{VENV} ready in {time.monotonic() - started:.0f} s")
    return python()


def versions() -> dict[str, str]:
    """Versions inside the venv (asked of the venv's own Python)."""
    code = ("import importlib.metadata as m, json, sys; "
            "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))")
    names = ["aider-chat", "grep-ast", "tree-sitter", "tree-sitter-language-pack", "networkx", "tiktoken",
             "matplotlib"]
    out = subprocess.run([str(python()), "-c", code, *names], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


# ---- run inside the venv ---------------------------------------------------------------------


class OfflineTokens:
    """The one thing RepoMap asks of its model: token_count(text), here cl100k_base, offline."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("litellm")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("litellm is not installed in this environment")
        bundled = Path(list(spec.submodule_search_locations)[0]) / "litellm_core_utils" / "tokenizers"
        os.environ["TIKTOKEN_CACHE_DIR"] = str(bundled)
        import tiktoken

        self.encoding = tiktoken.get_encoding("cl100k_base")
        self.name = "offline-cl100k_base"

    def token_count(self, text) -> int:
        if not isinstance(text, str):
            text = json.dumps(text)
        return len(self.encoding.encode(text, disallowed_special=()))


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_map(root: Path, files: list[str], tokens: int, cache: Path, cold: bool) -> dict:
    """One Aider repo map in this (fresh) process: tags from its disk cache or parsed, then ranked
    and fitted to `tokens`. No chat files, so the whole repository competes for the budget."""
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    import warnings

    warnings.simplefilter("ignore")
    from aider.io import InputOutput
    from aider.repomap import RepoMap, get_scm_fname
    from grep_ast import filename_to_lang

    # An absolute TAGS_CACHE_DIR keeps Aider's cache out of the corpus (Path(root) / abs == abs),
    # so Treewright's walk of the same folder never sees it.
    RepoMap.TAGS_CACHE_DIR = str(cache)
    model = OfflineTokens()
    io = InputOutput(pretty=False, fancy_input=False, yes=True)
    paths = [str(root / rel) for rel in files]
    started = time.perf_counter()
    repo_map = RepoMap(map_tokens=tokens, root=str(root), main_model=model, io=io, max_context_window=None)
    text = repo_map.get_repo_map(chat_files=[], other_files=paths) or ""
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    with_query = 0
    for rel in files:
        lang = filename_to_lang(rel)
        if lang and get_scm_fname(lang).exists():
            with_query += 1
    return {"seconds": seconds, "peak_mb": peak, "map_chars": len(text),
            "map_tokens": model.token_count(text),
            "map_files": sum(1 for line in text.splitlines() if line.strip() and line[0] not in "│⋮"),
            "parsed_files": with_query, "files": len(files), "text": text}


def count_tokens(paths: list[Path]) -> dict[str, int]:
    model = OfflineTokens()
    return {str(p): model.token_count(p.read_text("utf-8")) for p in paths}


# ---- the command line --------------------------------------------------------------------------


def check_offline() -> int:
    """Aider's RepoMap on a copy of examples/demo inside `unshare -n` (no network interfaces)."""
    import tempfile

    py = ensure()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "demo")
        shutil.copytree(HERE.parent / "examples" / "demo", root,
                        ignore=shutil.ignore_patterns(".treewright", "__pycache__"))
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
        listing = Path(tmp, "files.json")
        listing.write_text(json.dumps(files))
        command = [str(py), __file__, "--measure", "--corpus", str(root), "--files", str(listing),
                   "--tokens", "1024", "--cache", str(Path(tmp, "cache")), "--cold"]
        try:
            out = subprocess.run(["unshare", "-n", *command], capture_output=True, text=True, timeout=300)
        except FileNotFoundError:
            print("unshare is not available: cannot cut the network for the check")
            return 1
        if out.returncode != 0:
            print(out.stderr[-3000:])
            return 1
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"Aider RepoMap inside `unshare -n` (no network interfaces): {result['map_tokens']} tokens, "
              f"{result['map_files']} files, {result['seconds']:.2f} s\n")
        print(result["text"])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check-offline", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count-tokens", nargs="+", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", type=int, default=1024, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        files = json.loads(args.files.read_text())
        print(json.dumps(measure_map(args.corpus.resolve(), files, args.tokens, args.cache, args.cold)))
        return 0
    if args.count_tokens:
        print(json.dumps(count_tokens(args.count_tokens)))
        return 0
    if args.check_offline:
        return check_offline()
    ensure()
    print(f"{VENV}: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
