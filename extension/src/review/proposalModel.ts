// Proposals as `treewright/proposal` describes them, and what the review shows of them:
// the proposed text of a file, where each hunk lands in it, its CodeLenses, and the card's
// counts. Pure: no vscode import, so all of it is unit-tested.

export type HunkState = "pending" | "applied" | "rejected";

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Hunk {
  id: string;
  /** Whole lines in the document as it is now: [start.line, end.line). */
  range: Range;
  oldText: string;
  newText: string;
  summary: string;
  state: HunkState;
  conflict?: string;
}

export interface FileProposal {
  uri: string;
  path: string;
  change: "modify" | "create" | "delete";
  hunks: Hunk[];
  diff: string;
}

export interface ProposalDescription {
  proposalId: string;
  title: string;
  files: FileProposal[];
}

export interface ApplyResult {
  applied: boolean;
  hunkIds: string[];
  conflicts: { hunkId: string; reason: string }[];
}

/** Lines with their endings kept, so joining them gives the text back. */
export function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

export interface HunkSpan {
  id: string;
  /** Lines [startLine, endLine) of the proposed text that the hunk's new text occupies. */
  startLine: number;
  endLine: number;
}

export interface ProposedText {
  text: string;
  spans: HunkSpan[];
}

/** Whether a hunk still shows in the review (pending, and placeable on the current text). */
export const isOpen = (h: Hunk) => h.state === "pending" && !h.conflict;

/**
 * The current text with every open hunk applied, and where each hunk lands. Hunks in
 * conflict or already decided are left out: applied ones are in the current text already.
 */
export function proposedText(current: string, hunks: Hunk[]): ProposedText {
  const lines = splitLines(current);
  const open = hunks.filter(isOpen).sort((a, b) => a.range.start.line - b.range.start.line);
  const out: string[] = [];
  const spans: HunkSpan[] = [];
  let at = 0; // next line of `lines` to copy
  let outLines = 0;
  for (const h of open) {
    const start = h.range.start.line;
    const end = lineAfter(h.range, lines.length);
    if (start < at) {
      continue; // overlapping hunks: the server never sends them, but never double-apply
    }
    for (; at < start && at < lines.length; at++, outLines++) {
      out.push(lines[at]);
    }
    let newText = h.newText;
    // A hunk at the end of a file without a final newline must not glue lines together.
    if (out.length && !/[\r\n]$/.test(out[out.length - 1])) {
      out[out.length - 1] += "\n";
    }
    const added = splitLines(newText).length;
    if (end < lines.length && newText && !/[\r\n]$/.test(newText)) {
      newText += "\n";
    }
    out.push(newText);
    spans.push({ id: h.id, startLine: outLines, endLine: outLines + added });
    outLines += added;
    at = Math.max(at, end);
  }
  for (; at < lines.length; at++) {
    out.push(lines[at]);
  }
  return { text: out.join(""), spans };
}

/** The first line after a whole-line range; a range ending mid-line (end of text) ends after it. */
function lineAfter(range: Range, lineCount: number): number {
  const end = range.end.character > 0 ? range.end.line + 1 : range.end.line;
  return Math.min(Math.max(end, range.start.line), lineCount);
}

export interface LensSpec {
  line: number;
  title: string;
  command: "accept" | "reject" | "none";
  hunkId: string;
}

/** CodeLenses over the proposed text: Accept / Reject above every open hunk, a warning on conflicts. */
export function hunkLenses(file: FileProposal, spans: HunkSpan[]): LensSpec[] {
  const lenses: LensSpec[] = [];
  const where = new Map(spans.map((s) => [s.id, s.startLine]));
  let lastLine = 0;
  for (const h of [...file.hunks].sort((a, b) => a.range.start.line - b.range.start.line)) {
    const line = where.get(h.id);
    if (line !== undefined) {
      lastLine = line;
      const label = h.summary ? ` — ${h.summary}` : "";
      lenses.push({ line, title: `$(check) Accept${label}`, command: "accept", hunkId: h.id });
      lenses.push({ line, title: "$(close) Reject", command: "reject", hunkId: h.id });
    } else if (h.conflict && h.state === "pending") {
      lenses.push({ line: lastLine, title: `$(warning) Conflict in ${h.summary || h.id}: ${h.conflict}`, command: "none", hunkId: h.id });
    }
  }
  return lenses;
}

export interface LineCounts {
  added: number;
  removed: number;
}

/** +/− line counts of a unified diff. */
export function diffCounts(diff: string): LineCounts {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++") || line.startsWith("---")) {
      continue;
    }
    if (line.startsWith("+")) {
      added++;
    } else if (line.startsWith("-")) {
      removed++;
    }
  }
  return { added, removed };
}

export interface CardFile {
  path: string;
  uri: string;
  change: FileProposal["change"];
  added: number;
  removed: number;
}

export interface ProposalCard {
  proposalId: string;
  title: string;
  files: CardFile[];
  pending: number;
  applied: number;
  rejected: number;
  conflicts: string[];
}

/** Every proposal the extension has seen, by id, with the newest description from the server. */
export class ProposalBook {
  private items = new Map<string, ProposalDescription>();

  set(description: ProposalDescription): void {
    this.items.set(description.proposalId, description);
  }

  get(proposalId: string): ProposalDescription | undefined {
    return this.items.get(proposalId);
  }

  file(proposalId: string, uri: string): FileProposal | undefined {
    return this.items.get(proposalId)?.files.find((f) => f.uri === uri || sameFileUri(f.uri, uri));
  }

  /** Marks what an applyProposal answer says, until the next description arrives. */
  applied(proposalId: string, result: ApplyResult): void {
    for (const h of this.hunks(proposalId)) {
      if (result.hunkIds.includes(h.id)) {
        h.state = "applied";
        delete h.conflict;
      }
      const conflict = result.conflicts.find((c) => c.hunkId === h.id);
      if (conflict) {
        h.conflict = conflict.reason;
      }
    }
  }

  rejected(proposalId: string, hunkIds: string[]): void {
    for (const h of this.hunks(proposalId)) {
      if (hunkIds.includes(h.id)) {
        h.state = "rejected";
      }
    }
  }

  /** Open hunk ids of one file, or of the whole proposal. */
  pendingIds(proposalId: string, uri?: string): string[] {
    const files = this.items.get(proposalId)?.files ?? [];
    return files
      .filter((f) => uri === undefined || f.uri === uri || sameFileUri(f.uri, uri))
      .flatMap((f) => f.hunks.filter((h) => h.state === "pending").map((h) => h.id));
  }

  card(proposalId: string): ProposalCard | undefined {
    const p = this.items.get(proposalId);
    if (!p) {
      return undefined;
    }
    const hunks = p.files.flatMap((f) => f.hunks);
    return {
      proposalId,
      title: p.title,
      files: p.files.map((f) => ({ path: f.path, uri: f.uri, change: f.change, ...diffCounts(f.diff) })),
      pending: hunks.filter((h) => h.state === "pending").length,
      applied: hunks.filter((h) => h.state === "applied").length,
      rejected: hunks.filter((h) => h.state === "rejected").length,
      conflicts: hunks.filter((h) => h.conflict && h.state === "pending").map((h) => `${h.summary || h.id}: ${h.conflict}`),
    };
  }

  private hunks(proposalId: string): Hunk[] {
    return this.items.get(proposalId)?.files.flatMap((f) => f.hunks) ?? [];
  }
}

/** file:///a%3A/x and file:///a:/x name the same file (servers and VS Code escape differently). */
export function sameFileUri(a: string, b: string): boolean {
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch {
    return a === b;
  }
}
