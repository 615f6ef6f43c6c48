"""A real Treewright server over stdio, driven by pytest-lsp's client (the fixture `start_server`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Union

import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities


class Session:
    """A started client with what the server sent it."""

    def __init__(self, client: LanguageClient, root: Path):
        self.client = client
        self.root = root
        self.index_status: list[dict] = []
        self.killed = False
        self._ready = asyncio.Event()

    def uri(self, rel: str) -> str:
        return (self.root / rel).resolve().as_uri()

    async def wait_ready(self, timeout: float = 60) -> dict:
        await asyncio.wait_for(self._ready.wait(), timeout)
        return self.index_status[-1]

    def on_index_status(self, params) -> None:
        status = params if isinstance(params, dict) else params._asdict()
        self.index_status.append(status)
        if status.get("state") == "ready":
            self._ready.set()

    def kill(self) -> None:
        """End the server process at once, as a crash would."""
        self.killed = True
        self.client._server.kill()

    async def open(self, rel: str, text: str | None = None, language: str = "python") -> str:
        uri = self.uri(rel)
        if text is None:
            text = (self.root / rel).read_text("utf-8")
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )
        return uri


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol's converter reads every CodeAction as a Command (stringifying its nested
    command object); tell a CodeAction by its `command` not being a string."""
    converter = client.protocol._converter

    def structure(value, _type):
        if isinstance(value, dict) and isinstance(value.get("command"), str):
            return converter.structure(value, lsp.Command)
        return converter.structure(value, lsp.CodeAction)

    converter.register_structure_hook(Union[lsp.Command, lsp.CodeAction], structure)  # noqa: UP007 - the key is this exact typing.Union


def capabilities(encodings: list[str] | None = None) -> lsp.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    if encodings is not None:
        caps.general = lsp.GeneralClientCapabilities(position_encodings=encodings)
    return caps


StartServer = Callable[..., "asyncio.Future[Session]"]


@pytest.fixture
async def start_server() -> AsyncIterator[StartServer]:
    """start_server(root, encodings=None, options=None) → an initialised Session."""
    started: list[Session] = []

    async def start(root: Path, encodings=None, options=None, env=None) -> Session:
        config = ClientServerConfig(
            server_command=[sys.executable, "-m", "treewright", "serve"], server_env=env
        )
        client = await config.start()
        _fix_code_action_union(client)
        session = Session(client, root)
        client.feature("treewright/indexStatus")(lambda ls, params: session.on_index_status(params))
        result = await client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities(encodings),
                root_uri=root.resolve().as_uri(),
                workspace_folders=[
                    lsp.WorkspaceFolder(uri=root.resolve().as_uri(), name=root.name)
                ],
                initialization_options=options,
            )
        )
        session.initialize_result = result
        started.append(session)
        return session

    yield start
    for session in started:
        if session.killed:
            continue
        try:
            await asyncio.wait_for(session.client.shutdown_session(), 10)
        except RuntimeError as e:  # a test that shut its server down already
            if "stopped" not in str(e):
                raise
        finally:
            await session.client.stop()
