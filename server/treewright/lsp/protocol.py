"""pygls's protocol with five Treewright choices: UTF-8 positions whenever the client
offers them, no second copy of open documents (Treewright keeps its own, in
index.document), a note of when the editor last said anything (background work waits
for a quiet moment) and of when it is being answered (background threads step aside),
answers rendered as JSON text sent as they are, and silence after
`exit`."""

from __future__ import annotations

import asyncio
import inspect
import json
import time

from lsprotocol import types as lsp
from pygls.protocol import JsonRPCResponseMessage, LanguageServerProtocol, lsp_method

from treewright import foreground
from treewright.lsp import convert


class TreewrightProtocol(LanguageServerProtocol):
    last_message = 0.0  # time.monotonic() of the latest message from the client
    exited = False

    def _send_data(self, data):
        if self.exited:
            # pygls has closed the output. Background work finishing meanwhile (an index
            # build's last progress report) would fail to write, and pygls reports each
            # failure with a message that fails too: a storm of tracebacks on stderr.
            return
        # An answer rendered as JSON text already goes out as it is: cattrs and json.dumps
        # would otherwise walk it value by value (most of the server's time per keystroke,
        # for outlines).
        rendered = isinstance(data, JsonRPCResponseMessage) and isinstance(data.result, convert.JsonText)
        if not rendered or self.writer is None:
            return super()._send_data(data)
        body = f'{{"jsonrpc":"{data.jsonrpc}","id":{json.dumps(data.id)},"result":{data.result}}}'
        payload = body.encode("utf-8")
        if self._include_headers:
            payload = b"Content-Length: %d\r\n\r\n" % len(payload) + payload
        written = self.writer.write(payload)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)

    def handle_message(self, message):
        self.last_message = time.monotonic()
        if getattr(message, "method", None) == lsp.EXIT:
            self.exited = True
        with foreground.answering():
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
