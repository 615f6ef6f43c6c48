"""Fuzzy search over workspace paths, for completing `@file` mentions."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from pathlib import PurePosixPath

from treewright.index.symbols import is_subsequence

# Match quality tiers, best first.
_NAME_EXACT, _NAME_PREFIX, _NAME_SUBSTRING, _PATH_SUBSTRING, _SUBSEQUENCE = range(5)


def search_paths(paths: Iterable[str], query: str, limit: int) -> tuple[list[str], int]:
    """(best `limit` matches, how many matched) for `query` among POSIX relative paths.

    The file name counts before the folders: `@models` should find `app/models.py`
    before `models/admin/forms.py`. An empty query lists paths in order, shortest first.
    """
    q = query.strip().lower()
    ranked = []
    for path in paths:
        tier = _tier(path.lower(), q)
        if tier is not None:
            ranked.append((tier, len(path), path))
    best = heapq.nsmallest(limit, ranked)
    return [path for _, _, path in best], len(ranked)


def _tier(path: str, q: str) -> int | None:
    if not q:
        return _NAME_PREFIX
    name = PurePosixPath(path).name
    if name == q or PurePosixPath(name).stem == q:
        return _NAME_EXACT
    if name.startswith(q):
        return _NAME_PREFIX
    if q in name:
        return _NAME_SUBSTRING
    if q in path:
        return _PATH_SUBSTRING
    return _SUBSEQUENCE if is_subsequence(q, path) else None
