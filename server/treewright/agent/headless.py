"""`treewright ask` and `treewright sessions`: the agent on the command line, no editor.

The answer streams to stdout as it arrives, tool activity goes to stderr, and the
proposal is printed as a unified diff; only `--apply` writes it to disk.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from treewright.agent import events
from treewright.agent.client import NO_API_KEY, ClientPool, ModelError
from treewright.agent.loop import Agent, TurnResult
from treewright.agent.permissions import Decision, Permissions
from treewright.agent.sessions import SessionStore, UnknownSessionError
from treewright.edits.apply import Conflict, apply_hunks
from treewright.edits.proposal import Proposal
from treewright.index.repomap import RepoMapper
from treewright.index.workspace import WorkspaceIndex
from treewright.settings import Settings


def _terminal_asker(yes: bool):
    async def ask(command: str, prefix: str) -> Decision:
        if yes:
            return Decision.ALLOW_ONCE
        if not sys.stdin.isatty():
            print(f"[treewright] refused to run `{command}`: not interactive (use --yes)", file=sys.stderr)
            return Decision.DENY
        answer = await asyncio.to_thread(
            input, f"Run `{command}`? [y]es once / [a]lways allow {prefix!r} / [N]o: "
        )
        answer = answer.strip().lower()
        if answer in ("a", "always"):
            return Decision.ALLOW_ALWAYS
        return Decision.ALLOW_ONCE if answer in ("y", "yes") else Decision.DENY

    return ask


def ask(workspace: Path, prompt: str, session: str | None, apply: bool, as_json: bool, yes: bool) -> int:
    import os

    if not os.environ.get("ANTHROPIC_API_KEY"):
        print(f"treewright ask: {NO_API_KEY}", file=sys.stderr)
        return 2
    root = workspace.resolve()
    if not root.is_dir():
        print(f"treewright ask: not a directory: {root}", file=sys.stderr)
        return 2
    settings = Settings()
    index = WorkspaceIndex(root)
    store = SessionStore.for_workspace(root)
    try:
        index.build()
        permissions = Permissions.for_workspace(
            root, settings.run_commands, settings.allow, _terminal_asker(yes)
        )
        clients = ClientPool()
        agent = Agent(root, index, RepoMapper(index), settings, store, permissions, clients=clients)

        def show(event: events.Event) -> None:
            if as_json:
                return
            if event.type == events.TEXT:
                sys.stdout.write(event.data["delta"])
                sys.stdout.flush()
            elif event.type == events.TOOL and event.data["status"] != "start":
                print(f"[{event.data['status']}] {event.data['summary']}", file=sys.stderr)

        try:
            result = asyncio.run(_run_then_close(agent, clients, prompt, session, show))
        except UnknownSessionError as e:
            print(f"treewright ask: {e.message}", file=sys.stderr)
            return 2
        except ModelError as e:
            print(f"\ntreewright ask: {e.message}", file=sys.stderr)
            return 1
        applied = _apply(root, result.proposal) if apply and result.proposal else None
        if as_json:
            print(json.dumps(_as_json(result, applied)))
        else:
            _print_summary(result, applied)
        return 1 if applied and applied["conflicts"] else 0
    finally:
        store.close()
        index.close()


async def _run_then_close(agent: Agent, clients: ClientPool, prompt: str, session: str | None,
                          show) -> TurnResult:
    try:
        return await agent.run(prompt, session_id=session, on_event=show)
    finally:
        await clients.close()


def _apply(root: Path, proposal: Proposal) -> dict:
    """Write the proposal to disk, re-anchoring each hunk on the file as it is now."""
    written, conflicts = [], []
    for f in proposal.files:
        path = root / f.path
        if f.change == "delete":
            path.unlink(missing_ok=True)
            written.append(f.path)
            continue
        if f.change == "create":
            if path.exists():
                conflicts.append({"path": f.path, "reason": "the file exists now"})
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(f.proposed)
            written.append(f.path)
            continue
        with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
            current = handle.read()
        applied = apply_hunks(current, f.hunks)
        failed = [o for o in applied.outcomes.values() if isinstance(o, Conflict)]
        conflicts += [{"path": f.path, "hunk": c.id, "reason": c.reason} for c in failed]
        if not failed:  # a file is written whole or not at all
            with path.open("w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
                handle.write(applied.text)
            written.append(f.path)
    return {"written": written, "conflicts": conflicts}


def _usage(result: TurnResult) -> dict:
    u = result.usage
    return {
        "inputTokens": u.input_tokens, "outputTokens": u.output_tokens,
        "cacheReadTokens": u.cache_read_tokens, "cacheWriteTokens": u.cache_write_tokens,
        "costUsd": round(result.cost_usd, 6), "costIsEstimate": result.cost_is_estimate,
    }


def _as_json(result: TurnResult, applied: dict | None) -> dict:
    proposal = None
    if result.proposal is not None:
        proposal = {
            "id": result.proposal.id,
            "files": [
                {"path": f["path"], "change": f["change"], "diff": f["diff"], "hunks": f["hunks"]}
                for f in result.proposal.to_dict(texts=False)["files"]
            ],
        }
    return {
        "sessionId": result.session_id, "turnId": result.turn_id, "text": result.text,
        "stopReason": result.stop_reason, "proposal": proposal, "usage": _usage(result),
        "applied": applied,
    }


def _print_summary(result: TurnResult, applied: dict | None) -> None:
    print()
    if result.proposal is not None:
        print()
        for f in result.proposal.files:
            sys.stdout.write(f.diff)
        if applied is None:
            print(f"\n[proposal {result.proposal.id}: not applied; rerun with --apply to write it]")
        else:
            for path in applied["written"]:
                print(f"[wrote {path}]")
            for c in applied["conflicts"]:
                print(f"[conflict in {c['path']}: {c['reason']}]")
    u = result.usage
    mark = "~" if result.cost_is_estimate else ""
    print(
        f"[tokens in {u.input_tokens} / out {u.output_tokens}, cache read {u.cache_read_tokens} / "
        f"write {u.cache_write_tokens}, {mark}${result.cost_usd:.4f}; session {result.session_id}]",
        file=sys.stderr,
    )


def list_sessions(workspace: Path) -> int:
    store = SessionStore.for_workspace(workspace.resolve())
    try:
        for s in store.list():
            print(f"{s['sessionId']}  {s['turns']:>3} turns  ${s['costUsd']:.4f}  {s['title']}")
    finally:
        store.close()
    return 0
