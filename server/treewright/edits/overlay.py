"""The files one agent turn has changed, kept in memory until the user accepts them.

Reads go through the staged text, so the agent sees its own edits, and fall back to what
the underlying read gives (the editor's unsaved buffer or the file). The original of a file
is taken when the turn first changes it, which is what its hunks are computed against.
Nothing here writes to disk.
"""

from __future__ import annotations

from collections.abc import Callable

from treewright.edits.hunks import symbol_namer
from treewright.edits.proposal import Proposal, Symbols

Read = Callable[[str], str | None]  # a file's text, None when it does not exist


class StagedFiles:
    def __init__(self, read: Read):
        self._read = read
        self._staged: dict[str, str | None] = {}  # None: deleted
        self._original: dict[str, str | None] = {}

    def read(self, path: str) -> str | None:
        return self._staged[path] if path in self._staged else self._read(path)

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def write(self, path: str, text: str) -> None:
        if not self.exists(path):
            raise FileNotFoundError(f"{path} does not exist")
        self._stage(path, text)

    def create(self, path: str, text: str) -> None:
        if self.exists(path):
            raise FileExistsError(f"{path} already exists")
        self._stage(path, text)

    def delete(self, path: str) -> None:
        if not self.exists(path):
            raise FileNotFoundError(f"{path} does not exist")
        self._stage(path, None)

    def _stage(self, path: str, text: str | None) -> None:
        if path not in self._original:
            self._original[path] = self._read(path)
        self._staged[path] = text

    def changed_paths(self) -> list[str]:
        return sorted(p for p, text in self._staged.items() if text != self._original[p])

    def to_proposal(self, id: str, title: str, symbols: Symbols | None = symbol_namer) -> Proposal:
        changes = {p: (self._original[p], self._staged[p]) for p in self.changed_paths()}
        return Proposal.build(id, title, changes, symbols)
