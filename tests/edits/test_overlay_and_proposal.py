"""Staged files of one turn, and the proposal they make: kinds, hunk ids, to_dict/from_dict."""

from __future__ import annotations

import json

import pytest

from treewright.edits.apply import apply_hunks
from treewright.edits.overlay import StagedFiles
from treewright.edits.proposal import Proposal


@pytest.fixture
def disk() -> dict[str, str]:
    return {
        "app/main.py": "def main():\n    print('hi')\n\n\ndef helper():\n    return 1\n",
        "README.md": "# App\r\n",
        "old.txt": "obsolete\n",
    }


@pytest.fixture
def staged(disk) -> StagedFiles:
    return StagedFiles(disk.get)


def test_reads_see_staged_writes_and_the_disk_is_untouched(staged, disk):
    staged.write("app/main.py", "def main():\n    pass\n")
    assert staged.read("app/main.py") == "def main():\n    pass\n"
    assert disk["app/main.py"].startswith("def main():\n    print")
    assert staged.read("README.md") == "# App\r\n"
    assert staged.read("missing.py") is None


def test_create_and_delete(staged):
    staged.create("app/new.py", "x = 1\n")
    assert staged.exists("app/new.py") and staged.read("app/new.py") == "x = 1\n"
    with pytest.raises(FileExistsError):
        staged.create("app/new.py", "again")
    with pytest.raises(FileExistsError):
        staged.create("README.md", "")
    staged.delete("old.txt")
    assert not staged.exists("old.txt") and staged.read("old.txt") is None
    with pytest.raises(FileNotFoundError):
        staged.write("old.txt", "back?")
    with pytest.raises(FileNotFoundError):
        staged.delete("missing.py")
    staged.create("old.txt", "reborn\n")
    assert staged.changed_paths() == ["app/new.py", "old.txt"]


def test_unchanged_files_are_left_out(staged):
    staged.create("tmp.txt", "scratch")
    staged.delete("tmp.txt")
    staged.write("README.md", "# Changed\r\n")
    staged.write("README.md", "# App\r\n")
    assert staged.changed_paths() == []
    assert staged.to_proposal("p1", "nothing").files == ()


def test_the_original_is_taken_when_first_changed(staged, disk):
    staged.write("old.txt", "new\n")
    disk["old.txt"] = "the user saved something else\n"
    staged.write("old.txt", "newer\n")
    (change,) = staged.to_proposal("p1", "t").files
    assert change.original == "obsolete\n" and change.proposed == "newer\n"


def _three_kinds(staged: StagedFiles) -> Proposal:
    main = staged.read("app/main.py")
    staged.write("app/main.py", main.replace("print('hi')", "print('hello')").replace("return 1", "return 2"))
    staged.create("app/util.py", "def util():\n    return 0\n")
    staged.delete("old.txt")
    return staged.to_proposal("p7", "Say hello")


def test_to_proposal_with_modify_create_delete(staged):
    proposal = _three_kinds(staged)
    assert [(f.path, f.change) for f in proposal.files] == [
        ("app/main.py", "modify"),
        ("app/util.py", "create"),
        ("old.txt", "delete"),
    ]
    main, util, old = proposal.files
    assert [(h.id, h.summary) for h in main.hunks] == [
        ("f1h1", "replace 1 line in function main"),
        ("f1h2", "replace 1 line in function helper"),
    ]
    assert util.original is None and [h.id for h in util.hunks] == ["f2h1"]
    assert old.proposed is None and old.hunks[0].summary == "delete 1 line"
    assert util.diff.startswith("--- /dev/null\n+++ b/app/util.py\n")
    assert old.diff.startswith("--- a/old.txt\n+++ /dev/null\n")

    assert proposal.hunk("f1h2").new_text == "    return 2\n"
    assert proposal.file_of("f2h1") is util and proposal.file("old.txt") is old
    with pytest.raises(KeyError):
        proposal.hunk("f9h1")
    assert apply_hunks(main.original, main.hunks, ["f1h2"]).text.endswith("    return 2\n")


def test_to_dict_and_from_dict_round_trip(staged):
    proposal = _three_kinds(staged)
    data = json.loads(json.dumps(proposal.to_dict()))
    assert data["proposalId"] == "p7" and data["title"] == "Say hello"
    first = data["files"][0]
    assert first["path"] == "app/main.py" and first["change"] == "modify" and first["diff"] == proposal.files[0].diff
    assert first["hunks"][0] == {
        "id": "f1h1",
        "range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}},
        "oldText": "    print('hi')\n",
        "newText": "    print('hello')\n",
        "summary": "replace 1 line in function main",
        "before": ["def main():\n"],
        "after": ["\n", "\n", "def helper():\n"],
    }
    assert Proposal.from_dict(data) == proposal

    lean = proposal.to_dict(texts=False)
    assert "original" not in lean["files"][0]
    with pytest.raises(ValueError, match="without the texts"):
        Proposal.from_dict(lean)


def test_build_without_symbols_and_path_order():
    proposal = Proposal.build("p2", "t", {"b.py": ("x = 1\n", "x = 2\n"), "a.py": (None, "")}, symbols=None)
    assert [(f.path, f.change, [h.summary for h in f.hunks]) for f in proposal.files] == [
        ("a.py", "create", []),
        ("b.py", "modify", ["replace 1 line"]),
    ]
