"""pygls's protocol with three Treewright choices: UTF-8 positions whenever the client
offers them, no second copy of open documents (Treewright keeps its own, in
index.document), and a note of when the editor last said anything (background work waits
for a quiet moment)."""

from __future__ import annotations

import time

from lsprotocol import types as lsp
from pygls.protocol import LanguageServerProtocol, lsp_method


class TreewrightProtocol(LanguageServerProtocol):
    last_message = 0.0  # time.monotonic() of the latest message from the client

    def handle_message(self, message):
        self.last_message = time.monotonic()
        return super().handle_message(message)

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        # Tree-sitter counts bytes, so UTF-8 needs no conversion; pygls would take the
        # client's first preference instead, which is usually UTF-16.
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            if lsp.PositionEncodingKind.Utf8 in general.position_encodings:
                general.position_encodings = [lsp.PositionEncodingKind.Utf8]
            elif lsp.PositionEncodingKind.Utf16 in general.position_encodings:
                general.position_encodings = [lsp.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        handler = self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None
