"""A small editor for end-to-end tests: it holds open documents, applies the server's
workspace edits the way an editor does (checking versions), and answers questions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from lsprotocol import types as lsp


def _offset(text: str, position: lsp.Position) -> int:
    """UTF-16 position → index into `text`."""
    lines = text.split("\n")
    line = min(position.line, len(lines) - 1) if lines else 0
    start = sum(len(x) + 1 for x in lines[:line])
    units = 0
    for i, ch in enumerate(lines[line] if lines else ""):
        if units >= position.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(lines[line]) if lines else 0


@dataclass
class Editor:
    client: object
    documents: dict[str, tuple[int, str]] = field(default_factory=dict)  # uri → (version, text)
    edits: list[lsp.ApplyWorkspaceEditParams] = field(default_factory=list)
    refuse_next: int = 0  # answer applied: false to this many edits (a user typing meanwhile)
    answers: list[str | None] = field(default_factory=list)  # for showMessageRequest
    questions: list[lsp.ShowMessageRequestParams] = field(default_factory=list)
    on_edit: object = None  # called before an edit is applied (to simulate typing)

    def install(self) -> None:
        # pygls marks handlers with attributes, which bound methods cannot carry.
        self.client.feature(lsp.WORKSPACE_APPLY_EDIT)(lambda ls, params: self._apply_edit(ls, params))

        async def ask(ls, params):
            return await self._ask(ls, params)

        self.client.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)(ask)

    def open(self, uri: str, text: str) -> None:
        self.documents[uri] = (1, text)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))

    def type(self, uri: str, position: lsp.Position, text: str) -> None:
        version, current = self.documents[uri]
        at = _offset(current, position)
        self.documents[uri] = (version + 1, current[:at] + text + current[at:])
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=position, end=position), text=text)]))

    def text(self, uri: str) -> str:
        return self.documents[uri][1]

    async def _ask(self, ls, params: lsp.ShowMessageRequestParams):
        self.questions.append(params)
        title = self.answers.pop(0) if self.answers else None
        return None if title is None else lsp.MessageActionItem(title=title)

    def _apply_edit(self, ls, params: lsp.ApplyWorkspaceEditParams):
        self.edits.append(params)
        if self.on_edit is not None:
            hook, self.on_edit = self.on_edit, None
            hook()
        if self.refuse_next:
            self.refuse_next -= 1
            return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="document changed")
        for change in params.edit.document_changes or []:
            if not isinstance(change, lsp.TextDocumentEdit):
                continue
            uri = change.text_document.uri
            version, text = self.documents.get(uri, (None, None))
            if text is None:  # a closed file: like an editor, open it from disk first
                from urllib.parse import unquote, urlparse

                try:
                    with open(unquote(urlparse(uri).path), encoding="utf-8", newline="") as f:
                        version, text = 0, f.read()
                except OSError:
                    return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason=f"{uri} does not exist")
            if change.text_document.version is not None and change.text_document.version != version:
                return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
            for edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character),
                               reverse=True):
                a, b = _offset(text, edit.range.start), _offset(text, edit.range.end)
                text = text[:a] + edit.new_text + text[b:]
            self.documents[uri] = (version + 1, text)
            self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        return lsp.ApplyWorkspaceEditResult(applied=True)


async def until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)
