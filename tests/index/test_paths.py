"""Fuzzy path search for `@` mentions: the file's own name outranks its folders."""

from treewright.index.paths import search_paths

PATHS = [
    "app/models.py",
    "app/admin/model_forms.py",
    "models/admin/forms.py",
    "docs/models.md",
    "tests/test_models.py",
    "README.md",
]


def test_name_matches_rank_before_folder_matches():
    found, total = search_paths(PATHS, "models", 10)
    assert found == [
        "app/models.py", "docs/models.md", "tests/test_models.py",  # the name
        "models/admin/forms.py",  # a folder
        "app/admin/model_forms.py",  # letters in order
    ]
    assert total == 5


def test_subsequence_and_case():
    assert search_paths(PATHS, "TstMod", 10)[0] == ["tests/test_models.py"]
    assert search_paths(PATHS, "zzz", 10) == ([], 0)


def test_empty_query_lists_shortest_first_within_limit():
    found, total = search_paths(PATHS, "  ", 2)
    assert found == ["README.md", "app/models.py"] and total == len(PATHS)
