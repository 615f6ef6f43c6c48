import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatEvent, Transcript, formatMeter } from "../src/chat/transcript";
import { sessionLabel } from "../src/chat/sessionLabels";
import { IndexStatusBook } from "../src/indexStatus";
import { RestartBudget } from "../src/restartBudget";
import { explicitSettings } from "../src/settings";
import { actionLabel } from "../src/chat/actionLabel";
import { SERVER_STOPPED, turnErrorText } from "../src/chat/turnError";

const ev = (seq: number, type: ChatEvent["type"], data: Partial<ChatEvent> = {}): ChatEvent => ({ sessionId: "s1", turnId: "t1", seq, type, ...data });

test("a turn adopts the first unknown turn id and streams text and tools in order", () => {
  const t = new Transcript();
  const turn = t.start("Why?");
  t.apply(ev(1, "text", { delta: "Because " }));
  t.apply(ev(2, "tool", { name: "read_file", summary: "Reading a.py", status: "start" }));
  t.apply(ev(3, "tool", { name: "read_file", summary: "Read a.py", status: "ok" }));
  t.apply(ev(4, "text", { delta: "it " }));
  t.apply(ev(5, "text", { delta: "is." }));
  t.apply(ev(6, "usage", { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0006 }));
  t.apply(ev(7, "done", { stopReason: "end_turn" }));
  assert.equal(turn.turnId, "t1");
  assert.equal(t.sessionId, "s1");
  assert.deepEqual(turn.items, [
    { kind: "text", text: "Because " },
    { kind: "tool", name: "read_file", summary: "Read a.py", status: "ok" },
    { kind: "text", text: "it is." },
  ]);
  assert.equal(turn.gap, false);
  assert.equal(t.running, turn); // until the request answers
  t.finish(turn, { text: "Because it is.", sessionId: "s1", turnId: "t1" });
  assert.equal(t.running, undefined);
  assert.equal(formatMeter(turn.usage, t.sessionCost()), "Turn: 120 tokens · $0.0006 · Session: $0.0006");
});

test("a gap in seq is noticed, and the final answer replaces the streamed text", () => {
  const t = new Transcript();
  const turn = t.start("q");
  t.apply(ev(1, "text", { delta: "Hel" }));
  t.apply(ev(3, "text", { delta: "world" }));
  t.apply(ev(3, "text", { delta: "world" })); // duplicate: ignored
  assert.equal(turn.gap, true);
  t.finish(turn, { text: "Hello world" });
  assert.deepEqual(turn.items, [{ kind: "text", text: "Hello world" }]);
});

test("events of turns the panel did not start are ignored", () => {
  const t = new Transcript();
  assert.equal(t.apply(ev(1, "text", { delta: "x" })), undefined);
});

test("cancelled and failed turns", () => {
  const t = new Transcript();
  const a = t.start("a");
  t.fail(a, "Turn t1 was cancelled", true);
  assert.equal(a.stopReason, "cancelled");
  assert.equal(a.error, undefined);
  const b = t.start("b");
  t.fail(b, "No API key");
  assert.equal(b.error, "No API key");
});

test("a stored session becomes turns with their costs", () => {
  const t = Transcript.fromSession({ sessionId: "s9", title: "Explain", messages: [
    { role: "user", text: "one", turnId: "a" },
    { role: "assistant", text: "first", turnId: "a", usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.25 } },
    { role: "user", text: "two", turnId: "b" },
    { role: "assistant", text: "second", turnId: "b", proposalId: "p1", usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.5 } },
  ] });
  assert.equal(t.sessionId, "s9");
  assert.deepEqual(t.turns.map((x) => [x.prompt, x.items, x.proposalId, x.done]), [
    ["one", [{ kind: "text", text: "first" }], undefined, true],
    ["two", [{ kind: "text", text: "second" }], "p1", true],
  ]);
  assert.equal(t.sessionCost(), 0.75);
});

test("session labels", () => {
  const now = Date.UTC(2025, 0, 2, 12, 0, 0);
  assert.equal(sessionLabel({ sessionId: "s", title: "Why does order_total round twice?", updatedAt: now / 1000 - 300, turns: 2, costUsd: 0.0123 }, now),
    "Why does order_total round twice? · 5 min ago · 2 turns · $0.01");
});

test("index status text", () => {
  const book = new IndexStatusBook();
  assert.equal(book.text(), undefined);
  book.update({ state: "indexing", folder: "a", files: 1234, total: 5000, symbols: 0, ms: 0 });
  assert.equal(book.text()!.text, "$(sync~spin) Indexing 1,234/5,000");
  book.update({ state: "ready", folder: "a", files: 5000, symbols: 43210, ms: 812.5 });
  assert.equal(book.text()!.text, "$(symbol-class) 43,210 symbols");
});

test("restarts are bounded within a window", () => {
  let now = 0;
  const budget = new RestartBudget(3, 1000, () => now);
  assert.deepEqual([budget.allowRestart(), budget.allowRestart(), budget.allowRestart(), budget.allowRestart()], [true, true, true, false]);
  now = 5000;
  assert.equal(budget.allowRestart(), true);
});

test("only explicitly set settings are sent, nested", () => {
  const set: Record<string, { globalValue?: unknown; workspaceValue?: unknown }> = {
    maxTokens: { globalValue: 1000, workspaceValue: 2000 },
    model: { globalValue: "" },
    "permissions.allow": { globalValue: ["pytest"] },
  };
  assert.deepEqual(explicitSettings((k) => set[k]), { maxTokens: 2000, permissions: { allow: ["pytest"] } });
});

test("action labels for intercepted code actions", () => {
  assert.equal(actionLabel({ action: "document", uri: "file:///w/inventory/pricing.py", range: { start: { line: 20, character: 0 } } }), "Document pricing.py:21");
  assert.equal(actionLabel({ action: "edit", uri: "file:///w/a%20b.py", range: { start: { line: 0 } }, instruction: "use a dataclass" }), "Edit a b.py:1: use a dataclass");
});

test("a turn cut off by the server dying says so; other errors keep their message", () => {
  const lost = Object.assign(new Error("Pending response rejected since connection got disposed"), { code: -32097 });
  assert.equal(turnErrorText(lost), SERVER_STOPPED);
  const noKey = Object.assign(new Error("No API key: set ANTHROPIC_API_KEY or run 'Treewright: Set API Key'"), { code: -32803 });
  assert.equal(turnErrorText(noKey), noKey.message);
  assert.equal(turnErrorText("plain"), "plain");
});
