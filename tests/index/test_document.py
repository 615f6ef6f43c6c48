"""Open documents: an incremental re-parse must give exactly what a full parse gives."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treewright.index import tags
from treewright.index.document import Document
from treewright.index.languages import new_parser
from treewright.index.tags import extract

MODELS = (Path(__file__).resolve().parents[2] / "examples/demo/inventory/models.py").read_bytes()
TS = (Path(__file__).resolve().parents[2] / "examples/demo/web/src/api.ts").read_bytes()

# What people type: identifiers, keywords, brackets, newlines, whole new definitions, and
# deletions (an empty insertion over a range).
SNIPPETS = [
    b"", b"x", b"_", b"(", b")", b":", b"\n", b"    ", b"def ", b"class ", b"pass", b"'",
    b"\ndef added(a, b):\n    return helper(a)\n", b"\nclass Added(Base):\n    def m(self):\n        pass\n",
    b"#", b"\"\"\"", b"}", b"{", b"function f() {}\n", "é😀".encode(),
]


def _assert_same_as_full(doc: Document, references: bool = True) -> None:
    tree = new_parser(doc.language).parse(doc.source)
    if str(tree.root_node) != str(doc.tree.root_node):
        # Tree-sitter's incremental parse may recover from a syntax error differently from
        # a fresh parse (its error recovery depends on the previous tree); only then may the
        # trees differ, and tags can only be as good as the tree they come from.
        assert tree.root_node.has_error
        return
    full = extract(doc.language, tree)
    assert doc.definitions == full.definitions
    assert doc.errors == full.errors
    if not references:  # asking would find them now: the edits to come would keep them
        return
    assert doc.references() == full.references
    counts = doc.reference_counts()
    expected: dict[str, int] = {}
    for r in full.references:
        expected[r.name] = expected.get(r.name, 0) + 1
    assert counts == expected


edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 40), st.sampled_from(SNIPPETS)), min_size=1, max_size=12
)


@settings(max_examples=120, deadline=None)
@given(edits=edits, asked=st.sampled_from(["at open", "after each edit", "at the end"]))
def test_incremental_python_equals_full_parse(edits, asked):
    """References are found when first asked for, and kept by the edits after that."""
    doc = Document("python", MODELS)
    if asked == "at open":
        doc.references()
    for where, length, text in edits:
        start = int(where * len(doc.source))
        end = min(start + length, len(doc.source))
        doc.edit(doc.point(start), doc.point(end), text)
        _assert_same_as_full(doc, references=asked != "at the end")
    _assert_same_as_full(doc)


@settings(max_examples=60, deadline=None)
@given(edits=edits)
def test_incremental_typescript_equals_full_parse(edits):
    doc = Document("typescript", TS)
    for where, length, text in edits:
        start = int(where * len(doc.source))
        end = min(start + length, len(doc.source))
        doc.edit(doc.point(start), doc.point(end), text)
    _assert_same_as_full(doc)


@pytest.mark.parametrize("language, source", [("python", MODELS * 30), ("typescript", TS * 30)])
def test_the_query_window_does_not_change_the_tags(monkeypatch, language, source):
    """Queries run a window of bytes at a time: definitions and references that span
    windows must come out once, exactly as from one query over the whole file."""
    root = new_parser(language).parse(source).root_node
    monkeypatch.setattr(tags, "_WINDOW", 1 << 30)
    whole = tags.query_tags(language, root)
    monkeypatch.setattr(tags, "_WINDOW", 1024)
    windows: list[int] = []  # background queries step aside between windows
    assert tags.query_tags(language, root, between_windows=lambda: windows.append(1)) == whole
    assert whole[0] and whole[1]
    assert len(windows) == -(-len(source) // 1024)


def test_references_found_on_another_thread_while_edits_go_on():
    """The repo map asks from its own thread while keystrokes keep coming: what it finds
    on the tree as it was must not be kept as the references of the text as it is."""
    doc = Document("python", MODELS * 30)
    asked = threading.Thread(target=doc.reference_counts)
    asked.start()
    for _ in range(40):
        doc.edit((0, 0), (0, 0), b"helper(a.b)\n")
    asked.join()
    _assert_same_as_full(doc)


def test_edit_positions_and_lines():
    doc = Document("python", b"a = 1\nb = 2\n")
    doc.edit((1, 0), (1, 1), b"bee")
    assert doc.source == b"a = 1\nbee = 2\n"
    assert [d.name for d in doc.definitions] == ["a", "bee"]
    doc.edit((0, 5), (1, 0), b"\n\n")
    assert doc.source == b"a = 1\n\nbee = 2\n"
    assert doc.line_bytes(2) == b"bee = 2"
    assert doc.definitions[1].start == (2, 0)
    # Positions past the end clamp instead of failing.
    doc.edit((99, 99), (120, 0), b"c = 3\n")
    assert doc.source.endswith(b"c = 3\n")
    _assert_same_as_full(doc)


def test_document_without_a_grammar_keeps_text_only():
    doc = Document(None, b"plain text\n")
    doc.edit((0, 0), (0, 5), b"fancy")
    assert doc.source == b"fancy text\n"
    assert doc.definitions == [] and doc.tree is None
