"""Agent turns end to end: the real SDK over real HTTP to a scripted Messages API."""

from __future__ import annotations

import asyncio
import json

import pytest

from scripted_api import cut_after, hang, status, text, tool_use
from treewright.agent import events
from treewright.agent.client import ClientPool, ModelClient, ModelError
from treewright.agent.permissions import Decision

PRICING = "inventory/pricing.py"
OLD = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n    return round(amount * (1 + rate), 2)\n"
NEW = (
    "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n"
    '    """Return `amount` with tax at `rate` added."""\n'
    "    return round(amount * (1 + rate), 2)\n"
)


def _tool_results(request) -> list[dict]:
    last = request.body["messages"][-1]
    return [b for b in last["content"] if b.get("type") == "tool_result"]


async def test_read_edit_answer_makes_a_proposal_and_leaves_the_disk_alone(harness, api):
    before = (harness.root / PRICING).read_text()
    api.add(
        tool_use("read_file", {"path": PRICING}),
        tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
        text("I documented add_tax."),
    )
    result = await harness.run("Document add_tax in inventory/pricing.py")
    assert result.stop_reason == "end_turn"
    assert "I documented add_tax." in result.text
    assert (harness.root / PRICING).read_text() == before  # nothing written behind the user's back
    [changed] = result.proposal.files
    assert changed.path == PRICING and changed.change == "modify"
    assert changed.proposed == before.replace(OLD, NEW)
    assert '+    """Return `amount` with tax at `rate` added."""' in changed.diff
    # The read came back numbered, from the real file.
    [read] = _tool_results(api.requests[1])
    assert "def add_tax" in read["content"] and not read["is_error"]
    types = [e.type for e in harness.events]
    assert types[-2:] == [events.PROPOSAL, events.DONE]
    assert [e.seq for e in harness.events] == list(range(1, len(harness.events) + 1))
    statuses = [(e.data["summary"], e.data["status"]) for e in harness.events if e.type == events.TOOL]
    assert (f"Read {PRICING}", "ok") in statuses and (f"Edited {PRICING}", "ok") in statuses


async def test_turns_share_one_model_client_and_a_new_key_takes_effect_at_once(harness, api, monkeypatch):
    made: list[str] = []

    def make(settings):
        made.append(settings.model)
        return ModelClient(settings.model, settings.max_tokens, retries=0)

    clients = ClientPool(make)
    try:
        api.add(*[text(f"Answer {n}.") for n in range(4)])
        results = await asyncio.gather(*[
            harness.agent(clients=clients).run(f"Question {n}") for n in range(4)])
        assert sorted(r.text for r in results) == [f"Answer {n}." for n in range(4)]
        assert len(made) == 1  # four chats starting together build one client, not four

        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-new-key-9876543210")
        api.add(text("With the new key."))
        await harness.agent(clients=clients).run("Again")
        assert api.requests[-1].api_key == "sk-ant-new-key-9876543210"
        assert len(made) == 2
    finally:
        await clients.close()


async def test_the_request_carries_repo_map_memory_and_cache_markers(harness, api):
    (harness.root / "AGENTS.md").write_text("Always answer like a ship's captain.\n")
    (harness.root / "inventory" / "CLAUDE.md").write_text("Money is rounded to cents.\n")
    api.add(text("Aye."))
    await harness.run("What does inventory/pricing.py do?")
    body = api.requests[0].body
    system = body["system"][-1]
    assert system["cache_control"] == {"type": "ephemeral"}
    assert "Repository map" in system["text"] and "def order_total(" in system["text"]
    assert "ship's captain" in system["text"] and "rounded to cents" in system["text"]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert {t["name"] for t in body["tools"]} == {
        "read_file", "list_files", "search", "find_symbol", "edit", "create_file", "delete_file", "run_command",
    }
    assert api.requests[0].api_key == "sk-ant-test-key-0123456789"


async def test_whitespace_drift_is_matched(harness, api):
    # The model quoted the function indented by four more spaces, with trailing blanks.
    def indent(s: str) -> str:
        return "".join("    " + line for line in s.splitlines(keepends=True))

    drifted = indent(OLD).replace("\n", "  \n")
    api.add(tool_use("edit", {"path": PRICING, "old_string": drifted, "new_string": indent(NEW)}), text("Done."))
    result = await harness.run("Document add_tax")
    assert not _tool_results(api.requests[1])[0]["is_error"]
    before = (harness.root / PRICING).read_text()
    assert result.proposal.files[0].proposed == before.replace(OLD, NEW)  # re-indented to fit


async def test_ambiguous_and_missing_matches_explain_and_the_retry_succeeds(harness, api):
    api.add(
        tool_use("edit", {"path": PRICING, "old_string": "    return round(", "new_string": "    return round2("}),
        tool_use("edit", {"path": PRICING, "old_string": "def add_tax(amount: float, rate: float = 0.2) -> float:",
                          "new_string": "x"}),
        tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
        text("Fixed on the third try."),
    )
    result = await harness.run("Document add_tax")
    [ambiguous] = _tool_results(api.requests[1])
    assert ambiguous["is_error"] and "lines" in ambiguous["content"]
    [missing] = _tool_results(api.requests[2])
    assert missing["is_error"] and "def add_tax(amount: float" in missing["content"]  # the closest lines
    assert not _tool_results(api.requests[3])[0]["is_error"]
    assert result.proposal is not None and len(result.proposal.files) == 1


async def test_symbol_edit_replaces_the_definition(harness, api):
    new_def = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n    return round(amount + amount * rate, 2)"
    api.add(tool_use("edit", {"path": PRICING, "symbol": "add_tax", "new_text": new_def}), text("ok"))
    result = await harness.run("Rewrite add_tax")
    proposed = result.proposal.files[0].proposed
    assert "return round(amount + amount * rate, 2)" in proposed
    assert "return round(amount * (1 + rate), 2)" not in proposed
    assert "def line_total(" in proposed  # the neighbours are untouched


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "escape/link.txt", ".env", "keys/server.pem"])
async def test_paths_outside_and_secrets_are_refused(harness, api, path, tmp_path):
    (tmp_path / "outside.txt").write_text("secret outside\n")
    (harness.root / "escape").mkdir()
    (harness.root / "escape" / "link.txt").symlink_to(tmp_path / "outside.txt")
    (harness.root / ".env").write_text("API_TOKEN=hunter2\n")
    (harness.root / "keys").mkdir()
    (harness.root / "keys" / "server.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    api.add(tool_use("read_file", {"path": path}), text("Could not."))
    await harness.run("Read that file")
    [result] = _tool_results(api.requests[1])
    assert result["is_error"]
    assert "outside the workspace" in result["content"] or "secrets" in result["content"]
    sent = json.dumps([r.body for r in api.requests])
    assert "hunter2" not in sent and "secret outside" not in sent and "PRIVATE KEY" not in sent


async def test_secret_files_are_not_listed_or_searched(harness, api):
    (harness.root / ".env").write_text("API_TOKEN=hunter2\n")
    api.add(
        tool_use("list_files", {}),
        tool_use("search", {"pattern": "API_TOKEN"}),
        text("Nothing."),
    )
    await harness.run("Find tokens")
    assert ".env" not in _tool_results(api.requests[1])[0]["content"].split("\n")
    assert "hunter2" not in json.dumps(api.requests[2].body)


async def test_run_command_allowed_asked_and_denied(harness, api):
    api.add(tool_use("run_command", {"command": "echo allowed-by-prefix"}), text("ok"))
    await harness.run("Run echo", allow=("echo",))
    [ran] = _tool_results(api.requests[-1])
    assert "allowed-by-prefix" in ran["content"] and "exited with code 0" in ran["content"]
    assert harness.asker.asked == []

    harness.asker.answers = [Decision.ALLOW_ONCE]
    api.add(tool_use("run_command", {"command": ["python3", "-c", "print(6*7)"]}), text("ok"))
    await harness.run("Compute")
    assert "42" in _tool_results(api.requests[-1])[0]["content"]
    assert harness.asker.asked == [("python3 -c 'print(6*7)'", "python3")]

    harness.asker.answers = [Decision.DENY]
    api.add(tool_use("run_command", {"command": "touch should-not-exist"}), text("ok"))
    await harness.run("Touch")
    denied = _tool_results(api.requests[-1])[0]
    assert denied["is_error"] and "did not allow" in denied["content"]
    assert not (harness.root / "should-not-exist").exists()
    assert any(e.type == events.TOOL and e.data["status"] == "denied" for e in harness.events)

    # A chained command never rides on an allowed prefix.
    asked_before = len(harness.asker.asked)
    api.add(tool_use("run_command", {"command": "echo hi; touch chained"}), text("ok"))
    await harness.run("Chain", allow=("echo",))
    assert len(harness.asker.asked) == asked_before + 1
    assert not (harness.root / "chained").exists()

    # Policy deny refuses without asking.
    api.add(tool_use("run_command", {"command": "echo no"}), text("ok"))
    await harness.run("No", policy="deny")
    assert len(harness.asker.asked) == asked_before + 1
    assert _tool_results(api.requests[-1])[0]["is_error"]


async def test_always_allow_is_remembered(harness, api):
    harness.asker.answers = [Decision.ALLOW_ALWAYS]
    api.add(tool_use("run_command", {"command": "echo first"}), text("ok"))
    await harness.run("Run")
    api.add(tool_use("run_command", {"command": "echo second"}), text("ok"))
    await harness.run("Run again")
    assert len(harness.asker.asked) == 1
    assert "second" in _tool_results(api.requests[-1])[0]["content"]
    assert json.loads((harness.root / ".treewright" / "permissions.json").read_text()) == {"allow": ["echo"]}


@pytest.mark.parametrize(
    "fault", [status(429, retry_after=0.1), status(529), status(500), cut_after(2)],
    ids=["429", "529", "500", "cut-before-text"],
)
async def test_faults_are_retried_and_the_turn_recovers(harness, api, fault):
    api.add(fault, text("Recovered answer."))
    result = await harness.run("Hello")
    assert result.text == "Recovered answer."
    assert len(api.message_requests) == 2


async def test_a_stream_cut_after_text_ends_the_turn_with_an_error_and_no_proposal(harness, api):
    api.add(
        tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
        cut_after(6, text("Here is a long answer that will be cut", chunks=6)),
    )
    with pytest.raises(ModelError, match="cut off"):
        await harness.run("Document add_tax")
    assert [e for e in harness.events if e.type == events.PROPOSAL] == []
    assert harness.events[-1].type == events.DONE and harness.events[-1].data["stopReason"] == "error"
    assert any(e.type == events.ERROR for e in harness.events)


async def test_persistent_failures_are_reported(harness, api):
    api.add(status(400, message="prompt is too long"))
    with pytest.raises(ModelError, match="prompt is too long"):
        await harness.run("Hello")
    api.add(hang(5), hang(5))
    with pytest.raises(ModelError, match="did not answer in time"):
        await harness.run("Hello", retries=1, read_timeout=0.5)


async def test_cancel_mid_stream_stops_at_once_and_the_session_goes_on(harness, api):
    api.add(
        tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
        text("slow " * 40, chunks=40, event_delay=0.05),
    )
    task = asyncio.create_task(harness.run("Document add_tax"))
    while not any(e.type == events.TEXT for e in harness.events):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [e for e in harness.events if e.type == events.PROPOSAL] == []
    session_id = harness.events[0].session_id
    api.add(text("Still here."))
    result = await harness.run("Are you there?", session_id=session_id)
    assert result.text == "Still here."
    sent = api.requests[-1].body["messages"]
    assert sent[0]["content"][0]["text"] == "Document add_tax"
    # The completed edit step is in the history, answered; the cut reply is not.
    assert sent[1]["role"] == "assistant" and sent[1]["content"][0]["type"] == "tool_use"
    assert sent[2]["content"][0]["type"] == "tool_result"


async def test_budget_cap_stops_before_a_call_that_could_pass_it(harness, api):
    harness.settings = harness.settings.__class__(**{**harness.settings.__dict__, "budget_usd": 0.05})
    big = {"input_tokens": 10_000, "output_tokens": 1_000}
    api.add(tool_use("read_file", {"path": PRICING}, usage=big), tool_use("read_file", {"path": PRICING}, usage=big),
            text("never sent"))
    result = await harness.run("Read it again and again")
    assert result.stop_reason == "budget"
    assert "budget" in result.text and "$0.05" in result.text
    assert len(api.message_requests) == 1  # the second call could have passed $0.05
    assert 0 < result.cost_usd <= 0.05
    assert api.requests[0].body["max_tokens"] <= 8192


async def test_max_turns_stops_a_model_that_never_stops(harness, api):
    harness.settings = harness.settings.__class__(**{**harness.settings.__dict__, "max_turns": 3})
    api.add(*[tool_use("list_files", {}) for _ in range(3)])
    result = await harness.run("Loop forever")
    assert result.stop_reason == "max_turns" and "maxTurns" in result.text
    assert len(api.message_requests) == 3


async def test_compaction_summarises_older_turns(harness, api):
    for i in range(3):
        api.add(text(f"Answer {i}: " + "detail " * 200))
        await harness.run(f"Question {i}", session_id=harness.events[0].session_id if harness.events else None)
    session_id = harness.events[0].session_id
    api.add(text("SUMMARY: three questions were asked."), text("Fresh answer."))
    result = await harness.run("Question 3", session_id=session_id, context_tokens=1500)
    summary_request, main_request = api.message_requests[-2:]
    assert "tools" not in summary_request.body
    assert "Summarise the conversation" in summary_request.body["messages"][-1]["content"][-1]["text"]
    sent = main_request.body["messages"]
    assert "SUMMARY: three questions were asked." in sent[0]["content"][0]["text"]
    assert "Question 0" not in json.dumps(sent)  # compacted away
    assert "Question 2" in json.dumps(sent) and "Question 3" in json.dumps(sent)  # recent turns verbatim
    assert result.text == "Fresh answer."
    assert any(e.kind == "compaction" for e in harness.store.entries(session_id))


async def test_unknown_tool_and_bad_input_go_back_to_the_model(harness, api):
    api.add(tool_use("format_disk", {}), tool_use("read_file", {"file": 3}), text("Sorry."))
    result = await harness.run("Do odd things")
    assert "Unknown tool 'format_disk'" in _tool_results(api.requests[1])[0]["content"]
    bad = _tool_results(api.requests[2])[0]
    assert bad["is_error"] and "Invalid input for read_file" in bad["content"]
    assert result.text == "Sorry."
