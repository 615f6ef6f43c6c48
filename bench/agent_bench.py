"""Agent overhead (issue: the agent): what Treewright adds on top of the model's own time.

    python bench/agent_bench.py [--corpus DIR] [--runs N]

A scripted Messages API on 127.0.0.1 (tests/scripted_api) answers instantly, through
the real SDK over real HTTP. Two figures, each from N turns:
- first text: from the moment the server flushed the first text delta of a streamed
  reply to the moment the agent's listener receives that text event;
- tool round trip: from the moment the server flushed the last event of a reply that
  asks for `read_file` to the moment the next request (carrying the result) arrives.
The baseline for both is zero: the server's own time is excluded by construction.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from scripted_api import ScriptedAPI, text, tool_use  # noqa: E402
from treewright.agent.client import ClientPool  # noqa: E402
from treewright.agent.loop import Agent  # noqa: E402
from treewright.agent.permissions import Permissions  # noqa: E402
from treewright.agent.sessions import SessionStore  # noqa: E402
from treewright.index.repomap import RepoMapper  # noqa: E402
from treewright.index.workspace import WorkspaceIndex  # noqa: E402
from treewright.settings import Settings  # noqa: E402

# Events of a one-text-block reply: message_start, content_block_start, ping, then deltas.
FIRST_DELTA = 3


async def measure(root: Path, runs: int) -> dict:
    index = WorkspaceIndex(root)
    index.build()
    store = SessionStore(root / ".treewright" / "bench-sessions.sqlite")
    target = next(rel for rel, f in sorted(index.files.items()) if f.definitions)
    api = ScriptedAPI().start()
    os.environ["ANTHROPIC_API_KEY"] = "bench-key"
    os.environ["ANTHROPIC_BASE_URL"] = api.base_url
    settings = Settings(model="claude-bench-model")
    clients = ClientPool()
    agent = Agent(root, index, RepoMapper(index), settings, store,
                  Permissions("deny", (), None, None), clients=clients)
    first_text: list[float] = []
    round_trip: list[float] = []
    try:
        for _ in range(runs):
            arrivals: list[float] = []

            def listen(event, arrivals: list[float] = arrivals) -> None:
                if event.type == "text" and not arrivals:
                    arrivals.append(time.perf_counter())

            # 20 ms between events isolates the first delta from the events before it.
            api.add(text("The answer, streamed.", chunks=4, event_delay=0.02))
            await agent.run("Say something", on_event=listen)
            first_text.append(arrivals[0] - api.message_requests[-1].sent_at[FIRST_DELTA])

            api.add(tool_use("read_file", {"path": target}), text("Read it."))
            await agent.run(f"Read {target}")
            ask, answer = api.message_requests[-2:]
            round_trip.append(answer.received_at - ask.sent_at[-1])
    finally:
        await clients.close()
        api.stop()
        store.close()
        index.close()
    return {"first_text": first_text, "round_trip": round_trip, "target": target}


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "examples" / "demo")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    result = asyncio.run(measure(args.corpus.resolve(), args.runs))
    ft, rt = result["first_text"], result["round_trip"]
    print(f"Corpus `{args.corpus.name}`, {args.runs} turns each, {time.strftime('%Y-%m-%d')}; "
          f"tool call: read_file {result['target']}.\n")
    print("| measure | median | p99 | target |")
    print("| --- | --- | --- | --- |")
    print(f"| first text delta flushed → text event at the caller | {statistics.median(ft) * 1000:.2f} ms "
          f"| {_p(ft, 0.99):.2f} ms | median ≤ 5 ms |")
    print(f"| tool round trip: tool_use flushed → next request in | {statistics.median(rt) * 1000:.2f} ms "
          f"| {_p(rt, 0.99):.2f} ms | ≤ 20 ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
