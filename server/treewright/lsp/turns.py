"""Agent turns inside the server: one at a time per session, cancellable, with progress.

Each turn streams `treewright/chatEvent` notifications, runs under a cancellable
work-done progress that names what the agent is doing, and ends with its proposal in the
proposal book. Clients without the Treewright UI get the editor-native flow: the server
sends the proposal as a previewed `workspace/applyEdit` and shows the answer.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from treewright.agent import events
from treewright.agent.client import ClientPool, ModelError
from treewright.agent.loop import Agent, TurnResult, new_turn_id
from treewright.agent.permissions import Permissions
from treewright.agent.sessions import SessionStore, UnknownSessionError
from treewright.lsp.approvals import editor_asker
from treewright.lsp.chat_stream import ChatEventStream
from treewright.lsp.errors import BadParams, Cancelled, RequestFailed, UnknownItem

log = logging.getLogger(__name__)

EXTENSION_UI = "treewright-vscode"
# Answers longer than this open as a Markdown document instead of a message.
SHORT_ANSWER = 400


class TurnRunner:
    def __init__(self, ls):
        self.ls = ls
        self._stores: dict[Path, SessionStore] = {}
        self.running: dict[str, asyncio.Task] = {}  # turn id → task
        self.busy: dict[str, str] = {}  # session id → turn id
        self.progress_turns: dict[str, str] = {}  # progress token → turn id
        self.clients = ClientPool()

    def store(self, folder) -> SessionStore:
        store = self._stores.get(folder.root)
        if store is None:
            store = self._stores[folder.root] = SessionStore.for_workspace(folder.root)
            if store.problem:
                self.ls.warn_once(f"Treewright: {store.problem}")
        return store

    async def close(self) -> None:
        for task in self.running.values():
            task.cancel()
        for store in self._stores.values():
            store.close()
        await self.clients.close()

    def agent(self, folder, model: str | None = None) -> Agent:
        settings = replace(self.ls.settings, model=model) if model else self.ls.settings
        permissions = Permissions.for_workspace(
            folder.root, settings.run_commands, settings.allow, editor_asker(self.ls)
        )

        def read_text(rel: str) -> str | None:
            """What the user sees: the unsaved buffer when the file is open."""
            opened = self.ls.documents.get(from_fs_path(str(folder.root / rel)) or "")
            if opened is not None:
                return opened.document.source.decode("utf-8", "surrogatepass")
            try:
                return (folder.root / rel).read_text("utf-8", errors="surrogateescape")
            except (OSError, ValueError):
                return None

        return Agent(folder.root, folder.index, folder.mapper, settings, self.store(folder),
                     permissions, read_text=read_text, clients=self.clients)

    def session_folder(self, session_id: str | None):
        """The folder whose store holds `session_id` (the first folder for a new session)."""
        if not self.ls.folders:
            raise BadParams("Open a folder first: Treewright works on workspace folders.")
        if session_id is None:
            return self.ls.folders[0]
        if not isinstance(session_id, str):
            raise BadParams("sessionId must be a string")
        for folder in self.ls.folders:
            if self.store(folder).exists(session_id):
                return folder
        raise UnknownItem(f"Session {session_id} does not exist")

    async def run(self, folder, prompt: str, *, title: str, session_id: str | None = None,
                  context: str | None = None, focus: tuple[str, ...] = (),
                  model: str | None = None) -> TurnResult:
        if session_id in self.busy:
            raise BadParams(
                f"Session {session_id} is busy with turn {self.busy[session_id]}: wait for it to "
                "finish or cancel it (treewright.cancel) before sending another message."
            )
        turn_id = new_turn_id()
        token = str(uuid.uuid4())
        progress = await self._begin(token, f"Treewright: {title}")
        if progress:
            self.progress_turns[token] = turn_id

        stream = ChatEventStream(
            lambda params: self.ls.protocol.notify("treewright/chatEvent", params),
            asyncio.get_running_loop(),
        )

        def listen(event: events.Event) -> None:
            if event.seq == 1 and event.session_id not in self.busy:
                self.busy[event.session_id] = turn_id
            stream(event)
            if progress and event.type == events.TOOL and event.data["status"] == "start":
                self.ls.work_done_progress.report(
                    token, lsp.WorkDoneProgressReport(message=event.data["summary"])
                )

        if session_id is not None:
            self.busy[session_id] = turn_id
        task = asyncio.ensure_future(
            self.agent(folder, model).run(prompt, session_id=session_id, focus=focus, on_event=listen,
                                   title=title, context=context, turn_id=turn_id)
        )
        self.running[turn_id] = task
        try:
            result = await task
        except asyncio.CancelledError:
            if task.cancelled() and not _current_task_cancelling():
                raise Cancelled(f"Turn {turn_id} was cancelled") from None
            raise
        except ModelError as e:
            raise RequestFailed(e.message) from None
        except UnknownSessionError as e:
            raise UnknownItem(e.message) from None
        except ValueError as e:
            raise BadParams(str(e)) from None
        finally:
            stream.flush()
            self.running.pop(turn_id, None)
            for sid, tid in list(self.busy.items()):
                if tid == turn_id:
                    del self.busy[sid]
            self.progress_turns.pop(token, None)
            if progress:
                self.ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd())
        if result.proposal is not None:
            self.ls.proposals.add(result.proposal, folder, result.session_id)
        if self.ls.ui != EXTENSION_UI:
            await self._editor_native(folder, result)
        return result

    def cancel(self, turn_id: str) -> bool:
        task = self.running.get(turn_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def cancel_progress(self, token: str) -> None:
        turn_id = self.progress_turns.get(str(token))
        if turn_id is not None:
            self.cancel(turn_id)

    async def _begin(self, token: str, title: str) -> bool:
        window = self.ls.client_capabilities.window
        if window is None or not window.work_done_progress:
            return False
        try:
            await self.ls.work_done_progress.create_async(token)
        except Exception as e:  # the client refused the token: run without progress
            log.info("no progress for %s: %s", title, e)
            return False
        self.ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title=title, cancellable=True))
        return True

    async def _editor_native(self, folder, result: TurnResult) -> None:
        """For editors without the Treewright UI: preview-apply the proposal, show the answer."""
        if result.proposal is not None:
            outcome = await self.ls.proposals.apply(result.proposal.id)
            if outcome["conflicts"]:
                reasons = "; ".join(f"{c['hunkId']}: {c['reason']}" for c in outcome["conflicts"])
                self.ls.window_show_message(lsp.ShowMessageParams(
                    type=lsp.MessageType.Warning, message=f"Treewright could not apply: {reasons}"))
        text = result.text.strip()
        if not text:
            return
        if len(text) <= SHORT_ANSWER and "\n\n" not in text:
            self.ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=text))
            return
        path = folder.root / ".treewright" / "answers" / f"{result.turn_id}.md"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", "utf-8")
        except OSError:  # nowhere to put it: the whole answer goes in the message
            self.ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=text))
            return
        window = self.ls.client_capabilities.window
        if window is not None and window.show_document is not None and window.show_document.support:
            await self.ls.window_show_document_async(
                lsp.ShowDocumentParams(uri=from_fs_path(str(path)) or "", take_focus=True)
            )
        else:
            self.ls.window_show_message(lsp.ShowMessageParams(
                type=lsp.MessageType.Info, message=f"Treewright's answer is in {path}"))


def _current_task_cancelling() -> bool:
    task = asyncio.current_task()
    return bool(task is not None and task.cancelling())
