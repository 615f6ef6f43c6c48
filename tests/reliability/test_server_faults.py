"""The server killed mid-turn, its files damaged, its folder unwritable: nothing lost that
was complete, and it goes on serving."""

from __future__ import annotations

import asyncio
import os

import pytest
from lsprotocol import types as lsp

from editor import until
from scripted_api import ScriptedAPI, text, tool_use

PRICING = "inventory/pricing.py"


@pytest.fixture
def scripted():
    server = ScriptedAPI().start()
    yield server
    server.stop()


def _env(api) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return dict(env, ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY="sk-ant-test-key-0123456789")


async def _start(start_server, demo, api):
    session = await start_server(demo, options={"ui": "treewright-vscode", "model": "claude-test-model"},
                                 env=_env(api))
    session.chat_events = []
    session.client.feature("treewright/chatEvent")(lambda ls, p: session.chat_events.append(p._asdict()))
    await session.wait_ready()
    return session


async def test_killed_mid_turn_keeps_every_completed_step(demo, scripted, start_server):
    session = await _start(start_server, demo, scripted)
    scripted.add(tool_use("read_file", {"path": PRICING}), text("slow " * 60, chunks=60, event_delay=0.05))
    asyncio.ensure_future(session.client.protocol.send_request_async("treewright/chat", {"prompt": "Study pricing"}))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    session_id = session.chat_events[0]["sessionId"]
    session.kill()

    session = await _start(start_server, demo, scripted)
    transcript = await session.client.protocol.send_request_async("treewright/session", {"sessionId": session_id})
    assert transcript.messages[0].text == "Study pricing"
    scripted.add(text("Carrying on."))
    answer = await session.client.protocol.send_request_async(
        "treewright/chat", {"prompt": "Go on", "sessionId": session_id})
    assert answer.text == "Carrying on."
    sent = scripted.message_requests[-1].body["messages"]
    assert sent[0]["content"][0]["text"] == "Study pricing"
    assert sent[1]["content"][0]["type"] == "tool_use"  # the completed read, with its result
    assert sent[2]["content"][0]["type"] == "tool_result" and "def add_tax" in sent[2]["content"][0]["content"]
    assert sent[2]["content"][-1]["text"] == "Go on"  # the interrupted answer is not in the history


async def test_damaged_session_store_is_set_aside(demo, scripted, start_server):
    (demo / ".treewright").mkdir()
    (demo / ".treewright" / "sessions.sqlite").write_bytes(b"\x00half-written" * 300)
    session = await _start(start_server, demo, scripted)
    scripted.add(text("Fresh start."))
    answer = await session.client.protocol.send_request_async("treewright/chat", {"prompt": "hello"})
    assert answer.text == "Fresh start."
    assert any("session store was unreadable" in m.message for m in session.client.messages)
    assert list((demo / ".treewright").glob("sessions.sqlite.corrupt-*"))


async def test_unwritable_cache_folder_keeps_serving_and_says_so_once(demo, scripted, start_server):
    (demo / ".treewright").write_text("a file where the cache folder should be")
    session = await _start(start_server, demo, scripted)
    symbols = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Warehouse"))
    assert symbols
    scripted.add(text("Works without a cache."))
    answer = await session.client.protocol.send_request_async("treewright/chat", {"prompt": "hello"})
    assert answer.text == "Works without a cache."
    index_warnings = [m for m in session.client.messages if "index cache" in m.message]
    session_warnings = [m for m in session.client.messages if "cannot keep sessions" in m.message]
    assert len(index_warnings) == 1 and len(session_warnings) == 1


async def test_hunk_decisions_survive_a_restart(demo, scripted, start_server):
    session = await _start(start_server, demo, scripted)
    from editor import Editor

    editor = Editor(session.client)
    editor.install()
    scripted.add(
        tool_use("edit", {"path": PRICING, "old_string": "BULK_DISCOUNT_RATE = 0.05",
                          "new_string": "BULK_DISCOUNT_RATE = 0.06"}),
        tool_use("edit", {"path": PRICING, "old_string": "def inventory_value(",
                          "new_string": "def total_inventory_value("}),
        text("ok"))
    answer = await session.client.protocol.send_request_async("treewright/chat", {"prompt": "Two changes"})
    described = await session.client.protocol.send_request_async("treewright/proposal", {"proposalId": answer.proposalId})
    first, second = [h.id for h in described.files[0].hunks]
    await session.client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="treewright.rejectProposal", arguments=[{"proposalId": answer.proposalId, "hunkIds": [second]}]))
    await session.client.shutdown_session()

    session = await _start(start_server, demo, scripted)
    described = await session.client.protocol.send_request_async("treewright/proposal", {"proposalId": answer.proposalId})
    states = {h.id: h.state for h in described.files[0].hunks}
    assert states == {first: "pending", second: "rejected"}
