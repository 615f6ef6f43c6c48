"""Shared fixtures: a copy of the example workspace per test, a scripted Messages API on
127.0.0.1, and an agent on the copy that talks to it through the real SDK."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import settings

from scripted_api import ScriptedAPI
from treewright.agent.client import ClientPool, ModelClient
from treewright.agent.loop import Agent
from treewright.agent.permissions import Decision, Permissions
from treewright.agent.sessions import SessionStore
from treewright.index.repomap import RepoMapper
from treewright.index.workspace import WorkspaceIndex
from treewright.settings import Settings

# CI replays the same examples on every run, so a red run is reproducible; developers'
# runs explore new ones (a failure there is a real bug to fix, as the examples print).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of examples/demo, so tests may edit it and leave caches in it."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns(".treewright", "__pycache__"))
    return target


MODEL = "claude-test-model"


@pytest.fixture
def api(monkeypatch) -> Iterator[ScriptedAPI]:
    server = ScriptedAPI().start()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-0123456789")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    try:
        yield server
    finally:
        server.stop()


class Asker:
    """Answers permission questions from a script and records them."""

    def __init__(self, *answers: Decision):
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    async def __call__(self, command: str, prefix: str) -> Decision:
        self.asked.append((command, prefix))
        return self.answers.pop(0) if self.answers else Decision.DENY


class Harness:
    def __init__(self, root: Path, **settings):
        self.root = root
        self.index = WorkspaceIndex(root)
        self.index.build()
        self.store = SessionStore.for_workspace(root)
        self.settings = replace(Settings(model=MODEL), **settings)
        self.asker = Asker()
        self.events: list = []

    def agent(self, *, policy: str = "ask", allow: tuple[str, ...] = (), retries: int = 2,
              read_timeout: float = 10.0, **kwargs) -> Agent:
        permissions = Permissions.for_workspace(self.root, policy, allow, self.asker)
        return Agent(
            self.root, self.index, RepoMapper(self.index), self.settings, self.store, permissions,
            clients=kwargs.pop("clients", None) or ClientPool(lambda s: ModelClient(
                s.model, s.max_tokens, retries=retries, backoff=0.01, read_timeout=read_timeout
            )),
            **kwargs,
        )

    async def run(self, prompt: str, **kwargs):
        agent_kwargs = {k: kwargs.pop(k) for k in ("policy", "allow", "retries", "read_timeout",
                                                     "context_tokens") if k in kwargs}
        return await self.agent(**agent_kwargs).run(prompt, on_event=self.events.append, **kwargs)

    def close(self) -> None:
        self.store.close()
        self.index.close()


@pytest.fixture
def harness(demo, api) -> Iterator[Harness]:
    h = Harness(demo)
    yield h
    h.close()
