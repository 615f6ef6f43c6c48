"""Definitions, references and syntax errors of one parsed file.

A tags query marks each definition node `@definition.<kind>` with its name node
`@name`, and each referencing identifier `@reference` (or `@reference.<kind>`). When one
node is captured as a definition by several patterns, the pattern listed first wins, so
a query lists its specific patterns (a method) before its general ones (a function).
Positions are tree-sitter's: rows and UTF-8 byte columns; the LSP layer converts them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tree_sitter import Node, QueryCursor, Tree

from treewright.index.languages import tags_query

Point = tuple[int, int]

# A query runs a window of this many bytes at a time: over a whole 600 KB file its list of
# matches held 14 MB at once, and a query is a C call that holds the interpreter (50-100 ms
# over a 370 KB file, in which the server's request loop could not answer). Same results
# on 6,624 corpus files with 4 KB and 64 KB windows, and no slower at 32 KB.
_WINDOW = 32 * 1024


class Definition(NamedTuple):
    name: str
    kind: str
    start: Point
    end: Point
    name_start: Point
    name_end: Point
    start_byte: int
    end_byte: int
    name_byte: int
    parent: str | None


class Reference(NamedTuple):
    name: str
    row: int
    col: int
    start_byte: int


class SyntaxError_(NamedTuple):
    start: Point
    end: Point
    start_byte: int
    message: str


class FileTags(NamedTuple):
    language: str
    definitions: list[Definition]
    references: list[Reference]
    errors: list[SyntaxError_]


def _point(p) -> Point:
    return (p[0], p[1])


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def query_tags(
    language: str, root: Node, byte_range: tuple[int, int] | None = None, only: str | None = None,
    between_windows: Callable[[], None] | None = None,
) -> tuple[list[Definition], list[Reference]]:
    """Run the language's tags query over `root` (optionally only within a byte range, and
    only for DEFINITIONS or REFERENCES: the other list comes back empty), calling
    `between_windows` after each window of the file.

    Definitions come back sorted by position with no parents yet; see `with_parents`.
    """
    cursor = QueryCursor(tags_query(language, only))
    lo, hi = byte_range if byte_range is not None else (root.start_byte, root.end_byte)
    # Matches arrive in the order tree-sitter completes them, not in pattern order, so
    # the winner per definition node is chosen explicitly: the lowest pattern index.
    # A node met again in a later window (one that spans windows) is the same node id.
    chosen: dict[int, tuple[int, Definition]] = {}
    seen_refs: set[int] = set()
    references: list[Reference] = []
    for start in range(lo, max(hi, lo + 1), _WINDOW):
        cursor.set_byte_range(start, min(start + _WINDOW, hi))
        _collect(cursor.matches(root), chosen, seen_refs, references)
        if between_windows is not None:
            between_windows()
    definitions = [d for _, d in chosen.values()]
    definitions.sort(key=lambda d: (d.start_byte, -d.end_byte))
    references.sort(key=lambda r: r.start_byte)
    return definitions, references


def _collect(matches, chosen, seen_refs, references) -> None:
    for pattern, captures in matches:
        for capture_name, nodes in captures.items():
            if capture_name.startswith("definition."):
                names = captures.get("name")
                if not names:
                    continue
                node, name_node = nodes[0], names[0]
                if name_node.start_byte == name_node.end_byte:
                    # A name tree-sitter invented to recover from a syntax error (MISSING):
                    # nothing to show, and error recovery differs between full and
                    # incremental parses, so keeping it would make the two disagree.
                    continue
                previous = chosen.get(node.id)
                if previous is not None and previous[0] <= pattern:
                    continue
                chosen[node.id] = (
                    pattern,
                    Definition(
                        _text(name_node),
                        capture_name[len("definition."):],
                        _point(node.start_point),
                        _point(node.end_point),
                        _point(name_node.start_point),
                        _point(name_node.end_point),
                        node.start_byte,
                        node.end_byte,
                        name_node.start_byte,
                        None,
                    ),
                )
            elif capture_name == "reference" or capture_name.startswith("reference."):
                for node in nodes:
                    if node.id in seen_refs:
                        continue
                    seen_refs.add(node.id)
                    start = node.start_point
                    references.append(
                        Reference(_text(node), start[0], start[1], node.start_byte)
                    )


def with_parents(definitions: list[Definition]) -> list[Definition]:
    """Set each definition's parent to the innermost definition enclosing it.

    `definitions` must be sorted by (start_byte, -end_byte), as `query_tags` returns them.
    """
    stack: list[Definition] = []
    result: list[Definition] = []
    for d in definitions:
        while stack and stack[-1].end_byte < d.end_byte:
            stack.pop()
        parent = stack[-1].name if stack else None
        if d.parent != parent:
            d = d._replace(parent=parent)
        result.append(d)
        stack.append(d)
    return result


def syntax_errors(root: Node) -> list[SyntaxError_]:
    """ERROR and MISSING nodes, descending only into subtrees that contain an error."""
    errors: list[SyntaxError_] = []
    if not root.has_error:
        return errors
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            errors.append(
                SyntaxError_(
                    _point(node.start_point),
                    _point(node.end_point),
                    node.start_byte,
                    f"Syntax error: missing {node.type!r}",
                )
            )
        elif node.is_error:
            errors.append(
                SyntaxError_(
                    _point(node.start_point),
                    _point(node.end_point),
                    node.start_byte,
                    "Syntax error",
                )
            )
        else:
            stack.extend(c for c in reversed(node.children) if c.has_error)
    errors.sort(key=lambda e: e.start_byte)
    return errors


def extract(language: str, tree: Tree) -> FileTags:
    definitions, references = query_tags(language, tree.root_node)
    return FileTags(language, with_parents(definitions), references, syntax_errors(tree.root_node))
