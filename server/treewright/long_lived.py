"""Building what lives as long as the server, without the cyclic collector in the way.

An index (hundreds of thousands of small tuples) or a large library being imported
triggers collection after collection while it grows, and each full pass walks everything
built so far: 20-90 ms with the request loop stopped, several times over. Inside
`building_long_lived()` the collector does not run; at the end of the block what was
built is frozen, so later full passes skip it. Blocks may overlap in different threads:
the collector comes back when the last one ends.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_open = 0
_was_enabled = False


@contextlib.contextmanager
def building_long_lived() -> Iterator[None]:
    global _open, _was_enabled
    with _lock:
        if _open == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            gc.freeze()
            _open -= 1
            if _open == 0 and _was_enabled:
                gc.enable()
