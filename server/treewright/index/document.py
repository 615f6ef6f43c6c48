"""An open document: its text, its syntax tree, and tags kept current on every keystroke.

An edit re-parses incrementally (the old tree guides the parser) and re-runs the tags
query only over the lines the edit and tree-sitter's changed ranges cover. Definitions
outside those lines are shifted, and references are kept per line so that an edit splices
the lines it touched instead of moving every reference after it: a keystroke in a large
file costs about what one in a small file does.

References are found only once something asks for them (the repo map, find references):
an outline needs definitions alone, and opening a 370 KB file took 190 ms with them, most
of it the references' share of the query. The repo map asks from its own thread, so
changes hold the document's lock, and the lazy step reads a copy of the tree.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter

from tree_sitter import Point as TSPoint
from tree_sitter import Tree

from treewright.foreground import step_aside
from treewright.index.languages import DEFINITIONS, REFERENCES, new_parser
from treewright.index.tags import (
    Definition,
    Point,
    Reference,
    SyntaxError_,
    query_tags,
    syntax_errors,
    with_parents,
)

RowRefs = tuple[tuple[str, int], ...]  # the (name, byte column) of each reference on a line


def line_starts(source: bytes) -> list[int]:
    starts = [0]
    find = source.find
    i = find(b"\n")
    while i != -1:
        starts.append(i + 1)
        i = find(b"\n", i + 1)
    return starts


def _by_row(references: list[Reference], first_row: int, rows: int) -> list[RowRefs]:
    buckets: list[list[tuple[str, int]]] = [[] for _ in range(rows)]
    for r in references:
        buckets[r.row - first_row].append((r.name, r.col))
    return [tuple(b) for b in buckets]


class Document:
    def __init__(self, language: str | None, source: bytes):
        self.language = language
        self._parser = new_parser(language) if language else None
        self._lock = threading.Lock()
        self._version = 0  # counts changes: references found meanwhile are not kept
        self.source = b""
        self.lines: list[int] = [0]
        self.tree: Tree | None = None
        self.definitions: list[Definition] = []
        self.errors: list[SyntaxError_] = []
        # Both None until first asked for; then kept current by every edit.
        self._ref_counts: Counter[str] | None = None
        self._ref_rows: list[RowRefs] | None = None
        self.replace(source)

    def reference_counts(self) -> dict[str, int]:
        """How often the document references each name."""
        counts = self._references()[0]
        return {name: n for name, n in counts.items() if n > 0}

    def references(self) -> list[Reference]:
        _, rows, lines = self._references()
        return [
            Reference(name, row, col, lines[row] + col)
            for row, refs in enumerate(rows)
            for name, col in refs
        ]

    def _references(self) -> tuple[Counter[str], list[RowRefs], list[int]]:
        """The references (counts, and per row) with the line starts they go with, as copies.
        Found on first need on a copy of the tree, outside the lock: that takes up to 100 ms
        on a large file, and keystrokes meanwhile must not wait. What was found is kept only
        if no change came in between; otherwise the next caller looks again."""
        with self._lock:
            if self._ref_counts is not None and self._ref_rows is not None:
                return Counter(self._ref_counts), list(self._ref_rows), list(self.lines)
            version, lines = self._version, list(self.lines)
            tree = self.tree.copy() if self.tree is not None else None
        found = query_tags(self.language, tree.root_node, only=REFERENCES,
                           between_windows=step_aside)[1] if tree else []
        counts, rows = Counter(r.name for r in found), _by_row(found, 0, len(lines))
        with self._lock:
            if self._version == version and self._ref_counts is None:
                self._ref_counts, self._ref_rows = Counter(counts), list(rows)
        return counts, rows, lines

    # ---- positions ----------------------------------------------------------------------

    def line_bytes(self, row: int) -> bytes:
        """The bytes of line `row`, without its line break; empty past the end."""
        if row < 0 or row >= len(self.lines):
            return b""
        start, end = self.lines[row], self._line_end(row)
        if end > start and self.source[end - 1 : end] == b"\r":
            end -= 1
        return self.source[start:end]

    def offset(self, point: Point) -> int:
        """The byte offset of a (row, byte column) point, clamped into the document."""
        row, col = point
        if row >= len(self.lines):
            return len(self.source)
        if row < 0:
            return 0
        return min(self.lines[row] + max(col, 0), self._line_end(row))

    def point(self, offset: int) -> Point:
        """The (row, byte column) of a byte offset."""
        row = bisect.bisect_right(self.lines, offset) - 1
        return (row, offset - self.lines[row])

    def _line_end(self, row: int) -> int:
        return self.lines[row + 1] - 1 if row + 1 < len(self.lines) else len(self.source)

    # ---- changes ------------------------------------------------------------------------

    def replace(self, source: bytes) -> None:
        """Full replacement (didOpen, full-text didChange)."""
        with self._lock:
            self._version += 1
            self.source = source
            self.lines = line_starts(source)
            self._ref_counts = self._ref_rows = None
            if self._parser is None:
                return
            self.tree = self._parser.parse(source)
            definitions = query_tags(self.language, self.tree.root_node, only=DEFINITIONS)[0]
            self.definitions = with_parents(definitions)
            self.errors = syntax_errors(self.tree.root_node)

    def edit(self, start: Point, end: Point, text: bytes) -> None:
        """Replace the bytes between two points with `text` (an incremental didChange)."""
        with self._lock:
            self._version += 1
            self._edit(start, end, text)

    def _edit(self, start: Point, end: Point, text: bytes) -> None:
        start_byte = self.offset(start)
        old_end_byte = max(self.offset(end), start_byte)
        start, old_end = self.point(start_byte), self.point(old_end_byte)
        new_end_byte = start_byte + len(text)
        delta = new_end_byte - old_end_byte
        breaks = text.count(b"\n")
        if breaks:
            new_end = (start[0] + breaks, len(text) - text.rfind(b"\n") - 1)
        else:
            new_end = (start[0], start[1] + len(text))

        self.source = self.source[:start_byte] + text + self.source[old_end_byte:]
        inserted = []
        i = text.find(b"\n")
        while i != -1:
            inserted.append(start_byte + i + 1)
            i = text.find(b"\n", i + 1)
        self.lines[start[0] + 1 : old_end[0] + 1] = inserted
        if delta:
            self.lines[new_end[0] + 1 :] = [b + delta for b in self.lines[new_end[0] + 1 :]]
        if self._parser is None or self.tree is None:
            self._ref_counts = self._ref_rows = None  # none to find: found again on demand
            return

        old_tree = self.tree
        old_tree.edit(
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=new_end_byte,
            start_point=TSPoint(*start),
            old_end_point=TSPoint(*old_end),
            new_end_point=TSPoint(*new_end),
        )
        tree = self._parser.parse(self.source, old_tree)
        first_row, last_row = start[0], new_end[0]
        for r in old_tree.changed_ranges(tree):
            first_row = min(first_row, r.start_point[0])
            last_row = max(last_row, r.end_point[0])
        # The touched lines, widened by one line either side so that nodes which merely
        # touch them (a definition ending on the line before) count as touched.
        first_row = max(first_row - 1, 0)
        last_row = min(last_row + 1, len(self.lines) - 1)
        self.tree = tree
        shift = _Shift(start_byte, old_end_byte, new_end_byte, old_end, new_end)
        self._retag(tree, first_row, last_row, shift)

    def _retag(self, tree: Tree, first_row: int, last_row: int, shift: _Shift) -> None:
        lo = self.lines[first_row]
        hi = self._line_end(last_row)
        old_last_row = last_row - shift.rows
        old_lo, old_hi = lo, hi - shift.delta  # the same lines in the old text
        # Two queries rather than the whole one: the process has compiled these two already
        # (outline, references), and compiling the whole query too would stall a keystroke
        # (0.3 s for C++); over a few lines, running two costs nothing.
        fresh_defs = query_tags(self.language, tree.root_node, (lo, hi), only=DEFINITIONS)[0]
        fresh_defs = [d for d in fresh_defs if d.start_byte <= hi and d.end_byte >= lo]

        kept = [
            shift.definition(d)
            for d in self.definitions
            if not (d.start_byte <= old_hi and d.end_byte >= old_lo)
        ]
        definitions = kept + fresh_defs
        definitions.sort(key=lambda d: (d.start_byte, -d.end_byte))
        self.definitions = with_parents(definitions)
        self.errors = syntax_errors(tree.root_node)

        if self._ref_counts is None or self._ref_rows is None:
            return
        fresh_refs = query_tags(self.language, tree.root_node, (lo, hi), only=REFERENCES)[1]
        fresh_refs = [r for r in fresh_refs if first_row <= r.row <= last_row]
        for refs in self._ref_rows[first_row : old_last_row + 1]:
            self._ref_counts.subtract(name for name, _ in refs)
        self._ref_counts.update(r.name for r in fresh_refs)
        self._ref_rows[first_row : old_last_row + 1] = _by_row(
            fresh_refs, first_row, last_row - first_row + 1
        )


class _Shift:
    """Moves positions of the old text that lie outside an edit to the new text.

    The arithmetic of tree-sitter's `Tree.edit`: positions before the edit stay, those
    after it move by the byte delta, and those on the edit's last line also by columns.
    """

    def __init__(
        self, start_byte: int, old_end_byte: int, new_end_byte: int, old_end: Point, new_end: Point
    ):
        self.start_byte = start_byte
        self.old_end_byte = old_end_byte
        self.delta = new_end_byte - old_end_byte
        self.old_end = old_end
        self.new_end = new_end
        self.rows = new_end[0] - old_end[0]

    def offset(self, b: int) -> int:
        if b <= self.start_byte:
            return b
        if b >= self.old_end_byte:
            return b + self.delta
        return self.old_end_byte + self.delta

    def point(self, b: int, p: Point) -> Point:
        if b <= self.start_byte:
            return p
        if b < self.old_end_byte:
            return self.new_end
        if p[0] == self.old_end[0]:
            return (self.new_end[0], self.new_end[1] + p[1] - self.old_end[1])
        return (p[0] + self.rows, p[1])

    def definition(self, d: Definition) -> Definition:
        if d.end_byte <= self.start_byte:
            return d
        if d.start[0] > self.old_end[0]:
            # Wholly on lines below the edit (most of a large file's definitions, at every
            # keystroke): rows move, columns stay, and one line's edit moves no row at all.
            r, delta = self.rows, self.delta
            if r:
                start, end = (d.start[0] + r, d.start[1]), (d.end[0] + r, d.end[1])
                name_start = (d.name_start[0] + r, d.name_start[1])
                name_end = (d.name_end[0] + r, d.name_end[1])
            else:
                start, end, name_start, name_end = d.start, d.end, d.name_start, d.name_end
            return Definition(
                d.name, d.kind, start, end, name_start, name_end,
                d.start_byte + delta, d.end_byte + delta, d.name_byte + delta, d.parent,
            )
        return Definition(
            d.name,
            d.kind,
            self.point(d.start_byte, d.start),
            self.point(d.end_byte, d.end),
            self.point(d.name_byte, d.name_start),
            self.point(d.name_byte + d.name_end[1] - d.name_start[1], d.name_end),
            self.offset(d.start_byte),
            self.offset(d.end_byte),
            self.offset(d.name_byte),
            d.parent,
        )
