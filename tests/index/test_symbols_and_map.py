"""Fuzzy symbol search, the repo map and its token budget."""

from __future__ import annotations

import heapq
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from treewright.index.repomap import RepoMapper
from treewright.index.symbols import NameIndex, SymbolTable, _tier
from treewright.index.tags import Definition
from treewright.index.tokens import count_tokens
from treewright.index.workspace import WorkspaceIndex


def _d(name: str, row: int = 0) -> Definition:
    return Definition(name, "function", (row, 0), (row, 9), (row, 0), (row, len(name)), row, row + 9, row, None)


def test_search_ranks_exact_prefix_initials_substring_subsequence():
    table = SymbolTable()
    names = ["target_getter", "g_e_t", "get_queryset", "get", "GetQuerySet", "budget", "QuerySet"]
    table.replace_file("a.py", [], [_d(n, i) for i, n in enumerate(names)])
    # exact, then prefixes (shorter first), then word initials, then substrings.
    assert [d.name for _, d in table.search("get")] == [
        "get", "GetQuerySet", "get_queryset", "g_e_t", "budget", "target_getter",
    ]
    # Initials of word parts beat a scattered subsequence.
    assert [d.name for _, d in table.search("gqs")][:2] == ["GetQuerySet", "get_queryset"]
    assert table.search("zzz") == []
    assert table.search("") == []


def _is_subsequence(q: str, name: str) -> bool:
    rest = iter(name)
    return all(c in rest for c in q)


_NAMES = st.text(alphabet="abAB_xy", min_size=1, max_size=8)


def _ranked(names, query, limit):
    q = query.strip().lower()
    matching = [n for n in names if _is_subsequence(q, n.lower())]
    best = heapq.nsmallest(limit, ((_tier(n, query.strip(), q), len(n), n) for n in matching))
    return [n for _, _, n in best] if q else []


@given(names=st.lists(_NAMES, min_size=1, max_size=40, unique=True),
       later=st.lists(st.lists(_NAMES, max_size=40, unique=True), max_size=3),
       query=_NAMES, limit=st.integers(1, 12))
def test_search_finds_what_ranking_every_name_finds(names, later, query, limit):
    """The tiered lookups (bisect, substring scan, subsequence only when short), on the
    snapshot of the names plus the names changed since, return exactly the best `limit` of
    ranking every name that holds the query's letters in order, after every change."""
    table = SymbolTable()
    table.replace_file("a.py", [], [_d(n, i) for i, n in enumerate(names)])
    assert [d.name for _, d in table.search(query, limit)] == _ranked(names, query, limit)
    current = names
    for changed in later:  # the file's definitions renamed, added, removed
        table.replace_file("a.py", [_d(n, i) for i, n in enumerate(current)], [_d(n, i) for i, n in enumerate(changed)])
        current = changed
        assert [d.name for _, d in table.search(query, limit)] == _ranked(changed, query, limit)


def test_a_snapshot_built_off_the_lock_counts_the_changes_made_meanwhile():
    table = SymbolTable()
    table.replace_file("a.py", [], [_d("alpha"), _d("beta")])
    names = table.names()  # copied under the index lock; the snapshot is built without it
    table.replace_file("a.py", [_d("alpha"), _d("beta")], [_d("alpha"), _d("gamma")])
    table.install(NameIndex(names))
    assert [d.name for _, d in table.search("gam")] == ["gamma"]
    assert table.search("beta") == []
    assert [d.name for _, d in table.search("alp")] == ["alpha"]


def test_search_follows_file_changes():
    table = SymbolTable()
    table.replace_file("a.py", [], [_d("alpha")])
    table.replace_file("b.py", [], [_d("alpha"), _d("beta")])
    assert sorted(rel for rel, _ in table.search("alpha")) == ["a.py", "b.py"]
    table.replace_file("b.py", [_d("alpha"), _d("beta")], [_d("gamma")])
    assert [rel for rel, _ in table.search("alpha")] == ["a.py"]
    assert table.search("beta") == []
    assert [d.name for _, d in table.search("gam")] == ["gamma"]
    assert len(table) == 2  # a.py's alpha, b.py's gamma
    table.replace_file("a.py", [_d("alpha")], [])
    assert len(table) == 1


def test_search_is_fast_on_fifty_thousand_symbols():
    import time

    table = SymbolTable()
    table.replace_file("big.py", [], [_d(f"symbol_{i}_handler", i) for i in range(50_000)])
    table.search("warm")  # builds the name list once
    started = time.perf_counter()
    results = table.search("sym4999hand", limit=100)
    elapsed = time.perf_counter() - started
    assert results and results[0][1].name.startswith("symbol_4999")
    # Generous bound: this guards against a quadratic search, the bench measures speed.
    assert elapsed < 1.0


def test_token_estimate_grows_with_text():
    assert count_tokens("") == 0
    assert count_tokens("def f(x):\n    return x\n") < count_tokens("def f(x):\n    return x\n" * 3)
    assert 5 <= count_tokens("def get_queryset(self):") <= 12


def test_repo_map_ranks_what_is_referenced_and_fits_the_budget(demo):
    index = WorkspaceIndex(demo)
    index.build()
    mapper = RepoMapper(index)
    small = mapper.build(tokens=120)
    large = mapper.build(tokens=2000)
    assert 0 < small.tokens <= 120 and small.tokens == count_tokens(small.text)
    assert large.tokens <= 2000 and large.files >= small.files
    # Warehouse and Item are referenced from every other module: they make the smallest map.
    assert "inventory/models.py:" in small.text
    assert "class Warehouse" in small.text
    focused = mapper.build(tokens=200, focus=["web/src/api.ts"])
    assert "web/src/format.ts:" in focused.text or "web/src/api.ts:" in focused.text
    mentioned = mapper.build(tokens=120, mentions=["JsonStore"])
    assert "class JsonStore" in mentioned.text
    assert mapper.build(tokens=0).text == ""
    index.close()


def test_map_command_prints_the_map(demo):
    out = subprocess.run(
        [sys.executable, "-m", "treewright", "map", str(demo), "--tokens", "300", "--mention", "order_total"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "def order_total(" in out.stdout
    assert "tokens" in out.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "treewright", "map", str(demo / "nope")], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "not a directory" in bad.stderr
