"""Every bench script runs end to end on a tiny corpus, so none of them rots."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_index_bench_runs_on_the_demo(demo):
    out = subprocess.run(
        [sys.executable, str(BENCH / "index_bench.py"), "--corpus", str(demo), "--repeats", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr
    table = out.stdout
    for row in ("baseline", "cold index", "warm start", "repo map 4,096", "keystroke", "peak RSS"):
        assert row in table


def test_agent_bench_runs_on_the_demo(demo):
    out = subprocess.run(
        [sys.executable, str(BENCH / "agent_bench.py"), "--corpus", str(demo), "--runs", "2"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "first text delta" in out.stdout and "tool round trip" in out.stdout
