"""The record of one analysed file, as the cache stores it and parse workers send it.

A plain NamedTuple in a module of its own: parse workers import it, and each module a
worker imports costs its memory in every worker (sqlite3 and dataclasses, about 2 MB).
"""

from __future__ import annotations

from typing import NamedTuple


class StoredFile(NamedTuple):
    path: str
    hash: str
    size: int
    mtime_ns: int
    language: str | None
    status: str
    definitions: bytes | None  # marshalled blobs: see index/analyze.py
    ref_counts: bytes | None
    refs: bytes | None
    errors: bytes | None
