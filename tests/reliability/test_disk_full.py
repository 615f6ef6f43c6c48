"""A real full disk and a real read-only folder under `.treewright/` (a small tmpfs).

The server keeps serving from memory, says so once, and loses no session data that was
on disk before the disk filled up. Needs root (mount); skipped with the reason otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from sqlite_faults import fill, remount, tmpfs

from scripted_api import ScriptedAPI, text, tool_use
from treewright.agent.sessions import SessionStore

PRICING = "inventory/pricing.py"
CHAT = {"ui": "treewright-vscode", "model": "claude-test-model"}


@dataclass
class Stored:
    folder: Path  # the workspace's .treewright/, on a 4 MB tmpfs
    api: ScriptedAPI
    session_id: str  # a session with one turn stored while the disk had room


@pytest.fixture
async def stored(demo, start_server):
    folder = demo / ".treewright"
    with tmpfs(folder, "4m"):
        api = ScriptedAPI().start()
        try:
            yield Stored(folder, api, await _first_session(demo, api, start_server))
        finally:
            api.stop()


def _env(api) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return dict(env, ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY="sk-ant-test-key-0123456789")


async def _chat(session, prompt: str, session_id: str | None = None):
    params = {"prompt": prompt} | ({"sessionId": session_id} if session_id else {})
    return await session.client.protocol.send_request_async("treewright/chat", params)


async def _first_session(demo, api, start_server) -> str:
    """A server run with room on the disk: the cache is written and one turn is stored."""
    session = await start_server(demo, options=CHAT, env=_env(api))
    await session.wait_ready()
    api.add(text("First answer."))
    answer = await _chat(session, "First question")
    await session.client.shutdown_session()
    return answer.sessionId


async def _serves_everything(session, api, session_id: str) -> None:
    symbols = await session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=session.uri(PRICING))))
    assert "add_tax" in {s.name for s in symbols}
    found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Warehouse"))
    assert any(s.name == "Warehouse" for s in found)
    # The earlier session goes on, with its stored turn sent to the model, and a tool that
    # reads references (from the cache's rows) answers.
    api.add(tool_use("find_symbol", {"name": "add_tax"}), text("Second answer."))
    answer = await _chat(session, "Second question", session_id)
    assert answer.text == "Second answer."
    first_request = api.message_requests[-2].body["messages"]
    assert first_request[0]["content"][0]["text"] == "First question"
    result = api.message_requests[-1].body["messages"][-1]["content"][0]["content"]
    assert f"{PRICING}:" in result and "References" in result
    api.add(text("Third answer."))
    assert (await _chat(session, "A new session")).text == "Third answer."


async def _serves_from_memory(demo, api, start_server, session_id: str) -> None:
    """A server started on the broken folder serves everything and says so once for the
    cache and once for the sessions."""
    session = await start_server(demo, options=CHAT, env=_env(api))
    await session.wait_ready()
    await _serves_everything(session, api, session_id)
    assert len(_warnings(session, "cannot keep sessions")) == 1
    assert len(_warnings(session, "index cache")) == 1
    await session.client.shutdown_session()


def _warnings(session, about: str) -> list[str]:
    return [m.message for m in session.client.messages if about in m.message]


def _stored_prompts(path, session_id: str) -> list[str]:
    store = SessionStore(path)
    try:
        assert store.problem is None, store.problem
        return [m["text"] for m in store.messages(session_id) if m["role"] == "user"]
    finally:
        store.close()


async def test_full_disk_at_start_serves_from_memory_and_loses_nothing(demo, stored, start_server):
    assert fill(stored.folder) > 0 and os.statvfs(stored.folder).f_bavail == 0
    await _serves_from_memory(demo, stored.api, start_server, stored.session_id)
    # Room again: what was stored before the disk filled is all there, in place.
    (stored.folder / "filler").unlink()
    assert not list(stored.folder.glob("*.corrupt-*"))
    assert _stored_prompts(stored.folder / "sessions.sqlite", stored.session_id) == ["First question"]


async def test_disk_filling_under_a_running_server(demo, stored, start_server):
    api, session_id = stored.api, stored.session_id
    session = await start_server(demo, options=CHAT, env=_env(api))
    await session.wait_ready()
    api.add(text("Before the disk filled."))
    await _chat(session, "Stored on disk", session_id)
    fill(stored.folder)
    # A file changed on disk is re-indexed: its cache write fails on the full disk.
    pricing = demo / PRICING
    pricing.write_text(pricing.read_text() + "\n\ndef add_tax_twice(x):\n    return add_tax(add_tax(x))\n")
    line = len(pricing.read_text().splitlines())
    session.client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=session.uri(PRICING), type=lsp.FileChangeType.Changed)]))
    for _ in range(500):  # until the server has re-indexed the file (it answers in order)
        found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="add_tax_twice"))
        if any(s.name == "add_tax_twice" for s in found or []):
            break
    else:
        raise AssertionError("the changed file was never re-indexed")
    await _serves_everything(session, api, session_id)
    # The new references, kept in memory once the cache could not take them, are found.
    found = api.message_requests[-2].body["messages"][-1]["content"][0]["content"]
    assert f"{PRICING}:{line}" in found, found
    assert len(_warnings(session, "index cache")) <= 1
    await session.client.shutdown_session()
    (stored.folder / "filler").unlink()
    prompts = _stored_prompts(stored.folder / "sessions.sqlite", session_id)
    assert prompts[:2] == ["First question", "Stored on disk"]


async def test_read_only_cache_folder_serves_from_memory(demo, stored, start_server):
    remount(stored.folder, "ro")
    with pytest.raises(OSError):
        (stored.folder / "probe").write_text("even root cannot write here")
    await _serves_from_memory(demo, stored.api, start_server, stored.session_id)
    remount(stored.folder, "rw")
    assert _stored_prompts(stored.folder / "sessions.sqlite", stored.session_id) == ["First question"]
