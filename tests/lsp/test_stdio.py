"""How `treewright serve` reads stdin: a pipe (what editors give it) is read on the event
loop; a regular file falls back to pygls's reader; an editor gone mid-message ends it."""

import json
import subprocess
import sys


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _initialize(root) -> bytes:
    return _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}})


def _serve(**stdin) -> subprocess.CompletedProcess:
    """`treewright serve` run to its end; `stdin=` a file or `input=` bytes through a pipe."""
    return subprocess.run([sys.executable, "-m", "treewright", "serve"], **stdin,
                          capture_output=True, timeout=60)


def test_messages_from_a_pipe_and_from_a_regular_file(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    pass\n")
    session = _initialize(tmp_path)  # then the end of input, which ends the server
    piped = _serve(input=session)
    saved = tmp_path / "session.bin"
    saved.write_bytes(session)
    with saved.open("rb") as stdin:
        from_file = _serve(stdin=stdin)
    for done in (piped, from_file):
        assert done.returncode == 0, done.stderr.decode()
        assert b'"id": 1' in done.stdout or b'"id":1' in done.stdout
        assert b'"serverInfo"' in done.stdout
        assert b"Traceback" not in done.stderr


def test_an_editor_gone_mid_message_ends_the_server_quietly(tmp_path):
    cut = _initialize(tmp_path)[:-10]
    done = _serve(input=cut)
    assert done.stdout == b""
    assert b"Traceback" not in done.stderr
