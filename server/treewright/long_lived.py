"""Building what lives as long as the server, without the cyclic collector in the way.

An index (hundreds of thousands of small tuples) or a large library being imported
triggers collection after collection while it grows, and each full pass walks everything
built so far: 20-90 ms with the request loop stopped, several times over. At the end of
either block below, what was built is frozen, so later full passes skip it.

- `building_long_lived()`: no collection at all. For the index, whose objects are all
  kept, and for the imports a turn needs (the model SDK), which run in a thread while
  the user types: 278 young passes held the loop during the SDK's, and pausing them kept
  34k garbage objects but no more memory (98 MB resident either way).
- `importing_long_lived()`: no full passes, but young ones still run. For the server's
  own start, before any request is waiting: its imports leave cyclic garbage behind
  (36k objects, 9 MB) that a young pass frees cheaply and freezing would keep for good.

Blocks may overlap in different threads; the collector's settings come back when the last
one ends.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_ALL, _FULL = "all", "full"
_NEVER = 1 << 30  # young passes between full ones: never, in practice

_lock = threading.Lock()
_open = {_ALL: 0, _FULL: 0}
_saved: tuple[bool, tuple[int, int, int]] | None = None  # before the first open block


def building_long_lived() -> contextlib.AbstractContextManager[None]:
    return _paused(_ALL)


def importing_long_lived() -> contextlib.AbstractContextManager[None]:
    return _paused(_FULL)


@contextlib.contextmanager
def _paused(kind: str) -> Iterator[None]:
    with _lock:
        _open[kind] += 1
        _apply()
    try:
        yield
    finally:
        with _lock:
            gc.freeze()
            _open[kind] -= 1
            _apply()


def _apply() -> None:
    """Set the collector for the blocks now open (called with the lock held)."""
    global _saved
    if _saved is None:
        _saved = (gc.isenabled(), gc.get_threshold())
    enabled, (young, middle, full) = _saved
    if _open[_ALL]:
        gc.disable()
        return
    gc.set_threshold(young, middle, _NEVER if _open[_FULL] else full)
    if enabled:
        gc.enable()
    if not _open[_FULL]:
        _saved = None
