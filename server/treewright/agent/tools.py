"""The tools the model may call, each with a JSON schema and a description it can act on.

Tools never write to disk: edits, creations and deletions go into the turn's staged
files, which later reads and searches see and which become the turn's proposal. Every
path is checked by `safety.resolve` first, and secret files are invisible.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathspec import PathSpec

from treewright.agent import events
from treewright.agent.permissions import Permissions
from treewright.agent.safety import PathError, is_secret, resolve
from treewright.edits import matching
from treewright.edits.overlay import StagedFiles
from treewright.index.analyze import BINARY, TOO_LARGE, UNREADABLE
from treewright.index.document import Document
from treewright.index.languages import language_for_path
from treewright.index.workspace import WorkspaceIndex

READ_LIMIT = 2000  # lines per read_file call
LIST_LIMIT = 500
SEARCH_LIMIT = 200
COMMAND_TIMEOUT = 120
COMMAND_OUTPUT = 10_000  # characters kept from a command's output (head and tail)

DEFINITIONS: list[dict[str, Any]] = [
    {
        "name": "read_file",
        "description": "Read a text file of the workspace, as the user currently sees it "
        "(unsaved editor changes and your own staged edits included). Lines come numbered "
        "from 1. Give start_line/end_line to read part of a long file.",
        "input_schema": {
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "Path relative to the workspace root."},
                "start_line": {"type": "integer", "minimum": 1},
                "end_line": {"type": "integer", "minimum": 1},
            },
            "required": ["path"],
            "additionalProperties": False,
        },
    },
    {
        "name": "list_files",
        "description": "List workspace files (those git would not ignore), optionally only "
        "those matching a glob such as 'src/**/*.py'.",
        "input_schema": {
            "type": "object",
            "properties": {"glob": {"type": "string"}},
            "additionalProperties": False,
        },
    },
    {
        "name": "search",
        "description": "Search the text of workspace files for a literal string (default) or "
        "a Python regular expression; returns path:line: text for each matching line.",
        "input_schema": {
            "type": "object",
            "properties": {
                "pattern": {"type": "string", "minLength": 1},
                "regex": {"type": "boolean", "description": "Treat pattern as a regex."},
                "glob": {"type": "string", "description": "Only files matching this glob."},
                "max_results": {"type": "integer", "minimum": 1, "maximum": SEARCH_LIMIT},
            },
            "required": ["pattern"],
            "additionalProperties": False,
        },
    },
    {
        "name": "find_symbol",
        "description": "Look up a name in the workspace's symbol index: where it is defined "
        "(functions, classes, methods, constants…) and where it is referenced.",
        "input_schema": {
            "type": "object",
            "properties": {"name": {"type": "string", "minLength": 1}},
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    {
        "name": "edit",
        "description": "Change a file. Either replace old_string with new_string (old_string "
        "must occur exactly once unless replace_all is true; copy it from read_file output "
        "without the line numbers), or replace a whole definition: give symbol (a name, or "
        "Parent.name for a method) and new_text, the complete new definition. The edit is "
        "staged for the user to review, not written to disk.",
        "input_schema": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "old_string": {"type": "string"},
                "new_string": {"type": "string"},
                "replace_all": {"type": "boolean"},
                "symbol": {"type": "string"},
                "new_text": {"type": "string"},
            },
            "required": ["path"],
            "additionalProperties": False,
        },
    },
    {
        "name": "create_file",
        "description": "Create a new file with the given content (staged for review). Fails "
        "if the file exists: use edit for existing files.",
        "input_schema": {
            "type": "object",
            "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
            "required": ["path", "content"],
            "additionalProperties": False,
        },
    },
    {
        "name": "delete_file",
        "description": "Delete a file (staged for review).",
        "input_schema": {
            "type": "object",
            "properties": {"path": {"type": "string"}},
            "required": ["path"],
            "additionalProperties": False,
        },
    },
    {
        "name": "run_command",
        "description": "Run a command in the workspace (for example the tests) and get its "
        "exit code and output. It runs on the files as saved on disk: your staged edits are "
        "not applied yet. The user may be asked to approve it, and may refuse.",
        "input_schema": {
            "type": "object",
            "properties": {
                "command": {
                    "description": "A shell command line, or an argument list.",
                    "anyOf": [{"type": "string", "minLength": 1},
                              {"type": "array", "items": {"type": "string"}, "minItems": 1}],
                },
                "cwd": {"type": "string", "description": "Folder, relative to the workspace root."},
                "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 600},
            },
            "required": ["command"],
            "additionalProperties": False,
        },
    },
]
_BY_NAME = {d["name"]: d for d in DEFINITIONS}


@dataclass
class ToolOutcome:
    content: str
    is_error: bool = False


class ToolError(Exception):
    """A tool call that cannot be done; the message goes back to the model."""


Emit = Callable[..., None]


class Toolbox:
    def __init__(
        self,
        root: Path,
        index: WorkspaceIndex,
        read_text: Callable[[str], str | None],
        permissions: Permissions,
        secret_patterns: tuple[str, ...] = (),
    ):
        self.root = root
        self.index = index
        self.permissions = permissions
        self.secrets = secret_patterns
        self.staged = StagedFiles(read_text)

    def definitions(self) -> list[dict[str, Any]]:
        tools = [dict(d) for d in DEFINITIONS]
        tools[-1]["cache_control"] = {"type": "ephemeral"}  # the tools are the cached prefix's start
        return tools

    async def run(self, name: str, arguments: Any, emit: Emit) -> ToolOutcome:
        definition = _BY_NAME.get(name)
        if definition is None:
            emit(events.TOOL, name=name, summary=f"Unknown tool {name}", status="error")
            return ToolOutcome(f"Unknown tool {name!r}. Tools: {', '.join(_BY_NAME)}.", True)
        import jsonschema  # 70 ms to import: not at server start (see client.preload_turn_libraries)

        try:
            jsonschema.validate(arguments, definition["input_schema"])
        except jsonschema.ValidationError as e:
            emit(events.TOOL, name=name, summary=f"{name}: bad input", status="error")
            return ToolOutcome(f"Invalid input for {name}: {e.message}", True)
        summary = _summary(name, arguments)
        emit(events.TOOL, name=name, summary=summary, status="start")
        try:
            content = await getattr(self, "_" + name)(**arguments)
        except (ToolError, PathError) as e:
            emit(events.TOOL, name=name, summary=summary, status="error")
            return ToolOutcome(str(e), True)
        except _Denied as e:
            emit(events.TOOL, name=name, summary=summary, status="denied")
            return ToolOutcome(str(e), True)
        emit(events.TOOL, name=name, summary=summary, status="ok")
        return ToolOutcome(content)

    # ---- reading -----------------------------------------------------------------------

    def _path(self, path: str) -> str:
        _, rel = resolve(self.root, path, self.secrets)
        if not rel:
            raise ToolError("That is the workspace folder itself, not a file.")
        return rel

    def _text(self, rel: str) -> str:
        entry = self.index.files.get(rel)
        if entry is not None and entry.status in (BINARY, TOO_LARGE, UNREADABLE) and rel not in (
            self.staged.changed_paths()
        ):
            raise ToolError(f"{rel} is not a readable text file ({entry.status}).")
        text = self.staged.read(rel)
        if text is None:
            raise ToolError(f"File not found: {rel}")
        return text

    async def _read_file(self, path: str, start_line: int = 1, end_line: int | None = None) -> str:
        rel = self._path(path)
        lines = self._text(rel).splitlines()
        if not lines:
            return f"{rel} is empty."
        last = min(end_line or len(lines), len(lines), start_line + READ_LIMIT - 1)
        if start_line > len(lines):
            raise ToolError(f"{rel} has only {len(lines)} lines.")
        width = len(str(last))
        body = "\n".join(f"{n:>{width}}\t{lines[n - 1]}" for n in range(start_line, last + 1))
        if last < len(lines):
            body += f"\n[{len(lines) - last} more lines: read from line {last + 1}]"
        return body

    def _visible_files(self) -> list[str]:
        changed = set(self.staged.changed_paths())
        files = {rel for rel in self.index.paths() if not is_secret(rel, self.secrets)}
        files |= {rel for rel in changed if self.staged.exists(rel)}
        return sorted(rel for rel in files if self.staged.exists(rel))

    async def _list_files(self, glob: str | None = None) -> str:
        files = self._visible_files()
        if glob:
            spec = PathSpec.from_lines("gitwildmatch", [glob])
            files = [f for f in files if spec.match_file(f)]
        if not files:
            return "No files match." if glob else "The workspace has no files."
        shown = files[:LIST_LIMIT]
        more = f"\n[{len(files) - LIST_LIMIT} more]" if len(files) > LIST_LIMIT else ""
        return "\n".join(shown) + more

    async def _search(self, pattern: str, regex: bool = False, glob: str | None = None,
                      max_results: int = 50) -> str:
        try:
            compiled = re.compile(pattern if regex else re.escape(pattern))
        except re.error as e:
            raise ToolError(f"Invalid regular expression: {e}") from None
        spec = PathSpec.from_lines("gitwildmatch", [glob]) if glob else None
        hits: list[str] = []
        for rel in self._visible_files():
            if spec is not None and not spec.match_file(rel):
                continue
            entry = self.index.files.get(rel)
            if entry is not None and entry.status in (BINARY, TOO_LARGE, UNREADABLE):
                continue
            text = self.staged.read(rel)
            if not text or not compiled.search(text):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if compiled.search(line):
                    hits.append(f"{rel}:{number}: {line.strip()[:200]}")
                    if len(hits) >= max_results:
                        return "\n".join(hits) + f"\n[stopped at {max_results} results]"
        return "\n".join(hits) if hits else f"No matches for {pattern!r}."

    async def _find_symbol(self, name: str) -> str:
        definitions = [
            (rel, d) for rel, d in self.index.definitions_named(name) if not is_secret(rel, self.secrets)
        ]
        references = [
            (rel, r) for rel, r in self.index.references_to(name, limit=50)
            if not is_secret(rel, self.secrets)
        ]
        if not definitions and not references:
            return f"No definition or reference of {name!r} in the index."
        lines = [f"Definitions of {name!r}:"] if definitions else [f"No definition of {name!r}."]
        for rel, d in definitions:
            parent = f" in {d.parent}" if d.parent else ""
            lines.append(f"  {rel}:{d.start[0] + 1}: {d.kind}{parent}")
        if references:
            lines.append(f"References ({len(references)} shown at most 50):")
            lines += [f"  {rel}:{r.row + 1}" for rel, r in references]
        return "\n".join(lines)

    # ---- changing ------------------------------------------------------------------------

    async def _edit(self, path: str, old_string: str | None = None, new_string: str | None = None,
                    replace_all: bool = False, symbol: str | None = None,
                    new_text: str | None = None) -> str:
        rel = self._path(path)
        text = self._text(rel)
        if symbol is not None:
            if new_text is None:
                raise ToolError("A symbol edit needs new_text, the complete new definition.")
            updated, where = _replace_symbol(rel, text, symbol, new_text)
        else:
            if old_string is None or new_string is None:
                raise ToolError("Give old_string and new_string, or symbol and new_text.")
            found = matching.locate(text, old_string, new_string, replace_all=replace_all)
            if not isinstance(found, list):
                raise ToolError(matching.refusal_message(found, rel))
            updated = matching.splice(text, found)
            lines = sorted({text.count("\n", 0, m.start) + 1 for m in found})
            where = "line " + ", ".join(map(str, lines)) if len(lines) < 6 else f"{len(lines)} places"
        if updated == text:
            raise ToolError("The edit changes nothing: new text equals old text.")
        self.staged.write(rel, updated)
        return f"Edited {rel} at {where} (staged for review)."

    async def _create_file(self, path: str, content: str) -> str:
        rel = self._path(path)
        if self.staged.exists(rel):
            raise ToolError(f"{rel} already exists: use edit to change it.")
        self.staged.create(rel, content)
        return f"Created {rel} ({content.count(chr(10)) + 1} lines, staged for review)."

    async def _delete_file(self, path: str) -> str:
        rel = self._path(path)
        if not self.staged.exists(rel):
            raise ToolError(f"File not found: {rel}")
        self.staged.delete(rel)
        return f"Deleted {rel} (staged for review)."

    async def _run_command(self, command: str | list[str], cwd: str | None = None,
                           timeout_seconds: int = COMMAND_TIMEOUT) -> str:
        folder = self.root
        if cwd:
            folder, _ = resolve(self.root, cwd)
            if not folder.is_dir():
                raise ToolError(f"Not a folder: {cwd}")
        allowed, how = await self.permissions.check(command)
        shown = command if isinstance(command, str) else shlex.join(command)
        if not allowed:
            raise _Denied(f"The user did not allow running `{shown}` ({how}). Continue without it.")
        env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
        if isinstance(command, str):
            process = await asyncio.create_subprocess_shell(
                command, cwd=folder, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
                start_new_session=True,
            )
        else:
            try:
                process = await asyncio.create_subprocess_exec(
                    *command, cwd=folder, env=env, stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError as e:
                raise ToolError(f"Cannot run {command[0]}: {e.strerror}") from None
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout_seconds)
        except TimeoutError:
            _kill(process)
            raise ToolError(f"`{shown}` did not finish within {timeout_seconds} s and was stopped.") from None
        except asyncio.CancelledError:
            _kill(process)
            raise
        text = output.decode("utf-8", "replace")
        return f"`{shown}` exited with code {process.returncode} ({how}).\n{_truncate(text)}"


class _Denied(Exception):
    pass


def _kill(process: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(process.pid, 9)  # the whole session: a shell's children too
    except (ProcessLookupError, PermissionError):
        pass


def _truncate(text: str) -> str:
    if len(text) <= COMMAND_OUTPUT:
        return text
    half = COMMAND_OUTPUT // 2
    cut = len(text) - 2 * half
    return f"{text[:half]}\n[… {cut} characters cut …]\n{text[-half:]}"


def _replace_symbol(rel: str, text: str, symbol: str, new_text: str) -> tuple[str, str]:
    language = language_for_path(rel)
    if language is None:
        raise ToolError(f"No grammar for {rel}: use old_string/new_string instead.")
    parent, _, name = symbol.rpartition(".")
    data = text.encode("utf-8", "surrogateescape")
    document = Document(language, data)
    found = [d for d in document.definitions if d.name == name and (not parent or d.parent == parent)]
    if not found:
        names = sorted({d.name for d in document.definitions})
        raise ToolError(f"No definition named {symbol!r} in {rel}. Definitions there: {', '.join(names)}")
    if len(found) > 1:
        places = ", ".join(f"line {d.start[0] + 1} ({d.kind}{' in ' + d.parent if d.parent else ''})"
                           for d in found)
        raise ToolError(f"{symbol!r} is defined {len(found)} times in {rel}: {places}. "
                        "Use Parent.name, or old_string/new_string.")
    d = found[0]
    replacement = new_text.encode("utf-8", "surrogateescape")
    updated = data[: d.start_byte] + replacement + data[d.end_byte :]
    return updated.decode("utf-8", "surrogateescape"), f"{d.kind} {symbol} (line {d.start[0] + 1})"


_PATH_SUMMARIES = {"read_file": "Read", "edit": "Edited", "create_file": "Created", "delete_file": "Deleted"}


def _summary(name: str, arguments: dict[str, Any]) -> str:
    """The one-line activity an editor shows, e.g. "Read app/models.py", "Ran pytest"."""
    if name in _PATH_SUMMARIES:
        return f"{_PATH_SUMMARIES[name]} {arguments.get('path', '')}"
    if name == "list_files":
        return f"Listed {arguments.get('glob') or 'files'}"
    if name == "search":
        return f"Searched {arguments['pattern']!r}"
    if name == "find_symbol":
        return f"Looked up {arguments['name']}"
    command = arguments.get("command", "")
    return f"Ran {command if isinstance(command, str) else shlex.join(command)}"[:120]
