"""Parse batches of files in child interpreters, fed over pipes.

Each worker is a Python interpreter running `serve`, started with subprocess: it reads a
batch request from stdin and writes the batch's records to stdout, both as length-prefixed
marshal frames. Not multiprocessing: forking this threaded process is unsafe, and its safe
start methods add a fork server and a resource tracker, two more processes that outlive
the build and cost about 19 MB of the cold index's peak memory.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import selectors
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from treewright.index.records import StoredFile

Batch = list[tuple[str, int, int]]  # (relative path, size, mtime_ns)

_LENGTH = struct.Struct("<I")


def _write_frame(stream: BinaryIO, value) -> None:
    payload = marshal.dumps(value)
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _read_frame(stream: BinaryIO):
    """The next frame's value, or None at end of stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return marshal.loads(payload)


def _exited(proc: subprocess.Popen) -> RuntimeError:
    return RuntimeError(f"a parse worker exited unexpectedly (exit code {proc.wait()})")


def _send(proc: subprocess.Popen, request) -> None:
    try:
        _write_frame(proc.stdin, request)
    except BrokenPipeError:
        raise _exited(proc) from None


# Niced before anything is imported: the server answering the editor keeps priority over
# the workers' start-up and parsing when they share the cores (a server's first answers
# come while its workers start).
_WORKER = "import os; os.nice(10); from treewright.index.parse_workers import serve; serve()"


class ParseWorkers:
    """`count` worker processes for one build; a context manager that ends them all."""

    def __init__(self, count: int):
        # The children import treewright from wherever this process did, installed or not.
        env = dict(os.environ)
        source = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
        # `python -c` would put the working directory (often the workspace) first on the
        # import path: a workspace's own struct.py would run in the worker.
        env["PYTHONSAFEPATH"] = "1"
        self._procs = [
            subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            for _ in range(count)
        ]

    def __enter__(self) -> ParseWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        # A worker holds nothing worth finishing: a cancelled build drops its batch.
        for proc in self._procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            # A request still buffered for a dead worker cannot be flushed; it is dropped.
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()

    def run(
        self, root: str, batches: list[Batch], max_bytes: int, cancelled: Callable[[], bool]
    ) -> Iterator[list[StoredFile]]:
        """Each batch's records, in the order the batches finish; each worker takes the
        next batch in list order as soon as it is free."""
        waiting = list(reversed(batches))
        with selectors.DefaultSelector() as selector:
            for proc in self._procs:
                if waiting:
                    _send(proc, (root, waiting.pop(), max_bytes))
                    selector.register(proc.stdout, selectors.EVENT_READ, proc)
            while selector.get_map():
                for key, _ in selector.select():
                    proc = key.data
                    # The worker writes its whole answer, then waits for the next request:
                    # a blocking read of one frame cannot stall on a half-sent one for long.
                    records = _read_frame(proc.stdout)
                    if records is None:
                        raise _exited(proc)
                    if cancelled():
                        return
                    if waiting:
                        _send(proc, (root, waiting.pop(), max_bytes))
                    else:
                        selector.unregister(proc.stdout)
                    yield [StoredFile._make(r) for r in records]


def serve() -> None:
    """A worker's loop: requests in on stdin, records out on stdout, until stdin closes."""
    from treewright.index.analyze import analyze_batch

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (request := _read_frame(stdin)) is not None:
        root, batch, max_bytes = request
        records = analyze_batch(root, batch, max_bytes)
        # Records cross the pipe as plain tuples: marshal takes no classes.
        _write_frame(stdout, [tuple(r) for r in records])

