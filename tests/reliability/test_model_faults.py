"""Every way the model API can fail ends in an answer or a clear message, never in a
partial proposal or a damaged session: each test continues the session afterwards."""

from __future__ import annotations

import pytest

from scripted_api import cut_after, error_event, hang, malformed, status, text, tool_use
from treewright.agent import events
from treewright.agent.client import ModelError

PRICING = "inventory/pricing.py"
EDIT = tool_use("edit", {"path": PRICING, "old_string": "BULK_DISCOUNT_RATE = 0.05",
                         "new_string": "BULK_DISCOUNT_RATE = 0.06"})

RECOVERED = {
    "429 with retry-after": [status(429, retry_after=0.2)],
    "429 without retry-after": [status(429)],
    "529 overloaded": [status(529)],
    "500": [status(500)],
    "cut before any text": [cut_after(2)],
    # message_start, content_block_start, ping, four input_json deltas, content_block_stop: then cut.
    "cut after a tool_use block": [cut_after(8, tool_use("list_files", {}))],
    "malformed SSE": [malformed(at=1)],
    "overloaded error event mid-stream": [error_event(at=1)],
    "hang past the timeout": [hang(5)],
}


@pytest.mark.parametrize("faults", list(RECOVERED.values()), ids=list(RECOVERED))
async def test_transient_faults_are_retried_to_an_answer(harness, api, faults):
    api.add(EDIT, *faults, text("Raised the bulk discount."))
    result = await harness.run("Raise the discount", read_timeout=1.0)
    assert result.text == "Raised the bulk discount."
    assert result.proposal is not None and len(result.proposal.files) == 1
    await _session_goes_on(harness, api, result.session_id)


REPORTED = {
    "400 with its message": ([status(400, message="messages: roles must alternate")], "roles must alternate"),
    "cut after text was shown": ([cut_after(6, text("A long answer that breaks", chunks=6))], "cut off"),
    "always overloaded": ([status(529)] * 3, "overloaded"),
    "always hanging": ([hang(5)] * 3, "did not answer in time"),
    "unauthorised": ([status(401, message="invalid x-api-key")], "API key was refused"),
}


@pytest.mark.parametrize(("faults", "said"), list(REPORTED.values()), ids=list(REPORTED))
async def test_lasting_faults_are_reported_without_a_proposal(harness, api, faults, said):
    api.add(EDIT, *faults)
    with pytest.raises(ModelError, match=said):
        await harness.run("Raise the discount", retries=2, read_timeout=1.0)
    assert not [e for e in harness.events if e.type == events.PROPOSAL]
    errors = [e for e in harness.events if e.type == events.ERROR]
    assert errors and said.split()[0].lower() in errors[0].data["message"].lower()
    assert "sk-ant-test-key" not in errors[0].data["message"]
    session_id = harness.events[0].session_id
    await _session_goes_on(harness, api, session_id)


async def _session_goes_on(harness, api, session_id: str) -> None:
    api.add(text("Still fine."))
    again = await harness.run("Are you still there?", session_id=session_id)
    assert again.text == "Still fine."
    sent = api.message_requests[-1].body["messages"]
    roles = [m["role"] for m in sent]
    assert roles[0] == "user" and all(a != b for a, b in zip(roles, roles[1:], strict=False))
    uses = {b["id"] for m in sent for b in m["content"] if b.get("type") == "tool_use"}
    results = {b["tool_use_id"] for m in sent for b in m["content"] if b.get("type") == "tool_result"}
    assert uses == results  # no unanswered tool call survives in the history
