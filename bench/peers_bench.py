"""Indexing and repo map side by side with Aider (issue 6, §1), per corpus.

    python bench/peers_bench.py                          # every corpus of bench/corpus.py
    python bench/peers_bench.py --corpora django --repeats 3
    python bench/peers_bench.py --corpus DIR --repeats 1 # any folder (make test uses the demo)

Each measurement runs in a fresh process, and the runs are interleaved: per repeat, the
bare baseline, Treewright cold (index + first map) at 1,024 and 4,096 tokens, Treewright
warm (start + first map + a later map) at both budgets, then Aider cold and warm at both
budgets. Medians over the repeats are reported, as seconds and as ratios to the baseline.

- Baseline: one process walks the folder, reads each file with a grammar (not binary,
  ≤ 1 MiB) and runs tree-sitter's parse + Treewright's tags query on it.
- Aider gets exactly the baseline's file list as `other_files` (no chat files), its tags
  cache outside the corpus (deleted for a cold run), and an offline token counter (see
  aider_env.py). Its cold and warm runs are each a fresh process, as a new aider session.
- Peak memory: the sum of the PSS (proportional set size: a page shared by n processes
  counts 1/n in each) of the measured process and all its descendants (for Treewright's
  cold index: the parse workers), sampled every 10 ms, in one more interleaved pass after
  the timed repeats: sampling slows what it samples, so timed runs are not sampled.
  Summing RSS instead would count
  the interpreter and grammar pages the workers share with their parent once per
  process. The RSS sum (never less than the measured process's own
  VmHWM) is kept too, in the raw JSON and in a line under each corpus's table.
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
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BUDGETS = (1024, 4096)
RESULTS = HERE / ".results"
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---- measurements, each in its own process -----------------------------------------------------


def _own_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_baseline(root: Path, tokens: int) -> dict:
    from index_bench import measure_baseline as bare

    result = bare(root)
    result["peak_mb"] = _own_peak_mb()
    return result


def measure_tw_cold(root: Path, tokens: int) -> dict:
    """Empty cache: index on all cores, then the first repo map (which builds the graph)."""
    from treewright.index.repomap import RepoMapper
    from treewright.index.workspace import WorkspaceIndex

    shutil.rmtree(root / ".treewright", ignore_errors=True)
    started = time.perf_counter()
    index = WorkspaceIndex(root)
    stats = index.build()
    indexed = time.perf_counter() - started
    # The map loads numpy on first use, after the build, as the server does; imported here,
    # between the timers, imports stay off the clock on both sides, as Aider's modules are
    # imported before its timer starts.
    import numpy  # noqa: F401

    started = time.perf_counter()
    repo_map = RepoMapper(index).build(tokens=tokens)
    mapped = time.perf_counter() - started
    index.close()
    return {"seconds": indexed, "map_s": mapped, "files": stats.files, "parsed": stats.parsed,
            "symbols": stats.symbols, "map_tokens": repo_map.tokens, "map_files": repo_map.files,
            "map_chars": len(repo_map.text), "peak_mb": _own_peak_mb()}


def measure_tw_warm(root: Path, tokens: int) -> dict:
    """Cache full, nothing changed: start, first repo map, and a later map with a new focus."""
    from index_bench import measure_warm

    result = measure_warm(root, tokens)
    result["map_s"], result["later_s"] = result.pop("map_first"), result.pop("map_again")
    result["peak_mb"] = _own_peak_mb()
    return result


MEASURES = {"baseline": measure_baseline, "tw_cold": measure_tw_cold, "tw_warm": measure_tw_warm}


# ---- running a child and watching its memory ---------------------------------------------------


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        p = stack.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return pids


def _memory_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, PSS) of these processes together, in MB."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return rss / 1024, pss / 1024


def run_child(command: list[str], timeout: float = 3600, memory: bool = True) -> dict:
    """Run a measuring child; its JSON result (last stdout line), plus with `memory` the
    process tree's peak PSS and RSS, sampled every 10 ms. Sampling slows the child: reading
    smaps walks its page tables (effect's warm start + map 0.35 -> 0.44 s, Aider's warm map
    2.65 -> 3.03 s), so timed runs go unsampled."""
    # The previous run's writes (a 50 MB cache, Aider's tags) are flushed first: left to the
    # kernel, the flush lands in this run's time (the first warm start after a cold one
    # took 0.1-0.2 s longer on django).
    os.sync()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.wait(0.01):
            rss, pss = _memory_mb(_tree(proc.pid))
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        if memory:
            sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed ({proc.returncode}):\n{err[-4000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    if memory:
        result["tree_peak_mb"] = peak_pss
        result["tree_peak_rss_mb"] = max(peak_rss, result.get("peak_mb", 0.0))
    return result


def _ours(name: str, root: Path, tokens: int, memory: bool) -> dict:
    return run_child([sys.executable, __file__, "--measure", name, "--corpus", str(root),
                      "--tokens", str(tokens)], memory=memory)


def _aider(py: Path, root: Path, listing: Path, cache: Path, tokens: int, cold: bool,
           memory: bool) -> dict:
    command = [str(py), str(HERE / "aider_env.py"), "--measure", "--corpus", str(root), "--files",
               str(listing), "--tokens", str(tokens), "--cache", str(cache)]
    return run_child(command + (["--cold"] if cold else []), memory=memory)


def file_list(root: Path) -> list[str]:
    """The baseline's files: a grammar, not binary, at most 1 MiB (Treewright's default limit)."""
    from treewright.index.languages import language_for_path
    from treewright.index.walk import walk

    files = []
    for f in walk(root):
        if not language_for_path(f.rel) or f.size > 1 << 20:
            continue
        with open(root / f.rel, "rb") as handle:
            if b"\0" in handle.read(8192):
                continue
        files.append(f.rel)
    return files


# ---- one corpus ---------------------------------------------------------------------------------


def run_corpus(root: Path, repeats: int, aider_py: Path | None, log=print) -> dict:
    root = root.resolve()
    files = file_list(root)
    runs: dict[str, list[dict]] = {}  # timed, `repeats` each
    memory: dict[str, dict] = {}  # one sampled run each, for the peaks
    cache = root.parent / f".aider-tags-{root.name}"

    def add(key: str, result: dict, sampled: bool) -> None:
        if sampled:
            memory[key] = result
            log(f"  {key:>16}: peak {result['tree_peak_mb']:.0f} MB")
            return
        runs.setdefault(key, []).append(result)
        extra = f" + map {result['map_s']:.3f} s" if "map_s" in result else ""
        log(f"  {key:>16}: {result['seconds']:.3f} s{extra}")

    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp, "files.json")
        listing.write_text(json.dumps(files))
        for r in range(repeats + 1):
            sampled = r == repeats
            log(" memory, sampled" if sampled else f" repeat {r + 1}/{repeats}")
            add("baseline", _ours("baseline", root, 0, sampled), sampled)
            for b in BUDGETS:
                add(f"tw_cold_{b}", _ours("tw_cold", root, b, sampled), sampled)
            for b in BUDGETS:
                add(f"tw_warm_{b}", _ours("tw_warm", root, b, sampled), sampled)
            if aider_py is not None:
                for b in BUDGETS:
                    add(f"aider_cold_{b}", _aider(aider_py, root, listing, cache, b, True, sampled), sampled)
                    add(f"aider_warm_{b}", _aider(aider_py, root, listing, cache, b, False, sampled),
                        sampled)
    shutil.rmtree(cache, ignore_errors=True)
    return {"root": str(root), "name": root.name, "files": len(files),
            "bytes": runs["baseline"][0]["bytes"], "runs": runs, "memory": memory}


def med(runs: dict, key: str, field: str = "seconds") -> float:
    return statistics.median(r[field] for r in runs[key])


def summary(result: dict) -> dict:
    """The figures the targets and the plot are about, per corpus."""
    runs = result["runs"]
    base = med(runs, "baseline")
    cold_index = statistics.median(r["seconds"] for b in BUDGETS for r in runs[f"tw_cold_{b}"])
    s = {"baseline": base, "cold_ratio": cold_index / base, "cold_index": cold_index}
    for b in BUDGETS:
        tw_cold = statistics.median(r["seconds"] + r["map_s"] for r in runs[f"tw_cold_{b}"])
        tw_warm = statistics.median(r["seconds"] + r["map_s"] for r in runs[f"tw_warm_{b}"])
        s[f"tw_cold_map_{b}"] = tw_cold
        s[f"tw_warm_map_{b}"] = tw_warm
        if f"aider_cold_{b}" in runs:
            s[f"aider_cold_{b}"] = med(runs, f"aider_cold_{b}")
            s[f"aider_warm_{b}"] = med(runs, f"aider_warm_{b}")
            s[f"speedup_cold_{b}"] = s[f"aider_cold_{b}"] / tw_cold
            s[f"warm_vs_aider_{b}"] = tw_warm / s[f"aider_warm_{b}"]
    # Peaks come from the sampled runs; raw results from before those were kept apart have
    # them in every timed run, and the oldest hold only the RSS sum, as tree_peak_mb.
    sampled = {k: [v] for k, v in result["memory"].items()} if "memory" in result else runs
    peak = {k: med(sampled, k, "tree_peak_mb") for k in sampled}
    s["peak"] = peak
    rss_field = "tree_peak_rss_mb" if all("tree_peak_rss_mb" in r for v in sampled.values() for r in v) \
        else "tree_peak_mb"
    peak_rss = {k: med(sampled, k, rss_field) for k in sampled}
    if "aider_cold_1024" in runs:
        tw_max = max(v for k, v in peak.items() if k.startswith("tw_"))
        aider_max = max(v for k, v in peak.items() if k.startswith("aider_"))
        s["mem_ratio"] = tw_max / aider_max
        s["mem_cold_ratio"] = max(peak[f"tw_cold_{b}"] for b in BUDGETS) / max(
            peak[f"aider_cold_{b}"] for b in BUDGETS)
        s["mem_warm_ratio"] = max(peak[f"tw_warm_{b}"] for b in BUDGETS) / max(
            peak[f"aider_warm_{b}"] for b in BUDGETS)
        s["mem_rss_ratio"] = max(v for k, v in peak_rss.items() if k.startswith("tw_")) / max(
            v for k, v in peak_rss.items() if k.startswith("aider_"))
    return s


def _ok(good: bool) -> str:
    return "✓" if good else "✗"


def corpus_table(name: str, result: dict, repeats: int) -> str:
    runs, s = result["runs"], summary(result)
    base = s["baseline"]
    rows = []

    def row(label, seconds, key, target="", extra=""):
        peak = f"{s['peak'][key]:.0f}" if key else ""
        rows.append(f"| {label} | {seconds:.3f} | {seconds / base:.3f}× | {peak} | {target} | {extra} |")

    row("bare parse + tags, 1 process (baseline)", base, "baseline")
    row("Treewright cold index (empty cache, all cores)", s["cold_index"], "tw_cold_1024",
        f"≤ 1.0× {_ok(s['cold_ratio'] <= 1.0)}")
    for b in BUDGETS:
        extra = ""
        if f"aider_cold_{b}" in s:
            speedup = s[f"speedup_cold_{b}"]
            extra = f"Aider cold ÷ this = {speedup:.1f}× (target ≥ 5× {_ok(speedup >= 5)})"
        row(f"Treewright cold index + first map, {b:,} tokens", s[f"tw_cold_map_{b}"], f"tw_cold_{b}", "",
            extra)
    row("Treewright warm start (nothing changed)", med(runs, "tw_warm_4096"), "tw_warm_4096")
    for b in BUDGETS:
        extra = ""
        if f"aider_warm_{b}" in s:
            extra = (f"÷ Aider warm = {s[f'warm_vs_aider_{b}']:.3f}× "
                     f"(target ≤ 0.1× {_ok(s[f'warm_vs_aider_{b}'] <= 0.1)})")
        row(f"Treewright warm start + first map, {b:,} tokens", s[f"tw_warm_map_{b}"], f"tw_warm_{b}", "",
            extra)
    row("Treewright map 4,096 tokens, later call (new focus)", med(runs, "tw_warm_4096", "later_s"), "")
    if "aider_cold_1024" in runs:
        for kind in ("cold", "warm"):
            for b in BUDGETS:
                how = "cache cleared" if kind == "cold" else "cache full"
                key = f"aider_{kind}_{b}"
                row(f"Aider RepoMap {kind} ({how}), {b:,} tokens", s[key], key)
    head = (f"Corpus `{name}` ({result['name']}): {result['files']} files with a grammar, "
            f"{result['bytes'] / 1e6:.1f} MB parsed; median of {repeats} interleaved timed runs, "
            "peak memory from one more, sampled.\n\n"
            "| measure | seconds | ratio to baseline | peak MB (PSS) | target | vs Aider |\n"
            "| --- | --- | --- | --- | --- | --- |\n")
    lines = [head + "\n".join(rows)]
    if "mem_ratio" in s:
        lines.append(
            f"\nPeak memory, Treewright ÷ Aider: cold {s['mem_cold_ratio']:.2f}×, warm "
            f"{s['mem_warm_ratio']:.2f}×, largest of each {s['mem_ratio']:.2f}× "
            f"(target ≤ 0.4× {_ok(s['mem_ratio'] <= 0.4)}); counted as summed RSS instead, "
            f"largest of each {s['mem_rss_ratio']:.2f}×.")
        sizes = []
        for b in BUDGETS:
            tw = runs[f"tw_warm_{b}"][0]
            ai = runs[f"aider_warm_{b}"][0]
            sizes.append(f"{b:,}: Treewright {tw['map_files']} files, {tw['map_chars']:,} chars "
                         f"({tw['map_tokens']:,} by its estimate"
                         + (f", {tw['cl100k']:,} cl100k" if "cl100k" in tw else "")
                         + f"); Aider {ai['map_files']} files, {ai['map_chars']:,} chars "
                         f"({ai['map_tokens']:,} cl100k)")
        lines.append("Map sizes at " + "; ".join(sizes) + ".")
    return "\n".join(lines) + "\n"


def overview(results: dict[str, dict]) -> str:
    lines = ["| corpus | baseline | cold index ÷ baseline (≤ 1.0) "
             "| Aider cold ÷ Treewright cold+map, 1k / 4k (≥ 5) "
             "| Treewright warm+map ÷ Aider warm, 1k / 4k (≤ 0.1) | peak memory ÷ Aider's (≤ 0.4) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, result in results.items():
        s = summary(result)
        if "speedup_cold_1024" not in s:
            continue
        lines.append(
            f"| {name} | {s['baseline']:.2f} s | {s['cold_ratio']:.2f}× {_ok(s['cold_ratio'] <= 1)} "
            f"| {s['speedup_cold_1024']:.1f}× / {s['speedup_cold_4096']:.1f}× "
            f"{_ok(min(s['speedup_cold_1024'], s['speedup_cold_4096']) >= 5)} "
            f"| {s['warm_vs_aider_1024']:.3f}× / {s['warm_vs_aider_4096']:.3f}× "
            f"{_ok(max(s['warm_vs_aider_1024'], s['warm_vs_aider_4096']) <= 0.1)} "
            f"| {s['mem_ratio']:.2f}× {_ok(s['mem_ratio'] <= 0.4)} |")
    return "\n".join(lines) + "\n"


def _versions(aider_py: Path | None) -> str:
    import importlib.metadata as md

    ours = ", ".join(f"{n} {md.version(n)}" for n in ("tree-sitter", "tree-sitter-language-pack"))
    text = f"Python {platform.python_version()}, Treewright: {ours}"
    if aider_py is not None:
        import aider_env

        theirs = aider_env.versions()
        text += "; Aider venv: " + ", ".join(f"{k} {v}" for k, v in theirs.items() if k != "matplotlib")
    return text


def add_cl100k(results: dict[str, dict], aider_py: Path) -> None:
    """Count Treewright's maps with Aider's tokenizer too, so map sizes compare like for like."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, result in results.items():
            for b in BUDGETS:
                for i, r in enumerate(result["runs"][f"tw_warm_{b}"][:1]):
                    p = Path(tmp, f"{name}-{b}-{i}.txt")
                    p.write_text(r.get("text", ""), "utf-8")
                    paths[str(p)] = r
        out = subprocess.run([str(aider_py), str(HERE / "aider_env.py"), "--count-tokens", *paths],
                             check=True, capture_output=True, text=True)
        for path, count in json.loads(out.stdout.strip().splitlines()[-1]).items():
            paths[path]["cl100k"] = count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpora", nargs="*", help="names from bench/corpus.py (default: all)")
    parser.add_argument("--corpus", type=Path, help="one folder instead of named corpora")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-aider", action="store_true", help="Treewright only")
    parser.add_argument("--raw-dir", type=Path, default=HERE / ".results", help="where raw JSON goes")
    parser.add_argument("--results", type=Path, help="write the tables into this Markdown file's section")
    parser.add_argument("--section", default="peers", help="the RESULTS.md section to write (default: peers)")
    parser.add_argument("--plot", type=Path, help="draw the ratios into this PNG (matplotlib, Aider's venv)")
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--tokens", type=int, default=1024, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(MEASURES[args.measure](args.corpus.resolve(), args.tokens)))
        return 0

    aider_py = None
    if not args.no_aider:
        import aider_env

        aider_py = aider_env.ensure()
    if args.corpus is not None:
        roots = {args.corpus.name: args.corpus}
    else:
        from corpus import DEFAULT, fetch

        roots = {name: fetch(name) for name in (args.corpora or DEFAULT)}
    started = time.strftime("%Y-%m-%d %H:%M")
    results = {}
    for name, root in roots.items():
        print(f"{name}: {root}", file=sys.stderr, flush=True)
        results[name] = run_corpus(root, args.repeats, aider_py,
                                   log=lambda m: print(m, file=sys.stderr, flush=True))
    if aider_py is not None:
        add_cl100k(results, aider_py)
    args.raw_dir.mkdir(parents=True, exist_ok=True)
    raw = args.raw_dir / f"peers-{time.strftime('%Y%m%d-%H%M%S')}.json"
    for result in results.values():
        for rs in result["runs"].values():
            for r in rs:
                r.pop("text", None)
    raw.write_text(json.dumps(results, indent=1))
    command = "python bench/peers_bench.py " + " ".join(sys.argv[1:])
    text = (f"Command: `{command.strip()}`, started {started}; {platform.machine()}, {os.cpu_count()} cores, "
            f"{_versions(aider_py)}. Raw runs: `{raw.name}`.\n\n")
    if aider_py is not None:
        text += overview(results) + "\n"
    text += "\n".join(corpus_table(name, r, args.repeats) for name, r in results.items())
    print(text)
    if args.results:
        import results_md

        results_md.replace_section(args.results, args.section, text)
    if args.plot and aider_py is not None:
        subprocess.run([str(aider_py), str(HERE / "plot.py"), "--peers", str(raw), "--out", str(args.plot)],
                       check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
