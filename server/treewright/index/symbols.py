"""Definitions by name across the workspace, with fuzzy search for `workspace/symbol`."""

from __future__ import annotations

import bisect
import heapq
import re

from treewright.index.tags import Definition

# Match quality tiers, best first.
_EXACT, _EXACT_NOCASE, _PREFIX, _WORD_START, _SUBSTRING, _SUBSEQUENCE = range(6)
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_+")


class SymbolTable:
    def __init__(self) -> None:
        # name → file → its definitions of that name: replacing a file's definitions costs
        # the file's size, not the number of files defining the same (often common) names.
        self._by_name: dict[str, dict[str, list[Definition]]] = {}
        self._names: list[str] | None = None  # sorted by lowercase; None when stale
        self._lowered: list[str] = []  # the same names, lowercased
        self._names_text = ""  # `_lowered` joined by newlines, for substring scans
        self._offsets: list[int] = []  # where each name starts in `_names_text`
        self._initials: list[tuple[str, int]] = []  # (lowercase word initials, name index)

    def __len__(self) -> int:
        return sum(len(defs) for files in self._by_name.values() for defs in files.values())

    def replace_file(self, rel: str, old: list[Definition], new: list[Definition]) -> None:
        for name in {d.name for d in old}:
            files = self._by_name.get(name)
            if files is not None and files.pop(rel, None) is not None and not files:
                del self._by_name[name]
                self._names = None
        for d in new:
            files = self._by_name.get(d.name)
            if files is None:
                files = self._by_name[d.name] = {}
                self._names = None
            files.setdefault(rel, []).append(d)

    def named(self, name: str) -> list[tuple[str, Definition]]:
        return self._entries(name)

    def _entries(self, name: str) -> list[tuple[str, Definition]]:
        return [(rel, d) for rel, defs in self._by_name.get(name, {}).items() for d in defs]

    def _ensure_names(self) -> list[str]:
        if self._names is not None:
            return self._names
        names = sorted(self._by_name, key=lambda n: (n.lower(), n))
        self._lowered = [n.lower() for n in names]
        self._offsets = []
        pos = 0
        for n in self._lowered:
            self._offsets.append(pos)
            pos += len(n) + 1
        self._names_text = "\n".join(self._lowered)
        self._initials = sorted(
            ("".join(w[:1] for w in _WORD_BREAK.split(n) if w).lower(), i) for i, n in enumerate(names)
        )
        self._names = names
        return names

    def search(self, query: str, limit: int = 100) -> list[tuple[str, Definition]]:
        """Definitions whose name fuzzily matches `query`, best matches first.

        The tiers are found best first, each with an indexed lookup (bisect for prefixes
        and initials, a C-level scan for substrings); the slow subsequence scan runs only
        when the better tiers hold fewer than `limit` definitions.
        """
        query = query.strip()
        if not query or "\n" in query:  # no name holds a line break
            return []
        names = self._ensure_names()
        q = query.lower()
        found: set[int] = set()
        lowered = self._lowered
        i = bisect.bisect_left(lowered, q)
        while i < len(lowered) and lowered[i].startswith(q):
            found.add(i)
            i += 1
        if len(q) > 1:
            initials = self._initials
            j = bisect.bisect_left(initials, (q, -1))
            while j < len(initials) and initials[j][0].startswith(q):
                if lowered[initials[j][1]][0] == q[0]:
                    found.add(initials[j][1])
                j += 1
        text, offsets = self._names_text, self._offsets
        at = text.find(q)
        while at >= 0:
            found.add(bisect.bisect_right(offsets, at) - 1)
            at = text.find(q, at + 1)
        if sum(len(defs) for i in found for defs in self._by_name[names[i]].values()) < limit:
            # One regex pass over all names finds every subsequence match; each gap is a
            # negated class up to the next letter, so the scan never backtracks.
            pattern = re.compile(
                re.escape(q[0]) + "".join(f"[^\n{re.escape(c)}]*{re.escape(c)}" for c in q[1:])
            )
            found.update(bisect.bisect_right(offsets, m.start()) - 1 for m in pattern.finditer(text))
        best = heapq.nsmallest(
            limit, ((_tier(names[i], query, q), len(names[i]), names[i]) for i in found)
        )
        results: list[tuple[str, Definition]] = []
        for _, _, name in best:
            for entry in sorted(self._entries(name), key=lambda e: (e[0], e[1].start_byte)):
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
