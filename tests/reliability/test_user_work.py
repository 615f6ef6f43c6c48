"""A pending proposal never overwrites what the user did since: typing, saving, deleting
or renaming the file, or changing it outside the editor."""

from __future__ import annotations

import os

import pytest
from lsprotocol import types as lsp

from editor import Editor
from scripted_api import ScriptedAPI, text, tool_use

PRICING = "inventory/pricing.py"
OLD = "BULK_DISCOUNT_RATE = 0.05"
NEW = "BULK_DISCOUNT_RATE = 0.06"


@pytest.fixture
async def pending(demo, start_server):
    """A session with a proposal (one hunk in pricing.py) that nobody has applied yet."""
    api = ScriptedAPI().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY="sk-ant-test-key-0123456789")
    session = await start_server(demo, options={"ui": "treewright-vscode", "model": "claude-test-model"}, env=env)
    editor = Editor(session.client)
    editor.install()
    await session.wait_ready()
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}), text("ok"))
    answer = await session.client.protocol.send_request_async("treewright/chat", {"prompt": "Raise it"})
    yield session, editor, answer.proposalId
    api.stop()


async def _apply(session, proposal_id):
    return await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="treewright.applyProposal", arguments=[{"proposalId": proposal_id}]))


async def test_file_changed_on_disk_outside_the_editor_is_reanchored(demo, pending):
    session, editor, proposal_id = pending
    path = demo / PRICING
    changed = "# checked out from another branch\n" * 5 + path.read_text().replace("def add_tax", "def add_vat")
    path.write_text(changed)  # a git checkout while the proposal waits
    result = await _apply(session, proposal_id)
    assert result["applied"] is True and result["conflicts"] == []
    uri = session.uri(PRICING)
    assert editor.text(uri) == changed.replace(OLD, NEW)  # their change and ours, both kept


async def test_the_hunks_own_line_changed_on_disk_is_a_conflict(demo, pending):
    session, editor, proposal_id = pending
    path = demo / PRICING
    path.write_text(path.read_text().replace(OLD, "BULK_DISCOUNT_RATE = 0.10  # decided by finance"))
    result = await _apply(session, proposal_id)
    assert result["applied"] is False and len(result["conflicts"]) == 1
    assert editor.edits == []
    assert "decided by finance" in path.read_text()


@pytest.mark.parametrize("how", ["deleted", "renamed"])
async def test_deleted_or_renamed_file_is_a_conflict(demo, pending, how):
    session, editor, proposal_id = pending
    path = demo / PRICING
    if how == "deleted":
        path.unlink()
    else:
        path.rename(path.with_name("prices.py"))
    # The review shows it before anyone clicks Accept...
    described = await session.client.protocol.send_request_async("treewright/proposal", {"proposalId": proposal_id})
    (hunk,) = described.files[0].hunks
    assert hunk.conflict == f"{PRICING} no longer exists"
    # ...and applying refuses with the same reason.
    result = await _apply(session, proposal_id)
    assert result["applied"] is False
    assert result["conflicts"] and "no longer exists" in result["conflicts"][0]["reason"]
    assert editor.edits == [] and not path.exists()


async def test_saved_and_closed_file_still_applies(demo, pending):
    session, editor, proposal_id = pending
    uri = session.uri(PRICING)
    editor.open(uri, (demo / PRICING).read_text())
    editor.type(uri, lsp.Position(0, 0), "# note\n")
    (demo / PRICING).write_text(editor.text(uri))  # saved
    session.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    del editor.documents[uri]
    result = await _apply(session, proposal_id)
    assert result["applied"] is True
    assert editor.text(uri).startswith("# note\n") and NEW in editor.text(uri)
