"""`treewright ask` and `treewright sessions` in their own processes, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from scripted_api import text, tool_use

PRICING = "inventory/pricing.py"
OLD = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n"
NEW = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:  # taxed\n"


def _ask(demo, api, *args, key="sk-ant-test-key-0123456789"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    if key:
        env["ANTHROPIC_API_KEY"] = key
    env["ANTHROPIC_BASE_URL"] = api.base_url
    return subprocess.run(
        [sys.executable, "-m", "treewright", "ask", "--workspace", str(demo), *args],
        capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL, check=False,
    )


def test_ask_prints_the_answer_diff_and_usage_and_writes_nothing(demo, api):
    before = (demo / PRICING).read_text()
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}),
            text("Marked it.", usage={"input_tokens": 1200, "output_tokens": 30}))
    out = _ask(demo, api, "Mark add_tax")
    assert out.returncode == 0, out.stderr
    assert "Marked it." in out.stdout
    assert "+def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:  # taxed" in out.stdout
    assert "not applied" in out.stdout
    assert "tokens in" in out.stderr and "$" in out.stderr
    assert "[ok] Edited inventory/pricing.py" in out.stderr
    assert (demo / PRICING).read_text() == before
    assert "sk-ant-test-key" not in out.stdout + out.stderr


def test_ask_apply_writes_the_proposal(demo, api):
    before = (demo / PRICING).read_text()
    api.add(tool_use("edit", {"path": PRICING, "old_string": OLD, "new_string": NEW}), text("Done."))
    out = _ask(demo, api, "--apply", "--json", "Mark add_tax")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["text"] == "Done."
    [changed] = result["proposal"]["files"]
    assert changed["path"] == PRICING and changed["hunks"][0]["newText"] == NEW
    assert result["applied"] == {"written": [PRICING], "conflicts": []}
    assert (demo / PRICING).read_text() == before.replace(OLD, NEW)
    assert result["usage"]["costUsd"] > 0 and result["usage"]["costIsEstimate"] is True


def test_session_resumes_in_a_new_process_with_its_history(demo, api):
    api.add(text("The answer is 42."))
    first = json.loads(_ask(demo, api, "--json", "What is the answer?").stdout)
    api.add(text("I said 42."))
    second = _ask(demo, api, "--json", "--session", first["sessionId"], "What did you say?")
    assert json.loads(second.stdout)["sessionId"] == first["sessionId"]
    messages = api.requests[-1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[0]["content"][0]["text"] == "What is the answer?"
    assert messages[1]["content"][0]["text"] == "The answer is 42."
    listing = subprocess.run(
        [sys.executable, "-m", "treewright", "sessions", "--workspace", str(demo)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert first["sessionId"] in listing.stdout and "2 turns" in listing.stdout


def test_ask_without_a_key_exits_2_and_says_how(demo, api):
    out = _ask(demo, api, "Hello", key=None)
    assert out.returncode == 2
    assert "ANTHROPIC_API_KEY" in out.stderr
    assert api.requests == []


def test_unknown_session_is_a_clear_error(demo, api):
    out = _ask(demo, api, "--session", "s-nope", "Hello")
    assert out.returncode == 2 and "Session s-nope does not exist" in out.stderr
