"""The workspace index: what it parses, what it reuses from its cache, and how it recovers."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from treewright.index import analyze
from treewright.index.walk import WalkedFile
from treewright.index.workspace import _BATCH, _BATCH_BYTES, WorkspaceIndex, _batches

PY = "class Shelf:\n    def put(self, item):\n        return stack(item)\n\n\ndef stack(x):\n    return [x]\n"


def _make(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)


def _build(root: Path, **kwargs):
    index = WorkspaceIndex(root, **kwargs)
    stats = index.build()
    return index, stats


def test_second_start_parses_nothing_unchanged(demo):
    first, stats = _build(demo)
    assert stats.parsed == stats.files > 10
    symbols = len(first.symbols)
    first.close()
    second, again = _build(demo)
    assert again.parsed == 0
    assert len(second.symbols) == symbols
    assert second.definitions_named("Warehouse")[0][0] == "inventory/models.py"
    second.close()


def test_restart_reparses_only_changed_files(demo):
    index, _ = _build(demo)
    index.close()
    (demo / "inventory/pricing.py").write_text(PY)
    touched = demo / "inventory/models.py"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    index, stats = _build(demo)
    assert stats.parsed == 1  # the touched-but-identical file is recognised by its hash
    assert index.files["inventory/models.py"].mtime_ns == touched.stat().st_mtime_ns  # not hashed again
    assert [rel for rel, _ in index.definitions_named("stack")] == ["inventory/pricing.py"]
    assert index.definitions_named("order_total") == []
    index.close()


def test_corrupt_cache_is_rebuilt(demo):
    index, _ = _build(demo)
    index.close()
    db = demo / ".treewright" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    index, stats = _build(demo)
    assert stats.parsed == stats.files
    assert index.definitions_named("Warehouse")
    index.close()
    assert (demo / ".treewright" / ".gitignore").read_text() == "*\n"


def test_old_schema_cache_is_rebuilt(demo):
    index, _ = _build(demo)
    index.close()
    db = sqlite3.connect(demo / ".treewright" / "index.sqlite")
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    db.commit()
    db.close()
    index, stats = _build(demo)
    assert stats.parsed == stats.files
    index.close()


def test_unwritable_cache_folder_indexes_in_memory(tmp_path):
    _make(tmp_path, {"a.py": PY})
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    index = WorkspaceIndex(tmp_path, cache_dir=blocker / "cache")
    assert index.cache.problem and "in memory" in index.cache.problem
    index.build()
    assert index.definitions_named("stack")
    index.close()


def test_binary_oversized_and_unsupported_files(tmp_path):
    _make(
        tmp_path,
        {
            "ok.py": PY,
            "blob.py": b"\x00\x01\x02binary" * 10,
            "huge.py": "x = 1\n" * 400,
            "notes.txt": "just words",
            "latin1.py": "def caf\xe9():\n    pass\n".encode("latin-1") + b"\ndef plain():\n    pass\n",
        },
    )
    index, stats = _build(tmp_path, max_file_bytes=1000)
    status = {rel: f.status for rel, f in index.files.items()}
    assert status == {
        "ok.py": analyze.PARSED,
        "blob.py": analyze.BINARY,
        "huge.py": analyze.TOO_LARGE,
        "notes.txt": analyze.UNSUPPORTED,
        "latin1.py": analyze.PARSED,
    }
    assert stats.files == 5
    assert index.definitions_named("plain")  # a file that is not UTF-8 still yields its symbols
    index.close()


def test_file_deleted_between_walk_and_parse(tmp_path):
    _make(tmp_path, {"a.py": PY})
    stored = analyze.analyze_file(str(tmp_path), "gone.py", 10, 0, 1 << 20)
    assert stored.status == analyze.UNREADABLE
    index, _ = _build(tmp_path)
    (tmp_path / "a.py").unlink()
    index.refresh_file("a.py")
    assert "a.py" not in index.files and index.definitions_named("stack") == []
    index.close()


def test_empty_workspace(tmp_path):
    index, stats = _build(tmp_path)
    assert (stats.files, stats.symbols) == (0, 0)
    assert index.search_symbols("anything") == []
    index.close()


def test_parallel_build_matches_single_process(tmp_path):
    for i in range(80):
        _make(tmp_path, {f"pkg{i % 7}/mod{i}.py": PY.replace("Shelf", f"Shelf{i}")})
    one = WorkspaceIndex(tmp_path, cache_dir=tmp_path / ".c1")
    one.build(workers=1)
    two = WorkspaceIndex(tmp_path, cache_dir=tmp_path / ".c2")
    two.build(workers=2)
    assert {k: v.definitions for k, v in one.files.items()} == {
        k: v.definitions for k, v in two.files.items()
    }
    assert len(two.symbols) == 80 * 3
    one.close()
    two.close()


def test_references_from_cache_and_open_document(tmp_path):
    from treewright.index.document import Document

    _make(tmp_path, {"a.py": PY, "b.py": "from a import stack\nstack(1)\nstack(2)\n"})
    index, _ = _build(tmp_path)
    refs = index.references_to("stack")
    assert sorted((rel, r.row) for rel, r in refs) == [("a.py", 2), ("b.py", 0), ("b.py", 1), ("b.py", 2)]
    index.open_document("b.py", Document("python", b"stack(3)\n"))
    refs = index.references_to("stack")
    assert sorted((rel, r.row) for rel, r in refs) == [("a.py", 2), ("b.py", 0)]
    index.close()


def test_progress_is_reported_to_the_total(tmp_path):
    for i in range(60):
        _make(tmp_path, {f"m{i}.py": PY})
    seen: list[tuple[int, int]] = []
    index = WorkspaceIndex(tmp_path)
    index.build(progress=lambda done, total: seen.append((done, total)), workers=2)
    assert seen[0] == (0, 60) and seen[-1] == (60, 60)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    index.close()


def test_worker_tasks_take_the_largest_files_first_and_stay_small():
    sizes = [900_000, 10, 300_000, 5_000] + [1_000] * 100 + [200_000, 60_000]
    files = [WalkedFile(f"f{i}.ts", size, 0) for i, size in enumerate(sizes)]
    batches = _batches(files)
    flat = [rel for batch in batches for rel, _, _ in batch]
    assert sorted(flat) == sorted(w.rel for w in files)  # each file exactly once
    assert [b[0][1] for b in batches[:3]] == [900_000, 300_000, 200_000]  # alone, first
    for batch in batches:
        assert len(batch) == 1 or (len(batch) <= _BATCH and sum(s for _, s, _ in batch) <= _BATCH_BYTES)
