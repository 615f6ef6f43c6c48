"""Definitions by name across the workspace, with fuzzy search for `workspace/symbol`."""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Iterable, Iterator

from treewright.index.tags import Definition

# Match quality tiers, best first.
_EXACT, _EXACT_NOCASE, _PREFIX, _WORD_START, _SUBSTRING, _SUBSEQUENCE = range(6)
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_+")
# Changed names worth a new snapshot: this many, or a third of the snapshot. While an index
# grows, every snapshot costs all the names so far (185 ms for django's 28,500, holding the
# interpreter), and a tenth made django's build take 20 of them; a third takes about 8, and
# a search checks at most a quarter of the names one by one (about 4 ms).
_MIN_REBUILD = 1000
_REBUILD_SHARE = 3


class _Names:
    """Names as one lowercase text, a line each, for regex scans that map back to names."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.text = "\n".join(n.lower() for n in names)
        # Where each name starts: a lowercase name is not always as long as the name.
        self.starts = list(itertools.accumulate((len(n.lower()) + 1 for n in names[:-1]), initial=0))

    def at(self, offset: int) -> str:
        return self.names[bisect.bisect_right(self.starts, offset) - 1]


class NameIndex:
    """A snapshot of the distinct names, indexed for the fast tiers of the search."""

    def __init__(self, names) -> None:
        self.names = sorted(names, key=lambda n: (n.lower(), n))
        self.members = set(self.names)
        self.lowered = [n.lower() for n in self.names]
        self.all = _Names(self.names)  # for substring scans
        # The names again, grouped by length, shortest first, for the subsequence scan: it
        # wants only the shortest matches.
        by_length: dict[int, list[str]] = {}
        for n in self.names:
            by_length.setdefault(len(n), []).append(n)
        self.lengths = [(length, _Names(group)) for length, group in sorted(by_length.items())]
        # (lowercase initials of the word parts, name index), for names of several parts.
        self.initials = sorted(
            ("".join(w[:1] for w in _WORD_BREAK.split(n) if w).lower(), i)
            for i, n in enumerate(self.names)
            if "_" in n or not n.islower()
        )

    def prefix_matches(self, q: str) -> list[str]:
        """Names starting with `q` (exact matches included): one range of the sorted names."""
        lowered = self.lowered
        i = j = bisect.bisect_left(lowered, q)
        while j < len(lowered) and lowered[j].startswith(q):
            j += 1
        return self.names[i:j]

    def initials_matches(self, q: str) -> set[str]:
        """Names whose word initials start with `q` (and whose first letter is q's)."""
        found: set[str] = set()
        if len(q) > 1:
            j = bisect.bisect_left(self.initials, (q, -1))
            while j < len(self.initials) and self.initials[j][0].startswith(q):
                index = self.initials[j][1]
                if self.lowered[index][0] == q[0]:
                    found.add(self.names[index])
                j += 1
        return found

    def substring_matches(self, q: str) -> set[str]:
        found: set[str] = set()
        text = self.all.text
        at = text.find(q)
        while at >= 0:
            found.add(self.all.at(at))
            at = text.find(q, at + 1)
        return found

    def subsequence_matches(self, q: str) -> Iterator[tuple[int, list[str]]]:
        """Names holding the letters of `q` in order, as (length, names) per name length,
        shortest first: the caller stops once it has enough."""
        # Each gap is a negated class up to the next letter, so the scan never backtracks.
        pattern = re.compile(
            re.escape(q[0]) + "".join(f"[^\n{re.escape(c)}]*{re.escape(c)}" for c in q[1:])
        )
        for length, group in self.lengths:
            yield length, list({group.at(m.start()) for m in pattern.finditer(group.text)})


class SymbolTable:
    def __init__(self) -> None:
        # name → file → its definitions of that name: replacing a file's definitions costs
        # the file's size, not the number of files defining the same (often common) names.
        self._by_name: dict[str, dict[str, list[Definition]]] = {}
        # Search runs on a snapshot of the names plus what changed since: typing in a
        # definition's name changes one name, and must not cost a re-sort of all of them.
        self._snapshot: NameIndex | None = None
        self._added: set[str] = set()  # names not in the snapshot
        self._removed: set[str] = set()  # snapshot names that are gone
        # Kept as changes come, not counted on demand: the index status counts symbols on
        # the request loop while the build thread is still adding them.
        self._count = 0
        self._searched = False  # whether anyone has searched yet: until then, no snapshots

    def __len__(self) -> int:
        return self._count

    def replace_file(self, rel: str, old: list[Definition], new: list[Definition]) -> None:
        for name in {d.name for d in old}:
            files = self._by_name.get(name)
            gone = files.pop(rel, None) if files is not None else None
            if gone is None:
                continue
            self._count -= len(gone)
            if not files:
                del self._by_name[name]
                self._name_gone(name)
        self._count += len(new)
        for d in new:
            files = self._by_name.get(d.name)
            if files is None:
                files = self._by_name[d.name] = {}
                self._name_came(d.name)
            files.setdefault(rel, []).append(d)

    def _name_came(self, name: str) -> None:
        if self._snapshot is not None and name in self._snapshot.members:
            self._removed.discard(name)
        else:
            self._added.add(name)

    def _name_gone(self, name: str) -> None:
        if self._snapshot is not None and name in self._snapshot.members:
            self._removed.add(name)
        else:
            self._added.discard(name)

    def named(self, name: str) -> list[tuple[str, Definition]]:
        return self._entries(name)

    def _definitions_named(self, name: str) -> int:
        return sum(len(defs) for defs in self._by_name[name].values())

    def _entries(self, name: str) -> list[tuple[str, Definition]]:
        return [(rel, d) for rel, defs in self._by_name.get(name, {}).items() for d in defs]

    def definers(self, names: Iterable[str]) -> dict[str, list[str]]:
        """For each of `names` defined anywhere: the files defining it, in path order."""
        found = {}
        for name in names:
            files = self._by_name.get(name)
            if files:
                found[name] = sorted(files)
        return found

    def names(self) -> list[str]:
        return list(self._by_name)

    def install(self, snapshot: NameIndex) -> None:
        """Search on `snapshot`, built (off the index lock) from an earlier `names()`; names
        that changed in between count as changed since."""
        current = self._by_name.keys()
        self._added = set(current - snapshot.members)
        self._removed = snapshot.members - current
        self._snapshot = snapshot

    def wants_snapshot(self) -> bool:
        """Whether searches run on a snapshot that the changes since have outgrown, so
        that building a new one (off the request loop: WorkspaceIndex.prepare_search)
        would make them quicker."""
        size = len(self._snapshot.names) if self._snapshot is not None else 0
        return self._searched and self._changed() > max(_MIN_REBUILD, size // _REBUILD_SHARE)

    def _changed(self) -> int:
        return len(self._added) + len(self._removed)

    def _current_snapshot(self) -> NameIndex:
        # Built here, on the searching thread, only when there is none or the changes are
        # as many as the snapshot's names: while the index grows, its build thread makes
        # new snapshots well before that (wants_snapshot).
        if self._snapshot is None or self._changed() > max(_MIN_REBUILD, len(self._snapshot.names)):
            self._snapshot = NameIndex(self._by_name)
            self._added.clear()
            self._removed.clear()
        return self._snapshot

    def search(self, query: str, limit: int = 100) -> list[tuple[str, Definition]]:
        """Definitions whose name fuzzily matches `query`, best matches first.

        The tiers come from lookups on the snapshot, best first (bisect for prefixes and
        initials, a C-level scan for substrings, a regex for subsequences), plus a check of
        each name changed since. A tier is looked up only when the better ones hold fewer
        than `limit` definitions: no name it could add would make the cut.
        """
        query = query.strip()
        if not query or "\n" in query:  # no name holds a line break
            return []
        self._searched = True
        snapshot = self._current_snapshot()
        q = query.lower()
        # Names changed since the snapshot, checked one by one.
        tiers = {n: _tier(n, query, q) for n in self._added if is_subsequence(q, n.lower())}
        removed = self._removed
        # A short query fills the prefix tier alone and never pays for the scans.
        stages = (
            (_PREFIX, snapshot.prefix_matches),
            (_WORD_START, snapshot.initials_matches),
            (_SUBSTRING, snapshot.substring_matches),
        )
        held = 0  # definitions of the names in the tiers so far
        below = -1  # the tiers so far: those up to this one
        for bound, lookup in stages:
            for n in lookup(q):
                if n not in tiers and n not in removed:
                    tiers[n] = _tier(n, query, q)
            for n, tier in tiers.items():
                if below < tier <= bound:
                    held += self._definitions_named(n)
            below = bound
            if held >= limit:
                break
        else:
            # Subsequence matches rank by length: scanned shortest names first, they stop
            # once the names up to the length scanned hold the limit.
            bound = _SUBSEQUENCE
            # Names changed since the snapshot that match only as subsequences, by length.
            added = sorted((len(n), n) for n, tier in tiers.items() if tier == _SUBSEQUENCE)
            for length, group in snapshot.subsequence_matches(q):
                while added and added[0][0] <= length:
                    held += self._definitions_named(added.pop(0)[1])
                for n in group:
                    if n not in tiers and n not in removed:
                        tiers[n] = _tier(n, query, q)
                        held += self._definitions_named(n)
                if held >= limit:
                    break
        ranked = ((tier, len(n), n) for n, tier in tiers.items() if tier <= bound)
        best = heapq.nsmallest(limit, ranked)
        results: list[tuple[str, Definition]] = []
        for _, _, name in best:
            for entry in sorted(self._entries(name), key=lambda e: (e[0], e[1].start_byte)):
                results.append(entry)
                if len(results) >= limit:
                    return results
        return results


def is_subsequence(q: str, text: str) -> bool:
    """Whether the letters of `q` occur in `text` in order."""
    at = 0
    for c in q:
        at = text.find(c, at) + 1
        if at == 0:
            return False
    return True


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
