"""The agent through a real LSP client over stdio, with the model scripted over real HTTP."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from editor import Editor, until
from scripted_api import ScriptedAPI, text, tool_use

PRICING = "inventory/pricing.py"
OLD = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n    return round(amount * (1 + rate), 2)\n"
NEW = ("def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n"
       '    """Return `amount` with tax at `rate` added."""\n    return round(amount * (1 + rate), 2)\n')
VSCODE_UI = {"ui": "treewright-vscode"}


@pytest.fixture
def api():
    server = ScriptedAPI().start()
    yield server
    server.stop()


@pytest.fixture
def agent_server(demo, api, start_server):
    """start(**kwargs) → (session, editor) with the server pointed at the scripted API."""

    async def start(options=None, key="sk-ant-test-key-0123456789"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env["ANTHROPIC_BASE_URL"] = api.base_url
        if key:
            env["ANTHROPIC_API_KEY"] = key
        session = await start_server(demo, options={"model": "claude-test-model", **(options or {})}, env=env)
        editor = Editor(session.client)
        editor.install()
        session.chat_events = []
        session.client.feature("treewright/chatEvent")(lambda ls, p: session.chat_events.append(p._asdict()))
        await session.wait_ready()
        return session, editor

    return start


async def _command(session, name: str, arguments: dict):
    return await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=name, arguments=[arguments]))


async def _request(session, method: str, params: dict):
    return await session.client.protocol.send_request_async(method, params)


async def test_code_actions_are_listed_fast_without_the_model(demo, api, agent_server):
    session, editor = await agent_server()
    uri = session.uri(PRICING)
    editor.open(uri, (demo / PRICING).read_text())
    line = (demo / PRICING).read_text().splitlines().index("def line_total(item: Item, quantity: int) -> float:")
    diagnostic = lsp.Diagnostic(range=lsp.Range(start=lsp.Position(line + 1, 4), end=lsp.Position(line + 1, 12)),
                                message="Name 'subtotal' may be undefined", source="pyright")
    started = time.perf_counter()
    actions = await session.client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(start=lsp.Position(line + 2, 8), end=lsp.Position(line + 2, 8)),
        context=lsp.CodeActionContext(diagnostics=[diagnostic])))
    elapsed = time.perf_counter() - started
    assert [(a.title, a.kind) for a in actions] == [
        ("Treewright: Fix \"Name 'subtotal' may be undefined\"", "quickfix"),
        ("Treewright: Explain line_total", "source.treewright.explain"),
        ("Treewright: Document line_total", "refactor.rewrite.treewright"),
        ("Treewright: Write tests for line_total", "refactor.rewrite.treewright"),
        ("Treewright: Edit line_total…", "refactor.rewrite.treewright"),
    ]
    assert all(a.command.command == "treewright.runAction" for a in actions)
    assert actions[0].command.arguments[0]["diagnostic"]["message"] == "Name 'subtotal' may be undefined"
    assert actions[1].command.arguments[0]["version"] == 1
    assert api.requests == []  # no model call
    assert elapsed < 1.0
    method = await session.client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=session.uri("inventory/models.py")),
        range=lsp.Range(start=lsp.Position(30, 10), end=lsp.Position(30, 10)),
        context=lsp.CodeActionContext(diagnostics=[], only=["refactor"])))
    assert [a.kind for a in method] == ["refactor.rewrite.treewright"] * 3


async def test_fix_without_the_extension_applies_a_previewed_versioned_edit(demo, api, agent_server):
    session, editor = await agent_server()
    uri = session.uri(PRICING)
    original = (demo / PRICING).read_text()
    editor.open(uri, original)
    editor.type(uri, lsp.Position(0, 0), "# typed\n")  # version 2 now
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}), text("Documented."))
    row = original.splitlines().index("def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:") + 1
    result = await _command(session, "treewright.runAction", {
        "action": "fix", "uri": uri,
        "range": {"start": {"line": row, "character": 4}, "end": {"line": row, "character": 9}},
        "diagnostic": {"message": "Missing docstring"},
    })
    assert result["proposalId"] and result["text"] == "Documented."
    [edit] = editor.edits
    [change] = edit.edit.document_changes
    assert change.text_document.version == 2
    assert all(isinstance(e, lsp.AnnotatedTextEdit) for e in change.edits)
    annotation = edit.edit.change_annotations[change.edits[0].annotation_id]
    assert annotation.needs_confirmation is True and annotation.label.startswith("Treewright: Fix")
    assert edit.label.startswith("Treewright: Fix")
    assert editor.text(uri) == "# typed\n" + original.replace(OLD, NEW)
    assert (demo / PRICING).read_text() == original  # the editor saves, not the server
    assert any("Documented." in m.message for m in session.client.messages)
    prompt = api.message_requests[0].body["messages"][-1]["content"][0]["text"]
    assert "Missing docstring" in prompt and "def add_tax" in prompt


async def test_explain_shows_a_long_answer_as_a_document(demo, api, agent_server):
    session, editor = await agent_server()
    long_answer = "## add_tax\n\n" + "It adds tax. " * 60
    api.add(text(long_answer))
    result = await _command(session, "treewright.runAction", {
        "action": "explain", "uri": session.uri(PRICING),
        "range": {"start": {"line": 21, "character": 6}, "end": {"line": 21, "character": 6}},
    })
    assert "proposalId" not in result and editor.edits == []
    [shown] = session.client.shown_documents
    assert shown.uri.endswith(f".treewright/answers/{result['turnId']}.md")
    assert (demo / ".treewright" / "answers" / f"{result['turnId']}.md").read_text().startswith("## add_tax")


async def test_chat_streams_events_in_order_and_applies_a_subset_of_hunks(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    uri = session.uri(PRICING)
    original = (demo / PRICING).read_text()
    editor.open(uri, original)
    two_edits = original.replace(OLD, NEW).replace("def inventory_value(", "def total_inventory_value(")
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
            tool_use("edit", {"path": PRICING, "old_string": "def inventory_value(",
                              "new_string": "def total_inventory_value("}),
            text("Two changes, streamed in pieces.", chunks=5))
    answer = await _request(session, "treewright/chat", {"prompt": "Tidy pricing", "context": {"uri": uri}})
    assert answer.text == "Two changes, streamed in pieces." and answer.stopReason == "end_turn"
    assert answer.usage.costUsd > 0
    events = [e for e in session.chat_events if e["turnId"] == answer.turnId]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    kinds = [e["type"] for e in events]
    assert kinds[-3:] == ["usage", "proposal", "done"]
    assert "".join(e["delta"] for e in events if e["type"] == "text") == "Two changes, streamed in pieces."
    assert editor.edits == []  # with the extension UI nothing is applied until asked
    described = await _request(session, "treewright/proposal", {"proposalId": answer.proposalId})
    [f] = described.files
    assert f.uri == uri and len(f.hunks) == 2 and "+    \"\"\"Return" in f.diff
    first, second = f.hunks
    applied = await _command(session, "treewright.applyProposal",
                             {"proposalId": answer.proposalId, "hunkIds": [second.id]})
    assert applied == {"applied": True, "hunkIds": [second.id], "conflicts": []}
    assert editor.text(uri) == original.replace("def inventory_value(", "def total_inventory_value(")
    again = await _request(session, "treewright/proposal", {"proposalId": answer.proposalId})
    states = {_get(h, "id"): (_get(h, "state"), _get(h, "conflict") if hasattr(h, "conflict") else None)
              for h in again.files[0].hunks}
    assert states == {first.id: ("pending", None), second.id: ("applied", None)}
    rejected = await _command(session, "treewright.rejectProposal", {"proposalId": answer.proposalId})
    assert rejected == {"rejected": [first.id]}
    assert editor.text(uri) != two_edits
    # The next turn hears what happened.
    api.add(text("Noted."))
    await _request(session, "treewright/chat", {"prompt": "And now?", "sessionId": answer.sessionId})
    feedback = api.message_requests[-1].body["messages"][-1]["content"][0]["text"]
    assert f"accepted hunks {second.id}" in feedback and f"rejected hunks {first.id}" in feedback
    transcript = await _request(session, "treewright/session", {"sessionId": answer.sessionId})
    typed = [_get(m, "text") for m in _get(transcript, "messages") if _get(m, "role") == "user"]
    assert typed == ["Tidy pricing", "And now?"]  # what the user typed, not what the model got


async def test_stale_version_is_reanchored_and_a_true_conflict_is_reported(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    uri = session.uri(PRICING)
    original = (demo / PRICING).read_text()
    editor.open(uri, original)
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}), text("ok"))
    answer = await _request(session, "treewright/chat", {"prompt": "Document add_tax"})
    # The user types above the hunk just as the edit arrives: the first applyEdit is stale.
    editor.refuse_next = 1
    editor.on_edit = lambda: editor.type(uri, lsp.Position(0, 0), "# new first line\n")
    applied = await _command(session, "treewright.applyProposal", {"proposalId": answer.proposalId})
    assert applied["applied"] is True and applied["conflicts"] == []
    assert len(editor.edits) == 2
    assert editor.text(uri) == "# new first line\n" + original.replace(OLD, NEW)

    api.add(tool_use("edit", {"path": PRICING, "old_string": "BULK_DISCOUNT_RATE = 0.05",
                              "new_string": "BULK_DISCOUNT_RATE = 0.07"}), text("ok"))
    answer = await _request(session, "treewright/chat", {"prompt": "Raise the discount"})
    line = editor.text(uri).splitlines().index("BULK_DISCOUNT_RATE = 0.05")
    editor.type(uri, lsp.Position(line, 0), "MAX_")  # the user edits that very line
    await asyncio.sleep(0.1)
    result = await _command(session, "treewright.applyProposal", {"proposalId": answer.proposalId})
    assert result["applied"] is False and len(result["conflicts"]) == 1
    assert "MAX_BULK_DISCOUNT_RATE = 0.05" in editor.text(uri)  # the user's text stands


async def test_cancel_mid_stream(demo, api, agent_server):
    session, editor = await agent_server()
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
            text("slow " * 50, chunks=50, event_delay=0.05))
    call = asyncio.ensure_future(_command(session, "treewright.runAction", {
        "action": "document", "uri": session.uri(PRICING),
        "range": {"start": {"line": 21, "character": 6}, "end": {"line": 21, "character": 6}}}))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    turn_id = session.chat_events[0]["turnId"]
    assert (await _command(session, "treewright.cancel", {"turnId": turn_id})) == {"cancelled": True}
    with pytest.raises(JsonRpcException) as raised:
        await call
    assert raised.value.code == -32800
    assert editor.edits == []
    done = [e for e in session.chat_events if e["type"] == "done"]
    assert done[-1]["stopReason"] == "cancelled"
    api.add(text("Back."))
    again = await _command(session, "treewright.chat",
                           {"prompt": "Still there?", "sessionId": session.chat_events[0]["sessionId"]})
    assert again["text"] == "Back."


async def test_a_fast_stream_reaches_the_editor_in_fewer_merged_text_events(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    answer_text = " ".join(f"w{i}" for i in range(120))
    # 120 deltas 2 ms apart: about a quarter of a second of streaming.
    api.add(text(answer_text, chunks=120, event_delay=0.002))
    answer = await _request(session, "treewright/chat", {"prompt": "Stream fast"})
    events = [e for e in session.chat_events if e["turnId"] == answer.turnId]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    texts = [e["delta"] for e in events if e["type"] == "text"]
    assert "".join(texts) == answer_text == answer.text
    assert 2 <= len(texts) <= 30, len(texts)
    assert [e["type"] for e in events][-2:] == ["usage", "done"]  # text never trails the end


async def test_a_slow_stream_is_not_held_back(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    api.add(text("one two three four five", chunks=5, event_delay=0.15))
    call = asyncio.ensure_future(_request(session, "treewright/chat", {"prompt": "Stream slowly"}))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    first = [e["delta"] for e in session.chat_events if e["type"] == "text"]
    assert not call.done() and "".join(first) != "one two three four five"
    answer = await call
    texts = [e["delta"] for e in session.chat_events if e["turnId"] == answer.turnId and e["type"] == "text"]
    assert len(texts) == 5 and "".join(texts) == "one two three four five"


async def test_requests_keep_answering_while_a_turn_streams(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    api.add(text("slow " * 40, chunks=40, event_delay=0.05))
    call = asyncio.ensure_future(_request(session, "treewright/chat", {"prompt": "Take your time"}))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        symbols = await session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
            text_document=lsp.TextDocumentIdentifier(uri=session.uri("inventory/models.py"))))
        timings.append(time.perf_counter() - started)
        assert symbols
    assert not call.done()  # the turn was still streaming all along
    assert sorted(timings)[2] < 0.05
    await call


async def test_approvals_always_is_remembered_across_restart_and_deny_is_honoured(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    editor.answers = ['Always allow "echo"']
    api.add(tool_use("run_command", {"command": "echo one"}), text("ok"))
    await _request(session, "treewright/chat", {"prompt": "run it"})
    assert editor.questions[0].message == "Treewright wants to run: echo one"
    assert [a.title for a in editor.questions[0].actions] == ["Allow once", 'Always allow "echo"', "Deny"]
    await session.client.shutdown_session()

    session, editor = await agent_server(VSCODE_UI)
    api.add(tool_use("run_command", {"command": "echo two"}), text("ok"))
    await _request(session, "treewright/chat", {"prompt": "run it again"})
    assert editor.questions == []  # remembered
    assert "two" in api.message_requests[-1].body["messages"][-1]["content"][0]["content"]

    editor.answers = ["Deny"]
    api.add(tool_use("run_command", {"command": "touch denied-file"}), text("ok"))
    await _request(session, "treewright/chat", {"prompt": "touch"})
    result = api.message_requests[-1].body["messages"][-1]["content"][0]
    assert result["is_error"] and "did not allow" in result["content"]
    assert not (demo / "denied-file").exists()


async def test_bad_input_gets_clear_errors(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)

    async def code_of(call) -> tuple[int, str]:
        with pytest.raises(JsonRpcException) as raised:
            await call
        return raised.value.code, raised.value.message

    code, message = await code_of(_request(session, "treewright/proposal", {"proposalId": "p-nope"}))
    assert (code, message) == (-32001, "Proposal p-nope no longer exists")
    code, message = await code_of(_request(session, "treewright/proposal", [1, 2]))
    assert (code, message) == (-32602, "params must be an object")
    code, message = await code_of(_request(session, "treewright/session", {"sessionId": "s-nope"}))
    assert code == -32001 and "s-nope" in message
    code, _ = await code_of(_command(session, "treewright.runAction", {
        "action": "explain", "uri": session.uri("missing.py"),
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}}))
    assert code == -32602
    code, message = await code_of(_command(session, "treewright.runAction", {
        "action": "explain", "uri": session.uri(PRICING),
        "range": {"start": {"line": 9999, "character": 0}, "end": {"line": 9999, "character": 0}}}))
    assert code == -32602 and "past the end" in message
    code, message = await code_of(_command(session, "treewright.runAction", {
        "action": "edit", "uri": session.uri(PRICING), "instruction": "  ",
        "range": {"start": {"line": 21, "character": 0}, "end": {"line": 21, "character": 0}}}))
    assert code == -32602 and "instruction" in message
    code, _ = await code_of(_request(session, "treewright/chat", {"prompt": ""}))
    assert code == -32602
    # A second message to a session whose turn is running is refused, not interleaved.
    api.add(text("first", chunks=20, event_delay=0.05))
    first = asyncio.ensure_future(_request(session, "treewright/chat", {"prompt": "one"}))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    busy_session = session.chat_events[0]["sessionId"]
    code, message = await code_of(_request(session, "treewright/chat", {"prompt": "two", "sessionId": busy_session}))
    assert code == -32602 and "busy" in message
    await first
    assert api.requests[-1].body["messages"][-1]["content"][0]["text"] == "one"
    assert api.remaining == 0
    # Sessions list and transcript.
    listed = await _request(session, "treewright/sessions", {})
    assert _get(listed[0], "sessionId") == busy_session and _get(listed[0], "turns") == 1
    transcript = await _request(session, "treewright/session", {"sessionId": busy_session})
    assert [(_get(m, "role"), _get(m, "text")) for m in _get(transcript, "messages")] == [
        ("user", "one"), ("assistant", "first")]


async def test_missing_api_key_is_a_clear_error(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI, key=None)
    with pytest.raises(JsonRpcException) as raised:
        await _request(session, "treewright/chat", {"prompt": "hello"})
    assert raised.value.code == -32803 and "ANTHROPIC_API_KEY" in raised.value.message
    symbols = await session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=session.uri(PRICING))))
    assert symbols  # alive


async def test_cancel_request_on_chat_returns_cancelled(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    api.add(text("slow " * 40, chunks=40, event_delay=0.05))
    call = asyncio.ensure_future(session.client.protocol.send_request_async(
        "treewright/chat", {"prompt": "slow please"}, msg_id="chat-1"))
    await until(lambda: any(e["type"] == "text" for e in session.chat_events))
    session.client.protocol.notify("$/cancelRequest", lsp.CancelParams(id="chat-1"))
    with pytest.raises(JsonRpcException) as raised:
        await call
    assert raised.value.code == -32800
    await until(lambda: any(e["type"] == "done" for e in session.chat_events))
    assert [e for e in session.chat_events if e["type"] == "done"][0]["stopReason"] == "cancelled"


def _get(value, key: str):
    return value[key] if isinstance(value, dict) else getattr(value, key)


async def test_edit_ranges_are_utf16_on_a_last_line_with_emoji(demo, api, agent_server):
    session, editor = await agent_server(VSCODE_UI)
    (demo / "emoji.py").write_text('GREETING = "hi"\nFAREWELL = "👋 bye 蟹"')  # no final newline
    uri = session.uri("emoji.py")
    editor.open(uri, (demo / "emoji.py").read_text())
    api.add(tool_use("edit", {"path": "emoji.py", "old_string": 'FAREWELL = "👋 bye 蟹"',
                              "new_string": 'FAREWELL = "👋 see you 蟹"'}), text("ok"))
    answer = await _request(session, "treewright/chat", {"prompt": "Friendlier farewell"})
    described = await _request(session, "treewright/proposal", {"proposalId": answer.proposalId})
    hunk = described.files[0].hunks[0]
    # 20 characters, but "👋" is two UTF-16 units: the line is 21 units long.
    assert (hunk.range.end.line, hunk.range.end.character) == (1, 21)
    await _command(session, "treewright.applyProposal", {"proposalId": answer.proposalId})
    assert editor.text(uri) == 'GREETING = "hi"\nFAREWELL = "👋 see you 蟹"'
