"""What a turn tells its caller while it runs (PROTOCOL.md's `treewright/chatEvent`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TEXT = "text"  # {delta}
TOOL = "tool"  # {name, summary, status: start|ok|error|denied}
PROPOSAL = "proposal"  # {proposalId, files, hunks}
USAGE = "usage"  # {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd}
ERROR = "error"  # {message, retryable}
DONE = "done"  # {stopReason}


@dataclass(frozen=True)
class Event:
    session_id: str
    turn_id: str
    seq: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"sessionId": self.session_id, "turnId": self.turn_id, "seq": self.seq,
                "type": self.type, **self.data}


Listener = Callable[[Event], None]


class Emitter:
    """Numbers a turn's events from 1, one by one, so a listener can detect a gap."""

    def __init__(self, session_id: str, turn_id: str, listener: Listener):
        self.session_id = session_id
        self.turn_id = turn_id
        self.listener = listener
        self.seq = 0

    def __call__(self, type_: str, **data: Any) -> None:
        self.seq += 1
        self.listener(Event(self.session_id, self.turn_id, self.seq, type_, data))
