"""Keeps the code that attrs generates while the server's libraries are imported.

lsprotocol defines 569 attrs classes, and attrs writes each one's `__init__`, `__eq__` and
`__repr__` as source text and compiles it, on every import: about a third of the half
second lsprotocol takes, all of it before the server can read its first message. Compiled
code depends only on the source, the file name and the Python version, so it is kept the way
Python keeps a module's bytecode: one marshal file per Python version in the user's cache,
looked up by a hash of what was compiled. A file that is missing, unreadable or from an
older library is rebuilt; nothing else changes.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import marshal
import os
import sys
from _blake2 import blake2b
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


def default_path() -> Path | None:
    """The user's cache, or None when there is no home to find it in."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:
        return None
    return Path(base) / "treewright" / f"generated-code.{sys.implementation.cache_tag}.marshal"


@dataclass
class CacheUse:
    hits: int = 0
    misses: int = 0


@contextlib.contextmanager
def cached_compile(path: Path | None) -> Iterator[CacheUse]:
    """While the block runs (single-threaded: the server's start), `compile` of source text
    answers from `path` when it can. The file is rewritten when most lookups missed: first
    use, or new library versions. A few always miss (attrs puts a per-process hash seed in
    generated `__hash__` methods) and are compiled as before."""
    if path is None:
        yield CacheUse()
        return
    known: dict[bytes, object] = {}
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, dict):
            known = loaded
    used: dict[bytes, object] = {}
    use = CacheUse()
    real = builtins.compile

    def compile_(source, filename, mode, *args, **kwargs):
        if args or kwargs or not isinstance(source, str):
            return real(source, filename, mode, *args, **kwargs)
        key = blake2b(f"{mode}\0{filename}\0{source}".encode(), digest_size=16).digest()
        code = known.get(key)
        if code is None:
            use.misses += 1
            code = real(source, filename, mode)
        else:
            use.hits += 1
        used[key] = code
        return code

    builtins.compile = compile_
    try:
        yield use
    finally:
        builtins.compile = real
    log.debug("generated code: %d from %s, %d compiled", use.hits, path, use.misses)
    if use.misses > use.hits:
        _write(path, marshal.dumps(used))


def _write(path: Path, data: bytes) -> None:
    # Written aside and renamed: a server starting at the same moment reads the old file or
    # the new one, never half of one.
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as e:  # no cache, the next start compiles again
        log.info("could not keep generated code in %s: %s", path, e)
        with contextlib.suppress(OSError):
            temporary.unlink()
