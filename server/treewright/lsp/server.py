"""The Treewright language server: state shared by the handlers, and how it starts.

Requests are answered on the asyncio loop from in-memory state; indexing runs in a
background thread (its parsing in worker processes) and reports progress through
`$/progress` and `treewright/indexStatus`.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import math
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from treewright import __version__
from treewright.foreground import imports_step_aside
from treewright.index.document import Document
from treewright.index.languages import language_for_path
from treewright.index.repomap import RepoMapper
from treewright.index.workspace import WorkspaceIndex
from treewright.long_lived import building_long_lived
from treewright.lsp.convert import Columns, LineBytes, Outline, document_columns, non_ascii_rows
from treewright.lsp.errors import BadParams, Cancelled, UnknownItem
from treewright.lsp.positions import UTF8, UTF16, from_lsp_column
from treewright.lsp.protocol import TreewrightProtocol
from treewright.lsp.stdio import PipeReader
from treewright.settings import Settings, parse_settings

if TYPE_CHECKING:
    from treewright.lsp.proposals import ProposalBook
    from treewright.lsp.turns import TurnRunner

log = logging.getLogger(__name__)

# Seconds between two index progress reports: often enough to move, rarely enough to be free.
_PROGRESS_INTERVAL = 0.1
_IDLE_BEFORE_WARM_UP = 1.0  # seconds without a message from the editor
# An index build starts once the editor's opening requests are answered (a file parsed for
# its outline shared two cores with the build's start: about 60 ms more), or after at most
# the second figure when the editor keeps talking.
_QUIET_BEFORE_INDEXING, _LONGEST_WAIT_FOR_QUIET = 0.1, 0.5


@dataclass
class Folder:
    uri: str
    root: Path
    index: WorkspaceIndex
    mapper: RepoMapper
    indexing: asyncio.Task | None = None


@dataclass
class OpenDocument:
    uri: str
    version: int | None
    document: Document
    folder: Folder | None
    rel: str | None
    published_errors: list = field(default_factory=list)
    outline: Outline = field(default_factory=Outline)


class TreewrightServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "treewright",
            __version__,
            protocol_cls=TreewrightProtocol,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        )
        self.settings = Settings()
        self.folders: list[Folder] = []
        self.documents: dict[str, OpenDocument] = {}
        self.ui: str | None = None
        self.pending_warnings: list[str] = []
        self._warned: set[str] = set()
        # uri → ((size, mtime_ns), rows holding non-ASCII bytes) of files read from disk
        self._odd_rows: dict[str, tuple[tuple[int, int], frozenset[int]]] = {}
        self._warm_up: asyncio.Future | None = None
        self._agent_imported: asyncio.Future | None = None
        self._turns: TurnRunner | None = None
        self._proposals: ProposalBook | None = None

    # ---- the agent, loaded beside the first answers ---------------------------------------
    # Its modules (turns, sessions, tools, edits, the SDK client) are a tenth of the
    # server's imports. The editor's first answers do not wait for them: a thread imports
    # them while indexing starts (see index_folder), so a first chat rarely waits either.

    @property
    def turns(self) -> TurnRunner:
        if self._turns is None:
            from treewright.lsp.turns import TurnRunner

            self._turns = TurnRunner(self)
        return self._turns

    @property
    def proposals(self) -> ProposalBook:
        if self._proposals is None:
            from treewright.lsp.proposals import ProposalBook

            self._proposals = ProposalBook(self)
        return self._proposals

    async def close_turns(self) -> None:
        if self._turns is not None:
            await self._turns.close()

    # ---- encoding and positions ---------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            encoding = self.workspace.position_encoding or UTF16
        except RuntimeError:  # before initialize
            return UTF16
        return getattr(encoding, "value", encoding)

    def to_point(self, line_bytes: LineBytes, pos: lsp.Position) -> tuple[int, int]:
        return (pos.line, from_lsp_column(line_bytes(pos.line), pos.character, self.encoding))

    # ---- folders ------------------------------------------------------------------------

    def add_folder(self, uri: str) -> Folder | None:
        path = to_fs_path(uri)
        if path is None or not Path(path).is_dir():
            log.warning("workspace folder %s is not a local directory: not indexed", uri)
            return None
        root = Path(path).resolve()
        index = WorkspaceIndex(
            root,
            exclude=self.settings.index_exclude,
            max_file_bytes=self.settings.index_max_file_bytes,
        )
        if index.cache.problem:
            self.warn_once(f"Treewright: {index.cache.problem}")
        folder = Folder(uri, root, index, RepoMapper(index))
        self.folders.append(folder)
        return folder

    def folder_of(self, path: Path) -> tuple[Folder, str] | tuple[None, None]:
        for folder in sorted(self.folders, key=lambda f: -len(f.root.parts)):
            rel = folder.index.relative(path)
            if rel is not None:
                return folder, rel
        return None, None

    def uri_of(self, folder: Folder, rel: str) -> str:
        return _file_uri(str(folder.root), rel)

    # ---- documents ----------------------------------------------------------------------

    def open_document(self, uri: str, version: int | None, text: str) -> OpenDocument:
        path = to_fs_path(uri)
        folder, rel = self.folder_of(Path(path)) if path else (None, None)
        language = language_for_path(path or uri)
        document = Document(language, text.encode("utf-8", "surrogatepass"))
        opened = OpenDocument(uri, version, document, folder, rel)
        self.documents[uri] = opened
        if folder is not None and rel is not None:
            folder.index.open_document(rel, document)
        return opened

    def close_document(self, uri: str) -> None:
        opened = self.documents.pop(uri, None)
        if opened is not None and opened.folder is not None and opened.rel is not None:
            opened.folder.index.close_document(opened.rel)

    def document_for(self, uri: str) -> Document:
        """The open document, else the file on disk parsed now; unknown URIs are bad params."""
        opened = self.documents.get(uri)
        if opened is not None:
            return opened.document
        path = to_fs_path(uri)
        try:
            data = Path(path).read_bytes() if path else None
        except OSError:
            data = None
        if data is None:
            raise JsonRpcInvalidParams(f"Unknown document: {uri} is neither open nor a file")
        return Document(language_for_path(path or uri), data)

    def file_columns(self, uri: str, folder: Folder | None, rel: str | None) -> Columns | None:
        """Column conversion for a document's indexed definitions: from the open buffer, else
        the disk. None when no conversion is needed: UTF-8 positions, or ASCII text (most
        code). A file's rows with non-ASCII bytes are remembered while the index's stamp of
        it stays the same, so the file is read again only for a point on one of those rows:
        workspace/symbol names about 50 files per keystroke in the search box.
        `folder` and `rel` locate the file (None for a document outside every folder)."""
        opened = self.documents.get(uri)
        if opened is not None:
            return document_columns(opened.document, self.encoding)
        if self.encoding == UTF8 or folder is None or not rel:
            return None
        path = folder.root / rel
        known = folder.index.files.get(rel)
        stamp = (known.size, known.mtime_ns) if known else None
        lines: list[bytes] | None = None
        seen = self._odd_rows.get(uri)
        if stamp is not None and seen is not None and seen[0] == stamp:
            odd = seen[1]
        else:
            lines = _read_lines(path)
            odd = non_ascii_rows(lines)
            if stamp is not None:
                self._odd_rows[uri] = (stamp, odd)
        if not odd:
            return None

        def line_bytes(row: int) -> bytes:
            nonlocal lines
            if lines is None:
                lines = _read_lines(path)
            return lines[row].rstrip(b"\r") if 0 <= row < len(lines) else b""

        return Columns(line_bytes, self.encoding, odd)

    # ---- settings -----------------------------------------------------------------------

    def apply_settings(self, data: object) -> None:
        settings, warnings = parse_settings(data)
        index_changed = (settings.index_exclude, settings.index_max_file_bytes) != (
            self.settings.index_exclude,
            self.settings.index_max_file_bytes,
        )
        self.settings = settings
        for warning in warnings:
            self.warn(warning)
        if index_changed:
            for folder in self.folders:
                folder.index.exclude = settings.index_exclude
                folder.index.max_file_bytes = settings.index_max_file_bytes
            if any(f.index.ready for f in self.folders):
                self.start_indexing()

    def warn_once(self, message: str) -> None:
        """Warn about a lasting condition (a cache that cannot be written) only once."""
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)

    def warn(self, message: str) -> None:
        log.warning(message)
        try:
            self.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message)
            )
        except RuntimeError:  # not connected yet: shown once initialized
            self.pending_warnings.append(message)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's start_io, reading the editor's messages on the loop (see stdio.py)."""
        self._stop_event = threading.Event()
        stdin = stdin or sys.stdin.buffer
        reader = PipeReader(stdin, fallback=StdinAsyncReader(stdin, self.thread_pool))
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(run_async(
                stop_event=self._stop_event, reader=reader, protocol=self.protocol,
                logger=logging.getLogger("pygls.server"), error_handler=self.report_server_error,
            ))
        except BrokenPipeError:
            log.error("the editor's end of stdout is closed: stopping")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # ---- indexing -----------------------------------------------------------------------

    def start_indexing(self) -> None:
        for folder in self.folders:
            if folder.indexing is None or folder.indexing.done():
                folder.indexing = asyncio.ensure_future(self.index_folder(folder))

    async def index_folder(self, folder: Folder) -> dict:
        await self._editor_quiet(_QUIET_BEFORE_INDEXING, _LONGEST_WAIT_FOR_QUIET)
        if self._agent_imported is None:
            self._agent_imported = asyncio.ensure_future(asyncio.to_thread(_import_agent_modules))
        loop = asyncio.get_running_loop()
        token = str(uuid.uuid4())
        progress = await self._begin_progress(token, f"Treewright: indexing {folder.root.name}")
        last = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done < total and now - last < _PROGRESS_INTERVAL:
                return
            last = now
            loop.call_soon_threadsafe(self._report_index, folder, token, progress, done, total)

        self.notify_index_status(folder, "indexing", 0)
        try:
            stats = await asyncio.to_thread(folder.index.build, report)
        except Exception as e:  # an index failure must not take the server down
            log.exception("indexing %s failed", folder.root)
            self.warn(f"Treewright: indexing {folder.root} failed: {e}")
            stats = None
        if progress:
            self.work_done_progress.end(
                token, lsp.WorkDoneProgressEnd(message=f"{len(folder.index.files)} files")
            )
        ms = stats.ms if stats else 0.0
        await asyncio.to_thread(folder.index.prepare_search)
        self.notify_index_status(folder, "ready", ms)
        if folder.index.cache.problem:
            self.warn_once(f"Treewright: {folder.index.cache.problem}")
        if self._warm_up is None or self._warm_up.done():
            self._warm_up = asyncio.ensure_future(self._warm_up_when_idle())
        return {"files": len(folder.index.files), "symbols": len(folder.index.symbols), "ms": ms}

    async def _warm_up_when_idle(self) -> None:
        """Build each folder's reference graph and import the model SDK ahead of the first
        turn, once the editor has gone quiet: both are seconds of Python in a thread, which
        would take the interpreter from the loop while someone types (a 10,000-file
        workspace's requests waited up to 400 ms behind them)."""
        await self._editor_quiet(_IDLE_BEFORE_WARM_UP)
        for folder in list(self.folders):
            await asyncio.to_thread(folder.mapper.build, 1)
        await asyncio.to_thread(_import_model_sdk)

    async def _editor_quiet(self, seconds: float, at_most: float | None = None) -> None:
        """Returns once the editor has sent nothing for `seconds`, or after `at_most`."""
        deadline = time.monotonic() + (math.inf if at_most is None else at_most)
        while (quiet := time.monotonic() - self.protocol.last_message) < seconds:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(seconds - quiet, left))

    async def _begin_progress(self, token: str, title: str) -> bool:
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return False
        try:
            await self.work_done_progress.create_async(token)
        except Exception as e:  # the client refused the token: work on without progress
            log.info("no progress for %s: %s", title, e)
            return False
        self.work_done_progress.begin(
            token, lsp.WorkDoneProgressBegin(title=title, cancellable=False, percentage=0)
        )
        return True

    def _report_index(
        self, folder: Folder, token: str, progress: bool, done: int, total: int
    ) -> None:
        if progress:
            self.work_done_progress.report(
                token,
                lsp.WorkDoneProgressReport(
                    message=f"{done} / {total} files",
                    percentage=int(done * 100 / total) if total else 100,
                ),
            )
        self.notify_index_status(folder, "indexing", 0, done=done, total=total)

    def notify_index_status(
        self, folder: Folder, state: str, ms: float, done: int | None = None, total: int | None = None
    ) -> None:
        params = {
            "state": state,
            "folder": folder.uri,
            "files": len(folder.index.files) if done is None else done,
            "symbols": len(folder.index.symbols),
            "ms": round(ms, 1),
        }
        if total is not None:
            params["total"] = total
        self.protocol.notify("treewright/indexStatus", params)


def _import_agent_modules() -> None:
    # Stepping aside for each message the editor sends meanwhile.
    with imports_step_aside(), building_long_lived():
        import treewright.lsp.proposals
        import treewright.lsp.turns  # noqa: F401


def _import_model_sdk() -> None:
    from treewright.agent.client import preload_turn_libraries

    preload_turn_libraries()


def _read_lines(path: Path) -> list[bytes]:
    try:
        return path.read_bytes().split(b"\n")
    except OSError:
        return []


@functools.lru_cache(maxsize=8192)
def _file_uri(root: str, rel: str) -> str:
    # Memoised, and keyed by the parts (joining Paths costs more than the lookup):
    # workspace/symbol names up to 100 files per keystroke in the search box.
    return from_fs_path(os.path.join(root, rel)) or ""


def create_server() -> TreewrightServer:
    from treewright.lsp import agent_handlers, handlers

    server = TreewrightServer()
    handlers.register(server)
    agent_handlers.register(server)
    return server


class _AnsweredErrors(logging.Filter):
    """pygls logs every error a handler raises with a traceback at ERROR level, even the
    ones that are the answer (a cancelled turn after Stop, a bad parameter, an unknown id);
    those become one INFO line, so the log's errors are the real ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (Cancelled, BadParams, UnknownItem)):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = f"answered with an error: {error}", ()
            record.exc_info = record.exc_text = None
        return True


def run(tcp: str | None = None) -> None:
    # Indexing and ranking run in threads; with Python's default 5 ms switch interval the
    # request loop waits up to that long for the GIL at every await, which adds up to
    # hundreds of milliseconds per request while indexing. 1 ms keeps requests quick.
    sys.setswitchinterval(0.001)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_AnsweredErrors())
    server = create_server()
    # What is loaded by now lives as long as the process: keep it out of the collector's
    # full passes, which would otherwise walk it again every few hundred keystrokes.
    gc.freeze()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
