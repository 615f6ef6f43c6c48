"""The repo map: the workspace's most important files and definitions, in a token budget.

Files are ranked by PageRank over the graph of which file references names that another
file defines, personalised toward the files and names a request is about. A file's rank
then flows along its edges to the definitions it references, and the best definitions are
rendered as an outline (the path, then each definition's first line) cut to the budget.
The graph depends only on the index, so it is cached per index generation; anything that
depends on the request (focus, mentions) is applied per call and never cached.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from treewright.index.tags import Definition
from treewright.index.tokens import count_tokens
from treewright.index.workspace import WorkspaceIndex

# How much more a request's own files and names weigh in the ranking.
_FOCUS_BOOST = 20.0
_MENTION_BOOST = 10.0
# Names defined in many files (`get`, `__init__`, `run`) say little about who uses whom.
_COMMON_DEFINERS = 5
_MAX_LINE = 160
# Fields and variables are named by what they hold, and those names recur everywhere.
_KIND_WEIGHT = {"field": 0.3, "property": 0.3, "variable": 0.3}
# Languages whose files reference each other's definitions.
_FAMILIES = {"typescript": "js", "tsx": "js", "javascript": "js", "c": "c", "cpp": "c"}


@dataclass(frozen=True)
class RepoMap:
    text: str
    files: int
    tokens: int


@dataclass
class _Graph:
    generation: int
    # (referencing file, defining file) → name → weight
    edges: dict[tuple[str, str], dict[str, float]]
    definers: dict[str, set[str]]


class RepoMapper:
    def __init__(self, index: WorkspaceIndex):
        self.index = index
        self._graph: _Graph | None = None
        self._lock = threading.Lock()

    def _base_graph(self) -> _Graph:
        generation = self.index.generation
        with self._lock:
            if self._graph is not None and self._graph.generation == generation:
                return self._graph
            definitions = self.index.all_definitions()
            family = {rel: _family(self.index.language_of(rel)) for rel in definitions}
            definers: dict[str, set[str]] = defaultdict(set)
            for rel, defs in definitions.items():
                for d in defs:
                    definers[d.name].add(rel)
            edges: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
            for rel, counts in self.index.ref_counts().items():
                mine = _family(self.index.language_of(rel))
                for name, count in counts.items():
                    targets = definers.get(name)
                    if not targets:
                        continue
                    weight = _name_weight(name, len(targets)) * math.sqrt(count)
                    for target in targets:
                        # A Python file calling `quantity` says nothing about a TS field.
                        if target != rel and family[target] == mine:
                            edges[(rel, target)][name] = weight
            self._graph = _Graph(generation, dict(edges), dict(definers))
            return self._graph

    def build(
        self,
        tokens: int = 1024,
        focus: Iterable[str] = (),
        mentions: Iterable[str] = (),
    ) -> RepoMap:
        graph = self._base_graph()
        focus = {f for f in focus if f}
        mentions = {m for m in mentions if m}
        ranked = self._rank_definitions(graph, focus, mentions)
        return self._fit(ranked, tokens)

    def _rank_definitions(
        self, graph: _Graph, focus: set[str], mentions: set[str]
    ) -> list[tuple[str, Definition]]:
        definitions = self.index.all_definitions()
        g = nx.DiGraph()
        g.add_nodes_from(definitions)
        for (src, dst), names in graph.edges.items():
            weight = sum(
                w * (_MENTION_BOOST if n in mentions else 1.0) for n, w in names.items()
            )
            if src in focus:
                weight *= _FOCUS_BOOST
            g.add_edge(src, dst, weight=weight)
        personal = {rel: 1.0 for rel in definitions}
        for rel in focus:
            if rel in personal:
                personal[rel] += 100.0
        for name in mentions:
            for rel in graph.definers.get(name, ()):
                personal[rel] += 50.0
        for rel in personal:
            stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if stem in mentions:
                personal[rel] += 50.0
        if not g:
            return []
        try:
            file_rank = nx.pagerank(g, weight="weight", personalization=personal)
        except nx.PowerIterationFailedConvergence:
            file_rank = {rel: 1.0 / len(g) for rel in g}

        # Each file's rank flows out along its edges to the names it references.
        score: dict[tuple[str, str], float] = defaultdict(float)
        for (src, dst), names in graph.edges.items():
            out = g.out_degree(src, weight="weight") or 1.0
            edge = g[src][dst]["weight"]
            share = file_rank.get(src, 0.0) * edge / out
            total = sum(names.values()) or 1.0
            for name, w in names.items():
                score[(dst, name)] += share * w / total
        ranked: list[tuple[float, str, Definition]] = []
        for rel, defs in definitions.items():
            base = file_rank.get(rel, 0.0) * 1e-3  # an unreferenced definition still counts
            for d in defs:
                s = (score.get((rel, d.name), 0.0) + base) * _KIND_WEIGHT.get(d.kind, 1.0)
                if d.name in mentions:
                    s *= _MENTION_BOOST
                ranked.append((s, rel, d))
        ranked.sort(key=lambda t: (-t[0], t[1], t[2].start_byte))
        return [(rel, d) for _, rel, d in ranked]

    def _fit(self, ranked: list[tuple[str, Definition]], budget: int) -> RepoMap:
        """The longest prefix of the ranking whose rendering fits the token budget."""
        if budget <= 0 or not ranked:
            return RepoMap("", 0, 0)
        lines_cache: dict[str, list[str]] = {}
        lo, hi = 0, len(ranked)
        best = RepoMap("", 0, 0)
        # Binary search on how many definitions to show; rendering is cheap next to ranking.
        guess = min(hi, max(budget // 8, 1))
        while lo < hi:
            mid = (lo + hi + 1) // 2 if guess is None else guess
            guess = None
            text, files = self._render(ranked[:mid], lines_cache)
            tokens = count_tokens(text)
            if tokens <= budget:
                best = RepoMap(text, files, tokens)
                lo = mid
            else:
                hi = mid - 1
        return best

    def _render(
        self, chosen: list[tuple[str, Definition]], lines_cache: dict[str, list[str]]
    ) -> tuple[str, int]:
        by_file: dict[str, list[Definition]] = defaultdict(list)
        order: list[str] = []
        for rel, d in chosen:
            if rel not in by_file:
                order.append(rel)
            by_file[rel].append(d)
        out: list[str] = []
        for rel in sorted(order):
            lines = lines_cache.get(rel)
            if lines is None:
                lines = lines_cache[rel] = self.index.text_lines(rel)
            out.append(f"{rel}:")
            shown: set[int] = set()
            for d in sorted(by_file[rel], key=lambda d: d.start_byte):
                row = d.name_start[0]
                if row in shown or row >= len(lines):
                    continue
                shown.add(row)
                line = lines[row].rstrip()
                if len(line) > _MAX_LINE:
                    line = line[:_MAX_LINE] + "…"
                out.append(f"│{line}")
        return ("\n".join(out) + "\n" if out else ""), len(order)


# snake_case, camelCase or PascalCase with at least two words.
_WORDY = re.compile(
    r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+"
)


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
