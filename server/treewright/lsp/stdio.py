"""Reading the editor's messages from stdin on the event loop itself.

pygls reads stdin line by line through a thread pool: each header line and each body goes
to a pool thread and its result comes back to the loop. While an index build or an agent
turn keeps other threads busy, every one of those hops waits for the interpreter, and the
hops add up per message. In a two-turn harness beside a typing client, keystroke →
symbols p99 went 72-108 -> 52-61 ms with the loop reading the pipe directly (3 A/B pairs).
Idle, the two are alike.
"""

from __future__ import annotations

import asyncio
from typing import BinaryIO

from pygls.io_ import StdinAsyncReader

_LONGEST_HEADER_LINE = 1 << 16


class PipeReader:
    """pygls's reader interface (readline, readexactly) over an asyncio pipe. Stdin that
    is not a pipe, socket or terminal (a regular file) falls back to pygls's reader."""

    def __init__(self, stdin: BinaryIO, fallback: StdinAsyncReader):
        self._stdin = stdin
        self._fallback = fallback
        self._source: asyncio.StreamReader | StdinAsyncReader | None = None  # chosen on first read

    async def _reader(self) -> asyncio.StreamReader | StdinAsyncReader:
        if self._source is None:
            stream = asyncio.StreamReader(limit=_LONGEST_HEADER_LINE)
            try:
                await asyncio.get_running_loop().connect_read_pipe(
                    lambda: asyncio.StreamReaderProtocol(stream), self._stdin)
                self._source = stream
            except (ValueError, OSError, NotImplementedError):
                self._source = self._fallback
        return self._source

    async def readline(self) -> bytes:
        return await (await self._reader()).readline()

    async def readexactly(self, n: int) -> bytes:
        try:
            return await (await self._reader()).readexactly(n)
        except asyncio.IncompleteReadError:  # the editor went away mid-message
            return b""
