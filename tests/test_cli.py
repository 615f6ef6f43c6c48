"""The command line: doctor reports without leaking the key; serve speaks LSP over TCP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time


def test_doctor_reports_grammars_and_never_the_key(demo):
    env = dict(os.environ, ANTHROPIC_API_KEY="sk-ant-secret-value-123")
    out = subprocess.run(
        [sys.executable, "-m", "treewright", "doctor", str(demo)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ANTHROPIC_API_KEY set: yes" in out.stdout
    assert "secret-value" not in out.stdout + out.stderr
    for language in ("python", "typescript", "rust", "lua"):
        assert f"  {language}: ok" in out.stdout
    env.pop("ANTHROPIC_API_KEY")
    out = subprocess.run(
        [sys.executable, "-m", "treewright", "doctor", str(demo)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert "ANTHROPIC_API_KEY set: no" in out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(sock: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(1)
    length = int(data.split(b"Content-Length:")[1].split(b"\r\n")[0])
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return json.loads(body)


def test_serve_over_tcp_answers_initialize(demo):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "treewright", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not listen"
                time.sleep(0.1)
        with sock:
            sock.sendall(_frame({
                "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": demo.as_uri(), "capabilities": {}},
            }))
            reply = _read_message(sock)
        assert reply["id"] == 1
        assert reply["result"]["serverInfo"]["name"] == "treewright"
        assert reply["result"]["capabilities"]["documentSymbolProvider"] is True
    finally:
        server.kill()
        server.wait(10)
