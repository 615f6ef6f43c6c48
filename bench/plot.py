"""Draw the benchmark ratios (issue 6, §4) into a PNG. Runs under bench/.aider-venv's Python,
which has matplotlib (it is not a project dependency).

    bench/.aider-venv/bin/python bench/plot.py --out bench/ratios.png
        [--peers bench/.results/peers-….json] [--matching bench/.results/matching-….json]

Without --peers / --matching, the newest raw results in bench/.results/ are used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peers_bench import BUDGETS, summary  # noqa: E402  (stdlib only at import time)


def newest(pattern: str) -> Path | None:
    found = sorted((HERE / ".results").glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _log_bars_axis(ax, names: list[str], width: float, ylabel: str, title: str, headroom: float,
                   columns: int) -> None:
    """Log scale, one tick per corpus under its group of bars, and room above for the legend."""
    ax.set_yscale("log")
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(names))], names, rotation=20)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.set_ylim(top=ax.get_ylim()[1] * headroom)
    ax.legend(fontsize=8, loc="upper left", ncol=columns)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--peers", type=Path)
    parser.add_argument("--matching", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "ratios.png")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    peers_path = args.peers or newest("peers-2*.json")
    matching_path = args.matching or newest("matching-2*[0-9].json")
    if matching_path and "aider" not in json.loads(matching_path.read_text())["scores"]:
        matching_path = None  # a Treewright-only run: nothing to compare
    peers = json.loads(peers_path.read_text()) if peers_path else {}
    sums = {name: summary(r) for name, r in peers.items() if f"aider_cold_{BUDGETS[0]}" in r["runs"]}
    if not sums and not matching_path:
        print("nothing to plot", file=sys.stderr)
        return 1
    rows = (1 if sums else 0) + (1 if matching_path else 0)
    fig = plt.figure(figsize=(14, 5.4 * rows))
    grid = fig.add_gridspec(rows, 2)
    axes = []
    if sums:
        axes += [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
    if matching_path:
        axes.append(fig.add_subplot(grid[rows - 1, :]))
    if sums:
        names = list(sums)
        x = range(len(names))
        ax = axes.pop(0)
        series = [
            ("Treewright cold index", [s["cold_ratio"] for s in sums.values()], "#1b9e77"),
            ("Treewright warm start + map 4k", [s["tw_warm_map_4096"] / s["baseline"] for s in sums.values()],
             "#66c2a5"),
            ("Aider cold map 4k", [s["aider_cold_4096"] / s["baseline"] for s in sums.values()], "#d95f02"),
            ("Aider warm map 4k", [s["aider_warm_4096"] / s["baseline"] for s in sums.values()], "#fc8d62"),
        ]
        width = 0.8 / len(series)
        for i, (label, values, color) in enumerate(series):
            ax.bar([k + i * width for k in x], values, width, label=label, color=color)
        ax.axhline(1.0, color="black", lw=1, ls="--", label="bare parse + tags (1 process) = 1")
        _log_bars_axis(ax, names, width, "time ÷ bare parse + tags (log scale)",
                       "Time relative to the single-core floor", headroom=6, columns=2)

        ax = axes.pop(0)
        series = [
            ("cold index + map ÷ Aider cold (target ≤ 0.2)",
             [1 / min(s["speedup_cold_1024"], s["speedup_cold_4096"]) for s in sums.values()],
             "#1b9e77", 0.2),
            ("warm start + map ÷ Aider warm (target ≤ 0.1)",
             [max(s["warm_vs_aider_1024"], s["warm_vs_aider_4096"]) for s in sums.values()], "#7570b3", 0.1),
            ("peak memory (PSS) ÷ Aider's (target ≤ 0.4)", [s["mem_ratio"] for s in sums.values()],
             "#e7298a", 0.4),
        ]
        width = 0.8 / len(series)
        for i, (label, values, color, target) in enumerate(series):
            xs = [k + i * width for k in x]
            ax.bar(xs, values, width, label=label, color=color)
            for xv in xs:
                ax.plot([xv - width / 2, xv + width / 2], [target, target], color="black", lw=1.5)
        _log_bars_axis(ax, names, width, "Treewright ÷ Aider (log scale; lower is better)",
                       "Treewright ÷ Aider, worst of the 1k / 4k budgets (black ticks: targets)",
                       headroom=3, columns=1)
    if matching_path:
        data = json.loads(matching_path.read_text())
        ax = axes.pop(0)
        cats = list(data["categories"])
        x = range(len(cats))
        for i, (tool, color) in enumerate((("treewright", "#1b9e77"), ("aider", "#d95f02"))):
            counts = [data["scores"][tool][c] for c in cats]
            totals = [(c["correct"] + c["refused"] + c["wrong"]) or 1 for c in counts]
            correct = [c["correct"] / t for c, t in zip(counts, totals, strict=True)]
            refused = [c["refused"] / t for c, t in zip(counts, totals, strict=True)]
            wrong = [c["wrong"] / t for c, t in zip(counts, totals, strict=True)]
            xs = [k + (i - 0.5) * 0.4 for k in x]
            ax.bar(xs, correct, 0.38, color=color, label=f"{tool}: correct")
            ax.bar(xs, refused, 0.38, bottom=correct, color=color, alpha=0.35, label=f"{tool}: refused")
            ax.bar(xs, wrong, 0.38, bottom=[a + b for a, b in zip(correct, refused, strict=True)],
                   color="#e41a1c", label="wrong" if i else None)
        labels = [c + ("\n(refusing is right)" if c in ("ambiguous", "stale") else "") for c in cats]
        ax.set_xticks(list(x), labels, rotation=0, fontsize=8)
        ax.set_ylim(0, 1.25)
        ax.set_ylabel("share of cases")
        ax.set_title(f"Edit matching under drift ({data['total']} cases; left Treewright, right Aider)")
        ax.legend(fontsize=8, loc="upper center", ncol=5)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
