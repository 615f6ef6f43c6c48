"""Syntax-tree questions an editor asks: what folds, what a selection grows to, what name
is under the cursor. Positions are (row, byte column), as in tree-sitter."""

from __future__ import annotations

from tree_sitter import Node, Point, Tree

from treewright.index.tags import Point as Pos

# An identifier-like node: the grammars name them *identifier, name, constant, word…
_NAME_TYPES = ("identifier", "name", "constant", "word", "field_identifier",
               "type_identifier", "property_identifier", "simple_identifier")


def folding_ranges(tree: Tree, limit: int = 5000) -> list[tuple[int, int, str | None]]:
    """(start row, end row, kind) for every multi-line named node, outermost per start row.

    `kind` is "comment" for comments, else None. The last line stays visible when it is
    only a closing bracket, as editors show it.
    """
    by_row: dict[int, tuple[int, str | None]] = {}
    stack = [tree.root_node]
    while stack and len(by_row) < limit:
        node = stack.pop()
        start, end = node.start_point[0], node.end_point[0]
        if end <= start:
            continue
        if node.parent is not None and node.is_named:
            kind = "comment" if "comment" in node.type else None
            last = end - 1 if node.end_point[1] <= 1 else end
            if last > start and (start not in by_row or by_row[start][0] < last):
                by_row[start] = (last, kind)
        stack.extend(reversed(node.named_children))
    return sorted((s, e, k) for s, (e, k) in by_row.items())


def selection_chain(tree: Tree, at: Pos) -> list[tuple[Pos, Pos]]:
    """Ranges from the smallest node at `at` out to the whole file, without repeats."""
    node: Node | None = tree.root_node.descendant_for_point_range(Point(*at), Point(*at))
    chain: list[tuple[Pos, Pos]] = []
    while node is not None:
        rng = ((node.start_point[0], node.start_point[1]), (node.end_point[0], node.end_point[1]))
        if not chain or chain[-1] != rng:
            chain.append(rng)
        node = node.parent
    return chain


def name_at(tree: Tree, at: Pos) -> str | None:
    """The identifier under (or just before) the cursor, if any."""
    root = tree.root_node
    for column in (at[1], at[1] - 1):
        if column < 0:
            continue
        node = root.descendant_for_point_range(Point(at[0], column), Point(at[0], column))
        if node is not None and node.child_count == 0 and node.type.endswith(_NAME_TYPES):
            return node.text.decode("utf-8", "replace") if node.text else None
    return None
