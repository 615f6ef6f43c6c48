"""Matching a model's old_string: forgiving whitespace, and never matching a wrong place."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from treewright.edits.matching import (
    Ambiguous,
    Invalid,
    Match,
    NotFound,
    locate,
    refusal_message,
    splice,
)

CODE = """\
class Cart:
    def total(self):
        value = 0
        for item in self.items:
            value += item.price

        return value

    def count(self):
        return len(self.items)
"""


def edit(text: str, old: str, new: str, **kw) -> str:
    found = locate(text, old, new, **kw)
    assert isinstance(found, list), refusal_message(found)
    return splice(text, found)


# ---- exact -------------------------------------------------------------------------------


def test_exact_unique():
    found = locate(CODE, "value += item.price", "value += item.price * item.qty")
    start = CODE.index("value += item.price")
    assert found == [Match(start, start + len("value += item.price"), "value += item.price * item.qty")]
    assert "            value += item.price * item.qty\n" in splice(CODE, found)


def test_exact_ambiguous_names_the_lines():
    found = locate(CODE, "self.items", "self.lines")
    assert isinstance(found, Ambiguous)
    assert found.how == "exactly" and found.count == 2 and found.lines == (4, 10)
    message = refusal_message(found, "cart.py")
    assert "2 times in cart.py" in message and "lines 4 and 10" in message and "replace_all" in message


def test_replace_all_changes_every_occurrence():
    assert edit(CODE, "self.items", "self.lines", replace_all=True) == CODE.replace("self.items", "self.lines")


def test_overlapping_occurrences_are_ambiguous():
    assert isinstance(locate("aaa\n", "aa", "b"), Ambiguous)


def test_empty_and_identical_are_refused():
    empty = locate(CODE, "", "x = 1\n")
    assert isinstance(empty, Invalid) and "old_string is empty" in refusal_message(empty)
    assert isinstance(locate(CODE, "return value", "return value"), Invalid)


# ---- whitespace-tolerant -----------------------------------------------------------------


def test_dedented_snippet_is_reindented():
    old = "for item in self.items:\n    value += item.price\n"
    new = "for item in self.items:\n    if item.price:\n        value += item.price\n"
    result = edit(CODE, old, new)
    assert (
        "        for item in self.items:\n"
        "            if item.price:\n"
        "                value += item.price\n"
        "\n"
        "        return value\n"
    ) in result


def test_over_indented_snippet_and_a_line_less_indented_than_it():
    old = "            value = 0\n            for item in self.items:\n"
    new = "            value = 0\n        # (no longer summed)\n            for item in self.items:\n"
    result = edit(CODE, old, new)
    assert "        value = 0\n    # (no longer summed)\n        for item in self.items:\n" in result


def test_a_line_that_cannot_be_reindented_is_refused():
    found = locate("x = 1\ny = 2\n", "    x = 1\n    y = 2\n", "x = 1\ny = 3\n")
    assert isinstance(found, Invalid) and "re-indented" in refusal_message(found)


def test_tabs_in_the_file_spaces_in_the_snippet():
    go = "func f() {\n\tif x {\n\t\treturn 1\n\t}\n}\n"
    result = edit(go, "if x {\n    return 1\n}", "if x {\n    return 2\n} else {\n    return 3\n}")
    assert result == "func f() {\n\tif x {\n\t\treturn 2\n\t} else {\n\t\treturn 3\n\t}\n}\n"


def test_spaces_in_the_file_tabs_in_the_snippet():
    old = "\tfor item in self.items:\n\t\tvalue += item.price\n"
    new = "\tfor item in self.items:\n\t\tvalue += item.price\n\t\tvalue += item.tax\n"
    result = edit(CODE, old, new)
    assert "            value += item.price\n            value += item.tax\n\n" in result


def test_trailing_whitespace_either_side():
    # A line the edit leaves alone keeps the file's trailing whitespace; a changed line is
    # written as new_string has it.
    text = "def f():  \n    return 1\t\n"
    assert edit(text, "def f():\n    return 1\n", "def f():\n    return 2\n") == "def f():  \n    return 2\n"
    assert edit("a = 1\nb = 2\n", "a = 1   \nb = 2 \n", "a = 3\nb = 2\n") == "a = 3\nb = 2\n"


def test_crlf_file_with_an_lf_snippet_keeps_crlf():
    text = CODE.replace("\n", "\r\n")
    result = edit(text, "value = 0\nfor item in self.items:\n", "value = 1\nfor item in self.items:\n")
    assert result == CODE.replace("value = 0", "value = 1").replace("\n", "\r\n")
    # An exact single-line match with a multi-line replacement also gets the file's breaks.
    result = edit(text, "return value", "print(value)\n        return value")
    assert "print(value)\r\n        return value\r\n" in result and "\r\r" not in result


def test_blank_line_dropped_or_added_in_the_snippet():
    # The file has a blank line between these two; the snippet is also dedented by 4. Both
    # strings leave it out, so the edit is not about it: the file keeps it.
    old = "        value += item.price\n    return value\n"
    new = "        value += item.price\n    return round(value)\n"
    assert edit(CODE, old, new) == CODE.replace("return value", "return round(value)")
    # A blank line the snippet adds, in both strings, is not added to the file either.
    old = "def count(self):\n\n    return len(self.items)\n"
    new = "def count(self):\n\n    return len(self.items) + 0\n"
    assert edit(CODE, old, new) == CODE.replace("len(self.items)\n", "len(self.items) + 0\n")


def test_blank_lines_the_edit_changes_are_its_own():
    # new_string adds a blank line where old_string has none: that is the edit.
    old = "value = 0\nfor item in self.items:\n"
    new = "value = 0\n\nfor item in self.items:\n"
    assert edit(CODE, old, new) == CODE.replace("value = 0\n", "value = 0\n\n")
    # and removes one the file has, quoted with the file's indentation shifted.
    old = "    value += item.price\n\nreturn value\n"
    new = "    value += item.price\nreturn value\n"
    assert edit(CODE, old, new) == CODE.replace("item.price\n\n", "item.price\n")


def test_unchanged_lines_keep_the_files_tabs_and_spaces():
    go = "func f() {\n\tif x {  \n\t\treturn 1\n\t}\n}\n"
    result = edit(go, "if x {\n    return 1\n}", "if x {\n    return 2\n}")
    assert result == "func f() {\n\tif x {  \n\t\treturn 2\n\t}\n}\n"


def test_same_indentation_is_preferred_to_a_shifted_one():
    text = "if a:\n    go()  \nif b:\n  go()\n"
    assert edit(text, "    go()\n", "    stop()\n") == "if a:\n    stop()\nif b:\n  go()\n"


def test_changed_nesting_is_not_a_match():
    text = "if a:\n    b()\n    c()\n"
    assert isinstance(locate(text, "if a:\n    b()\nc()\n", "x\n"), NotFound)


def test_tolerant_ambiguity_is_refused():
    text = "def f():\n    go()  \n\ndef g():\n    go()\t\n"
    found = locate(text, "    go()\n", "    stop()\n")
    assert isinstance(found, Ambiguous) and found.how == "ignoring whitespace"
    assert found.lines == (2, 5) and "ignoring whitespace" in refusal_message(found)
    assert edit(text, "    go()\n", "    stop()\n", replace_all=True) == "def f():\n    stop()\n\ndef g():\n    stop()\n"


def test_no_final_newline_stays_so():
    text = "    a = 1\n    b = 2"
    assert edit(text, "a = 1\nb = 2\n", "a = 1\nb = 3\n") == "    a = 1\n    b = 3"


# ---- elision -----------------------------------------------------------------------------


def test_elided_lines_are_kept():
    old = "def total(self):\n    ...\n    return value\n"
    new = "def total(self) -> int:\n    ...\n    return int(value)\n"
    result = edit(CODE, old, new)
    assert result == CODE.replace("def total(self):", "def total(self) -> int:").replace(
        "return value", "return int(value)"
    )


def test_comment_markers_and_a_trailing_marker():
    old = "def total(self):\n    # ...\n    return value\n"
    assert "int(value)" in edit(CODE, old, "def total(self):\n    // ...\n    return int(value)\n")
    result = edit(CODE, "class Cart:\n    ...\n", "class Cart(Base):\n    ...\n")
    assert result == CODE.replace("class Cart:", "class Cart(Base):")


def test_elision_that_fits_two_ways_is_refused():
    old = "class Cart:\n...\n        return len(self.items)\n"
    assert edit(CODE, old, "class Cart:\n...\n        return 0\n") == CODE.replace("len(self.items)", "0")
    text = CODE + "\n    def again(self):\n        return len(self.items)\n"
    found = locate(text, old, "class Cart:\n...\n        return 0\n")
    assert isinstance(found, Ambiguous) and found.how == "with its `...` lines"
    assert "fits the file in 2 ways" in refusal_message(found, "the file")


def test_elision_must_be_kept_in_new_string():
    found = locate(CODE, "def total(self):\n    ...\n    return value\n", "def total(self):\n    return 0\n")
    assert isinstance(found, Invalid) and "same `...` lines" in refusal_message(found)


# ---- not found ---------------------------------------------------------------------------


def test_not_found_shows_the_closest_lines():
    found = locate(CODE, "for item in self.item:\n    value += item.prices\n", "x")
    assert isinstance(found, NotFound) and (found.start_line, found.end_line) == (4, 5)
    message = refusal_message(found, "cart.py")
    assert "not found in cart.py" in message and "lines 4-5" in message
    assert "     4|         for item in self.items:\n     5|             value += item.price" in message


def test_not_found_in_an_empty_file():
    found = locate("", "x", "y")
    assert found == NotFound() and "empty" in refusal_message(found, "a.py")


# ---- never a wrong match -----------------------------------------------------------------

BODIES = ["a = 1", "b()", "return a", "if a:", "}", "pass", "x"]
INDENTS = ["", "    ", "        ", "\t", "\t\t"]


def _norm(s: str) -> list[str]:
    return [line.rstrip() for line in s.replace("\r\n", "\n").split("\n") if line.strip()]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


@st.composite
def perturbed_blocks(draw):
    lines = [
        draw(st.sampled_from(["", "  "]))
        if draw(st.integers(0, 5)) == 0
        else draw(st.sampled_from(INDENTS)) + draw(st.sampled_from(BODIES)) + draw(st.sampled_from(["", " ", "\t"]))
        for _ in range(draw(st.integers(1, 30)))
    ]
    nonblank = [k for k, line in enumerate(lines) if line.strip()]
    if not nonblank:
        lines.append("x")
        nonblank = [len(lines) - 1]
    first = draw(st.sampled_from(nonblank))
    last = draw(st.sampled_from([k for k in nonblank if first <= k < first + 8]))
    block = lines[first : last + 1]

    if draw(st.booleans()):
        block = [line.rstrip() for line in block]
    elif draw(st.booleans()):
        block = [line + " " if line.strip() and draw(st.booleans()) else line for line in block]
    indents = [_indent(line) for line in block if line.strip()]
    how = draw(st.sampled_from(["none", "add", "dedent", "tabs", "spaces"]))
    if how == "add":
        prefix = draw(st.sampled_from([" ", "  ", "    ", "        ", "\t"]))
        block = [prefix + line if line.strip() else line for line in block]
    elif how == "dedent":
        common = min(indents, key=len)
        if all(i.startswith(common) for i in indents):
            block = [line[len(common) :] if line.strip() else line for line in block]
    elif how == "tabs" and all(set(i) <= {"\t"} for i in indents):
        block = [line.replace("\t", "    ") for line in block]
    elif how == "spaces" and all(set(i) <= {" "} and len(i) % 4 == 0 for i in indents):
        block = [line.replace("    ", "\t") if line.strip() else line for line in block]
    interior = [k for k in range(1, len(block) - 1) if not block[k].strip()]
    if interior and draw(st.booleans()):
        del block[draw(st.sampled_from(interior))]
    elif len(block) > 1 and draw(st.booleans()):
        block.insert(draw(st.integers(1, len(block) - 1)), "")

    eol = draw(st.sampled_from(["\n", "\r\n"]))
    final = draw(st.booleans())
    text = eol.join(lines) + (eol if final else "")
    ends_nl = draw(st.booleans())
    snippet = draw(st.sampled_from(["\n", eol])).join(block) + ("\n" if ends_nl else "")
    return text, eol, first, last, snippet, ends_nl


@settings(max_examples=600, deadline=None)
@given(perturbed_blocks())
def test_a_match_is_the_block_or_fits_strictly_better(case):
    text, eol, first, last, snippet, ends_nl = case
    starts = [0]
    for k, ch in enumerate(text):
        if ch == "\n":
            starts.append(k + 1)
    line_text = [text[starts[k] : starts[k + 1] if k + 1 < len(starts) else len(text)] for k in range(len(starts))]
    first_indent = _indent(line_text[first])
    new = _indent(snippet) + "NEW"

    found = locate(text, snippet, new)
    assert not isinstance(found, NotFound | Invalid), (found, snippet)
    if isinstance(found, Ambiguous):
        return
    (m,) = found
    block_end = starts[last] + len(line_text[last])
    content_end = starts[last] + len(line_text[last].removesuffix("\n").removesuffix("\r"))
    on_block = starts[first] <= m.start <= starts[first] + len(first_indent) and (
        m.end == block_end
        if ends_nl
        else content_end - (len(line_text[last]) - len(line_text[last].rstrip())) <= m.end <= content_end
    )
    if on_block:
        return
    region, block = text[m.start : m.end], text[starts[first] : block_end]

    def tier(fits_exactly: bool, region: str) -> int:
        return 0 if fits_exactly else 1 if _norm(region) == _norm(snippet) else 2

    assert tier(region == snippet, region) < tier(snippet in block, block), (text, snippet, m)


def test_a_literal_ellipsis_matches_before_any_elision():
    text = "def f():  \n    ...\n"
    assert edit(text, "def f():\n    ...\n", "def f():\n    return 1\n") == "def f():  \n    return 1\n"
