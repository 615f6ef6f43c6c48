"""The protocol in process, where an LSP client cannot reach: what happens after `exit`."""

import io
import logging

import pytest
from pygls.io_ import StdoutWriter

from treewright.lsp.server import create_server


def test_nothing_is_sent_after_exit(caplog):
    server = create_server()
    output = io.BytesIO()
    server.protocol.set_writer(StdoutWriter(output))
    server.protocol.notify("treewright/indexStatus", {"state": "indexing"})
    assert b"indexStatus" in output.getvalue()

    exit_ = server.protocol.structure_message({"jsonrpc": "2.0", "method": "exit"})
    with pytest.raises(SystemExit):
        server.protocol.handle_message(exit_)
    assert output.closed
    # An index build still running reports once more, as the process winds down.
    with caplog.at_level(logging.WARNING):
        server.protocol.notify("treewright/indexStatus", {"state": "ready"})
    assert not caplog.records
