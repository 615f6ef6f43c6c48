"""Conversations, stored append-only in SQLite under `<workspace>/.treewright/`.

Each session is a sequence of entries: the user's prompts, the model's messages, tool
results, usage, proposals and what became of them, and compactions. Nothing is updated
or deleted; the history sent to the model is rebuilt from the entries, starting at the
latest compaction's summary. A model message that asked for tools is stored together
with the tools' results, in one transaction, so a history never holds an unanswered
tool call however the process ends.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    turn_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
"""

# Entry kinds.
PROMPT = "prompt"  # {"content": [...], "prompt": what the user typed} the user's message
ASSISTANT = "assistant"  # {"content": [...]} a model message
TOOL_RESULTS = "tool-results"  # {"content": [tool_result blocks]}
USAGE = "usage"  # {"inputTokens", ..., "costUsd", "estimate"}
PROPOSAL = "proposal"  # a Proposal.to_dict()
OUTCOME = "outcome"  # {"proposalId", "accepted", "rejected", "conflicts", "diagnostics"}
COMPACTION = "compaction"  # {"summary", "upto"}: entries up to seq `upto` are summarised
TURN_END = "turn-end"  # {"stopReason", "text", "proposalId"}


class UnknownSessionError(KeyError):
    def __init__(self, session_id: str):
        super().__init__(session_id)
        self.message = f"Session {session_id} does not exist"


@dataclass
class Entry:
    seq: int
    turn_id: str | None
    kind: str
    data: dict[str, Any]
    at: float


class SessionStore:
    @classmethod
    def for_workspace(cls, root: Path) -> SessionStore:
        return cls(root / ".treewright" / "sessions.sqlite")

    def __init__(self, path: Path):
        self.path = path
        self.problem: str | None = None  # why sessions are not kept on disk, if they are not
        self.in_memory = False
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._connect(str(path))
        except sqlite3.DatabaseError as e:
            if not _is_damage(e):
                # A full disk or a read-only folder is not damage: moving the store aside
                # would hide every earlier session (and fails on a read-only folder). Serve
                # what it holds from memory and leave the file as it is.
                self.db = self._in_memory(f"cannot keep sessions in {path} ({e})", path)
                return
            # Unreadable (half-written by a killed process, or not a database): keep it for
            # inspection and start a new one, rather than refusing every chat.
            aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
            log.warning("session store %s is unreadable (%s); moved to %s", path, e, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            path.replace(aside)
            self.problem = f"the session store was unreadable and was moved to {aside.name}"
            self.db = self._connect(str(path))
        except OSError as e:
            self.db = self._in_memory(f"cannot keep sessions in {path.parent} ({e})", path)

    def _in_memory(self, why: str, source: Path | sqlite3.Connection | None) -> sqlite3.Connection:
        """A store in memory holding what `source` (an open store, or a file) holds."""
        self.problem = f"{why}; new sessions and turns last until restart"
        self.in_memory = True
        log.warning(self.problem)
        db = self._connect(":memory:")
        if isinstance(source, sqlite3.Connection):
            source.backup(db)
            return db
        if source is not None and source.exists():
            # Read-only needs the -shm index; immutable does not (but skips the -wal).
            for query in ("mode=ro", "mode=ro&immutable=1"):
                try:
                    old = sqlite3.connect(f"{source.as_uri()}?{query}", uri=True)
                    try:
                        old.backup(db)
                        return db
                    finally:
                        old.close()
                except sqlite3.Error as e:
                    log.info("cannot read %s (%s): %s", source, query, e)
        return db

    @staticmethod
    def _connect(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL sync survives a killed process (not a power cut) without an
        # fsync per step.
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM entries").fetchone()  # fails fast on a corrupt file
        return db

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def create(self, title: str) -> str:
        session_id = "s" + uuid.uuid4().hex[:12]
        with self._lock:
            self._write(lambda: self.db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)", (session_id, title[:120], time.time())
            ))
        return session_id

    def exists(self, session_id: str) -> bool:
        with self._lock:
            row = self.db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def append(self, session_id: str, turn_id: str | None, *items: tuple[str, dict[str, Any]]) -> None:
        """Append entries atomically: all of them or, if the process dies, none."""
        if not self.exists(session_id):
            raise UnknownSessionError(session_id)
        with self._lock:
            self._write(lambda: self._append(session_id, turn_id, items))

    def _write(self, write):
        try:
            return write()
        except sqlite3.OperationalError as e:
            if _is_damage(e) or self.in_memory:
                raise
            # The disk filled up (or the folder went read-only) under a running server:
            # keep the sessions going in memory, with all they held, rather than failing
            # every turn from now on.
            self.db = self._in_memory(f"cannot keep sessions in {self.path} ({e})", self.db)
            return write()

    def _append(self, session_id: str, turn_id: str | None, items) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            (last,) = self.db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM entries WHERE session_id = ?", (session_id,)
            ).fetchone()
            now = time.time()
            self.db.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session_id, last + i + 1, turn_id, kind, json.dumps(data), now)
                    for i, (kind, data) in enumerate(items)
                ],
            )
            # COMMIT is where WAL frames are written, so where a full disk shows: it must
            # roll back too, or the connection stays inside a failed transaction.
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def entries(self, session_id: str) -> list[Entry]:
        if not self.exists(session_id):
            raise UnknownSessionError(session_id)
        with self._lock:
            rows = self.db.execute(
                "SELECT seq, turn_id, kind, data, at FROM entries WHERE session_id = ? ORDER BY seq",
                (session_id,),
            ).fetchall()
        return [Entry(seq, turn, kind, json.loads(data), at) for seq, turn, kind, data, at in rows]

    def history(self, session_id: str, upto: int | None = None) -> list[dict[str, Any]]:
        """The messages to send the model: the latest summary, then what came after it
        (only entries up to seq `upto`, when given)."""
        entries = [e for e in self.entries(session_id) if upto is None or e.seq <= upto]
        start = 0
        messages: list[dict[str, Any]] = []
        for e in entries:
            if e.kind == COMPACTION:
                start = e.data["upto"]
                messages = [
                    {"role": "user", "content": [{"type": "text", "text": _summary_text(e.data["summary"])}]},
                    {"role": "assistant", "content": [{"type": "text", "text": "Understood."}]},
                ]
        for e in entries:
            if e.seq <= start:
                continue
            if e.kind in (PROMPT, TOOL_RESULTS):
                messages.append({"role": "user", "content": e.data["content"]})
            elif e.kind == ASSISTANT:
                messages.append({"role": "assistant", "content": e.data["content"]})
        return merge_roles(messages)

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self.db.execute(
                """SELECT s.id, s.title, COALESCE(MAX(e.at), s.created_at),
                          SUM(e.kind = 'prompt'), s.created_at
                   FROM sessions s LEFT JOIN entries e ON e.session_id = s.id
                   GROUP BY s.id ORDER BY 3 DESC"""
            ).fetchall()
        result = []
        for session_id, title, updated, turns, _ in rows:
            cost = sum(e.data.get("costUsd", 0.0) for e in self.entries(session_id) if e.kind == USAGE)
            result.append(
                {"sessionId": session_id, "title": title, "updatedAt": updated,
                 "turns": int(turns or 0), "costUsd": round(cost, 6)}
            )
        return result

    def find_proposal(self, proposal_id: str) -> tuple[str, dict[str, Any]] | None:
        """(session id, stored proposal) of a proposal made in any session, or None."""
        with self._lock:
            row = self.db.execute(
                "SELECT session_id, data FROM entries WHERE kind = ? AND "
                "json_extract(data, '$.proposalId') = ? ORDER BY seq DESC LIMIT 1",
                (PROPOSAL, proposal_id),
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def messages(self, session_id: str) -> list[dict[str, Any]]:
        """The conversation as a person reads it: prompts and each turn's answer."""
        result: list[dict[str, Any]] = []
        usage: dict[str, dict[str, Any]] = {}
        for e in self.entries(session_id):
            if e.kind == PROMPT:
                # What the user typed, without the context and feedback sent alongside it.
                text = e.data.get("prompt") or "\n\n".join(
                    b["text"] for b in e.data["content"] if b.get("type") == "text")
                result.append({"role": "user", "text": text, "turnId": e.turn_id})
            elif e.kind == USAGE and e.turn_id:
                total = usage.setdefault(e.turn_id, {"inputTokens": 0, "outputTokens": 0,
                                                     "cacheReadTokens": 0, "cacheWriteTokens": 0,
                                                     "costUsd": 0.0})
                for key in total:
                    total[key] += e.data.get(key, 0)
            elif e.kind == TURN_END:
                message = {"role": "assistant", "text": e.data.get("text", ""), "turnId": e.turn_id,
                           "stopReason": e.data.get("stopReason")}
                if e.data.get("proposalId"):
                    message["proposalId"] = e.data["proposalId"]
                if e.turn_id in usage:
                    message["usage"] = usage[e.turn_id]
                result.append(message)
        return result

    def title(self, session_id: str) -> str:
        with self._lock:
            row = self.db.execute("SELECT title FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise UnknownSessionError(session_id)
        return row[0]


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """The file is not a sound database (as against a full disk or a read-only folder)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return not isinstance(error, sqlite3.OperationalError)
    return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _summary_text(summary: str) -> str:
    return "Summary of the earlier conversation (older turns were compacted):\n\n" + summary


def merge_roles(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge consecutive messages of one role (a turn that ended before the model answered
    leaves two user messages in a row, which the API does not take)."""
    merged: list[dict[str, Any]] = []
    for m in messages:
        if merged and merged[-1]["role"] == m["role"]:
            merged[-1] = {"role": m["role"], "content": merged[-1]["content"] + m["content"]}
        else:
            merged.append({"role": m["role"], "content": list(m["content"])})
    return merged
