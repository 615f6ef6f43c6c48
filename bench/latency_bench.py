"""Latency a user feels (issue 6, §3): a real LSP client over stdio against `treewright serve`.

    python bench/latency_bench.py                      # django, 3 server starts
    python bench/latency_bench.py --corpus DIR --starts 1 --turns 3   # make test: the demo

The client is pygls's `LanguageClient`; the model is the scripted Messages API of
tests/scripted_api on 127.0.0.1, answering at once, reached by the server through the real
SDK (ANTHROPIC_BASE_URL). Each start clears the index cache, so the background index runs
while the first requests are answered. Requests go one at a time, like a person's:

- first answer: process spawned → the first `textDocument/documentSymbol` answer for the
  largest file (initialize, initialized, didOpen, documentSymbol);
- code action: `textDocument/codeAction` at a random line of the largest file;
- workspace symbol: `workspace/symbol` with a prefix of a real name;
- keystroke: `didChange` (a letter typed into an identifier, or deleted again) → the
  `documentSymbol` answer that follows it.

Each is measured in three phases: while the background index runs, while an agent turn
streams (a `read_file` tool call, then a long answer in 300 deltas 10 ms apart), and idle
(the baseline for ratios). Agent overhead: from the scripted server flushing the first text
delta to the client receiving the `treewright/chatEvent` text notification, over N turns
on an idle server.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Union

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from lsprotocol import types as lsp  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.protocol import LanguageServerProtocol  # noqa: E402

from scripted_api import ScriptedAPI, text, tool_use  # noqa: E402

FIRST_DELTA = 3  # message_start, content_block_start, ping, then the first text delta
PHASES = ("indexing", "agent turn", "idle")
KINDS = ("code action", "workspace symbol", "keystroke → symbols")
TYPED = " (typed)"  # the same, until pygls has built lsprotocol objects from the answer


class StampingProtocol(LanguageServerProtocol):
    """Notes when each response has arrived and been JSON-parsed, before pygls turns it into
    lsprotocol objects (a cattrs pass that costs the Python client far more than an editor's
    native JSON.parse): per result type, the time of the last one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arrived: dict[type, float] = {}

    def structure_message(self, data):
        if isinstance(data, dict) and "jsonrpc" in data and "id" in data and "method" not in data:
            kind = self._result_types.get(data["id"])
            if kind is not None:
                self.arrived[kind] = time.perf_counter()
        return super().structure_message(data)


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol reads every CodeAction as a Command; tell them apart by `command`'s type."""
    converter = client.protocol._converter

    def structure(value, _type):
        if isinstance(value, dict) and isinstance(value.get("command"), str):
            return converter.structure(value, lsp.Command)
        return converter.structure(value, lsp.CodeAction)

    converter.register_structure_hook(Union[lsp.Command, lsp.CodeAction], structure)  # noqa: UP007


def largest_file(root: Path) -> str:
    from treewright.index.languages import language_for_path
    from treewright.index.walk import walk

    files = [f for f in walk(root) if language_for_path(f.rel) and f.size <= 1 << 20]
    return max(files, key=lambda f: f.size).rel


class Session:
    def __init__(self, root: Path, rel: str, api: ScriptedAPI, rng: random.Random):
        self.root, self.rel, self.api, self.rng = root, rel, api, rng
        self.source = (root / rel).read_text("utf-8")
        self.lines = self.source.split("\n")
        self.uri = (root / rel).resolve().as_uri()
        self.version = 1
        self.ready = asyncio.Event()
        self.text_arrivals: dict[str, float] = {}  # turn id → first text event's arrival
        self.samples: dict[tuple[str, str], list[float]] = {}
        words = [(row, m.start(), m.group()) for row, line in enumerate(self.lines) if line.isascii()
                 for m in re.finditer(r"\b[A-Za-z_][A-Za-z0-9_]{3,}\b", line)]
        self.spots = [(row, col + 1) for row, col, _ in words]
        self.queries = sorted({w[: self.rng.randint(3, 6)] for _, _, w in words})

    async def start(self) -> float:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(ANTHROPIC_BASE_URL=self.api.base_url, ANTHROPIC_API_KEY="sk-ant-bench-0123456789")
        client = self.client = LanguageClient("latency-bench", "1", protocol_cls=StampingProtocol)
        _fix_code_action_union(client)
        client.feature("treewright/indexStatus")(
            lambda ls, p: self.ready.set() if getattr(p, "state", None) == "ready" else None)
        client.feature("treewright/chatEvent")(lambda ls, p: self._chat_event(ls, p))
        client.feature(lsp.WINDOW_SHOW_MESSAGE)(lambda ls, p: None)
        client.feature(lsp.WINDOW_LOG_MESSAGE)(lambda ls, p: None)
        client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda ls, p: None)
        spawned = time.perf_counter()
        await client.start_io(sys.executable, "-m", "treewright", "serve", env=env)
        self.pid = client._server.pid
        self.steps = {"spawned": time.perf_counter() - spawned}
        await client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=self.root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)],
            initialization_options={"ui": "treewright-vscode", "model": "claude-bench-model"}))
        self.steps["initialized"] = time.perf_counter() - spawned
        client.initialized(lsp.InitializedParams())
        language = "python" if self.rel.endswith(".py") else "plaintext"
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=self.uri, language_id=language, version=1,
                                               text=self.source)))
        await self.document_symbols()
        return time.perf_counter() - spawned

    def _chat_event(self, ls, params) -> None:
        now = time.perf_counter()
        if getattr(params, "type", None) == "text":
            self.text_arrivals.setdefault(params.turnId, now)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    # -- requests ----------------------------------------------------------------------------

    async def document_symbols(self):
        return await self.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri)))

    async def code_action(self) -> None:
        row = self.rng.randrange(len(self.lines))
        position = lsp.Position(line=row, character=0)
        await self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=self.uri),
            range=lsp.Range(start=position, end=position),
            context=lsp.CodeActionContext(diagnostics=[])))

    async def workspace_symbol(self) -> None:
        query = self.rng.choice(self.queries)
        await self.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=query))

    async def keystroke(self) -> None:
        """Type a letter into an identifier, then delete it: two timed keystrokes."""
        row, col = self.rng.choice(self.spots)
        for start, end, new in (((row, col), (row, col), "q"), ((row, col), (row, col + 1), "")):
            self.version += 1
            began = time.perf_counter()
            self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(start=lsp.Position(*start), end=lsp.Position(*end)), text=new)]))
            await self.document_symbols()
            self._record(KINDS[2], lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, began)

    def _record(self, kind: str, method: str, began: float) -> None:
        done = time.perf_counter()
        arrived = self.client.protocol.arrived[self.client.protocol.get_result_type(method)]
        self.samples.setdefault((self.phase, kind), []).append(arrived - began)
        self.samples.setdefault((self.phase, kind + TYPED), []).append(done - began)

    async def one_round(self) -> None:
        for kind, method, call in ((KINDS[0], lsp.TEXT_DOCUMENT_CODE_ACTION, self.code_action),
                                   (KINDS[1], lsp.WORKSPACE_SYMBOL, self.workspace_symbol)):
            began = time.perf_counter()
            await call()
            self._record(kind, method, began)
        await self.keystroke()

    async def rounds_while(self, phase: str, busy, minimum: int = 0) -> int:
        self.phase = phase
        n = 0
        while busy() or n < minimum:
            await self.one_round()
            n += 1
        return n

    # -- agent --------------------------------------------------------------------------------

    async def chat(self, prompt: str) -> dict:
        return await self.client.protocol.send_request_async("treewright/chat", {"prompt": prompt})


async def run(root: Path, starts: int, turns: int, idle_rounds: int, seed: int, log) -> dict:
    rel = largest_file(root)
    api = ScriptedAPI().start()
    rng = random.Random(seed)
    first: list[float] = []
    samples: dict[tuple[str, str], list[float]] = {}
    overhead: list[float] = []
    counts: dict[str, int] = {}
    long_answer = " ".join(f"word{i}" for i in range(1500))
    # This client is Python too: its collector's full passes over the modules it loaded
    # (pygls, lsprotocol, the scripted API) would land inside the timings of the server.
    gc.freeze()
    try:
        for s in range(starts):
            shutil.rmtree(root / ".treewright", ignore_errors=True)
            session = Session(root, rel, api, rng)
            first.append(await session.start())
            log(f" start {s + 1}/{starts}: first documentSymbol after {first[-1] * 1000:.0f} ms "
                f"({', '.join(f'{k} {v * 1000:.0f} ms' for k, v in session.steps.items())})")
            ready = session.ready
            counts["indexing"] = counts.get("indexing", 0) + await session.rounds_while(
                "indexing", lambda ready=ready: not ready.is_set())
            await session.ready.wait()
            api.add(tool_use("read_file", {"path": rel}),
                    text(long_answer, chunks=300, event_delay=0.01))
            turn = asyncio.ensure_future(session.chat(f"Read {rel} and summarise it."))
            counts["agent turn"] = counts.get("agent turn", 0) + await session.rounds_while(
                "agent turn", lambda turn=turn: not turn.done())
            await turn
            counts["idle"] = counts.get("idle", 0) + await session.rounds_while(
                "idle", lambda: False, idle_rounds)
            if s == starts - 1:
                for _ in range(turns):
                    api.add(text("The answer, streamed.", chunks=4, event_delay=0.02))
                    answer = await session.chat("Say something")
                    sent = api.message_requests[-1].sent_at[FIRST_DELTA]
                    overhead.append(session.text_arrivals[answer.turnId] - sent)
            for key, values in session.samples.items():
                samples.setdefault(key, []).extend(values)
            await session.stop()
    finally:
        api.stop()
    return {"file": rel, "bytes": (root / rel).stat().st_size, "first": first, "overhead": overhead,
            "samples": {f"{p}|{k}": v for (p, k), v in samples.items()}, "rounds": counts}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, int(q * len(values) + 0.5) - 1))] * 1000


def table(result: dict, command: str, starts: int) -> str:
    import importlib.metadata as md

    import results_md

    samples = {tuple(k.split("|")): v for k, v in result["samples"].items()}
    lines = [
        f"Command: `{command}`, {time.strftime('%Y-%m-%d %H:%M')}; {results_md.machine()}, pygls "
        f"{md.version('pygls')}, anthropic {md.version('anthropic')}. Largest file: `{result['file']}` "
        f"({result['bytes'] // 1024} KB); {starts} server start(s), each with the index cache cleared; "
        f"rounds per phase: " + ", ".join(f"{k} {v}" for k, v in result["rounds"].items()) + ".",
        "",
        "| measure | phase | n | p50 | p99 | p99 ÷ idle p99 | target | p50 / p99 incl. pygls typing |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    first = result["first"]
    lines.append(f"| first documentSymbol answer after start (spawn → answer) | start | {len(first)} | "
                 f"{statistics.median(first) * 1000:.0f} ms (median) | {max(first) * 1000:.0f} ms (max) | | "
                 f"≤ 1 s {'✓' if max(first) <= 1 else '✗'} | |")
    for kind in KINDS:
        idle = pct(samples.get(("idle", kind), []), 0.99)
        for phase in PHASES:
            values = samples.get((phase, kind), [])
            if not values:
                continue
            p99 = pct(values, 0.99)
            target = "" if phase == "idle" else f"p99 ≤ 50 ms {'✓' if p99 <= 50 else '✗'}"
            typed = samples.get((phase, kind + TYPED), [])
            lines.append(f"| {kind} | {phase} | {len(values)} | {pct(values, 0.5):.2f} ms | {p99:.2f} ms | "
                         f"{p99 / idle:.1f}× | {target} | "
                         f"{pct(typed, 0.5):.1f} / {pct(typed, 0.99):.1f} ms |")
    o = result["overhead"]
    if o:
        p99 = pct(o, 0.99)
        lines.append(f"| agent overhead: first text delta flushed → chatEvent at the client | idle "
                     f"| {len(o)} | "
                     f"{pct(o, 0.5):.2f} ms | {p99:.2f} ms | | p99 ≤ 10 ms {'✓' if p99 <= 10 else '✗'} | |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="workspace folder (default: django)")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--turns", type=int, default=50, help="agent turns for the overhead figure")
    parser.add_argument("--idle-rounds", type=int, default=150)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--raw-dir", type=Path, default=HERE / ".results", help="where raw JSON goes")
    parser.add_argument("--results", type=Path, help="write the table into this Markdown file's section")
    args = parser.parse_args()
    if args.corpus is None:
        from corpus import fetch

        args.corpus = fetch("django")
    root = args.corpus.resolve()
    result = asyncio.run(run(root, args.starts, args.turns, args.idle_rounds, args.seed,
                             lambda m: print(m, file=sys.stderr, flush=True)))
    command = "python bench/latency_bench.py " + " ".join(sys.argv[1:])
    text_ = table(result, command.strip(), args.starts)
    print(text_)
    args.raw_dir.mkdir(parents=True, exist_ok=True)
    (args.raw_dir / f"latency-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result))
    if args.results:
        import results_md

        results_md.replace_section(args.results, "latency", text_)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
