"""pygls's protocol with four Treewright choices: UTF-8 positions whenever the client
offers them, no second copy of open documents (Treewright keeps its own, in
index.document), a note of when the editor last said anything (background work waits
for a quiet moment), and answers built as JSON sent as they are."""

from __future__ import annotations

import time

from lsprotocol import types as lsp
from pygls.protocol import JsonRPCResponseMessage, LanguageServerProtocol, lsp_method

from treewright.lsp import convert


class TreewrightProtocol(LanguageServerProtocol):
    last_message = 0.0  # time.monotonic() of the latest message from the client

    def _serialize_message(self, data):
        # An answer built as JSON already is sent as it is: cattrs would otherwise walk it
        # value by value (a third of the server's time while someone types, for outlines).
        if isinstance(data, JsonRPCResponseMessage) and isinstance(data.result, convert.Json):
            return {"jsonrpc": data.jsonrpc, "id": data.id, "result": data.result}
        return super()._serialize_message(data)

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
