"""Apply chosen hunks to a file as it is now, which may have moved on since the proposal.

The user keeps typing while the agent works and while they review, so each hunk finds its
place again by its own old text (an insertion by the lines kept around it), near where it
was. A hunk whose text has changed, or that fits two places equally well, is a conflict to
show the user, never applied by guess; and a hunk only ever replaces lines equal to its own
old text, so nothing the user wrote is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from treewright.edits.hunks import Hunk, split_lines

WINDOW = 400  # lines either side of its expected place in which a hunk is looked for


@dataclass(frozen=True)
class Placed:
    """Where a hunk's old text is in the current text: 0-based lines, end exclusive."""

    id: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Conflict:
    id: str
    reason: str


Outcome = Placed | Conflict


@dataclass(frozen=True)
class Applied:
    text: str
    outcomes: dict[str, Outcome]  # by hunk id, in file order


def place_hunks(current: str, hunks: Sequence[Hunk], ids: Iterable[str] | None = None) -> dict[str, Outcome]:
    """Find each chosen hunk (all when ids is None) in the current text.

    A hunk is expected at its original line shifted by as much as the hunk placed before it
    was, since edits above move everything below. Of several places, lines kept around the
    hunk decide, then nearness, which must be strict.
    """
    chosen = _chosen(hunks, ids)
    lines = split_lines(current)
    outcomes: dict[str, Outcome] = {}
    taken: list[Placed] = []
    drift = 0
    for h in chosen:
        outcome = _place(lines, h, h.start_line + drift)
        if isinstance(outcome, Placed):
            s = outcome.start_line
            other = next((t for t in taken if _overlaps(outcome, t)), None)
            if other is not None:
                outcome = Conflict(h.id, f"overlaps hunk {other.id}")
            else:
                taken.append(outcome)
                drift = s - h.start_line
        outcomes[h.id] = outcome
    return outcomes


def apply_hunks(current: str, hunks: Sequence[Hunk], ids: Iterable[str] | None = None) -> Applied:
    """The current text with the chosen hunks applied where they were placed."""
    outcomes = place_hunks(current, hunks, ids)
    order = {h.id: i for i, h in enumerate(hunks)}
    new_text = {h.id: h.new_text for h in hunks}
    placed = [o for o in outcomes.values() if isinstance(o, Placed)]
    placed.sort(key=lambda o: (o.start_line, o.end_line, order[o.id]), reverse=True)
    lines = split_lines(current)
    for o in placed:  # bottom up, so that line numbers above stay valid
        lines[o.start_line : o.end_line] = [new_text[o.id]]
    return Applied("".join(lines), outcomes)


def _chosen(hunks: Sequence[Hunk], ids: Iterable[str] | None) -> list[Hunk]:
    if ids is None:
        chosen = list(hunks)
    else:
        wanted = set(ids)
        unknown = wanted - {h.id for h in hunks}
        if unknown:
            raise ValueError(f"unknown hunks: {', '.join(sorted(unknown))}")
        chosen = [h for h in hunks if h.id in wanted]
    return sorted(chosen, key=lambda h: h.start_line)


def _overlaps(a: Placed, b: Placed) -> bool:
    """Whether two placed hunks would touch the same lines. An insertion at the edge of
    another hunk counts: it was anchored on lines that hunk changes (on an unchanged file
    hunks are always apart, since an unchanged line separates them)."""
    if a.start_line < b.end_line and b.start_line < a.end_line:
        return True
    if a.start_line == a.end_line and b.start_line <= a.start_line <= b.end_line:
        return True
    return b.start_line == b.end_line and a.start_line <= b.start_line <= a.end_line


def _fits(lines: list[str], at: int, expected: Sequence[str]) -> bool:
    return 0 <= at and at + len(expected) <= len(lines) and lines[at : at + len(expected)] == list(expected)


def _place(lines: list[str], h: Hunk, expected: int) -> Outcome:
    old = split_lines(h.old_text)
    lo, hi = max(expected - WINDOW, 0), min(expected + WINDOW, len(lines))
    if old:
        cands = [p for p in range(lo, hi + 1) if _fits(lines, p, old)]
        in_context = [
            p
            for p in cands
            if _fits(lines, p - len(h.before), h.before) and _fits(lines, p + len(old), h.after)
        ]
        if len(cands) > 1 and in_context:
            cands = in_context
    elif not h.before and not h.after:  # into an empty file, which must still be empty
        cands = [] if lines else [0]
    else:
        above = {p for p in range(lo, hi + 1) if _fits(lines, p - len(h.before), h.before)}
        below = {p for p in range(lo, hi + 1) if _fits(lines, p, h.after)}
        cands = sorted(above & below)
        if not cands:
            # The user edited next to it: one side alone will do, if it picks one place.
            either = sorted((above if h.before else set()) | (below if h.after else set()))
            if len(either) > 1:
                return Conflict(h.id, f"ambiguous: its surroundings fit at lines {_lines(either)}")
            cands = either
    if not cands:
        return Conflict(h.id, "text changed since the proposal")
    cands.sort(key=lambda p: abs(p - expected))
    if len(cands) > 1 and abs(cands[1] - expected) == abs(cands[0] - expected):
        return Conflict(h.id, f"ambiguous: found at lines {_lines(sorted(cands[:2]))}")
    return Placed(h.id, cands[0], cands[0] + len(old))


def _lines(positions: list[int]) -> str:
    shown = [str(p + 1) for p in positions]
    if len(shown) > 5:
        return ", ".join(shown[:5]) + ", ..."
    return ", ".join(shown[:-1]) + " and " + shown[-1]
