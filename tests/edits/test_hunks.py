"""Hunks reproduce the proposed text byte for byte; ids, summaries and the diff."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treewright.edits.hunks import compute_hunks, split_lines, symbol_namer, unified_diff

MODELS = (Path(__file__).resolve().parents[2] / "examples/demo/inventory/models.py").read_text()


def splice_all(original: str, hunks) -> str:
    lines = split_lines(original)
    for h in reversed(hunks):
        assert "".join(lines[h.start_line : h.end_line]) == h.old_text
        lines[h.start_line : h.end_line] = [h.new_text]
    return "".join(lines)


@st.composite
def texts(draw) -> str:
    """Lines with mixed LF and CRLF, ending with a line break or not."""
    lines = draw(st.lists(st.sampled_from(["a", "b", "c", "", "  d", "e\t"]), max_size=25))
    eols = [draw(st.sampled_from(["\n", "\r\n"])) for _ in lines]
    if eols and draw(st.booleans()):
        eols[-1] = ""
    return "".join(line + eol for line, eol in zip(lines, eols, strict=True))


@settings(max_examples=400, deadline=None)
@given(texts(), texts())
def test_all_hunks_reproduce_the_proposed_text(original, proposed):
    hunks = compute_hunks(original, proposed)
    assert splice_all(original, hunks) == proposed
    assert [h.id for h in hunks] == [f"h{k}" for k in range(1, len(hunks) + 1)]
    assert all(a.end_line <= b.start_line for a, b in zip(hunks, hunks[1:], strict=False))
    assert all(h.old_text != h.new_text for h in hunks)
    assert (not hunks) == (original == proposed)


def test_split_lines_round_trips():
    for text in ["", "a", "a\n", "a\r\nb", "\n\n", "a\rb\n"]:
        assert "".join(split_lines(text)) == text
    assert split_lines("a\r\nb\rc\n\nd") == ["a\r\n", "b\rc\n", "\n", "d"]


def test_crlf_and_a_missing_final_newline():
    original = "one\r\ntwo\r\nthree"
    proposed = "one\r\n2\r\nthree\r\nfour"
    hunks = compute_hunks(original, proposed)
    assert [(h.start_line, h.end_line, h.old_text, h.new_text) for h in hunks] == [
        (1, 3, "two\r\nthree", "2\r\nthree\r\nfour")
    ]
    assert splice_all(original, hunks) == proposed


def test_ids_in_file_order_and_summaries():
    original = "a\nb\nc\nd\ne\nf\ng\nh\n"
    proposed = "A\nb\nc\nc2\nc3\nd\nf\ng\nH\nH2\n"
    hunks = compute_hunks(original, proposed, prefix="f2h")
    assert [(h.id, h.start_line, h.end_line, h.summary) for h in hunks] == [
        ("f2h1", 0, 1, "replace 1 line"),
        ("f2h2", 3, 3, "insert 2 lines"),
        ("f2h3", 4, 5, "delete 1 line"),
        ("f2h4", 7, 8, "replace 1 line with 2"),
    ]
    assert hunks[1].before == ("a\n", "b\n", "c\n") and hunks[1].after == ("d\n", "e\n", "f\n")
    assert hunks[0].before == () and hunks[3].after == ()


def test_summaries_name_the_enclosing_symbol():
    proposed = MODELS.replace(
        "        return round(self.unit_price * self.quantity, 2)",
        "        value = self.unit_price * self.quantity\n        return round(value, 2)",
    ).replace("class StockError(Exception):", "class StockError(RuntimeError):")
    named = compute_hunks(MODELS, proposed, symbol_at=symbol_namer("inventory/models.py", MODELS))
    assert [h.summary for h in named] == [
        "replace 1 line in class StockError",
        "replace 1 line with 2 in method Item.total_value",
    ]
    calls = []
    compute_hunks("x\ny\n", "x\nnew\ny\n", symbol_at=lambda line: calls.append(line) or "block")
    assert calls == [0]  # an insertion is named after the line it follows
    assert symbol_namer("notes.unknown-extension", "text") is None


def test_unified_diff():
    diff = unified_diff("src/a.py", "x = 1\ny = 2\n", "x = 1\ny = 3")
    assert diff == (
        "--- a/src/a.py\n+++ b/src/a.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3\n"
        "\\ No newline at end of file\n"
    )
    assert unified_diff("n.txt", None, "hi\n") == "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+hi\n"
    assert unified_diff("n.txt", "hi\n", None).startswith("--- a/n.txt\n+++ /dev/null\n")
    assert unified_diff("n.txt", "same\n", "same\n") == ""


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@settings(max_examples=40, deadline=None)
@given(texts(), texts())
def test_the_diff_applies_with_git(original, proposed):
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "f.txt"
        target.write_bytes(original.encode())
        diff = unified_diff("f.txt", original, proposed)
        if diff:
            subprocess.run(["git", "apply", "-"], cwd=tmp, input=diff.encode(), check=True, capture_output=True)
        assert target.read_bytes() == proposed.encode()
