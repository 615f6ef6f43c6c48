"""Index benchmarks (issue: foundation): cold index, warm start, repo map, keystroke, memory.

    python bench/index_bench.py                    # django, fetched by bench/corpus.py
    python bench/index_bench.py --corpus DIR       # any folder (make test uses the demo)

Every figure is also given as a ratio to a baseline measured in the same run: a bare,
single-process tree-sitter parse + tags query over the same files, the floor one core
can do. Each measurement runs in a fresh process so no run warms another, and runs are
interleaved (baseline, cold, warm, baseline, cold, warm…); medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


# ---- measurements, each run in its own process ----------------------------------------------


def measure_baseline(root: Path) -> dict:
    from treewright.index.analyze import parse_tags
    from treewright.index.languages import language_for_path
    from treewright.index.walk import walk

    started = time.perf_counter()
    files = [(f.rel, lang) for f in walk(root) if (lang := language_for_path(f.rel))]
    size = 0
    for rel, lang in files:
        data = (root / rel).read_bytes()
        if b"\0" in data[:8192] or len(data) > 1 << 20:
            continue
        size += len(data)
        parse_tags(lang, data)
    return {"seconds": time.perf_counter() - started, "files": len(files), "bytes": size}


def measure_cold(root: Path) -> dict:
    from treewright.index.workspace import WorkspaceIndex

    shutil.rmtree(root / ".treewright", ignore_errors=True)
    started = time.perf_counter()
    index = WorkspaceIndex(root)
    stats = index.build()
    seconds = time.perf_counter() - started
    index.close()
    return {"seconds": seconds, "files": stats.files, "parsed": stats.parsed, "symbols": stats.symbols}


def measure_warm(root: Path, tokens: int = 4096) -> dict:
    """Warm start, then the repo map: first call (builds the graph) and a later one with a
    new focus (peers_bench.py measures the same, next to Aider)."""
    # The first map loads numpy lazily; the server does that right after indexing, before
    # any request wants a map, and Aider's modules are imported before its timer starts,
    # so the import is kept off this clock.
    import numpy  # noqa: F401

    from treewright.index.repomap import RepoMapper
    from treewright.index.workspace import WorkspaceIndex

    started = time.perf_counter()
    index = WorkspaceIndex(root)
    stats = index.build()
    warm = time.perf_counter() - started
    mapper = RepoMapper(index)
    started = time.perf_counter()
    first = mapper.build(tokens=tokens)
    map_first = time.perf_counter() - started
    largest = max(index.files.values(), key=lambda f: f.size if f.definitions else 0).rel
    started = time.perf_counter()
    mapper.build(tokens=tokens, focus=[largest])
    map_again = time.perf_counter() - started
    index.close()
    return {
        "seconds": warm, "parsed": stats.parsed, "map_first": map_first, "map_again": map_again,
        "map_tokens": first.tokens, "map_files": first.files, "map_chars": len(first.text),
        "text": first.text,
    }


def measure_keystroke(root: Path, count: int = 200) -> dict:
    """Type a letter into an identifier of the largest file and delete it again."""
    import keyword
    import random
    import re

    from treewright.index.document import Document
    from treewright.index.languages import language_for_path
    from treewright.index.workspace import WorkspaceIndex

    index = WorkspaceIndex(root)
    index.build()
    candidates = [f for f in index.files.values() if f.language == "python" and f.definitions]
    if not candidates:
        candidates = [f for f in index.files.values() if f.definitions]
    largest = max(candidates, key=lambda f: f.size)
    source = (root / largest.rel).read_bytes()
    document = Document(language_for_path(largest.rel), source)
    index.open_document(largest.rel, document)
    words = [
        m.start() + 1
        for m in re.finditer(rb"\b[a-z_][a-z0-9_]{2,}\b", source)
        if not keyword.iskeyword(m.group().decode())
    ]
    rng = random.Random(7)
    times = []
    for _ in range(count):
        offset = rng.choice(words)
        row, col = document.point(offset)
        for start, end, text in (((row, col), (row, col), b"q"), ((row, col), (row, col + 1), b"")):
            t = time.perf_counter()
            document.edit(start, end, text)
            index.document_changed(largest.rel)
            times.append(time.perf_counter() - t)
    index.close()
    times.sort()
    return {
        "file": largest.rel, "bytes": len(source), "median_ms": statistics.median(times) * 1000,
        "p90_ms": times[int(len(times) * 0.9)] * 1000,
    }


def measure_server_memory(root: Path) -> dict:
    """Peak RSS of a real `treewright serve` after it has indexed the folder."""
    import asyncio

    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    async def run() -> dict:
        client = LanguageClient("bench", "1")
        ready = asyncio.Event()
        client.feature("treewright/indexStatus")(
            lambda ls, p: ready.set() if p.state == "ready" else None
        )
        await client.start_io(sys.executable, "-m", "treewright", "serve")
        pid = client._server.pid
        started = time.perf_counter()
        await client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(), root_uri=root.resolve().as_uri()
            )
        )
        client.initialized(lsp.InitializedParams())
        await asyncio.wait_for(ready.wait(), 600)
        ready_after = time.perf_counter() - started
        status = Path(f"/proc/{pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return {
            "ready_s": ready_after,
            "peak_mb": int(fields["VmHWM"].split()[0]) / 1024,
            "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        }

    return asyncio.run(run())


MEASURES = {
    "baseline": measure_baseline,
    "cold": measure_cold,
    "warm": measure_warm,
    "keystroke": measure_keystroke,
    "memory": measure_server_memory,
}


def _in_fresh_process(name: str, root: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--corpus", str(root)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the report ------------------------------------------------------------------------------


def _versions() -> str:
    import importlib.metadata as md

    names = ("tree-sitter", "tree-sitter-language-pack", "pygls")
    return ", ".join(f"{n} {md.version(n)}" for n in names)


def run(root: Path, repeats: int) -> str:
    runs: dict[str, list[dict]] = {"baseline": [], "cold": [], "warm": []}
    for _ in range(repeats):
        for name in runs:
            runs[name].append(_in_fresh_process(name, root))
    keystroke = _in_fresh_process("keystroke", root)
    memory = _in_fresh_process("memory", root)

    def med(name: str, key: str = "seconds") -> float:
        return statistics.median(r[key] for r in runs[name])

    base = med("baseline")
    base_info = runs["baseline"][0]
    cold = med("cold")
    warm = med("warm")
    rows = [
        ("bare parse + tags, 1 process (baseline)", f"{base:.2f} s", "1.00×", ""),
        ("cold index (parse, tags, store; all cores)", f"{cold:.2f} s", f"{cold / base:.2f}×", "≤ 1.0×"),
        ("warm start, nothing changed", f"{warm:.3f} s", f"{warm / base:.3f}×", "≤ 0.5 s"),
        ("repo map 4,096 tokens, first call after warm start", f"{med('warm', 'map_first'):.3f} s",
         f"{med('warm', 'map_first') / base:.3f}×", "≤ 0.3 s"),
        ("repo map 4,096 tokens, later call (new focus)", f"{med('warm', 'map_again'):.3f} s",
         f"{med('warm', 'map_again') / base:.3f}×", "≤ 0.3 s"),
        (f"keystroke → symbols updated, median ({keystroke['file']}, {keystroke['bytes'] // 1024} KB)",
         f"{keystroke['median_ms']:.2f} ms", "", "≤ 5 ms"),
        ("keystroke → symbols updated, p90", f"{keystroke['p90_ms']:.2f} ms", "", ""),
        ("server peak RSS after indexing (main process)", f"{memory['peak_mb']:.0f} MB", "", "≤ 150 MB"),
        ("server: start → index ready, warm cache", f"{memory['ready_s']:.2f} s", "", ""),
    ]
    lines = [
        f"Corpus: `{root.name}`, {base_info['files']} files with a grammar, "
        f"{base_info['bytes'] / 1e6:.1f} MB parsed; {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {_versions()}; median of {repeats} interleaved runs, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | value | ratio to baseline | target |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="folder to index (default: django)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus is None:
        from corpus import fetch

        args.corpus = fetch("django")
    root = args.corpus.resolve()
    if args.measure:
        print(json.dumps(MEASURES[args.measure](root)))
        return 0
    print(run(root, args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
