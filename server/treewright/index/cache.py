"""The on-disk index cache: one SQLite file per workspace folder, under `.treewright/`.

Rows are keyed by path and carry the content hash they were computed from, so a restart
re-parses only files whose content changed. Definitions, references and errors are stored
as marshalled tuples: one blob per file loads in microseconds. A cache that is corrupt, of
another schema version, or cannot be written is never fatal: it is rebuilt, or the index
runs in memory and says why in `problem`.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

from treewright.index.records import StoredFile

log = logging.getLogger(__name__)

# Bump whenever the stored tuples or the tags queries change meaning.
SCHEMA_VERSION = 2  # 2: no definitions with an empty (error-recovery) name

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    language TEXT,
    status TEXT NOT NULL,
    definitions BLOB,
    ref_counts BLOB,
    refs BLOB,
    errors BLOB
);
"""


class IndexCache:
    def __init__(self, directory: Path, grammar_version: str = ""):
        self.directory = directory
        self.path = directory / "index.sqlite"
        self.problem: str | None = None
        # The tags queries are part of the schema: a changed query must re-parse everything.
        self._version = f"{SCHEMA_VERSION}:{grammar_version}"
        # One connection serves the indexing thread and the request loop: one user at a time.
        self._lock = threading.RLock()
        self._memory = False
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", "utf-8")
            db = self._connect(self.path)
            if self._stored_version(db) != self._version:
                db.close()
                log.info("index cache %s is of another version: rebuilding", self.path)
                self._remove()
                db = self._connect(self.path)
            return db
        except sqlite3.DatabaseError as e:
            if not _is_damage(e):
                # A full disk or read-only folder: removing the cache would not help (and
                # would throw away a sound one).
                return self._in_memory(f"cannot write the index cache at {self.path}: {e}")
            log.warning("index cache %s is unreadable (%s): rebuilding", self.path, e)
            try:
                self._remove()
                return self._connect(self.path)
            except (OSError, sqlite3.Error) as e2:
                return self._in_memory(f"cannot rebuild the index cache at {self.path}: {e2}")
        except OSError as e:
            return self._in_memory(f"cannot write the index cache at {self.directory}: {e}")

    def _in_memory(self, problem: str) -> sqlite3.Connection:
        self._memory = True
        self.problem = problem + " (indexing in memory only)"
        log.warning(self.problem)
        return self._connect(":memory:")

    def _connect(self, path: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('version', ?)", (self._version,)
        )
        db.execute("SELECT count(*) FROM files").fetchone()  # fails fast on a corrupt file
        return db

    @staticmethod
    def _stored_version(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else None

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def load(self) -> dict[str, StoredFile]:
        """Every row, without its references and errors (`refs` reads those when needed)."""
        with self._lock:
            return self._load()

    def _load(self) -> dict[str, StoredFile]:
        try:
            rows = self.db.execute(
                "SELECT path, hash, size, mtime_ns, language, status, definitions, ref_counts"
                " FROM files"
            ).fetchall()
        except sqlite3.DatabaseError as e:
            log.warning("index cache unreadable while loading (%s): starting empty", e)
            return {}
        return {row[0]: StoredFile(*row, None, None) for row in rows}

    def put_many(self, files: list[StoredFile]) -> None:
        if not files:
            return
        try:
            self._put_many(files)
        except sqlite3.Error as e:
            self._write_failed(e, lambda: self._put_many(files))

    def _put_many(self, files: list[StoredFile]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?)", files)

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        """Record a new mtime for a file whose content hash is unchanged."""
        try:
            with self._lock:
                self.db.execute(
                    "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path)
                )
        except sqlite3.Error as e:
            self._write_failed(e)

    def delete_many(self, paths: list[str]) -> None:
        if not paths:
            return
        try:
            with self._transaction():
                self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])
        except sqlite3.Error as e:
            self._write_failed(e)

    def refs(self, path: str) -> bytes | None:
        try:
            with self._lock:
                row = self.db.execute("SELECT refs FROM files WHERE path = ?", (path,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    @contextlib.contextmanager
    def _transaction(self):
        with self._lock:
            self.db.execute("BEGIN")
            try:
                yield
                # A full disk shows at COMMIT (the log is written then): roll back then too,
                # or the connection stays inside a failed transaction.
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _write_failed(self, error: Exception, retry=None) -> None:
        # The disk filled up under a running server: go on in memory with what the file
        # holds, or the rows that failed to be written (and their references) are lost.
        to_memory = retry is not None and not self._memory and not _is_damage(error)
        if self.problem is None:
            self.problem = f"cannot write the index cache at {self.path}: {error}"
            if to_memory:
                self.problem += " (indexing in memory only)"
            log.warning(self.problem)
        if to_memory:
            with self._lock:
                memory = self._connect(":memory:")
                with contextlib.suppress(sqlite3.Error):
                    self.db.backup(memory)
                self.db.close()
                self.db, self._memory = memory, True
                retry()

    def close(self) -> None:
        with self._lock:
            try:
                self.db.close()
            except sqlite3.Error:
                pass


def _is_damage(error: Exception) -> bool:
    """The file is not a sound database (as against a full disk or a read-only folder)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return not isinstance(error, sqlite3.OperationalError)
    return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
