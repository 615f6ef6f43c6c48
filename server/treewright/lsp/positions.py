"""LSP positions ↔ tree-sitter points.

Tree-sitter counts columns in UTF-8 bytes; LSP counts them in the negotiated encoding's
code units (UTF-16 by default). This module is the only place that converts, and it needs
only the line's bytes. Columns past the end of a line clamp to its end, and a column
inside a character moves to that character's start.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(ch: str, encoding: str) -> int:
    if encoding == UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    if encoding == UTF32:
        return 1
    return len(ch.encode("utf-8", "surrogateescape"))


def to_lsp_column(line: bytes, byte_column: int, encoding: str) -> int:
    """The LSP column of a byte column in `line` (a line's bytes, no line break)."""
    byte_column = max(0, min(byte_column, len(line)))
    if encoding == UTF8:
        return byte_column
    raw = line[:byte_column]
    if raw.isascii():  # nearly every line of code: one unit per byte in any encoding
        return byte_column
    prefix = raw.decode("utf-8", "surrogateescape")
    if encoding == UTF32:
        return len(prefix)
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def from_lsp_column(line: bytes, column: int, encoding: str) -> int:
    """The byte column in `line` of an LSP column."""
    if column <= 0:
        return 0
    if encoding == UTF8:
        column = min(column, len(line))
        # Never split a UTF-8 sequence: step back to the start of the character.
        while 0 < column < len(line) and (line[column] & 0xC0) == 0x80:
            column -= 1
        return column
    text = line.decode("utf-8", "surrogateescape")
    units = 0
    byte = 0
    for ch in text:
        width = _units(ch, encoding)
        if units + width > column:
            break
        units += width
        byte += len(ch.encode("utf-8", "surrogateescape"))
    return byte
