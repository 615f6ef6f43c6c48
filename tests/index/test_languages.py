"""The tags query of every language, run over a small realistic file of that language.

Each fixture under `fixtures/languages/` is the kind of code people write (a class with
methods, a function, a constant, an interface where the language has one). For each we
pin down every definition with its kind and parent, and a few references that exercise
the different reference patterns (calls, type names, bases, `new`, imports).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from tree_sitter import Query

from treewright.index.languages import (
    DEFINITIONS,
    REFERENCES,
    grammars_dir,
    language_for_path,
    new_parser,
    query_patterns,
    specs,
    tags_query,
    tags_source,
    ts_language,
)
from treewright.index.tags import FileTags, extract, query_tags, with_parents

FIXTURES = Path(__file__).parent / "fixtures" / "languages"

# The definition kinds a tags query may use.
KINDS = {
    "function",
    "method",
    "class",
    "interface",
    "type",
    "constant",
    "module",
    "enum",
    "struct",
    "trait",
    "field",
    "variable",
    "macro",
    "namespace",
    "property",
    "constructor",
}


@dataclass(frozen=True)
class Case:
    fixture: str
    # Every definition in the file as (name, kind, parent), in file order.
    definitions: list[tuple[str, str, str | None]]
    # Some of the references the file must produce, separated by spaces.
    references: str


CASES: dict[str, Case] = {
    "python": Case(
        "inventory.py",
        [
            ("MAX_ITEMS", "constant", None),
            ("default_location", "variable", None),
            ("Store", "class", None),
            ("save", "method", "Store"),
            ("Item", "class", None),
            ("restock", "method", "Item"),
            ("empty", "method", "Item"),
            ("MemoryStore", "class", None),
            ("__init__", "method", "MemoryStore"),
            ("save", "method", "MemoryStore"),
            ("load_default", "function", None),
        ],
        "Protocol dataclass property Item Store ValueError len restock",
    ),
    "javascript": Case(
        "inventory.js",
        [
            ("MAX_RETRIES", "constant", None),
            ("Inventory", "class", None),
            ("constructor", "constructor", "Inventory"),
            ("load", "method", "Inventory"),
            ("create", "method", "Inventory"),
            ("formatItem", "function", None),
            ("isEmpty", "function", None),
            ("retry", "function", None),
        ],
        "EventEmitter fetchJson emit Inventory Map warn",
    ),
    "typescript": Case(
        "inventory.ts",
        [
            ("MAX_ITEMS", "constant", None),
            ("Item", "interface", None),
            ("name", "property", "Item"),
            ("quantity", "property", "Item"),
            ("ItemId", "type", None),
            ("Status", "enum", None),
            ("Inventory", "class", None),
            ("items", "field", "Inventory"),
            ("add", "method", "Inventory"),
            ("total", "function", None),
            ("isEmpty", "function", None),
        ],
        "EventEmitter Iterable Item ItemId Map Status Iterator Inventory reduce emit",
    ),
    "tsx": Case(
        "Inventory.tsx",
        [
            ("Item", "interface", None),
            ("name", "property", "Item"),
            ("quantity", "property", "Item"),
            ("Props", "type", None),
            ("Mode", "enum", None),
            ("ItemRow", "class", None),
            ("render", "method", "ItemRow"),
            ("formatItem", "function", None),
            ("Inventory", "function", None),
        ],
        "useState Component Item Props Mode formatItem setMode ItemRow",
    ),
    "go": Case(
        "inventory.go",
        [
            ("MaxItems", "constant", None),
            ("ErrFull", "variable", None),
            ("ItemID", "type", None),
            ("Item", "struct", None),
            ("ID", "field", "Item"),
            ("Quantity", "field", "Item"),
            ("Store", "interface", None),
            ("Save", "method", "Store"),
            ("MemoryStore", "struct", None),
            ("items", "field", "MemoryStore"),
            ("NewMemoryStore", "function", None),
            # Methods are declared outside their type, so they have no parent.
            ("Save", "method", None),
        ],
        "New Errorf make len ItemID Item MemoryStore error",
    ),
    "rust": Case(
        "inventory.rs",
        [
            ("MAX_ITEMS", "constant", None),
            ("ItemId", "type", None),
            ("Item", "struct", None),
            ("id", "field", "Item"),
            ("quantity", "field", "Item"),
            ("Event", "enum", None),
            ("Store", "trait", None),
            ("save", "method", "Store"),
            ("MemoryStore", "struct", None),
            ("items", "field", "MemoryStore"),
            # An impl block is not a definition, so its methods have no parent.
            ("save", "method", None),
            ("item", "macro", None),
            ("util", "module", None),
            ("new_store", "function", "util"),
        ],
        "HashMap Item ItemId Result Store MemoryStore format insert Err default",
    ),
    "java": Case(
        "Inventory.java",
        [
            ("Inventory", "class", None),
            ("MAX_ITEMS", "constant", "Inventory"),
            ("items", "field", "Inventory"),
            ("Inventory", "constructor", "Inventory"),
            ("save", "method", "Inventory"),
            ("Status", "enum", "Inventory"),
            ("Store", "interface", None),
            ("save", "method", "Store"),
            ("Item", "class", None),
            ("StoreFullException", "class", None),
            ("StoreFullException", "constructor", "StoreFullException"),
        ],
        "HashMap Map Store Item StoreFullException Exception Override size put",
    ),
    "c": Case(
        "inventory.c",
        [
            ("MAX_ITEMS", "macro", None),
            ("ITEM_VALID", "macro", None),
            ("item_id", "type", None),
            ("status", "enum", None),
            ("STATUS_ACTIVE", "constant", "status"),
            ("STATUS_ARCHIVED", "constant", "status"),
            ("item", "struct", None),
            ("id", "field", "item"),
            ("quantity", "field", "item"),
            ("inventory", "type", None),
            ("items", "field", "inventory"),
            ("count", "field", "inventory"),
            ("default_name", "variable", None),
            ("inventory_add", "function", None),
            ("inventory_print", "function", None),
        ],
        "ITEM_VALID printf inventory item item_id",
    ),
    "cpp": Case(
        "inventory.cpp",
        [
            ("INVENTORY_VERSION", "macro", None),
            ("inventory", "namespace", None),
            ("kMaxItems", "constant", "inventory"),
            ("ItemId", "type", "inventory"),
            ("Status", "enum", "inventory"),
            ("Active", "constant", "Status"),
            ("Archived", "constant", "Status"),
            ("Item", "struct", "inventory"),
            ("id", "field", "Item"),
            ("quantity", "field", "Item"),
            ("Store", "class", "inventory"),
            ("~Store", "method", "Store"),
            ("save", "method", "Store"),
            ("MemoryStore", "class", "inventory"),
            ("save", "method", "MemoryStore"),
            ("size", "method", "MemoryStore"),
            ("items_", "field", "MemoryStore"),
            # The out-of-line `MemoryStore::save` definition.
            ("save", "method", "inventory"),
        ],
        "Store Item ItemId string map size insert_or_assign",
    ),
    "csharp": Case(
        "Inventory.cs",
        [
            ("Example.Inventory", "namespace", None),
            ("IStore", "interface", "Example.Inventory"),
            ("Save", "method", "IStore"),
            ("Item", "class", "Example.Inventory"),
            ("Status", "enum", "Example.Inventory"),
            ("Range", "struct", "Example.Inventory"),
            ("Min", "field", "Range"),
            ("Max", "field", "Range"),
            ("MemoryStore", "class", "Example.Inventory"),
            ("MaxItems", "constant", "MemoryStore"),
            ("_items", "field", "MemoryStore"),
            ("MemoryStore", "constructor", "MemoryStore"),
            ("Count", "property", "MemoryStore"),
            ("Saved", "field", "MemoryStore"),
            ("Save", "method", "MemoryStore"),
        ],
        "System Generic IStore Item Dictionary EventHandler InvalidOperationException Invoke",
    ),
    "ruby": Case(
        "inventory.rb",
        [
            ("Inventory", "module", None),
            ("MAX_ITEMS", "constant", "Inventory"),
            ("Item", "class", "Inventory"),
            ("to_s", "method", "Item"),
            ("MemoryStore", "class", "Inventory"),
            ("initialize", "method", "MemoryStore"),
            ("save", "method", "MemoryStore"),
            ("load", "method", "MemoryStore"),
            ("default_store", "method", "Inventory"),
        ],
        "Struct Store Enumerable JSON parse Item save MemoryStore new",
    ),
    "php": Case(
        "Inventory.php",
        [
            ("App\\Inventory", "namespace", None),
            ("MAX_ITEMS", "constant", None),
            ("Store", "interface", None),
            ("save", "method", "Store"),
            ("Countable", "trait", None),
            ("count", "method", "Countable"),
            ("MemoryStore", "class", None),
            ("DEFAULT_NAME", "constant", "MemoryStore"),
            ("items", "property", "MemoryStore"),
            ("save", "method", "MemoryStore"),
            ("default_store", "function", None),
        ],
        "InvalidArgumentException Store Countable Item MemoryStore count",
    ),
    "kotlin": Case(
        "inventory.kt",
        [
            ("MAX_ITEMS", "constant", None),
            ("ItemId", "type", None),
            ("Item", "class", None),
            ("id", "property", "Item"),
            ("quantity", "property", "Item"),
            ("Status", "enum", None),
            ("Store", "interface", None),
            ("save", "method", "Store"),
            ("MemoryStore", "class", None),
            ("items", "property", "MemoryStore"),
            ("size", "property", "MemoryStore"),
            ("save", "method", "MemoryStore"),
            ("create", "method", "MemoryStore"),
            ("Registry", "class", None),
            ("default", "property", "Registry"),
            ("describe", "function", None),
        ],
        "ConcurrentHashMap ItemId Item Store Int require create lazy println",
    ),
    "swift": Case(
        "Inventory.swift",
        [
            ("maxItems", "constant", None),
            ("ItemID", "type", None),
            ("Store", "interface", None),
            ("save", "method", "Store"),
            ("Item", "struct", None),
            ("id", "property", "Item"),
            ("quantity", "property", "Item"),
            ("StoreError", "enum", None),
            ("MemoryStore", "class", None),
            ("items", "property", "MemoryStore"),
            ("init", "constructor", "MemoryStore"),
            ("count", "property", "MemoryStore"),
            ("save", "method", "MemoryStore"),
            # An extension is not a definition, so its methods have no parent.
            ("describe", "method", None),
            ("makeStore", "function", None),
        ],
        "Foundation Codable Store Item ItemID Error full MemoryStore",
    ),
    "bash": Case(
        "deploy.sh",
        [
            ("MAX_RETRIES", "constant", None),
            ("TARGET_DIR", "variable", None),
            ("log", "function", None),
            ("retry", "function", None),
            ("build", "function", None),
            ("cleanup", "function", "build"),
        ],
        "log retry mktemp rsync TARGET_DIR staging",
    ),
    "lua": Case(
        "inventory.lua",
        [
            ("json", "variable", None),
            ("MAX_ITEMS", "constant", None),
            ("Inventory", "variable", None),
            ("new", "function", None),
            ("add", "method", None),
            ("to_json", "method", None),
            ("encode", "function", "to_json"),
            ("describe", "function", None),
        ],
        "require setmetatable insert save encode ipairs format",
    ),
}

LANGUAGES = sorted(CASES)


def _tags(language: str) -> FileTags:
    source = (FIXTURES / CASES[language].fixture).read_bytes()
    return extract(language, new_parser(language).parse(source))


def test_every_language_has_a_case():
    assert set(CASES) == set(specs())


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixture_is_in_the_language_and_parses_cleanly(language):
    assert language_for_path(CASES[language].fixture) == language
    assert _tags(language).errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_definitions(language):
    found = Counter((d.name, d.kind) for d in _tags(language).definitions)
    expected = Counter((name, kind) for name, kind, _ in CASES[language].definitions)
    assert found == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_definition_parents(language):
    found = [(d.name, d.kind, d.parent) for d in _tags(language).definitions]
    assert found == CASES[language].definitions
    # Every case nests at least one definition in another.
    assert any(parent is not None for _, _, parent in found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_references(language):
    expected = set(CASES[language].references.split())
    found = {r.name for r in _tags(language).references}
    assert expected <= found, expected - found


@pytest.mark.parametrize("language", LANGUAGES)
def test_definition_names_are_not_references(language):
    tags = _tags(language)
    name_positions = {d.name_byte for d in tags.definitions}
    assert [r for r in tags.references if r.start_byte in name_positions] == []


@pytest.mark.parametrize("language", sorted(specs()))
def test_tags_query_compiles_and_uses_known_captures(language):
    for folder in specs()[language].queries:
        assert (grammars_dir() / folder / "tags.scm").is_file(), folder
    query = tags_query(language)
    assert isinstance(query, Query)
    assert query.pattern_count > 0
    captures = {query.capture_name(i) for i in range(query.capture_count)}
    assert "name" in captures
    for capture in captures:
        if capture.startswith("definition."):
            assert capture.removeprefix("definition.") in KINDS, capture
        else:
            # `@name`, references, and `@_private` captures that only feed predicates.
            known = capture in ("name", "reference") or capture.startswith(("reference.", "_"))
            assert known, capture
    # The grammar the language names exists in the language pack.
    assert ts_language(language) is not None


def test_query_patterns_splits_at_top_level_and_drops_comments():
    source = """; a comment with ( and " in it
(function_definition
  name: (identifier) @name) @definition.function ; says @definition.other
"return" @reference
[(call) (new_expression)] @reference.call ; ( [
((identifier) @reference (#eq? @reference "a;b)"))
"""
    assert query_patterns(source) == [
        "(function_definition\n  name: (identifier) @name) @definition.function",
        '"return" @reference',
        "[(call) (new_expression)] @reference.call",
        '((identifier) @reference (#eq? @reference "a;b)"))',
    ]


@pytest.mark.parametrize("language", sorted(specs()))
def test_query_patterns_are_the_patterns_tree_sitter_numbers(language):
    patterns = query_patterns(tags_source(language))
    assert len(patterns) == tags_query(language).pattern_count
    assert all(Query(ts_language(language), p).pattern_count == 1 for p in patterns)


@pytest.mark.parametrize("language", LANGUAGES)
def test_definitions_or_references_alone_are_what_the_whole_query_finds(language):
    whole = _tags(language)
    root = new_parser(language).parse((FIXTURES / CASES[language].fixture).read_bytes()).root_node
    assert with_parents(query_tags(language, root, only=DEFINITIONS)[0]) == whole.definitions
    assert query_tags(language, root, only=REFERENCES)[1] == whole.references
    assert tags_query(language, DEFINITIONS).pattern_count < tags_query(language).pattern_count


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a.py", "python"),
        ("stubs/a.pyi", "python"),
        ("src/app.js", "javascript"),
        ("App.jsx", "javascript"),
        ("server.mjs", "javascript"),
        ("index.ts", "typescript"),
        ("b.tsx", "tsx"),
        ("main.go", "go"),
        ("src/lib.rs", "rust"),
        ("Main.java", "java"),
        ("x.c", "c"),
        ("x.h", "c"),
        ("x.cpp", "cpp"),
        ("x.hpp", "cpp"),
        ("x.cc", "cpp"),
        ("Program.cs", "csharp"),
        ("lib/a.rb", "ruby"),
        ("Rakefile", "ruby"),
        ("project/Gemfile", "ruby"),
        ("tasks/build.rake", "ruby"),
        ("index.php", "php"),
        ("Main.kt", "kotlin"),
        ("build.gradle.kts", "kotlin"),
        ("App.swift", "swift"),
        ("deploy.sh", "bash"),
        ("init.lua", "lua"),
        ("MAIN.PY", "python"),  # extensions match case-insensitively
        ("README.md", None),
        ("Makefile", None),
        ("a.py/notes", None),  # a directory's extension is not the file's
    ],
)
def test_language_for_path(path, language):
    assert language_for_path(path) == language
