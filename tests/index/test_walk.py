"""The workspace walk: git's ignore rules, links, and what is never indexed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from treewright.index.walk import walk


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _rels(root: Path, exclude=()) -> list[str]:
    return [f.rel for f in walk(root, exclude)]


def test_nested_gitignore_with_negation(tmp_path):
    _tree(
        tmp_path,
        {
            ".gitignore": "*.log\nbuild/\n!keep.log\n",
            "a/.gitignore": "!x.log\nsecret.py\n",
            "x.log": "", "keep.log": "", "main.py": "",
            "a/x.log": "", "a/y.log": "", "a/secret.py": "", "a/b/secret.py": "", "a/b/ok.py": "",
            "build/out.py": "", "sub/build/gen.py": "",
        },
    )
    assert _rels(tmp_path) == [
        ".gitignore", "a/.gitignore", "a/b/ok.py", "a/x.log", "keep.log", "main.py",
    ]


def test_anchored_and_directory_patterns(tmp_path):
    _tree(
        tmp_path,
        {
            ".gitignore": "/top.py\ndocs/*.md\n",
            "top.py": "", "pkg/top.py": "", "docs/a.md": "", "docs/deep/b.md": "",
        },
    )
    assert _rels(tmp_path) == [".gitignore", "docs/deep/b.md", "pkg/top.py"]


def test_git_info_exclude_is_weaker_than_gitignore(tmp_path):
    _tree(
        tmp_path,
        {".git/info/exclude": "*.tmp\nlocal.py\n", ".gitignore": "!local.py\n",
         "a.tmp": "", "local.py": "", "b.py": "", ".git/config": ""},
    )
    assert _rels(tmp_path) == [".gitignore", "b.py", "local.py"]


def test_settings_exclude_wins(tmp_path):
    _tree(tmp_path, {".gitignore": "!vendor/\n", "vendor/lib.py": "", "app.py": ""})
    assert _rels(tmp_path, ["vendor/"]) == [".gitignore", "app.py"]


def test_treewright_and_vcs_folders_are_skipped(tmp_path):
    _tree(tmp_path, {".treewright/index.sqlite": "", ".git/HEAD": "", ".hg/x": "", "a.py": ""})
    assert _rels(tmp_path) == ["a.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_links_never_lead_out_of_the_workspace(tmp_path):
    outside = tmp_path / "outside"
    _tree(outside, {"secret.py": "TOKEN = 1\n", "dir/inner.py": ""})
    root = tmp_path / "ws"
    _tree(root, {"real.py": "", "pkg/mod.py": ""})
    (root / "out.py").symlink_to(outside / "secret.py")
    (root / "outdir").symlink_to(outside / "dir")
    (root / "alias.py").symlink_to(root / "real.py")
    (root / "loop").symlink_to(root)
    (root / "dangling.py").symlink_to(root / "missing.py")
    assert _rels(root) == ["alias.py", "pkg/mod.py", "real.py"]
