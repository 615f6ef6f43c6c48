"""Load: 10,000 files indexing, 1,000 keystrokes in 10 s, 8 chats streaming at once.

Every symbol and code-action request is answered without starving, memory stays bounded,
and every chat's answer lands in its own session only. The test prints the waits it saw;
it fails on a wait over 2 s, not on the 200 ms target, because a timed bound that tight
fails at random on a busy two-core machine (speed is judged in bench/, not here).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from editor import Editor, until
from scripted_api import ScriptedAPI, text

FILES = 10_000
KEYSTROKES = 1_000
CHATS = 8
MAX_WAIT = 2.0  # starvation, not speed: see the module docstring


def _generate(root: Path) -> None:
    for i in range(FILES):
        folder = root / f"pkg{i % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i}.py").write_text(
            f"from pkg{(i + 1) % 100}.mod{(i + 1) % FILES} import helper_{(i + 1) % FILES}\n\n\n"
            f"class Model{i}:\n    def save(self):\n        return helper_{(i + 1) % FILES}(self)\n\n\n"
            f"def helper_{i}(value):\n    return Model{i}().save() if value else None\n"
        )


@pytest.fixture
def big_workspace(tmp_path) -> Path:
    root = tmp_path / "big"
    _generate(root)
    (root / "main.py").write_text("def main():\n    return 1\n" * 50)
    return root


async def test_load_holds(big_workspace, start_server, capfd):
    api = ScriptedAPI().start()

    def echo(request):  # each chat gets an answer naming its own prompt
        prompt = request.body["messages"][-1]["content"][-1]["text"]
        return text(f"Answer to <{prompt}> " + "word " * 30, chunks=30, event_delay=0.02)

    api.add(*[echo] * CHATS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY="sk-ant-test-key-0123456789")
    try:
        session = await start_server(big_workspace, options={"ui": "treewright-vscode", "model": "claude-test-model"},
                                     env=env)
        client = session.client
        events: list[dict] = []
        client.feature("treewright/chatEvent")(lambda ls, p: events.append(p._asdict()))
        editor = Editor(client)
        editor.install()
        uri = (big_workspace / "main.py").as_uri()
        editor.open(uri, (big_workspace / "main.py").read_text())

        waits: list[tuple[float, str]] = []

        async def timed(call, label: str) -> None:
            started = time.perf_counter()
            await call
            waits.append((time.perf_counter() - started, label))

        # 1,000 keystrokes over 10 s while the index builds, with requests in between.
        indexing_during = not session._ready.is_set()
        started = time.perf_counter()
        for i in range(KEYSTROKES):
            editor.type(uri, lsp.Position(line=i % 50, character=0), "x" if i % 2 else "")
            if i % 25 == 0:
                await timed(client.text_document_document_symbol_async(
                    lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))), f"symbols@{i}")
                await timed(client.text_document_code_action_async(lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=lsp.Range(start=lsp.Position(0, 5), end=lsp.Position(0, 5)),
                    context=lsp.CodeActionContext(diagnostics=[]))), f"actions@{i}")
            await asyncio.sleep(max(0.0, started + (i + 1) * 10 / KEYSTROKES - time.perf_counter()))

        # Eight chats at once, while requests keep coming.
        chats = [asyncio.ensure_future(client.protocol.send_request_async(
            "treewright/chat", {"prompt": f"question {n}"})) for n in range(CHATS)]
        while not all(c.done() for c in chats):
            await timed(client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Model42")), "wsymbol")
            await timed(client.text_document_document_symbol_async(
                lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))), "chat-symbols")
            await asyncio.sleep(0.02)
        answers = [c.result() for c in chats]
        await session.wait_ready(timeout=300)

        durations = sorted(w for w, _ in waits)
        worst = ", ".join(f"{label} {w * 1000:.0f} ms" for w, label in sorted(waits, reverse=True)[:3])
        status = Path(f"/proc/{client._server.pid}/status").read_text()
        peak_mb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) / 1024
        with capfd.disabled():  # shown under -s; capfd is here for the server's stderr
            print(f"\nload: {len(waits)} requests, p50 {durations[len(durations) // 2] * 1000:.1f} ms, "
                  f"p99 {durations[int(len(durations) * 0.99)] * 1000:.0f} ms, worst: {worst}; "
                  f"peak RSS {peak_mb:.0f} MB; index still building during the keystrokes: {indexing_during}")

        assert indexing_during, "the keystrokes should have overlapped the indexing"
        assert durations[-1] <= MAX_WAIT, worst
        assert peak_mb < 600
        # No cross-talk: each answer, and every text event of its turn, names its own prompt.
        for n, answer in enumerate(answers):
            assert answer.text.startswith(f"Answer to <question {n}>")
            deltas = "".join(e["delta"] for e in events if e["turnId"] == answer.turnId and e["type"] == "text")
            assert deltas == answer.text
        assert len({a.sessionId for a in answers}) == CHATS
        # The document survived a thousand keystrokes intact on the server side.
        symbols = await client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        assert len(symbols) == 50
        # Nothing failed along the way: the server logged no traceback.
        assert "Traceback" not in capfd.readouterr().err
        await until(lambda: True)
    finally:
        api.stop()
