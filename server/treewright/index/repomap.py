"""The repo map: the workspace's most important files and definitions, in a token budget.

Files are ranked by PageRank over the graph of which file references names that another
file defines, personalised toward the files and names a request is about. A file's rank
then flows along its edges to the definitions it references, and the best definitions are
rendered as an outline (the path, then each definition's first line) cut to the budget.

The graph, as sparse edge lists, depends only on the index and is kept per index
generation; what depends on the request (focus files, mentioned names) enters only through
the personalisation vector and a final boost, and is never cached. networkx's pagerank would
rebuild its matrix from the graph on every call (over half a second on django), so the same
power iteration runs here on the kept edges, with numpy alone (scipy.sparse would add 20 MB
to the server for a product that takes a fifth of a millisecond here).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from treewright.foreground import step_aside
from treewright.index.tags import Definition
from treewright.index.tokens import count_tokens
from treewright.index.workspace import WorkspaceIndex
from treewright.long_lived import building_long_lived

if TYPE_CHECKING:
    import numpy as np

_DAMPING = 0.85
_ITERATIONS = 100
_TOLERANCE = 1e-9
# Personalisation mass for a request's own files and for files defining a mentioned name.
_FOCUS_WEIGHT = 100.0
_MENTION_WEIGHT = 50.0
_MENTION_BOOST = 10.0
# Names defined in more files than this (`setUp`, `__init__`, `get`) say nothing about
# who uses whom; names defined in a few get a reduced weight.
_MAX_DEFINERS = 20
_COMMON_DEFINERS = 5
_MAX_LINE = 160
# Fields and variables are named by what they hold, and those names recur everywhere.
_KIND_WEIGHT = {"field": 0.3, "property": 0.3, "variable": 0.3}
# Languages whose files reference each other's definitions.
_FAMILIES = {"typescript": "js", "tsx": "js", "javascript": "js", "c": "c", "cpp": "c"}
# snake_case, camelCase or PascalCase with at least two words.
_WORDY = re.compile(
    r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+"
)


@dataclass(frozen=True)
class RepoMap:
    text: str
    files: int
    tokens: int


@dataclass
class _Edges:
    """A sparse matrix as weighted edges sorted by row: `times(v)` is the product M @ v."""

    rows: np.ndarray  # the distinct rows that hold an edge, ascending
    starts: np.ndarray  # where each of those rows' edges begin in `cols` / `weights`
    cols: np.ndarray
    weights: np.ndarray
    size: int

    @classmethod
    def build(cls, rows, cols, weights, size: int) -> _Edges:
        import numpy as np

        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        order = np.argsort(rows, kind="stable")
        rows, cols, weights = rows[order], cols[order], np.asarray(weights, dtype=float)[order]
        distinct, starts = np.unique(rows, return_index=True)
        return cls(distinct, starts, cols, weights, size)

    def times(self, vector: np.ndarray) -> np.ndarray:
        import numpy as np

        out = np.zeros(self.size)
        if len(self.cols):
            out[self.rows] = np.add.reduceat(self.weights * vector[self.cols], self.starts)
        return out


@dataclass
class _Graph:
    generation: int
    files: list[str]
    position: dict[str, int]
    transition: _Edges  # column-stochastic: [dst, src] = share of src's weight
    dangling: np.ndarray  # files that reference nothing
    flow: _Edges  # [key, src] = share of src's rank that reaches key's (file, name)
    definitions: dict[str, list[Definition]]
    # Every definition, numbered file by file in path order, and per number the columns the
    # ranking needs, so that scoring and ordering 100k definitions is array work.
    first_def: np.ndarray  # per file position: the number of its first definition
    def_file: np.ndarray  # position of the defining file
    def_start: np.ndarray  # start byte, the last tie-breaker
    def_key: np.ndarray  # row of (file, name) in `flow`, or the number of rows if none
    def_weight: np.ndarray  # by kind: fields and variables count less

    def definition(self, number: int) -> tuple[str, Definition]:
        at = int(self.def_file[number])
        rel = self.files[at]
        return rel, self.definitions[rel][number - int(self.first_def[at])]


class RepoMapper:
    def __init__(self, index: WorkspaceIndex):
        self.index = index
        self._graph: _Graph | None = None
        self._lock = threading.Lock()
        # One map at a time: concurrent turns would otherwise rank in parallel threads that
        # only fight over the GIL (and starve the request loop) without finishing sooner.
        self._one_at_a_time = threading.Lock()
        # The last answer, for the same question on an unchanged index (several chats
        # starting at once ask exactly that).
        self._last: tuple[tuple, RepoMap] | None = None

    def build(self, tokens: int = 1024, focus: Iterable[str] = (), mentions: Iterable[str] = ()) -> RepoMap:
        focus_set = frozenset(f for f in focus if f)
        mention_set = frozenset(m for m in mentions if m)
        with self._one_at_a_time:
            key = (self.index.generation, tokens, focus_set, mention_set)
            if self._last is not None and self._last[0] == key:
                return self._last[1]
            graph = self._base_graph()
            ranked = _rank(graph, focus_set, mention_set, self.index.definers(mention_set))
            result = self._fit(ranked, tokens)
            self._last = (key, result)
            return result

    def _base_graph(self) -> _Graph:
        generation = self.index.generation
        with self._lock:
            if self._graph is None or self._graph.generation != generation:
                self._graph = self._make_graph(generation)
            return self._graph

    def _make_graph(self, generation: int) -> _Graph:
        # numpy loads on the first map, not at server start; what it creates lives as long
        # as the process, so it is frozen instead of walked by every full collection.
        if "numpy" not in sys.modules:
            with building_long_lived():
                import numpy  # noqa: F401
        import numpy as np

        definitions = self.index.all_definitions()
        ref_counts = self.index.ref_counts()
        files = sorted(set(definitions) | set(ref_counts))
        position = {rel: i for i, rel in enumerate(files)}
        family = {rel: _family(self.index.language_of(rel)) for rel in files}
        definers = self.index.definers(set().union(*ref_counts.values()))

        # Per referenced name, once: its weight and where it is defined, as a run of
        # "targets" (defining file, its language family, and the (file, name) key, whose row
        # is the target's own index). Names defined nowhere or almost everywhere are left out.
        family_id: dict[str | None, int] = {}
        file_family = np.asarray(
            [family_id.setdefault(family[rel], len(family_id)) for rel in files], dtype=np.int64)
        name_id: dict[str, int] = {}
        name_weight: list[float] = []
        target_start = [0]
        keys: list[tuple[str, str]] = []
        for i, (name, where) in enumerate(definers.items()):
            if i % 1024 == 0:
                step_aside()
            where = [rel for rel in where if rel in position]  # defined since the snapshot
            if not where or len(where) > _MAX_DEFINERS:
                continue
            name_id[name] = len(name_weight)
            name_weight.append(_name_weight(name, len(where)))
            keys.extend((rel, name) for rel in where)
            target_start.append(len(keys))
        target_file = np.asarray([position[rel] for rel, _ in keys], dtype=np.int64)

        # Every reference (src file, name, count), then one edge per (reference, target):
        # src references the name, which the target's file defines. The edges come out in
        # the order a loop over references and targets would make them, which keeps the
        # floating-point sums, and so the maps, the same from run to run.
        ref_src: list[int] = []
        ref_name: list[int] = []
        ref_count: list[int] = []
        for rel, counts in ref_counts.items():
            step_aside()
            ref_name.extend([name_id.get(name, -1) for name in counts])
            ref_count.extend(counts.values())
            ref_src.extend([position[rel]] * len(counts))
        names = np.asarray(ref_name, dtype=np.int64)
        known = names >= 0
        names, src = names[known], np.asarray(ref_src, dtype=np.int64)[known]
        starts = np.asarray(target_start, dtype=np.int64)
        first, lengths = starts[names], starts[names + 1] - starts[names]
        edge_ref = np.repeat(np.arange(len(names)), lengths)
        within = np.arange(len(edge_ref)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        key_rows = first[edge_ref] + within  # each edge's target
        srcs, dsts = src[edge_ref], target_file[key_rows]
        # A Python file calling `quantity` says nothing about a TS field.
        keep = (dsts != srcs) & (file_family[dsts] == file_family[srcs])
        ref_weight = np.asarray(name_weight)[names] * np.sqrt(np.asarray(ref_count, dtype=float)[known])
        srcs, dsts, key_rows = srcs[keep], dsts[keep], key_rows[keep]
        weight_array = ref_weight[edge_ref][keep]

        step_aside()
        n = len(files)
        out_weight = np.bincount(srcs, weights=weight_array, minlength=n)
        shares = weight_array / out_weight[srcs] if len(srcs) else weight_array
        transition = _Edges.build(dsts, srcs, shares, n)
        flow = _Edges.build(key_rows, srcs, shares, len(keys))

        per_file = [definitions.get(rel, ()) for rel in files]
        counts = np.asarray([len(defs) for defs in per_file], dtype=np.int64)
        total = int(counts.sum())
        key_of = {key: row for row, key in enumerate(keys)}
        no_key = len(keys)
        return _Graph(
            generation, files, position, transition, out_weight == 0, flow, definitions,
            first_def=np.cumsum(counts) - counts,
            def_file=np.repeat(np.arange(n), counts),
            def_start=np.fromiter((d.start_byte for defs in per_file for d in defs), np.int64, total),
            def_key=np.fromiter((key_of.get((rel, d.name), no_key)
                                 for rel, defs in zip(files, per_file, strict=True) for d in defs),
                                np.int64, total),
            def_weight=np.fromiter((_KIND_WEIGHT.get(d.kind, 1.0) for defs in per_file for d in defs),
                                   float, total),
        )

    def _fit(self, ranked: Iterable[tuple[str, Definition]], budget: int) -> RepoMap:
        """The best-ranked definitions whose outline fits the token budget.

        Token counts of the outline add up line by line (see tokens.py), so definitions
        are taken greedily in rank order, each costing its line plus, for a new file, the
        file's header line.
        """
        if budget <= 0:
            return RepoMap("", 0, 0)
        lines_cache: dict[str, list[str]] = {}
        chosen: dict[str, dict[int, str]] = {}
        used = 0
        for rel, d in ranked:
            row = d.name_start[0]
            if rel in chosen and row in chosen[rel]:
                continue
            lines = lines_cache.get(rel)
            if lines is None:
                lines = lines_cache[rel] = self.index.text_lines(rel)
            if row >= len(lines):
                continue
            line = "│" + _clip(lines[row].rstrip())
            cost = count_tokens(line) + 1
            if rel not in chosen:
                cost += count_tokens(f"{rel}:") + 1
            if used + cost > budget:
                break
            used += cost
            chosen.setdefault(rel, {})[row] = line
        out: list[str] = []
        for rel in sorted(chosen):
            out.append(f"{rel}:")
            out.extend(line for _, line in sorted(chosen[rel].items()))
        text = "\n".join(out) + "\n" if out else ""
        return RepoMap(text, len(chosen), count_tokens(text))


def _rank(
    graph: _Graph, focus: Iterable[str], mentions: frozenset[str], definers: dict[str, list[str]]
) -> Iterable[tuple[str, Definition]]:
    """Definitions, best first. `definers`: each mentioned name → the files defining it."""
    import numpy as np  # loaded already by the graph

    n = len(graph.files)
    if n == 0:
        return []
    personal = np.ones(n)
    for rel in focus:
        if rel in graph.position:
            personal[graph.position[rel]] += _FOCUS_WEIGHT
    definers = {name: [rel for rel in where if rel in graph.position] for name, where in definers.items()}
    for where in definers.values():
        for rel in where:
            personal[graph.position[rel]] += _MENTION_WEIGHT
    if mentions:
        for rel, i in graph.position.items():
            if rel.rsplit("/", 1)[-1].rsplit(".", 1)[0] in mentions:
                personal[i] += _MENTION_WEIGHT
    personal /= personal.sum()

    rank = np.full(n, 1.0 / n)
    for _ in range(_ITERATIONS):
        leaked = rank[graph.dangling].sum()
        new = _DAMPING * (graph.transition.times(rank) + leaked * personal) + (1 - _DAMPING) * personal
        if np.abs(new - rank).sum() < n * _TOLERANCE:
            rank = new
            break
        rank = new

    # A definition's score: the rank that flows to its (file, name) from the files that
    # reference it, plus a little of its own file's rank (an unreferenced definition still
    # counts), weighted by kind.
    flowed = np.append(graph.flow.times(rank), 0.0)
    score = (flowed[graph.def_key] + rank[graph.def_file] * 1e-3) * graph.def_weight
    for name, where in definers.items():
        for rel in where:
            first = int(graph.first_def[graph.position[rel]])
            for i, d in enumerate(graph.definitions.get(rel, ()), first):
                if d.name == name:
                    score[i] *= _MENTION_BOOST
    # Best first; ties by path, then by position in the file.
    order = np.lexsort((graph.def_start, graph.def_file, -score))
    return (graph.definition(i) for i in order.tolist())  # the fit takes only what the budget holds


def _clip(line: str) -> str:
    return line if len(line) <= _MAX_LINE else line[:_MAX_LINE] + "…"


def _family(language: str | None) -> str | None:
    return _FAMILIES.get(language or "", language)


def _name_weight(name: str, definer_count: int) -> float:
    weight = 1.0
    if _WORDY.fullmatch(name) and len(name) >= 8:
        weight *= 5.0  # specific, compound names carry meaning
    if name.startswith("_"):
        weight *= 0.1
    if definer_count > _COMMON_DEFINERS:
        weight *= 0.1
    return weight
