"""Real processes SIGKILLed while they write the index cache and the session store.

Each kill lands at a seeded random point after the writer has begun writing; the test
checks from the files themselves that kills landed mid-write (rows between start and end,
or frames of an unfinished transaction at the end of the write-ahead log), then starts the
real server or reopens the store: the index answers as if nothing happened, and every turn
a writer reported done is there, whole, and the session goes on.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

from lsprotocol import types as lsp
from sqlite_faults import (
    count_rows,
    generate,
    integrity,
    kill,
    module_of,
    spawn,
    unfinished_quick,
    wait_for,
    wal_frames,
)

from scripted_api import ScriptedAPI, text, tool_use
from treewright.agent.sessions import TURN_END, SessionStore

SEED = 20261121
FILES = 3000
KILLS = 6


CHAT = {"ui": "treewright-vscode", "model": "claude-test-model"}


def _env(api) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return dict(env, ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY="sk-ant-test-key-0123456789")


async def find_symbol(session, api, name: str) -> str:
    """What the agent's find_symbol tool answers about `name`, through a real turn."""
    api.add(tool_use("find_symbol", {"name": name}), text("ok"))
    await session.client.protocol.send_request_async("treewright/chat", {"prompt": f"Where is {name}?"})
    return api.message_requests[-1].body["messages"][-1]["content"][0]["content"]


def _signature(path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


async def _symbols_answer_correctly(session, picks) -> None:
    for i in picks:
        for name in (f"helper_{i}", f"Model{i}"):
            found = await session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=name))
            exact = [s for s in found or [] if s.name == name]
            assert len(exact) == 1, (name, [s.name for s in found or []])
            assert exact[0].location.uri == session.uri(module_of(i))


async def test_index_cache_killed_while_indexing_is_recovered(tmp_path, start_server):
    root = tmp_path / "ws"
    generate(root, FILES)
    db = root / ".treewright" / "index.sqlite"
    wal = db.with_name("index.sqlite-wal")
    rng = random.Random(SEED)
    report = []
    for _ in range(KILLS):
        rows_before = count_rows(db, "files")
        before = _signature(wal)
        writer = spawn(["-m", "treewright", "map", str(root)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # The writing has begun when the log changes; then kill at a random point in it.
            wait_for(lambda before=before, writer=writer: _signature(wal) != before or writer.poll() is not None,
                     what="the index cache being written")
            time.sleep(rng.uniform(0.0, 0.25))
        finally:
            kill(writer)
        _, unfinished = wal_frames(wal)
        rows = count_rows(db, "files")
        report.append((rows_before, rows, unfinished))
        assert integrity(db) == "ok"
    print("index kills (rows before, rows after, frames of an unfinished transaction):", report)
    mid_write = [r for r in report if r[0] < r[1] < FILES or r[2]]
    assert len(mid_write) >= KILLS // 2, report

    api = ScriptedAPI().start()
    try:
        session = await start_server(root, options=CHAT, env=_env(api))
        await session.wait_ready()
        await _symbols_answer_correctly(session, rng.sample(range(FILES), 15))
        # References are read from the cache's rows: those a killed run wrote must be whole.
        for i in (7, 1500, FILES - 1):
            found = await find_symbol(session, api, f"helper_{i}")
            assert f"{module_of(i)}:9: function" in found
            assert f"References (2 shown at most 50):\n  {module_of(i - 1)}:1\n  {module_of(i - 1)}:6" in found
        await session.client.shutdown_session()
    finally:
        api.stop()
    assert integrity(db) == "ok" and count_rows(db, "files") == FILES


WRITER = """
import sys
from pathlib import Path
from treewright.agent.sessions import ASSISTANT, PROMPT, TURN_END, SessionStore

store = SessionStore(Path(sys.argv[1]))
# A transaction larger than the page cache is written to the log before it commits, so a
# kill finds it half there. Make every turn such a transaction (the default cache is 2 MB).
store.db.execute("PRAGMA cache_size=50")
session_id = sys.argv[2] if len(sys.argv) > 2 else store.create("kill test")
n = sum(e.kind == TURN_END for e in store.entries(session_id))
print(session_id, flush=True)
while True:
    n += 1
    store.append(
        session_id, f"t{n}",
        ("prompt", {"content": [{"type": "text", "text": f"turn {n}"}], "prompt": f"turn {n}"}),
        (ASSISTANT, {"content": [{"type": "text", "text": f"answer {n}"}]}),
        # A large entry makes each commit many pages long, so kills land inside commits.
        (TURN_END, {"stopReason": "end_turn", "text": f"answer {n}", "detail": "x" * 1_000_000}),
    )
    print(n, flush=True)  # the turn is stored: a kill from now on must not lose it
"""


def _check_store(path, session_id, acknowledged: int) -> int:
    """Every turn is whole (three entries, in order), none that was reported is missing,
    at most the one in flight is extra. Returns the number of turns stored."""
    store = SessionStore(path)
    try:
        assert store.problem is None
        entries = store.entries(session_id)
    finally:
        store.close()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert len(entries) % 3 == 0
    turns = len(entries) // 3
    for n in range(1, turns + 1):
        prompt, answer, end = entries[3 * n - 3 : 3 * n]
        assert (prompt.turn_id, answer.turn_id, end.turn_id) == (f"t{n}",) * 3
        assert (prompt.kind, answer.kind, end.kind) == ("prompt", "assistant", TURN_END)
        assert prompt.data["prompt"] == f"turn {n}" and end.data["text"] == f"answer {n}"
        assert end.data["detail"] == "x" * 1_000_000
    assert acknowledged <= turns <= acknowledged + 1, (acknowledged, turns)
    return turns


async def test_session_store_killed_while_appending_keeps_every_completed_turn(demo, start_server):
    path = demo / ".treewright" / "sessions.sqlite"
    wal = path.with_name("sessions.sqlite-wal")
    rng = random.Random(SEED)
    session_id = None
    acknowledged = 0  # the last turn a writer reported stored
    report = []
    for attempt in range(KILLS):
        writer = spawn(["-c", WRITER, str(path)] + ([session_id] if session_id else []),
                       stdout=subprocess.PIPE, text=True)
        try:
            session_id = writer.stdout.readline().strip()  # the store is open, appends begin
            assert session_id
            time.sleep(rng.uniform(0.0, 0.1))
            if attempt % 2:
                # An aimed kill: stop the writer until it is caught with a transaction half
                # in the log (most of the time goes to checkpoints and between commits).
                for _ in range(200):
                    os.killpg(writer.pid, signal.SIGSTOP)
                    if unfinished_quick(wal):
                        break
                    os.killpg(writer.pid, signal.SIGCONT)
                    time.sleep(rng.uniform(0.0, 0.005))
        finally:
            kill(writer)
        acks = [int(line) for line in writer.stdout.read().split()]
        writer.stdout.close()
        acknowledged = acks[-1] if acks else acknowledged
        _, unfinished = wal_frames(wal)
        turns = _check_store(path, session_id, acknowledged)
        report.append((len(acks), turns, unfinished))
    print("session kills (turns acknowledged in the run, turns stored, frames of an unfinished"
          " transaction):", report)
    assert sum(1 for r in report if r[2]) >= KILLS // 2, report  # the aimed kills landed inside a commit

    # The real server carries the session on, with every stored turn in its history.
    api = ScriptedAPI().start()
    try:
        session = await start_server(demo, options=CHAT, env=_env(api))
        await session.wait_ready()
        api.add(text("Carrying on."))
        answer = await session.client.protocol.send_request_async(
            "treewright/chat", {"prompt": "Go on", "sessionId": session_id})
        assert answer.text == "Carrying on."
        sent = api.message_requests[-1].body["messages"]
        assert len(sent) == 2 * turns + 1
        assert [m["content"][0]["text"] for m in sent[:-1:2]] == [f"turn {n}" for n in range(1, turns + 1)]
        await session.client.shutdown_session()
    finally:
        api.stop()
    store = SessionStore(path)
    try:
        assert store.messages(session_id)[-1]["text"] == "Carrying on."
    finally:
        store.close()


async def test_torn_copies_of_the_index_cache_are_recovered_or_rebuilt(tmp_path, start_server):
    """The cache's files as a copy taken mid-write would leave them (a backup tool, a sync,
    a crashed file system): the log cut mid-frame, the database cut at a page boundary."""
    count = 1000
    root = tmp_path / "ws"
    generate(root, count)
    db = root / ".treewright" / "index.sqlite"
    wal = db.with_name("index.sqlite-wal")
    writer = spawn(["-m", "treewright", "map", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: wal.exists() and wal.stat().st_size > 200_000 or writer.poll() is not None,
                 what="the index cache being written")
        os.killpg(writer.pid, signal.SIGSTOP)  # hold the writer mid-write while copying
        taken = {p.name: p.read_bytes() for p in db.parent.glob("index.sqlite*")}
    finally:
        kill(writer)
    # And a whole cache, written to the end and closed (the log folded into the file).
    finisher = spawn(["-m", "treewright", "map", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert finisher.wait(60) == 0
    whole = db.read_bytes()
    page = 4096
    main = taken["index.sqlite"]
    log = taken.get("index.sqlite-wal", b"")
    variants = {
        "as copied": {"index.sqlite": main, "index.sqlite-wal": log},
        "log cut mid-frame": {"index.sqlite": main, "index.sqlite-wal": log[: len(log) * 2 // 3 + 100]},
        "without its log": {"index.sqlite": main},
        "cut at a page boundary": {"index.sqlite": whole[: len(whole) // 2 // page * page]},
    }
    rng = random.Random(SEED)
    for name, files in variants.items():
        for p in db.parent.glob("index.sqlite*"):
            p.unlink()
        for file, data in files.items():
            (db.parent / file).write_bytes(data)
        session = await start_server(root)
        await session.wait_ready()
        try:
            await _symbols_answer_correctly(session, rng.sample(range(count), 5))
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from e
        await session.client.shutdown_session()
        assert integrity(db) == "ok", name
        assert count_rows(db, "files") == count, name
