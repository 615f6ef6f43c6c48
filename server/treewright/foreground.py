"""Background threads step aside while the editor's message is being answered.

Python runs one thread at a time, and a thread waiting for the interpreter gets it only
after the running one has had its slice. A repo map being ranked, or the model SDK being
imported in a thread at the start of the first turn, so stretched an outline that needs
5 ms of the interpreter to over 100 ms. Background loops call `step_aside()` between units
of work: while a message is being answered, the first call of each thread waits for the
answer to be sent, at most `_LONGEST_PAUSE`. Later calls during the same message return
at once, so a thread that holds a lock the answer needs delays it that long, no more, and
background work slows under a burst of requests but never stops.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

_LONGEST_PAUSE = 0.05  # seconds

_free = threading.Event()
_free.set()
_answering_thread: int | None = None
_message = 0  # counts the messages answered
_stepped_aside = threading.local()  # .message: the one this thread last stepped aside for


@contextlib.contextmanager
def answering() -> Iterator[None]:
    """Around the handling of one message, on the thread that handles messages."""
    global _answering_thread, _message
    _answering_thread = threading.get_ident()
    _message += 1
    _free.clear()
    try:
        yield
    finally:
        _free.set()


def step_aside() -> None:
    """Between two units of background work: wait while a message is being answered."""
    if _free.is_set() or threading.get_ident() == _answering_thread:
        return
    if getattr(_stepped_aside, "message", None) == _message:
        return
    _stepped_aside.message = _message
    _free.wait(_LONGEST_PAUSE)


class _StepAsideOnImport:
    """A meta path entry that finds nothing: it only steps aside before each module."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        step_aside()
        return None


@contextlib.contextmanager
def imports_step_aside() -> Iterator[None]:
    """While the block runs, every import (in any thread but the answering one) first steps
    aside: a large library imported in the background yields between its modules."""
    finder = _StepAsideOnImport()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
