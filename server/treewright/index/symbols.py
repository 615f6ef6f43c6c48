"""Definitions by name across the workspace, with fuzzy search for `workspace/symbol`."""

from __future__ import annotations

import bisect
import heapq
import re
from collections import defaultdict

from treewright.index.tags import Definition

# Match quality tiers, best first.
_EXACT, _EXACT_NOCASE, _PREFIX, _WORD_START, _SUBSTRING, _SUBSEQUENCE = range(6)
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_+")


class SymbolTable:
    def __init__(self) -> None:
        self._by_name: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        self._names_text: str | None = None  # "\n"-joined lowercase names, built on demand
        self._names: list[str] = []
        self._offsets: list[int] = []

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_name.values())

    def replace_file(self, rel: str, old: list[Definition], new: list[Definition]) -> None:
        for d in old:
            entries = self._by_name.get(d.name)
            if entries is None:
                continue
            entries[:] = [e for e in entries if e[0] != rel]
            if not entries:
                del self._by_name[d.name]
                self._names_text = None
        for d in new:
            if d.name not in self._by_name:
                self._names_text = None
            self._by_name[d.name].append((rel, d))

    def named(self, name: str) -> list[tuple[str, Definition]]:
        return list(self._by_name.get(name, ()))

    def _ensure_names(self) -> None:
        if self._names_text is not None:
            return
        self._names = sorted(self._by_name)
        self._offsets = []
        pos = 0
        for n in self._names:
            self._offsets.append(pos)
            pos += len(n) + 1
        self._names_text = "\n".join(n.lower() for n in self._names)

    def search(self, query: str, limit: int = 100) -> list[tuple[str, Definition]]:
        """Definitions whose name fuzzily matches `query`, best matches first."""
        query = query.strip()
        if not query:
            return []
        self._ensure_names()
        q = query.lower()
        # One regex pass over all names joined by newlines finds every subsequence match.
        pattern = re.compile(
            "^[^\n]*?" + "[^\n]*?".join(re.escape(c) for c in q), re.MULTILINE
        )
        names, offsets = self._names, self._offsets
        candidates = (
            names[bisect.bisect_right(offsets, m.start()) - 1]
            for m in pattern.finditer(self._names_text or "")
        )
        best = heapq.nsmallest(
            limit, ((_tier(name, query, q), len(name), name) for name in candidates)
        )
        results: list[tuple[str, Definition]] = []
        for _, _, name in best:
            for entry in sorted(self._by_name[name], key=lambda e: (e[0], e[1].start_byte)):
                results.append(entry)
                if len(results) >= limit:
                    return results
        return results


def _tier(name: str, query: str, q: str) -> int:
    if name == query:
        return _EXACT
    lower = name.lower()
    if lower == q:
        return _EXACT_NOCASE
    if lower.startswith(q):
        return _PREFIX
    substring = q in lower
    if len(q) > 1 and q[0] == lower[0] and not substring:
        initials = "".join(w[:1] for w in _WORD_BREAK.split(name) if w).lower()
        if initials.startswith(q):
            return _WORD_START
    return _SUBSTRING if substring else _SUBSEQUENCE
