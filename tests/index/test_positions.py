"""UTF-16 / UTF-8 / UTF-32 columns ↔ tree-sitter byte columns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from treewright.lsp.positions import UTF8, UTF16, UTF32, from_lsp_column, to_lsp_column

# Lines mixing ASCII, accents, CJK, emoji (astral, two UTF-16 units) and combining marks.
chars = st.sampled_from(list("ab_ (){}é蟹数据😀🦀\u0301\t"))
lines = st.lists(chars, max_size=30).map("".join)


def _units(text: str, encoding: str) -> int:
    if encoding == UTF16:
        return len(text.encode("utf-16-le")) // 2
    if encoding == UTF32:
        return len(text)
    return len(text.encode("utf-8"))


@given(line=lines, cut=st.integers(0, 30), encoding=st.sampled_from([UTF8, UTF16, UTF32]))
def test_round_trip_at_every_character_boundary(line, cut, encoding):
    cut = min(cut, len(line))
    data = line.encode("utf-8")
    byte_col = len(line[:cut].encode("utf-8"))
    lsp_col = to_lsp_column(data, byte_col, encoding)
    assert lsp_col == _units(line[:cut], encoding)
    assert from_lsp_column(data, lsp_col, encoding) == byte_col


@given(line=lines, column=st.integers(0, 200), encoding=st.sampled_from([UTF8, UTF16, UTF32]))
def test_any_column_lands_on_a_character_boundary_inside_the_line(line, column, encoding):
    data = line.encode("utf-8")
    byte_col = from_lsp_column(data, column, encoding)
    assert 0 <= byte_col <= len(data)
    data[:byte_col].decode("utf-8")  # never splits a character


def test_known_values():
    line = "x = '😀蟹'; y".encode()
    byte_y = line.index(b"y")
    assert to_lsp_column(line, byte_y, UTF16) == 11
    assert to_lsp_column(line, byte_y, UTF8) == byte_y == 15
    assert to_lsp_column(line, byte_y, UTF32) == 10
    assert from_lsp_column(line, 11, UTF16) == byte_y
    # Inside the surrogate pair: back to the emoji's start.
    assert from_lsp_column(line, 6, UTF16) == 5
    assert from_lsp_column(line, 7, UTF8) == 5
