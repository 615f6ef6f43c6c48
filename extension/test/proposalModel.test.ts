import assert from "node:assert/strict";
import { test } from "node:test";
import { FileProposal, Hunk, ProposalBook, diffCounts, hunkLenses, proposedText, splitLines } from "../src/review/proposalModel";

const CURRENT = "a\nb\nc\nd\ne\n";

function hunk(id: string, start: number, end: number, newText: string, extra: Partial<Hunk> = {}): Hunk {
  const oldText = splitLines(CURRENT).slice(start, end).join("");
  return { id, range: { start: { line: start, character: 0 }, end: { line: end, character: 0 } }, oldText, newText, summary: `change ${id}`, state: "pending", ...extra };
}

function file(hunks: Hunk[]): FileProposal {
  return { uri: "file:///w/x.py", path: "x.py", change: "modify", hunks, diff: "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,3 @@\n-a\n+A\n+A2\n b\n" };
}

test("splitLines keeps endings and a last line without one", () => {
  assert.deepEqual(splitLines("a\r\nb\nc"), ["a\r\n", "b\n", "c"]);
  assert.deepEqual(splitLines(""), []);
});

test("proposed text applies open hunks and tells where each lands", () => {
  const h1 = hunk("h1", 1, 2, "B1\nB2\n"); // b → two lines
  const h2 = hunk("h2", 3, 4, ""); // delete d
  const { text, spans } = proposedText(CURRENT, [h2, h1]);
  assert.equal(text, "a\nB1\nB2\nc\ne\n");
  assert.deepEqual(spans, [{ id: "h1", startLine: 1, endLine: 3 }, { id: "h2", startLine: 4, endLine: 4 }]);
});

test("decided and conflicting hunks are not shown", () => {
  const hunks = [hunk("h1", 0, 1, "A\n", { state: "applied" }), hunk("h2", 1, 2, "B\n", { state: "rejected" }), hunk("h3", 2, 3, "C\n", { conflict: "text changed" })];
  assert.deepEqual(proposedText(CURRENT, hunks), { text: CURRENT, spans: [] });
});

test("a hunk at the end of a file without a final newline", () => {
  const current = "x\ny";
  const h: Hunk = { id: "h", range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, oldText: "y", newText: "y\nz", summary: "", state: "pending" };
  assert.equal(proposedText(current, [h]).text, "x\ny\nz");
  const append: Hunk = { ...h, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: "z\n" };
  assert.equal(proposedText("x\ny", [append]).text, "x\ny\nz\n");
});

test("CodeLenses: Accept and Reject on the first line of each hunk in the proposed text", () => {
  const f = file([hunk("h1", 1, 2, "B1\nB2\n"), hunk("h2", 3, 4, "D\n")]);
  const { spans } = proposedText(CURRENT, f.hunks);
  const lenses = hunkLenses(f, spans);
  assert.deepEqual(lenses.map((l) => [l.line, l.command, l.hunkId]), [
    [1, "accept", "h1"], [1, "reject", "h1"], [4, "accept", "h2"], [4, "reject", "h2"],
  ]);
  assert.match(lenses[0].title, /Accept — change h1/);
});

test("CodeLenses: a conflict shows as a warning lens, without Accept", () => {
  const f = file([hunk("h1", 1, 2, "B\n"), hunk("h2", 3, 4, "D\n", { conflict: "the text was edited" })]);
  const lenses = hunkLenses(f, proposedText(CURRENT, f.hunks).spans);
  assert.deepEqual(lenses.map((l) => l.command), ["accept", "reject", "none"]);
  assert.match(lenses[2].title, /Conflict in change h2: the text was edited/);
});

test("diff counts ignore the file headers", () => {
  assert.deepEqual(diffCounts(file([]).diff), { added: 2, removed: 1 });
});

test("the book tracks accepted, rejected and conflicting hunks for the card", () => {
  const book = new ProposalBook();
  book.set({ proposalId: "p1", title: "Document add_tax", files: [file([hunk("h1", 0, 1, "A\n"), hunk("h2", 1, 2, "B\n"), hunk("h3", 2, 3, "C\n")])] });
  assert.deepEqual(book.pendingIds("p1"), ["h1", "h2", "h3"]);
  book.applied("p1", { applied: true, hunkIds: ["h1"], conflicts: [{ hunkId: "h3", reason: "edited meanwhile" }] });
  book.rejected("p1", ["h2"]);
  const card = book.card("p1")!;
  assert.equal(card.title, "Document add_tax");
  assert.deepEqual([card.pending, card.applied, card.rejected], [1, 1, 1]);
  assert.deepEqual(card.conflicts, ["change h3: edited meanwhile"]);
  assert.deepEqual(card.files, [{ path: "x.py", uri: "file:///w/x.py", change: "modify", added: 2, removed: 1 }]);
  assert.deepEqual(book.pendingIds("p1", "file:///w/x.py"), ["h3"]);
  assert.deepEqual(book.pendingIds("p1", "file:///w/other.py"), []);
  assert.equal(book.card("nope"), undefined);
});

test("file lookup matches differently escaped URIs", () => {
  const book = new ProposalBook();
  book.set({ proposalId: "p", title: "t", files: [{ ...file([]), uri: "file:///c%3A/w/x.py" }] });
  assert.ok(book.file("p", "file:///c:/w/x.py"));
});
