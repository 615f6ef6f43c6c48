"""Real faults for the SQLite files: a process killed while it writes, a full disk, a
read-only folder. Helpers shared by the server-fault tests."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


MODULE = """from pkg{next_folder}.mod{next} import helper_{next}


class Model{i}:
    def save(self):
        return helper_{next}(self)


def helper_{i}(value):
    return Model{i}().save() if value else None
"""


def generate(root: Path, count: int) -> None:
    """`count` small Python modules, each defining Model<i> and helper_<i> and calling the
    next module's helper."""
    for i in range(count):
        path = root / module_of(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        nxt = (i + 1) % count
        path.write_text(MODULE.format(i=i, next=nxt, next_folder=nxt % 50))


def module_of(i: int) -> str:
    return f"pkg{i % 50}/mod{i}.py"


# ---- the write-ahead log, read the way SQLite reads it on recovery ----------------------

def wal_frames(wal: Path) -> tuple[int, int]:
    """(frames up to the last commit, valid frames after it) in a -wal file. Frames after
    the last commit belong to a transaction that was being written when the process died:
    recovery must drop them."""
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return 0, 0
    if len(data) < 32:
        return 0, 0
    magic, _, page_size, _, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:32])
    if magic not in (0x377F0682, 0x377F0683):
        return 0, 0
    order = ">" if magic & 1 else "<"
    s0, s1 = _checksum(data[:24], order, 0, 0)
    if (s0, s1) != (c1, c2):
        return 0, 0
    committed = uncommitted = 0
    offset = 32
    while offset + 24 + page_size <= len(data):
        _, commit_size, f1, f2, k1, k2 = struct.unpack(">6I", data[offset : offset + 24])
        if (f1, f2) != (salt1, salt2):
            break
        s0, s1 = _checksum(data[offset : offset + 8], order, s0, s1)
        s0, s1 = _checksum(data[offset + 24 : offset + 24 + page_size], order, s0, s1)
        if (s0, s1) != (k1, k2):
            break
        uncommitted += 1
        if commit_size:
            committed += uncommitted
            uncommitted = 0
        offset += 24 + page_size
    return committed, uncommitted


def unfinished_quick(wal: Path) -> bool:
    """Whether the log ends in frames of an uncommitted transaction, from frame headers
    only (no checksums: cheap enough to ask while a writer is stopped)."""
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return False
    if len(data) < 32:
        return False
    page_size, _, salt1, salt2 = struct.unpack_from(">4I", data, 8)
    offset, last_commit = 32, None
    while offset + 24 + page_size <= len(data):
        _, commit_size, f1, f2 = struct.unpack_from(">4I", data, offset)
        if (f1, f2) != (salt1, salt2):
            break
        last_commit = commit_size
        offset += 24 + page_size
    return last_commit == 0


def _checksum(data: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def count_rows(db: Path, table: str) -> int:
    """Rows committed in `db`, read without writing to it."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# ---- processes ----------------------------------------------------------------------

def spawn(args: list[str], **kwargs) -> subprocess.Popen:
    """A Python process in its own process group, so a kill takes its workers too."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    return subprocess.Popen([PYTHON, *args], env=env, start_new_session=True, **kwargs)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and its workers, as a crash or the OOM killer would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_for(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    """Poll a real condition (a file growing, a line printed): there is no event to wait on
    for another process's file writes."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not met in {timeout} s")
        time.sleep(0.002)


# ---- file systems -------------------------------------------------------------------

@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at `where`, unmounted afterwards whatever happens."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'mount failed'}): "
                    "a real full or read-only disk needs one")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount(where: Path, mode: str) -> None:
    """Remount `where` read-only ("ro") or writable ("rw"): root ignores permission bits,
    not a read-only mount."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True)


def fill(folder: Path) -> int:
    """Write a file in `folder` until the file system refuses: the disk is now full.
    Returns the bytes written."""
    written = 0
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        chunk = b"\0" * 65536
        while True:
            try:
                written += os.write(fd, chunk)
            except OSError as e:
                if e.errno != 28:  # ENOSPC
                    raise
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    finally:
        os.close(fd)
    return written
