"""Hunks, the pieces of one file's change that a user accepts or rejects, and its diff.

Lines keep their own line breaks, so a hunk's old text is exactly the text it replaces and
applying every hunk gives back the proposed text byte for byte, CRLF and a missing final
newline included. Lines are split at "\\n" only, as editors and tree-sitter count them. Each
hunk keeps a few unchanged lines either side, to find its place again once the user has
edited the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from treewright.index.analyze import parse_tags
from treewright.index.languages import language_for_path

CONTEXT = 3  # unchanged lines kept either side of a hunk

SymbolAt = Callable[[int], str | None]  # names the symbol enclosing a 0-based line


@dataclass(frozen=True)
class Hunk:
    id: str
    start_line: int  # in the original, 0-based; end exclusive
    end_line: int
    old_text: str
    new_text: str
    summary: str
    before: tuple[str, ...] = ()  # the original lines just above, with their line breaks
    after: tuple[str, ...] = ()  # and just below


def split_lines(text: str) -> list[str]:
    """Lines with their line breaks; the last one may have none."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def compute_hunks(
    original: str, proposed: str, *, symbol_at: SymbolAt | None = None, prefix: str = "h"
) -> list[Hunk]:
    """The hunks turning original into proposed, in file order, named prefix1, prefix2, ..."""
    a, b = split_lines(original), split_lines(proposed)
    # Only the middle that differs goes to difflib: its cost grows fast with length, and a
    # middle under 200 lines is also spared its "popular lines are junk" heuristic.
    same = min(len(a), len(b))
    lo = next((k for k in range(same) if a[k] != b[k]), same)
    hi = next((k for k in range(same - lo) if a[-1 - k] != b[-1 - k]), same - lo)
    matcher = difflib.SequenceMatcher(None, a[lo : len(a) - hi], b[lo : len(b) - hi])
    hunks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + lo, i2 + lo, j1 + lo, j2 + lo
        hunks.append(
            Hunk(
                f"{prefix}{len(hunks) + 1}",
                i1,
                i2,
                "".join(a[i1:i2]),
                "".join(b[j1:j2]),
                _summary(i1, i2 - i1, j2 - j1, symbol_at),
                tuple(a[max(i1 - CONTEXT, 0) : i1]),
                tuple(a[i2 : i2 + CONTEXT]),
            )
        )
    return hunks


def _lines(n: int) -> str:
    return f"{n} line" if n == 1 else f"{n} lines"


def _summary(start: int, old: int, new: int, symbol_at: SymbolAt | None) -> str:
    if not old:
        text, at = f"insert {_lines(new)}", start - 1  # named after the line it follows
    elif not new:
        text, at = f"delete {_lines(old)}", start
    else:
        text, at = f"replace {_lines(old)}" + (f" with {new}" if new != old else ""), start
    name = symbol_at(at) if symbol_at is not None and at >= 0 else None
    return f"{text} in {name}" if name else text


def unified_diff(path: str, original: str | None, proposed: str | None) -> str:
    """A unified diff of one file (None: the file does not exist on that side)."""
    lines = difflib.unified_diff(
        split_lines(original or ""),
        split_lines(proposed or ""),
        "/dev/null" if original is None else f"a/{path}",
        "/dev/null" if proposed is None else f"b/{path}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def symbol_namer(path: str, text: str) -> SymbolAt | None:
    """Names the innermost definition enclosing a line ("method Cart.total"), by the index's
    tags query; None for a file no grammar handles."""
    language = language_for_path(path)
    if language is None:
        return None
    definitions = parse_tags(language, text.encode("utf-8", "replace")).definitions

    def symbol_at(line: int) -> str | None:
        inner = None
        for d in definitions:  # sorted by start, so a later one enclosing the line is inside
            if d.start[0] > line:
                break
            if d.end[0] >= line:
                inner = d
        if inner is None:
            return None
        return f"{inner.kind} {inner.parent + '.' if inner.parent else ''}{inner.name}"

    return symbol_at
