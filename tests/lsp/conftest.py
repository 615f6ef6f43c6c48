"""A real Treewright server over stdio, driven by pytest-lsp's client."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities


class Session:
    """A started client with what the server sent it."""

    def __init__(self, client: LanguageClient, root: Path):
        self.client = client
        self.root = root
        self.index_status: list[dict] = []
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
        try:
            await asyncio.wait_for(session.client.shutdown_session(), 10)
        finally:
            await session.client.stop()
