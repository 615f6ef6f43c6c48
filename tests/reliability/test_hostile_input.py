"""Random and malformed JSON-RPC must never take the server down or corrupt what it knows."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

METHODS = [
    "textDocument/documentSymbol", "textDocument/definition", "textDocument/codeAction",
    "textDocument/foldingRange", "textDocument/selectionRange", "workspace/symbol",
    "workspace/executeCommand", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
    "textDocument/didSave", "workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration",
    "treewright/proposal", "treewright/session", "treewright/sessions", "treewright/repoMap",
    "treewright/chat", "$/cancelRequest", "no/such/method", "initialize",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False)
    | st.text(max_size=50) | st.integers(1, 200_000).map(lambda n: "x" * n),  # huge strings too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
position = st.fixed_dictionaries({"line": st.integers(-5, 10**9), "character": st.integers(-5, 10**9)})
uris = st.sampled_from(["file:///nowhere/x.py", "not a uri", "", "file:///etc/passwd"]) | st.text(max_size=30)
structured = st.fixed_dictionaries({
    "textDocument": st.fixed_dictionaries({"uri": uris, "version": st.integers(-3, 3), "text": st.text(max_size=200),
                                           "languageId": st.just("python")}),
    "position": position,
    "range": st.fixed_dictionaries({"start": position, "end": position}),
    "contentChanges": st.lists(st.fixed_dictionaries({"range": st.fixed_dictionaries({"start": position, "end": position}),
                                                      "text": st.text(max_size=30)}), max_size=3),
    "query": st.text(max_size=30),
    "command": st.sampled_from(["treewright.applyProposal", "treewright.cancel", "treewright.runAction", "nope"]),
    "arguments": st.lists(json_values, max_size=2),
})
messages = st.one_of(
    st.binary(max_size=200),  # not JSON at all
    json_values.map(lambda v: json.dumps(v).encode()),  # JSON, not JSON-RPC
    st.builds(
        lambda method, params, request, ident: json.dumps(
            {"jsonrpc": "2.0", "method": method, "params": params, **({"id": ident} if request else {})}
        ).encode(),
        st.sampled_from(METHODS), structured | json_values, st.booleans(), st.integers(1000, 10**6),
    ),
)


class RawServer:
    def __init__(self, root):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "treewright", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.replies: queue.Queue = queue.Queue()
        self.errors: dict[int, int] = {}  # error code → how many replies carried it
        self.answered = 0  # replies to requests, results and errors alike
        threading.Thread(target=self._read, daemon=True).start()
        self.send_json({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                        "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}})
        self.wait_for(1)
        self.send_json({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            reply = json.loads(stream.read(length))
            if "id" in reply and ("result" in reply or "error" in reply):
                self.answered += 1
            if isinstance(reply.get("error"), dict):
                code = reply["error"].get("code")
                self.errors[code] = self.errors.get(code, 0) + 1
            self.replies.put(reply)

    def send(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send_json(self, message: dict) -> None:
        self.send(json.dumps(message).encode())

    def wait_for(self, ident, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.replies.get(timeout=0.5)
            except queue.Empty:
                continue
            if reply.get("id") == ident and ("result" in reply or "error" in reply):
                return reply
        raise TimeoutError(f"no reply to {ident}")


@pytest.fixture(scope="module")
def raw_server(tmp_path_factory):
    import shutil
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "examples" / "demo"
    root = tmp_path_factory.mktemp("fuzz") / "demo"
    shutil.copytree(demo, root)
    server = RawServer(root)
    yield server, root
    server.process.kill()
    server.process.wait(10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=messages)
def test_random_messages_do_not_kill_the_server(raw_server, message):
    server, _ = raw_server
    server.send(message)
    assert server.process.poll() is None


def test_after_the_fuzz_the_server_still_answers_correctly(raw_server):
    server, root = raw_server
    uri = (root / "inventory" / "models.py").as_uri()
    server.send_json({"jsonrpc": "2.0", "id": "final", "method": "textDocument/documentSymbol",
                      "params": {"textDocument": {"uri": uri}}})
    reply = server.wait_for("final")
    assert [s["name"] for s in reply["result"]] == ["StockError", "Item", "Warehouse"]
    assert server.process.poll() is None
    # The garbage was read and answered (some of the messages are requests), and bad
    # requests got errors rather than silence.
    assert server.answered > 5 and server.errors, (server.answered, server.errors)
