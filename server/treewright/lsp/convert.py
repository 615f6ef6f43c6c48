"""Index records → LSP types, with every column in the negotiated encoding."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types as lsp

from treewright.index.document import Document
from treewright.index.tags import Definition, Point
from treewright.lsp.positions import to_lsp_column

LineBytes = Callable[[int], bytes]

SYMBOL_KINDS = {
    "function": lsp.SymbolKind.Function,
    "method": lsp.SymbolKind.Method,
    "class": lsp.SymbolKind.Class,
    "interface": lsp.SymbolKind.Interface,
    "type": lsp.SymbolKind.TypeParameter,
    "constant": lsp.SymbolKind.Constant,
    "module": lsp.SymbolKind.Module,
    "enum": lsp.SymbolKind.Enum,
    "struct": lsp.SymbolKind.Struct,
    "trait": lsp.SymbolKind.Interface,
    "field": lsp.SymbolKind.Field,
    "variable": lsp.SymbolKind.Variable,
    "macro": lsp.SymbolKind.Function,
    "namespace": lsp.SymbolKind.Namespace,
    "property": lsp.SymbolKind.Property,
    "constructor": lsp.SymbolKind.Constructor,
}


def column_lines(document: Document) -> LineBytes | None:
    """What converting a document's columns needs: None for ASCII text (most code), where a
    byte column is the column in any encoding, else its line bytes."""
    return None if document.source.isascii() else document.line_bytes


def _column(point: Point, line_bytes: LineBytes | None, encoding: str) -> int:
    """`line_bytes` None: the text is ASCII, so a byte column is the column in any encoding."""
    row, col = point
    return col if line_bytes is None else to_lsp_column(line_bytes(row), col, encoding)


def position(point: Point, line_bytes: LineBytes | None, encoding: str) -> lsp.Position:
    return lsp.Position(line=point[0], character=_column(point, line_bytes, encoding))


def range_(start: Point, end: Point, line_bytes: LineBytes | None, encoding: str) -> lsp.Range:
    return lsp.Range(
        start=position(start, line_bytes, encoding), end=position(end, line_bytes, encoding)
    )


def symbol_kind(kind: str) -> lsp.SymbolKind:
    return SYMBOL_KINDS.get(kind, lsp.SymbolKind.Variable)


class Json(list):
    """An answer built as the JSON itself, which lsp/protocol.py sends as it is. The symbol
    answers are: for a 500-definition file, making lsprotocol objects and having cattrs take
    them apart again cost about 18 ms per outline, asked for after every keystroke."""


def _range_json(start: Point, end: Point, line_bytes: LineBytes | None, encoding: str) -> dict:
    return {
        "start": {"line": start[0], "character": _column(start, line_bytes, encoding)},
        "end": {"line": end[0], "character": _column(end, line_bytes, encoding)},
    }


def document_symbols(
    definitions: list[Definition], line_bytes: LineBytes | None, encoding: str
) -> Json:
    """Definitions (sorted by position) as a tree of DocumentSymbols, each nested in the
    innermost enclosing one."""
    roots = Json()
    stack: list[tuple[int, list]] = []  # (end byte, children)
    for d in definitions:
        children: list[dict] = []
        symbol = {
            "name": d.name,
            "kind": symbol_kind(d.kind).value,
            "range": _range_json(d.start, d.end, line_bytes, encoding),
            "selectionRange": _range_json(d.name_start, d.name_end, line_bytes, encoding),
            "detail": d.kind,
            "children": children,
        }
        while stack and stack[-1][0] < d.end_byte:
            stack.pop()
        (stack[-1][1] if stack else roots).append(symbol)
        stack.append((d.end_byte, children))
    return roots


def workspace_symbol(uri: str, d: Definition, line_bytes: LineBytes | None, encoding: str) -> dict:
    symbol = {
        "name": d.name,
        "kind": symbol_kind(d.kind).value,
        "location": {"uri": uri, "range": _range_json(d.name_start, d.name_end, line_bytes, encoding)},
    }
    if d.parent is not None:
        symbol["containerName"] = d.parent
    return symbol
