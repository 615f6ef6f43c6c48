"""Index records → LSP types, with every column in the negotiated encoding."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types as lsp

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


def position(point: Point, line_bytes: LineBytes | None, encoding: str) -> lsp.Position:
    """`line_bytes` None: the text is ASCII, so a byte column is the column in any encoding."""
    row, col = point
    if line_bytes is None:
        return lsp.Position(line=row, character=col)
    return lsp.Position(line=row, character=to_lsp_column(line_bytes(row), col, encoding))


def range_(start: Point, end: Point, line_bytes: LineBytes | None, encoding: str) -> lsp.Range:
    return lsp.Range(
        start=position(start, line_bytes, encoding), end=position(end, line_bytes, encoding)
    )


def symbol_kind(kind: str) -> lsp.SymbolKind:
    return SYMBOL_KINDS.get(kind, lsp.SymbolKind.Variable)


def document_symbols(
    definitions: list[Definition], line_bytes: LineBytes, encoding: str
) -> list[lsp.DocumentSymbol]:
    """Definitions (sorted by position) as a tree: each nested in the innermost enclosing one."""
    roots: list[lsp.DocumentSymbol] = []
    stack: list[tuple[int, lsp.DocumentSymbol]] = []  # (end byte, symbol)
    for d in definitions:
        symbol = lsp.DocumentSymbol(
            name=d.name,
            kind=symbol_kind(d.kind),
            range=range_(d.start, d.end, line_bytes, encoding),
            selection_range=range_(d.name_start, d.name_end, line_bytes, encoding),
            detail=d.kind,
            children=[],
        )
        while stack and stack[-1][0] < d.end_byte:
            stack.pop()
        if stack:
            stack[-1][1].children.append(symbol)
        else:
            roots.append(symbol)
        stack.append((d.end_byte, symbol))
    return roots


def workspace_symbol(uri: str, d: Definition, line_bytes: LineBytes | None, encoding: str):
    return lsp.WorkspaceSymbol(
        name=d.name,
        kind=symbol_kind(d.kind),
        container_name=d.parent,
        location=lsp.Location(
            uri=uri, range=range_(d.name_start, d.name_end, line_bytes, encoding)
        ),
    )
