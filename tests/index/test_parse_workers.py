from __future__ import annotations

import os
from pathlib import Path

import pytest

from treewright.index.analyze import analyze_batch
from treewright.index.parse_workers import ParseWorkers
from treewright.index.workspace import WorkspaceIndex

PY = "class Shelf:\n    def put(self, item):\n        return stack(item)\n"


def _children() -> list[int]:
    mine = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == mine:
                found.append(int(entry.name))
    return found


def _files(root: Path, count: int) -> list[tuple[str, int, int]]:
    batch = []
    for i in range(count):
        path = root / f"m{i}.py"
        path.write_text(PY.replace("Shelf", f"Shelf{i}"))
        batch.append((path.name, path.stat().st_size, path.stat().st_mtime_ns))
    return batch


def test_workers_give_what_one_process_gives(tmp_path):
    batch = _files(tmp_path, 30)
    batches = [batch[i:i + 4] for i in range(0, 30, 4)]
    with ParseWorkers(2) as pool:
        got = [r for records in pool.run(str(tmp_path), batches, 1 << 20, lambda: False) for r in records]
    assert sorted(got, key=lambda r: r.path) == sorted(
        analyze_batch(str(tmp_path), batch, 1 << 20), key=lambda r: r.path
    )


def test_a_parallel_build_leaves_no_process_behind(tmp_path):
    _files(tmp_path, 80)
    before = set(_children())
    index = WorkspaceIndex(tmp_path)
    index.build(workers=2)
    assert len(index.symbols) == 160
    assert set(_children()) - before == set()
    index.close()


def test_a_worker_that_dies_ends_the_build_with_a_clear_error(tmp_path):
    batches = [[b] for b in _files(tmp_path, 6)]
    with ParseWorkers(2) as pool:
        pool._procs[1].kill()
        pool._procs[1].wait()  # dead before the first request reaches it
        with pytest.raises(RuntimeError, match="parse worker exited unexpectedly"):
            list(pool.run(str(tmp_path), batches, 1 << 20, lambda: False))


def test_a_cancelled_run_stops_handing_out_batches(tmp_path):
    batches = [[b] for b in _files(tmp_path, 20)]
    seen = []
    with ParseWorkers(2) as pool:
        for records in pool.run(str(tmp_path), batches, 1 << 20, lambda: len(seen) >= 3):
            seen.append(records)
    assert len(seen) == 3


def test_a_worker_killed_mid_build_ends_it_with_a_clear_error(tmp_path):
    batches = [[b] for b in _files(tmp_path, 12)]
    with ParseWorkers(2) as pool:
        results = pool.run(str(tmp_path), batches, 1 << 20, lambda: False)
        next(results)
        for proc in pool._procs:
            proc.kill()
        with pytest.raises(RuntimeError, match="parse worker exited unexpectedly"):
            list(results)


def test_workers_run_niced_below_the_server(tmp_path):
    batch = _files(tmp_path, 2)
    with ParseWorkers(1) as pool:
        list(pool.run(str(tmp_path), [batch], 1 << 20, lambda: False))  # started and serving
        worker = os.getpriority(os.PRIO_PROCESS, pool._procs[0].pid)
    assert worker == min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)


def test_workers_never_import_the_workspace_s_own_modules(tmp_path, monkeypatch):
    # The server runs in the workspace folder; a module there named like one the worker
    # imports must not run (the workspace's content is untrusted).
    batch = _files(tmp_path, 2)
    marker = tmp_path / "ran"
    for name in ("selectors", "struct", "dataclasses", "marshal"):
        (tmp_path / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write('{name}')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    with ParseWorkers(1) as pool:
        records = [r for rs in pool.run(str(tmp_path), [batch], 1 << 20, lambda: False) for r in rs]
    assert sorted(r.path for r in records) == ["m0.py", "m1.py"]
    assert not marker.exists()
