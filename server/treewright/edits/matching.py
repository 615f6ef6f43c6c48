"""Find where a model's old_string sits in a file, forgiving the ways models get it wrong.

A model quotes text it read a while ago: with the indentation shifted or tabs turned into
spaces, trailing whitespace lost, CRLF turned into LF, a blank line dropped, or lines left
out as `...`. Each tolerance is tried only when the stricter ones found nothing, and at each
level the match must be unique: a wrong match silently corrupts a file, while a refusal comes
back to the model with what is really there, and it tries again. Lines the model quoted but
did not change are written back as the file has them, whitespace and blank lines included.
"""

from __future__ import annotations

import bisect
import difflib
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

MARKERS = frozenset({"...", "# ...", "// ..."})  # a line standing for lines left out
_UNITS = (4, 2, 8, 3)  # spaces per tab to try, most common first
_MAX_WAYS = 10_000  # assignments of `...` runs to look at before giving up
_SHOWN = 10  # places listed in a message


@dataclass(frozen=True)
class Match:
    """Replace text[start:end] with new_text (re-indented and in the file's line breaks)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Ambiguous:
    """old_string fits several places: (first, last) 1-based lines of each, and how it fit."""

    spans: tuple[tuple[int, int], ...]
    how: str  # "exactly", "ignoring whitespace" or "with its `...` lines"

    @property
    def count(self) -> int:
        return len(self.spans)

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(first for first, _ in self.spans)


@dataclass(frozen=True)
class NotFound:
    """old_string fits nowhere; the most similar region, when the file has any lines."""

    start_line: int | None = None  # 1-based
    end_line: int | None = None
    text: str = ""
    ratio: float = 0.0


@dataclass(frozen=True)
class Invalid:
    """The request itself cannot be carried out."""

    reason: str


Refusal = Ambiguous | NotFound | Invalid
Reindent = Callable[[str], str | None]  # a snippet indent to the file's; None when it cannot


def locate(
    text: str, old_string: str, new_string: str, *, replace_all: bool = False
) -> list[Match] | Refusal:
    """Where to put new_string in place of old_string: one Match, or all with replace_all."""
    if not old_string:
        return Invalid(
            "old_string is empty. To create a file use the tool that creates files; to insert "
            "text, quote the lines next to the insertion point in old_string and repeat them "
            "in new_string around the new text."
        )
    if old_string == new_string:
        return Invalid("old_string and new_string are the same, so there is nothing to change.")
    f = _File(text)
    found = _exact(f, old_string, new_string, replace_all)
    if found is not None:
        return found
    old_lines, old_nl = _snippet_lines(old_string)
    new_lines, new_nl = _snippet_lines(new_string)
    found = _fit(f, [old_lines], [new_lines], old_nl, new_nl, replace_all, "ignoring whitespace")
    if found is not None:
        return found
    if any(_is_marker(line) for line in old_lines):
        found = _elided(f, old_lines, new_lines, old_nl, new_nl)
        if found is not None:
            return found
    return _closest(f, old_lines)


def splice(text: str, matches: Sequence[Match]) -> str:
    """Apply non-overlapping matches to text."""
    pieces, last = [], 0
    for m in sorted(matches, key=lambda m: m.start):
        pieces += [text[last : m.start], m.new_text]
        last = m.end
    pieces.append(text[last:])
    return "".join(pieces)


def refusal_message(refusal: Refusal, path: str = "the file") -> str:
    """What to tell the model, so that its next try fits."""
    if isinstance(refusal, Invalid):
        return refusal.reason
    if isinstance(refusal, Ambiguous):
        places = _and([f"{a}" if a == b else f"{a}-{b}" for a, b in refusal.spans[:_SHOWN]])
        more = f" and {refusal.count - _SHOWN} more" if refusal.count > _SHOWN else ""
        if refusal.how == "exactly":
            head = f"old_string occurs {refusal.count} times in {path} (at lines {places}{more})."
        elif refusal.how == "ignoring whitespace":
            head = (
                f"old_string does not occur exactly in {path}, and ignoring whitespace it matches "
                f"{refusal.count} places (lines {places}{more})."
            )
        else:
            return (
                f"old_string with its `...` lines fits {path} in {refusal.count} ways (lines "
                f"{places}{more}). Quote more lines around each `...` so that it fits only one way."
            )
        return head + " Include more surrounding lines to pick one, or set replace_all to change every one."
    if refusal.start_line is None:
        return f"old_string was not found: {path} is empty."
    numbered = "\n".join(
        f"{n:>6}| {line}" for n, line in enumerate(refusal.text.split("\n"), refusal.start_line)
    )
    return (
        f"old_string was not found in {path}. The most similar text is at lines "
        f"{refusal.start_line}-{refusal.end_line} ({refusal.ratio:.0%} similar):\n{numbered}\n"
        "Quote old_string exactly as the file has it now (read the file again if unsure)."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- the file ------------------------------------------------------------------------------


def _parts(line: str) -> tuple[str, str]:
    """(indentation, the rest without trailing whitespace)."""
    rest = line.lstrip(" \t")
    return line[: len(line) - len(rest)], rest.rstrip()


def _is_marker(line: str) -> bool:
    return line.strip() in MARKERS


class _File:
    """A text split into lines, with character offsets and the non-blank lines' parts."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = []
        self.cends: list[int] = []  # where the content ends, before "\n" or "\r\n"
        self.ends: list[int] = []  # after the line break
        pos, n = 0, len(text)
        while pos < n:
            i = text.find("\n", pos)
            end = n if i == -1 else i + 1
            self.starts.append(pos)
            self.cends.append(n if i == -1 else i - 1 if i > pos and text[i - 1] == "\r" else i)
            self.ends.append(end)
            pos = end
        self.nb: list[int] = []  # the line numbers of non-blank lines
        self.indents: list[str] = []
        self.bodies: list[str] = []
        self.index: dict[str, list[int]] = {}  # body -> positions in nb
        for k in range(len(self.starts)):
            indent, body = _parts(text[self.starts[k] : self.cends[k]])
            if body:
                self.index.setdefault(body, []).append(len(self.nb))
                self.nb.append(k)
                self.indents.append(indent)
                self.bodies.append(body)

    def content(self, k: int) -> str:
        return self.text[self.starts[k] : self.cends[k]]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def eol_at(self, k: int) -> str:
        """The line break used at line k: its own, else the one before, else the file's first."""
        for j in (k, k - 1):
            if 0 <= j < len(self.starts) and self.ends[j] > self.cends[j]:
                return self.text[self.cends[j] : self.ends[j]]
        i = self.text.find("\n")
        return "\r\n" if i > 0 and self.text[i - 1] == "\r" else "\n"

    @cached_property
    def tab_units(self) -> tuple[int, ...]:
        """Spaces per tab to try when turning a snippet's tabs into this file's spaces."""
        return _units(len(i) for i in self.indents if i and not i.strip(" "))


def _units(widths) -> tuple[int, ...]:
    g = 0
    for w in widths:
        g = math.gcd(g, w)
    return tuple(dict.fromkeys(((g,) if 2 <= g <= 8 else ()) + _UNITS))


def _with_eol(s: str, eol: str) -> str:
    s = s.replace("\r\n", "\n")
    return s if eol == "\n" else s.replace("\n", eol)


# ---- exact ---------------------------------------------------------------------------------


def _exact(f: _File, old: str, new: str, replace_all: bool) -> list[Match] | Ambiguous | None:
    text = f.text
    starts, i = [], text.find(old)
    while i != -1:
        starts.append(i)
        i = text.find(old, i + 1)  # overlapping occurrences count: "aa" is twice in "aaa"
    if not starts:
        return None
    if len(starts) > 1 and not replace_all:
        return Ambiguous(
            tuple((f.line_of(s) + 1, f.line_of(s + len(old) - 1) + 1) for s in starts), "exactly"
        )
    matches, last = [], -1
    for s in starts:
        if s >= last:
            matches.append(Match(s, s + len(old), _with_eol(new, f.eol_at(f.line_of(s)))))
            last = s + len(old)
    return matches


# ---- whitespace-tolerant, with optional `...` runs -----------------------------------------


def _snippet_lines(s: str) -> tuple[list[str], bool]:
    """The lines of a snippet without line breaks, and whether it ends with one."""
    lines = s.split("\n")
    ends_nl = len(lines) > 1 and lines[-1] == ""
    if ends_nl:
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines], ends_nl


def _segments(lines: list[str]) -> tuple[list[list[str]], bool, bool]:
    """Split at `...` lines, dropping blank lines next to them; a `...` first or last
    (before or after only blank lines) just says the snippet goes on, and is dropped."""
    nonblank = [line for line in lines if line.strip()]
    lead, trail = _is_marker(nonblank[0]), _is_marker(nonblank[-1])
    segs: list[list[str]] = [[]]
    for line in lines:
        if _is_marker(line):
            segs.append([])
        else:
            segs[-1].append(line)
    for j, seg in enumerate(segs):
        while j > 0 and seg and not seg[0].strip():
            seg.pop(0)
        while j < len(segs) - 1 and seg and not seg[-1].strip():
            seg.pop()
    return segs[lead : len(segs) - trail], lead, trail


def _elided(f: _File, old_lines, new_lines, old_nl: bool, new_nl: bool) -> list[Match] | Refusal | None:
    old_segs, lead, trail = _segments(old_lines)
    if not old_segs or not all(any(line.strip() for line in seg) for seg in old_segs):
        return Invalid("old_string has nothing but `...` between some of its lines; quote real lines there.")
    if not any(line.strip() for line in new_lines):
        new_segs, new_lead, new_trail = [new_lines], False, False
    else:
        new_segs, new_lead, new_trail = _segments(new_lines)
    if (len(new_segs), new_lead, new_trail) != (len(old_segs), lead, trail):
        return Invalid(
            "old_string leaves lines out with `...`, so new_string must have the same `...` lines "
            "in the same places: each stands for the lines it leaves out, which are kept as they "
            "are. To change those lines as well, quote them in full."
        )
    return _fit(f, old_segs, new_segs, old_nl or trail, new_nl or trail, False, "with its `...` lines")


Assignment = tuple[int, ...]  # where each segment starts, as a position among non-blank lines


def _assignments(f: _File, segs: list[list[tuple[str, str]]]) -> Iterator[Assignment]:
    """Every placement of the segments, in order, on runs of non-blank lines with equal bodies."""
    n = len(f.bodies)
    cands = [
        [
            p
            for p in f.index.get(seg[0][1], ())
            if p + len(seg) <= n and all(f.bodies[p + i] == body for i, (_, body) in enumerate(seg))
        ]
        for seg in segs
    ]

    def place(j: int, lo: int, acc: Assignment) -> Iterator[Assignment]:
        for p in cands[j][bisect.bisect_left(cands[j], lo) :]:
            if j + 1 == len(segs):
                yield acc + (p,)
            else:
                yield from place(j + 1, p + len(segs[j]), acc + (p,))

    return place(0, 0, ())


def _fit(f: _File, old_segs, new_segs, old_nl, new_nl, replace_all, how) -> list[Match] | Refusal | None:
    """Match segments of lines, each on consecutive non-blank lines (blank lines between
    them do not count), with runs of any lines between segments. Same indentation first,
    then a consistent re-indentation; unique at the level found unless replace_all."""
    segs = [[_parts(line) for line in seg if line.strip()] for seg in old_segs]
    if not all(segs):
        return None
    lead = next((i for i, line in enumerate(old_segs[0]) if line.strip()), 0)
    trail = next((i for i, line in enumerate(reversed(old_segs[-1])) if line.strip()), 0)
    wanted = [indent for seg in segs for indent, _ in seg]
    indents = (_parts(line)[0] for seg in (*old_segs, *new_segs) for line in seg)
    units = _units(len(i) for i in indents if i and not i.strip(" "))  # spaces per tab, for the snippet
    same: list[Assignment] = []
    moved: list[tuple[Assignment, Reindent]] = []
    for n, a in enumerate(_assignments(f, segs)):
        if n == _MAX_WAYS:
            return Invalid(
                "old_string with its `...` lines fits in too many ways; quote more lines around each `...`."
            )
        have = [f.indents[p + i] for p, seg in zip(a, segs, strict=True) for i in range(len(seg))]
        if have == wanted:
            same.append(a)
        elif not same and (r := _reindenter(have, wanted, units, f)) is not None:
            moved.append((a, r))
    found = [(a, None) for a in same] or moved
    if not found:
        return None
    if len(found) > 1 and not (replace_all and len(segs) == 1):
        return Ambiguous(tuple(_first_last(f, a, segs) for a, _ in found), how)
    matches: list[Match] = []
    for a, r in found:
        m = _build(f, a, segs, old_segs, new_segs, r, lead, trail, old_nl, new_nl)
        if isinstance(m, Invalid):
            return m
        if not matches or m.start >= matches[-1].end:
            matches.append(m)
    return matches


def _first_last(f: _File, a: Assignment, segs) -> tuple[int, int]:
    return f.nb[a[0]] + 1, f.nb[a[-1] + len(segs[-1]) - 1] + 1


def _build(
    f: _File, a: Assignment, segs, old_segs, new_segs, r: Reindent | None, lead, trail, old_nl, new_nl
):
    first, last = (k - 1 for k in _first_last(f, a, segs))
    # Blank lines the snippet starts or ends with are taken from the file, as many as it has.
    while lead and first > 0 and not f.content(first - 1).strip():
        first, lead = first - 1, lead - 1
    while trail and last + 1 < len(f.starts) and not f.content(last + 1).strip():
        last, trail = last + 1, trail - 1
    if old_nl and f.ends[last] == f.cends[last]:
        new_nl = False  # the file ends there without a line break, and keeps ending so
    eol = f.eol_at(first)
    pieces: list[str] = []
    for j, (old_seg, new_seg) in enumerate(zip(old_segs, new_segs, strict=True)):
        if j:  # the lines a `...` stands for, as they are
            gap_from = f.nb[a[j - 1] + len(segs[j - 1]) - 1]
            pieces.append(f.text[f.ends[gap_from] : f.starts[f.nb[a[j]]]])
        for line, the_files in _segment_lines(f, a[j], old_seg, new_seg):
            if r is not None and not the_files and line.strip():
                indent = _parts(line)[0]
                moved = r(indent)
                if moved is None:
                    return Invalid(
                        f"old_string matched lines {first + 1}-{last + 1} only with its indentation "
                        f"changed, and new_string's line {line.strip()!r} cannot be re-indented the "
                        "same way. Quote old_string with the file's indentation."
                    )
                line = moved + line[len(indent) :]
            elif r is not None and not the_files:
                line = ""
            pieces.append(line + eol)
    new_text = "".join(pieces)
    if not new_nl and new_text.endswith(eol):
        new_text = new_text[: -len(eol)]
    return Match(f.starts[first], f.ends[last] if old_nl else f.cends[last], new_text)


def _segment_lines(f: _File, at: int, old_seg: list[str], new_seg: list[str]) -> Iterator[tuple[str, bool]]:
    """new_string's lines for one segment matched at non-blank position `at`, each with
    whether it is the file's own line. What the edit leaves alone is written as the file
    has it: a line that is the same in old_string and new_string, and the blank lines
    between two lines when both strings have as many there. Whitespace the model misquoted
    (trailing spaces, tabs, a blank line dropped or added) is not its edit, and stays."""
    old = [(i, line.rstrip()) for i, line in enumerate(old_seg) if line.strip()]
    new = [(j, line.rstrip()) for j, line in enumerate(new_seg) if line.strip()]
    if not new:
        yield from ((line, False) for line in new_seg)
        return
    # Each new line that stands where an old one stood: (that old line's place, unchanged?).
    # Runs replaced line for line count as standing in place.
    same = difflib.SequenceMatcher(None, [b for _, b in old], [b for _, b in new], autojunk=False)
    stands: dict[int, tuple[int, bool]] = {}
    for tag, i1, i2, j1, j2 in same.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            stands.update((j1 + d, (i1 + d, tag == "equal")) for d in range(j2 - j1))
    yield from ((line, False) for line in new_seg[: new[0][0]])
    for q, (j, _) in enumerate(new):
        here = stands.get(q)
        if q:
            gap = new_seg[new[q - 1][0] + 1 : j]
            before = stands.get(q - 1)
            if (before and here and here[0] == before[0] + 1
                    and old[here[0]][0] - old[before[0]][0] - 1 == len(gap)):
                rows = range(f.nb[at + before[0]] + 1, f.nb[at + here[0]])
                yield from ((f.content(k), True) for k in rows)
            else:
                yield from ((line, False) for line in gap)
        if here and here[1]:
            yield f.content(f.nb[at + here[0]]), True
        else:
            yield new_seg[j], False
    yield from ((line, False) for line in new_seg[new[-1][0] + 1 :])


# ---- indentation ---------------------------------------------------------------------------


def _shift(have: list[str], wanted: list[str]) -> Reindent | None:
    """The same indentation under different common prefixes: the file's lines are the
    snippet's moved by one uniform shift."""
    p, q = os.path.commonprefix(have), os.path.commonprefix(wanted)
    if any(h[len(p) :] != w[len(q) :] for h, w in zip(have, wanted, strict=True)):
        return None

    def reindent(indent: str) -> str | None:
        if indent.startswith(q):
            return p + indent[len(q) :]
        cut = q[len(indent) :]  # a line indented less than any in the snippet
        if q.startswith(indent) and p.endswith(cut):
            return p[: len(p) - len(cut)]
        return None

    return reindent


def _reindenter(have: list[str], wanted: list[str], units: tuple[int, ...], f: _File) -> Reindent | None:
    """How the snippet's indentation maps onto the file's, if it does consistently."""
    file_tabs, snip_tabs = any("\t" in h for h in have), any("\t" in w for w in wanted)
    convert: list[Callable[[str], str]] = []
    if file_tabs and not snip_tabs and any(wanted):
        convert = [lambda s, u=u: s.replace(" " * u, "\t") for u in units]
    elif snip_tabs and not file_tabs and any(have):
        convert = [lambda s, u=u: s.replace("\t", " " * u) for u in f.tab_units]
    for c in convert:
        shift = _shift(have, [c(w) for w in wanted])
        if shift is not None:
            return lambda indent, c=c, shift=shift: shift(c(indent))
    return _shift(have, wanted)


# ---- nothing fits --------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _closest(f: _File, old_lines: list[str]) -> NotFound:
    """The region of the snippet's length most like it: the windows sharing the most tokens
    with it (a rolling count), then difflib's ratio among the best few."""
    n = len(f.starts)
    if n == 0:
        return NotFound()
    m = min(max(len(old_lines), 1), n)
    target = Counter(t for line in old_lines for t in _TOKEN.findall(line))
    lines = [_TOKEN.findall(f.content(k)) for k in range(n)]
    window: Counter[str] = Counter()
    shared = 0

    def add(tokens, sign):
        nonlocal shared
        for t in tokens:
            if sign > 0:
                shared += window[t] < target[t]
                window[t] += 1
            else:
                window[t] -= 1
                shared -= window[t] < target[t]

    scores = []
    for k in range(n):
        add(lines[k], 1)
        if k >= m:
            add(lines[k - m], -1)
        if k >= m - 1:
            scores.append((shared, -(k - m + 1)))
    goal = "\n".join(line.strip() for line in old_lines)
    ratio, start = 0.0, 0
    for _, neg in sorted(scores, reverse=True)[:8]:
        s = -neg
        window_text = "\n".join(f.content(k).strip() for k in range(s, s + m))
        r = difflib.SequenceMatcher(None, window_text, goal, autojunk=False).ratio()
        if r > ratio or (r == ratio and s < start):
            ratio, start = r, s
    return NotFound(start + 1, start + m, "\n".join(f.content(k) for k in range(start, start + m)), ratio)
