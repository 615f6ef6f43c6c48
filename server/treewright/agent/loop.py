"""One agent turn: the tool-use loop over the Messages API.

The turn builds the system prompt (role, rules, repo map, memory files), sends the
session's history and the new prompt, runs the tools the model asks for, and repeats
until the model stops, `maxTurns` round trips have passed, or the next call could pass
the request's budget. Edits are staged in memory and become one proposal at the end.
Cancelling the task stops the loop at once: the in-flight stream is closed, the session
keeps every completed step, and no proposal is made unless the caller asks for one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from treewright.agent import events, sessions
from treewright.agent.client import ClientPool, ModelClient, ModelError
from treewright.agent.events import Emitter, Listener
from treewright.agent.permissions import Permissions
from treewright.agent.pricing import Usage, cost_usd, price_for
from treewright.agent.prompts import memory_files, system_blocks
from treewright.agent.sessions import SessionStore
from treewright.agent.tools import Toolbox
from treewright.edits.proposal import Proposal
from treewright.index.repomap import RepoMapper
from treewright.index.tokens import count_tokens
from treewright.index.workspace import WorkspaceIndex
from treewright.settings import Settings

log = logging.getLogger(__name__)

REPO_MAP_TOKENS = 2048
# The smallest output worth asking for; below it the budget is spent.
_MIN_OUTPUT_TOKENS = 256
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_PATHISH = re.compile(r"[\w./-]+\.[A-Za-z0-9]+")

COMPACT_PROMPT = (
    "Summarise the conversation so far for your own later use: the user's goals, the "
    "decisions made, the files and symbols involved, what was changed and what is still "
    "open. Be specific and brief; this summary replaces the older messages."
)


@dataclass
class TurnResult:
    session_id: str
    turn_id: str
    text: str
    proposal: Proposal | None
    usage: Usage
    cost_usd: float
    cost_is_estimate: bool
    stop_reason: str
    tool_calls: int = 0
    notes: list[str] = field(default_factory=list)


class Agent:
    def __init__(
        self,
        root: Path,
        index: WorkspaceIndex,
        mapper: RepoMapper,
        settings: Settings,
        sessions_store: SessionStore,
        permissions: Permissions,
        *,
        read_text: Callable[[str], str | None] | None = None,
        clients: ClientPool,
        context_tokens: int = 150_000,
        keep_recent_turns: int = 2,
    ):
        self.root = root.resolve()
        self.index = index
        self.mapper = mapper
        self.settings = settings
        self.sessions = sessions_store
        self.permissions = permissions
        self.read_text = read_text or self._read_disk
        self.clients = clients  # shared by the caller's turns, and closed by it
        self.context_tokens = context_tokens
        self.keep_recent_turns = keep_recent_turns

    def _read_disk(self, rel: str) -> str | None:
        try:
            return (self.root / rel).read_text("utf-8", errors="surrogateescape")
        except (OSError, ValueError):
            return None

    async def run(
        self,
        prompt: str,
        *,
        session_id: str | None = None,
        focus: tuple[str, ...] = (),
        on_event: Listener = lambda e: None,
        keep_partial: bool = False,
        title: str | None = None,
        context: str | None = None,
        turn_id: str | None = None,
    ) -> TurnResult:
        """Run one turn. `context` (the editor's selection, say) is sent after the prompt;
        `turn_id` lets a caller know the id before the turn starts, to cancel it."""
        if not prompt.strip():
            raise ValueError("The prompt is empty.")
        if session_id is None:
            session_id = self.sessions.create(title or prompt.strip().splitlines()[0])
        elif not self.sessions.exists(session_id):
            raise sessions.UnknownSessionError(session_id)
        turn_id = turn_id or new_turn_id()
        emit = Emitter(session_id, turn_id, on_event)
        client = await self.clients.get(self.settings)
        toolbox = Toolbox(self.root, self.index, self.read_text, self.permissions)
        state = _Turn(session_id, turn_id, emit, toolbox, title or prompt.strip().splitlines()[0][:80])
        try:
            await self._run(client, prompt, context, focus, state)
        except asyncio.CancelledError:
            self._end(state, "cancelled", proposal_wanted=keep_partial)
            raise
        except ModelError as error:
            emit(events.ERROR, message=error.message, retryable=error.retryable)
            self._end(state, "error", proposal_wanted=False)  # never a partial proposal
            raise
        return self._end(state, state.stop_reason)

    async def _run(
        self, client: ModelClient, prompt: str, context: str | None, focus: tuple[str, ...], state: _Turn
    ) -> None:
        focus = tuple(dict.fromkeys(focus + self._paths_in(prompt)))
        mentions = self._names_in(prompt)
        # Ranking is CPU work: off the event loop, so an editor's requests keep flowing.
        repo_map = (
            await asyncio.to_thread(self.mapper.build, REPO_MAP_TOKENS, focus, mentions)
        ).text
        system = system_blocks(repo_map, memory_files(self.root, list(focus)))
        tools = state.toolbox.definitions()
        history = await self._compacted_history(client, state.session_id, system)
        user = [{"type": "text", "text": prompt}]
        if context:
            user.append({"type": "text", "text": context})
        feedback = self._outcomes_since_last_turn(state.session_id)
        if feedback:
            user.insert(0, {"type": "text", "text": feedback})
        self.sessions.append(
            state.session_id, state.turn_id, (sessions.PROMPT, {"content": user, "prompt": prompt})
        )
        # A turn that failed after a tool step leaves the history ending on tool results:
        # the new prompt joins that user message rather than following it.
        messages = sessions.merge_roles(history + [{"role": "user", "content": user}])

        for _ in range(self.settings.max_turns):
            max_tokens = self._affordable_output(state, system, tools, messages)
            if max_tokens is None:
                state.note(
                    f"Stopped: the next model call could pass this request's budget of "
                    f"${self.settings.budget_usd:.2f} (spent ${state.cost:.4f})."
                )
                state.stop_reason = "budget"
                return
            reply = await client.call(
                system, tools, messages, lambda d: state.emit(events.TEXT, delta=d), max_tokens
            )
            self._count(state, reply.usage)
            state.texts.append(reply.text)
            messages.append({"role": "assistant", "content": reply.content})
            if not reply.tool_uses:
                self.sessions.append(
                    state.session_id, state.turn_id, (sessions.ASSISTANT, {"content": reply.content})
                )
                state.stop_reason = reply.stop_reason or "end_turn"
                return
            results = []
            for use in reply.tool_uses:
                state.tool_calls += 1
                outcome = await state.toolbox.run(use["name"], use["input"], state.emit)
                results.append(
                    {"type": "tool_result", "tool_use_id": use["id"], "content": outcome.content,
                     "is_error": outcome.is_error}
                )
            messages.append({"role": "user", "content": results})
            self.sessions.append(
                state.session_id, state.turn_id,
                (sessions.ASSISTANT, {"content": reply.content}),
                (sessions.TOOL_RESULTS, {"content": results}),
            )
        state.note(f"Stopped after {self.settings.max_turns} tool round trips (maxTurns).")
        state.stop_reason = "max_turns"

    def _affordable_output(self, state: _Turn, system, tools, messages) -> int | None:
        """The output cap for the next call so that it cannot pass the budget, or None."""
        price, _ = price_for(self.settings.model)
        # Three characters a token over-counts JSON and code a little: safe for a cap, and
        # cheap enough to run before every call.
        prompt_tokens = len(json.dumps([system, tools, messages])) // 3
        remaining = self.settings.budget_usd - state.cost - prompt_tokens * price.input / 1e6
        affordable = int(remaining / (price.output / 1e6)) if remaining > 0 else 0
        if affordable < _MIN_OUTPUT_TOKENS:
            return None
        return min(self.settings.max_tokens, affordable)

    def _count(self, state: _Turn, usage: Usage) -> None:
        state.usage = state.usage + usage
        cost, estimate = cost_usd(self.settings.model, usage)
        state.cost += cost
        state.estimate = state.estimate or estimate
        data = {
            "inputTokens": state.usage.input_tokens,
            "outputTokens": state.usage.output_tokens,
            "cacheReadTokens": state.usage.cache_read_tokens,
            "cacheWriteTokens": state.usage.cache_write_tokens,
            "costUsd": round(state.cost, 6),
            "estimate": state.estimate,
        }
        state.emit(events.USAGE, **data)
        call = dict(data, costUsd=round(cost, 6), inputTokens=usage.input_tokens,
                    outputTokens=usage.output_tokens, cacheReadTokens=usage.cache_read_tokens,
                    cacheWriteTokens=usage.cache_write_tokens)
        self.sessions.append(state.session_id, state.turn_id, (sessions.USAGE, call))

    async def _compacted_history(self, client: ModelClient, session_id: str, system) -> list[dict]:
        """The session's history, first compacted if it is near the context window."""
        history = self.sessions.history(session_id)
        if count_tokens(json.dumps([system, history])) <= self.context_tokens:
            return history
        entries = self.sessions.entries(session_id)
        prompts = [e.seq for e in entries if e.kind == sessions.PROMPT]
        if len(prompts) <= self.keep_recent_turns:
            return history
        upto = prompts[-self.keep_recent_turns] - 1  # keep the last turns verbatim
        older = self.sessions.history(session_id, upto)
        request = older + [{"role": "user", "content": [{"type": "text", "text": COMPACT_PROMPT}]}]
        reply = await client.call(system, [], sessions.merge_roles(request), lambda d: None)
        self.sessions.append(
            session_id, None, (sessions.COMPACTION, {"summary": reply.text, "upto": upto})
        )
        log.info("compacted session %s up to entry %d", session_id, upto)
        return self.sessions.history(session_id)

    def _end(self, state: _Turn, stop_reason: str, proposal_wanted: bool = True) -> TurnResult:
        proposal = None
        if proposal_wanted and state.toolbox.staged.changed_paths():
            proposal = state.toolbox.staged.to_proposal("p" + uuid.uuid4().hex[:10], state.title)
            self.sessions.append(state.session_id, state.turn_id, (sessions.PROPOSAL, proposal.to_dict()))
            hunks = sum(len(f.hunks) for f in proposal.files)
            state.emit(events.PROPOSAL, proposalId=proposal.id, files=len(proposal.files), hunks=hunks)
        text = "\n\n".join(t for t in state.texts if t.strip())
        if state.notes:
            text = (text + "\n\n" if text else "") + "\n".join(state.notes)
        self.sessions.append(
            state.session_id, state.turn_id,
            (sessions.TURN_END, {"stopReason": stop_reason, "text": text,
                                 "proposalId": proposal.id if proposal else None}),
        )
        state.emit(events.DONE, stopReason=stop_reason)
        return TurnResult(
            state.session_id, state.turn_id, text, proposal, state.usage, state.cost, state.estimate,
            stop_reason, state.tool_calls, state.notes,
        )

    def _outcomes_since_last_turn(self, session_id: str) -> str | None:
        """What became of the last proposals (accepted, rejected, conflicts, new errors)."""
        entries = self.sessions.entries(session_id)
        last_prompt = max((e.seq for e in entries if e.kind == sessions.PROMPT), default=0)
        lines = []
        for e in entries:
            if e.kind != sessions.OUTCOME or e.seq < last_prompt:
                continue
            d = e.data
            parts = [f"proposal {d['proposalId']}:"]
            for key in ("accepted", "rejected"):
                if d.get(key):
                    parts.append(f"{key} hunks {', '.join(d[key])};")
            for c in d.get("conflicts", []):
                parts.append(f"hunk {c['hunkId']} could not be applied ({c['reason']});")
            lines.append(" ".join(parts))
            for path, problems in d.get("diagnostics", {}).items():
                for problem in problems[:10]:
                    lines.append(f"  new problem in {path}: {problem}")
        if not lines:
            return None
        return "What happened to your previous changes, for your information:\n" + "\n".join(lines)

    def _paths_in(self, prompt: str) -> tuple[str, ...]:
        return tuple(p for p in _PATHISH.findall(prompt) if p in self.index.files)

    def _names_in(self, prompt: str) -> tuple[str, ...]:
        return tuple(n for n in set(_IDENTIFIER.findall(prompt)) if self.index.definitions_named(n))


@dataclass
class _Turn:
    session_id: str
    turn_id: str
    emit: Emitter
    toolbox: Toolbox
    title: str
    texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    estimate: bool = False
    stop_reason: str = "end_turn"
    tool_calls: int = 0

    def note(self, message: str) -> None:
        self.notes.append(message)
        self.emit(events.TEXT, delta=("\n\n" if self.texts else "") + message)


def new_turn_id() -> str:
    return "t" + uuid.uuid4().hex[:10]
