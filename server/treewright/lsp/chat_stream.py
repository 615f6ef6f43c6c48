"""A turn's events on the wire: `treewright/chatEvent` notifications, text deltas merged.

The model streams a few tokens per delta, up to a hundred deltas a second. One
notification each costs the server's loop a serialisation and a write, and the editor a
parse and a render, while the user types. So a text delta that comes within `INTERVAL`
of the last text sent waits, and every delta that arrives meanwhile joins it: the editor
gets at most one text notification per interval, the first one of a burst at once.
Any other event sends the waiting text first, so the order the agent emitted is kept.
`seq` numbers what is sent, so the client still sees 1, 2, 3, … without gaps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from treewright.agent import events

# 25 notifications a second at most: smooth to read, a quarter of a fast stream's deltas.
INTERVAL = 0.04


class ChatEventStream:
    """Called with each event of one turn, on the event loop; `flush` at the turn's end."""

    def __init__(self, send: Callable[[dict[str, Any]], None], loop: asyncio.AbstractEventLoop):
        self._send = send
        self._loop = loop
        self._seq = 0
        self._last_text = float("-inf")
        self._waiting: list[str] = []
        self._waiting_event: events.Event | None = None
        self._timer: asyncio.TimerHandle | None = None

    def __call__(self, event: events.Event) -> None:
        if event.type != events.TEXT:
            self.flush()
            self._emit(event, event.data)
            return
        if self._waiting_event is not None:
            self._waiting.append(event.data["delta"])
            return
        wait = self._last_text + INTERVAL - self._loop.time()
        if wait <= 0:
            self._emit(event, event.data)
            self._last_text = self._loop.time()
            return
        self._waiting_event = event
        self._waiting = [event.data["delta"]]
        self._timer = self._loop.call_later(wait, self.flush)

    def flush(self) -> None:
        """Send the text that is waiting, if any."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        event, self._waiting_event = self._waiting_event, None
        if event is not None:
            self._emit(event, {"delta": "".join(self._waiting)})
            self._waiting = []
            self._last_text = self._loop.time()

    def _emit(self, event: events.Event, data: dict[str, Any]) -> None:
        self._seq += 1
        self._send(replace(event, seq=self._seq, data=data).to_dict())
