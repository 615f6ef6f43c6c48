"""Applying hunks to a file the user has kept editing: right place, or a conflict; nothing lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treewright.edits.apply import Conflict, Placed, apply_hunks, place_hunks
from treewright.edits.hunks import compute_hunks, split_lines

ORIGINAL = "".join(f"line {k}\n" for k in range(30))
PROPOSED = (
    ORIGINAL.replace("line 5\n", "line five\n")
    .replace("line 12\n", "line 12\nadded a\nadded b\n")
    .replace("line 20\nline 21\n", "")
    .replace("line 28\n", "line 28 changed\n")
)
HUNKS = compute_hunks(ORIGINAL, PROPOSED)


def test_the_fixture():
    assert [h.summary for h in HUNKS] == ["replace 1 line", "insert 2 lines", "delete 2 lines", "replace 1 line"]


def test_all_hunks_on_unchanged_text():
    applied = apply_hunks(ORIGINAL, HUNKS)
    assert applied.text == PROPOSED
    assert list(applied.outcomes.values()) == [
        Placed("h1", 5, 6),
        Placed("h2", 13, 13),
        Placed("h3", 20, 22),
        Placed("h4", 28, 29),
    ]


def test_a_subset_of_hunks():
    assert apply_hunks(ORIGINAL, HUNKS, ["h2"]).text == ORIGINAL.replace("line 12\n", "line 12\nadded a\nadded b\n")
    assert apply_hunks(ORIGINAL, HUNKS, ["h1", "h4"]).text == ORIGINAL.replace("line 5\n", "line five\n").replace(
        "line 28\n", "line 28 changed\n"
    )
    assert apply_hunks(ORIGINAL, HUNKS, []).text == ORIGINAL
    with pytest.raises(ValueError, match="h9"):
        apply_hunks(ORIGINAL, HUNKS, ["h1", "h9"])


def test_text_edited_above_shifts_the_hunks():
    current = "# typed 1\n# typed 2\n# typed 3\n" + ORIGINAL.replace("line 16\n", "")
    applied = apply_hunks(current, HUNKS)
    assert applied.text == "# typed 1\n# typed 2\n# typed 3\n" + PROPOSED.replace("line 16\n", "")
    assert applied.outcomes["h1"] == Placed("h1", 8, 9)
    assert applied.outcomes["h3"] == Placed("h3", 22, 24)


def test_text_edited_inside_a_hunk_is_a_conflict_and_nothing_else_is_lost():
    current = ORIGINAL.replace("line 21\n", "line 21 edited by the user\n")
    applied = apply_hunks(current, HUNKS)
    assert applied.outcomes["h3"] == Conflict("h3", "text changed since the proposal")
    expected = PROPOSED.replace("line 19\n", "line 19\nline 20\nline 21 edited by the user\n")
    assert applied.text == expected


def test_of_several_places_the_surroundings_decide_then_strict_nearness():
    original = "p\nq\nr\nx\ns\nt\nu\n"
    hunks = compute_hunks(original, original.replace("x\n", "y\n"))
    # The surroundings match at the farther place: it wins.
    assert apply_hunks("a\nb\nx\nc\n" + original, hunks).text == "a\nb\nx\nc\n" + original.replace("x\n", "y\n")
    # No surroundings anywhere: the nearer of two places, expected at line 3 (0-based).
    assert apply_hunks("x\n0\n0\n0\nx\n", hunks).text == "x\n0\n0\n0\ny\n"
    tie = apply_hunks("x\n0\n0\n0\n0\n0\nx\n", hunks)
    assert tie.outcomes["h1"] == Conflict("h1", "ambiguous: found at lines 1 and 7")
    assert tie.text == "x\n0\n0\n0\n0\n0\nx\n"


def test_an_insertion_anchors_on_its_surroundings():
    original = "a\nb\nc\nd\ne\nf\n"
    hunks = compute_hunks(original, "a\nb\nc\nNEW\nd\ne\nf\n")
    assert apply_hunks("top\n" + original, hunks).text == "top\na\nb\nc\nNEW\nd\ne\nf\n"
    # The user changed the line below it: the lines above still place it.
    assert apply_hunks("a\nb\nc\nD!\ne\nf\n", hunks).text == "a\nb\nc\nNEW\nD!\ne\nf\n"
    both = apply_hunks("a\nb\nC!\nD!\ne\nf\n", hunks)
    assert both.outcomes["h1"] == Conflict("h1", "text changed since the proposal")
    assert both.text == "a\nb\nC!\nD!\ne\nf\n"


def test_an_insertion_into_an_empty_file_needs_it_still_empty():
    hunks = compute_hunks("", "hello\n")
    assert apply_hunks("", hunks).text == "hello\n"
    assert isinstance(apply_hunks("typed\n", hunks).outcomes["h1"], Conflict)


def test_crlf_and_no_final_newline_round_trip():
    original, proposed = "a\r\nb\r\nc", "a\r\nB\r\nc\r\nd"
    assert apply_hunks(original, compute_hunks(original, proposed)).text == proposed


# ---- properties ----------------------------------------------------------------------------


@st.composite
def agent_edit(draw, vocabulary: list[str] | None):
    """(original lines, proposed lines): lines of a vocabulary, or all distinct ones."""
    n = draw(st.integers(0, 40))
    original = [(draw(st.sampled_from(vocabulary)) if vocabulary else f"o{k}") + "\n" for k in range(n)]
    proposed: list[str] = []
    for k in range(n + 1):
        if draw(st.integers(0, 9)) == 0:
            proposed += [f"p{k}.{j}\n" for j in range(draw(st.integers(1, 2)))]
        if k == n:
            break
        action = draw(st.integers(0, 9))
        if action == 0:
            continue  # deleted
        if action == 1:
            proposed += [f"r{k}.{j}\n" for j in range(draw(st.integers(1, 2)))]
        else:
            proposed.append(original[k])
    return original, proposed


@st.composite
def user_edits(draw, n: int, protected: set[int]):
    """The user's edits to the original: lines deleted, and lines typed before a line."""
    deleted = {k for k in range(n) if k not in protected and draw(st.integers(0, 5)) == 0}
    typed = {
        k: [f"u{k}.{j}\n" for j in range(draw(st.integers(1, 3)))]
        for k in range(n + 1)
        if k not in protected and k - 1 not in protected and draw(st.integers(0, 5)) == 0
    }
    return deleted, typed


def _edited(original: list[str], deleted, typed, hunks=()) -> str:
    """The original with the user's edits and the given hunks, each at its own place."""
    at = {h.start_line: h for h in hunks}
    out, k = [], 0
    while k <= len(original):
        out += typed.get(k, [])
        h = at.get(k)
        if h is not None:
            out.append(h.new_text)
            if h.end_line > k:
                k = h.end_line
                continue
        if k < len(original) and k not in deleted:
            out.append(original[k])
        k += 1
    return "".join(out)


def _check_no_clobbering(current: str, applied, hunks) -> None:
    lines = split_lines(current)
    by_id = {h.id: h for h in hunks}
    for o in applied.outcomes.values():
        if isinstance(o, Placed):
            assert "".join(lines[o.start_line : o.end_line]) == by_id[o.id].old_text
    placed = sorted((o for o in applied.outcomes.values() if isinstance(o, Placed)), key=lambda o: o.start_line)
    rebuilt, last = [], 0
    for o in placed:
        rebuilt += lines[last : o.start_line] + [by_id[o.id].new_text]
        last = o.end_line
    assert "".join(rebuilt + lines[last:]) == applied.text


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_user_edits_away_from_hunks_survive_and_hunks_apply_exactly(data):
    original, proposed = data.draw(agent_edit(None))
    hunks = compute_hunks("".join(original), "".join(proposed))
    chosen = data.draw(st.lists(st.sampled_from(hunks), unique_by=lambda h: h.id) if hunks else st.just([]))
    # Away from every hunk and the lines kept around it.
    protected = {k for h in hunks for k in range(h.start_line - 3, h.end_line + 3)}
    deleted, typed = data.draw(user_edits(len(original), protected))
    current = _edited(original, deleted, typed)

    applied = apply_hunks(current, hunks, [h.id for h in chosen])
    assert all(isinstance(o, Placed) for o in applied.outcomes.values())
    assert applied.text == _edited(original, deleted, typed, chosen)
    _check_no_clobbering(current, applied, hunks)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_with_repeated_lines_user_edits_survive_and_applied_hunks_appear(data):
    original, proposed = data.draw(agent_edit(["a", "b", "}", ""]))
    hunks = compute_hunks("".join(original), "".join(proposed))
    chosen = data.draw(st.lists(st.sampled_from(hunks), unique_by=lambda h: h.id) if hunks else st.just([]))
    ids = [h.id for h in chosen]
    # Unchanged text: exactly the chosen hunks, each at its own place.
    assert apply_hunks("".join(original), hunks, ids).text == _edited(original, set(), {}, chosen)

    inside = {k for h in hunks for k in range(h.start_line, h.end_line)}
    deleted, typed = data.draw(user_edits(len(original), inside | {k + 1 for k in inside}))
    current = _edited(original, deleted, typed)
    applied = apply_hunks(current, hunks, ids)
    result = split_lines(applied.text)
    for lines in typed.values():
        for line in lines:
            assert result.count(line) == 1
    for h in chosen:
        if isinstance(applied.outcomes[h.id], Placed):
            assert h.new_text in applied.text
    _check_no_clobbering(current, applied, hunks)
    assert place_hunks(current, hunks, ids) == applied.outcomes
