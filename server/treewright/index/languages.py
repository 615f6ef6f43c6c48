"""Which grammar parses which file, and the compiled tags query of each language.

`grammars/languages.toml` maps file extensions to tree-sitter grammars from
tree-sitter-language-pack; `grammars/<lang>/tags.scm` says what is a definition and
what is a reference. Queries are compiled once per language per process, because
compiling one costs milliseconds and a workspace has thousands of files.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import NamedTuple

import tree_sitter_language_pack as language_pack
from tree_sitter import Language, Parser, Query

# What a tags query may be limited to (see tags_query).
DEFINITIONS, REFERENCES = "definitions", "references"


def grammars_dir() -> Path:
    """The grammars folder: inside the installed wheel, or at the root of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "grammars", here.parent.parent / "grammars"):
        if (candidate / "languages.toml").is_file():
            return candidate
    raise FileNotFoundError("grammars/languages.toml not found next to the treewright package")


class LanguageSpec(NamedTuple):  # not a dataclass: parse workers would import dataclasses
    name: str
    grammar: str
    extensions: tuple[str, ...]
    filenames: tuple[str, ...]
    queries: tuple[str, ...]


@functools.cache
def specs() -> dict[str, LanguageSpec]:
    data = tomllib.loads((grammars_dir() / "languages.toml").read_text("utf-8"))
    return {
        name: LanguageSpec(
            name=name,
            grammar=entry.get("grammar", name),
            extensions=tuple(e.lower().lstrip(".") for e in entry.get("extensions", [])),
            filenames=tuple(entry.get("filenames", [])),
            queries=tuple(entry.get("queries", [name])),
        )
        for name, entry in data.items()
    }


@functools.cache
def _by_extension() -> dict[str, str]:
    table: dict[str, str] = {}
    for spec in specs().values():
        for ext in spec.extensions:
            table[ext] = spec.name
        for filename in spec.filenames:
            table["/" + filename] = spec.name
    return table


def language_for_path(path: str) -> str | None:
    """The language name for a file path, or None when no grammar handles it."""
    table = _by_extension()
    base = path.rsplit("/", 1)[-1]
    if ("/" + base) in table:
        return table["/" + base]
    _, dot, ext = base.rpartition(".")
    return table.get(ext.lower()) if dot else None


@functools.cache
def ts_language(name: str) -> Language:
    return language_pack.get_language(specs()[name].grammar)


def new_parser(name: str) -> Parser:
    return Parser(ts_language(name))


def tags_source(name: str) -> str:
    """The language's tags query: its `queries` folders' tags.scm files, in order."""
    return "\n".join(
        (grammars_dir() / folder / "tags.scm").read_text("utf-8") for folder in specs()[name].queries
    )


# A query's text as tokens: a comment, a string, an opening or closing bracket, or a run
# of anything else.
_QUERY_TOKEN = re.compile(r';[^\n]*|"(?:\\.|[^"\\])*"|[(\[]|[)\]]|[^;"()\[\]]+')


def query_patterns(source: str) -> list[str]:
    """The top-level patterns of a query, in order and without comments: the patterns
    tree-sitter numbers 0, 1, 2…, found without compiling the query."""
    patterns: list[list[str]] = []
    depth = 0
    for token in _QUERY_TOKEN.findall(source):
        if token.startswith(";"):
            continue
        if depth == 0 and token[0] in '(["':
            patterns.append([])
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            depth -= 1
        if patterns:
            patterns[-1].append(token)
    return ["".join(p).strip() for p in patterns]


@functools.cache
def tags_query(name: str, only: str | None = None) -> Query:
    """The language's compiled tags query; with `only` ("definitions" or "references"),
    just the patterns that capture that kind. Compiling costs up to 0.3 s (C++), about in
    proportion to the patterns compiled: an outline needs the definitions alone, and
    running only those takes a third of the time of the whole query."""
    source = tags_source(name)
    if only is not None:
        wanted = only == DEFINITIONS
        source = "\n".join(p for p in query_patterns(source) if ("@definition." in p) == wanted)
    return Query(ts_language(name), source)
