import assert from "node:assert/strict";
import { test } from "node:test";
import { MentionSearch, Timers, insertMention, mentionItems, mentionQuery } from "../src/chat/mentionSearch";

/** Timers run by hand: `tick(ms)` fires whatever is due. */
function manualTimers() {
  let now = 0;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => { due.set(++id, { at: now + ms, fn }); return id; },
    clear: (h) => { due.delete(h as number); },
  };
  const tick = (ms: number) => {
    now += ms;
    for (const [k, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now) {
        due.delete(k);
        t.fn();
      }
    }
  };
  return { timers, tick };
}

/** A search with a 100 ms debounce on manual timers, and the searches it sent. */
function searching() {
  const { timers, tick } = manualTimers();
  const sent: [string, number][] = [];
  const search = new MentionSearch((q, seq) => sent.push([q, seq]), 100, timers);
  return { search, sent, tick };
}

test("the query is the word after an @ that ends at the cursor", () => {
  assert.equal(mentionQuery("look at @mod", 12), "mod");
  assert.equal(mentionQuery("@", 1), "");
  assert.equal(mentionQuery("@inventory/mo", 13), "inventory/mo");
  assert.equal(mentionQuery("mail me at a@b", 14), undefined, "an @ inside a word is not a mention");
  assert.equal(mentionQuery("@mod and more", 13), undefined, "the cursor is past the mention");
  assert.equal(mentionQuery("@mod and more", 4), "mod");
});

test("choosing a file replaces what was typed after the @", () => {
  assert.deepEqual(insertMention("see @mod please", 8, "inventory/models.py"), { text: "see @inventory/models.py  please", cursor: 25 });
  assert.deepEqual(insertMention("@", 1, "a.py"), { text: "@a.py ", cursor: 6 });
});

test("the server's files become items: the path shown, the uri sent", () => {
  const items = mentionItems({ files: [{ uri: "file:///w/inventory/models.py", path: "inventory/models.py" }], total: 3 });
  assert.deepEqual(items, [{ label: "inventory/models.py", detail: "file:///w/inventory/models.py" }]);
  assert.deepEqual(mentionItems(undefined), []);
});

test("typing fast sends one search, for the last query", () => {
  const { search, sent, tick } = searching();
  search.typed("m");
  tick(50);
  search.typed("mo");
  tick(50);
  search.typed("mod");
  assert.deepEqual(sent, [], "nothing is sent while the user types");
  tick(100);
  assert.equal(sent.length, 1);
  assert.equal(sent[0][0], "mod");
  assert.ok(search.accepts(sent[0][1], "mod"));
});

test("a stale answer is dropped; the newest one is shown", () => {
  const { search, sent, tick } = searching();
  search.typed("mo");
  tick(100);
  search.typed("mod");
  tick(100);
  const [[, first], [, second]] = sent;
  assert.equal(search.accepts(first, "mo"), false, "the answer to an older query arrived late");
  assert.equal(search.accepts(second, "mod"), true);
  search.typed("mode");
  assert.equal(search.accepts(second, "mod"), false, "the user typed on: wait for the next answer");
});

test("leaving the mention drops the answer that is on its way", () => {
  const { search, sent, tick } = searching();
  search.typed("mod");
  tick(100);
  search.typed(undefined);
  tick(1000);
  assert.equal(sent.length, 1);
  assert.equal(search.accepts(sent[0][1], "mod"), false);
});
