// `@` mentions in the chat input: which query the text before the cursor asks for, and a
// debounced search that drops stale answers. Pure (no vscode, no DOM), shared by the webview
// and the host, so it is unit-tested.

export interface MentionItem {
  /** The workspace-relative path shown in the list and written after the `@`. */
  label: string;
  /** The file's URI, sent to the server as `context.openUris`. */
  detail: string;
}

/** The answer of the server's `treewright/files`. */
export interface FilesAnswer {
  files: { uri: string; path: string }[];
  total: number;
}

export const MENTION_LIMIT = 12;

/** The text after an `@` that starts a word and ends at the cursor, or undefined. */
export function mentionQuery(text: string, cursor: number): string | undefined {
  const m = /(^|\s)@([^\s@]*)$/.exec(text.slice(0, cursor));
  return m ? m[2] : undefined;
}

/** `text` with the mention being typed before `cursor` replaced by `@label `; the new cursor. */
export function insertMention(text: string, cursor: number, label: string): { text: string; cursor: number } {
  const before = text.slice(0, cursor).replace(/@[^\s@]*$/, `@${label} `);
  return { text: before + text.slice(cursor), cursor: before.length };
}

export function mentionItems(answer: FilesAnswer | undefined): MentionItem[] {
  return (answer?.files ?? []).map((f) => ({ label: f.path, detail: f.uri }));
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };

/**
 * Typing asks for a search only after `delayMs` without another keystroke; each search gets a
 * sequence number, and only the answer to the newest one is shown (an earlier, slower answer
 * that arrives later is dropped).
 */
export class MentionSearch {
  private seq = 0;
  private pending: unknown;
  private wanted?: string;

  constructor(
    private readonly search: (query: string, seq: number) => void,
    private readonly delayMs = 120,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The query under the cursor now (undefined: no mention is being typed). */
  typed(query: string | undefined): void {
    this.timers.clear(this.pending);
    this.pending = undefined;
    this.seq++; // whatever was asked before is stale now
    this.wanted = query;
    if (query === undefined) {
      return;
    }
    const seq = this.seq;
    this.pending = this.timers.set(() => {
      this.pending = undefined;
      this.search(query, seq);
    }, this.delayMs);
  }

  /** Whether the answer to search `seq` for `query` is still the one to show. */
  accepts(seq: number, query: string): boolean {
    return seq === this.seq && this.pending === undefined && query === this.wanted;
  }
}
