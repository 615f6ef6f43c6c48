// What the chat panel shows of one session: its turns, each built from `treewright/chatEvent`
// notifications (in `seq` order, gaps noticed), and the token/dollar meter. Pure.

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  estimate?: boolean;
}

export interface ChatEvent {
  sessionId: string;
  turnId: string;
  seq: number;
  type: "text" | "tool" | "proposal" | "usage" | "error" | "done";
  delta?: string;
  name?: string;
  summary?: string;
  status?: "start" | "ok" | "error" | "denied";
  proposalId?: string;
  files?: number;
  hunks?: number;
  message?: string;
  retryable?: boolean;
  stopReason?: string;
  [key: string]: unknown;
}

export type TurnItem =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; summary: string; status: "start" | "ok" | "error" | "denied" };

export interface Turn {
  /** Local id, stable before the server has named the turn. */
  key: number;
  turnId?: string;
  prompt: string;
  items: TurnItem[];
  proposalId?: string;
  usage?: Usage;
  error?: string;
  stopReason?: string;
  done: boolean;
  lastSeq: number;
  /** Events were missed (a gap in seq): the final answer replaces the streamed text. */
  gap: boolean;
  /** Bumped on every change, so the view re-renders only the turns that changed. */
  version: number;
}

export interface StoredMessage {
  role: "user" | "assistant";
  text: string;
  turnId?: string;
  proposalId?: string;
  usage?: Usage;
  stopReason?: string;
}

let keys = 0;

export class Transcript {
  sessionId?: string;
  title = "New chat";
  turns: Turn[] = [];

  constructor(sessionId?: string) {
    this.sessionId = sessionId;
  }

  /** A turn the panel started (or a code action it intercepted), waiting for its first event. */
  start(prompt: string): Turn {
    const turn: Turn = { key: ++keys, prompt, items: [], done: false, lastSeq: 0, gap: false, version: 0 };
    this.turns.push(turn);
    return turn;
  }

  get running(): Turn | undefined {
    return this.turns.find((t) => !t.done);
  }

  /**
   * Applies an event; returns the turn it belongs to, or undefined when it is not this
   * panel's. An unknown turn id is adopted by the oldest turn still waiting for its id.
   */
  apply(event: ChatEvent): Turn | undefined {
    let turn = this.turns.find((t) => t.turnId === event.turnId);
    if (!turn) {
      turn = this.turns.find((t) => !t.turnId && !t.done);
      if (!turn) {
        return undefined;
      }
      turn.turnId = event.turnId;
      if (!this.sessionId) {
        this.sessionId = event.sessionId;
      }
    }
    if (event.seq <= turn.lastSeq) {
      return turn; // a duplicate: already applied
    }
    if (event.seq !== turn.lastSeq + 1) {
      turn.gap = true;
    }
    turn.lastSeq = event.seq;
    turn.version++;
    switch (event.type) {
      case "text": {
        const last = turn.items[turn.items.length - 1];
        if (last?.kind === "text") {
          last.text += event.delta ?? "";
        } else {
          turn.items.push({ kind: "text", text: event.delta ?? "" });
        }
        break;
      }
      case "tool": {
        const status = event.status ?? "start";
        const open = [...turn.items].reverse().find(
          (i): i is Extract<TurnItem, { kind: "tool" }> => i.kind === "tool" && i.name === event.name && i.status === "start",
        );
        if (open && status !== "start") {
          open.status = status;
          open.summary = event.summary ?? open.summary;
        } else {
          turn.items.push({ kind: "tool", name: event.name ?? "tool", summary: event.summary ?? event.name ?? "", status });
        }
        break;
      }
      case "proposal":
        turn.proposalId = event.proposalId;
        break;
      case "usage":
        turn.usage = {
          inputTokens: event.inputTokens as number,
          outputTokens: event.outputTokens as number,
          cacheReadTokens: (event.cacheReadTokens as number) ?? 0,
          cacheWriteTokens: (event.cacheWriteTokens as number) ?? 0,
          costUsd: event.costUsd as number,
          estimate: event.estimate as boolean | undefined,
        };
        break;
      case "error":
        turn.error = event.message ?? "The turn failed.";
        break;
      case "done":
        turn.stopReason = event.stopReason;
        break;
    }
    return turn;
  }

  /** The request's answer: the turn is over. The final text wins when events went missing. */
  finish(turn: Turn, result: { sessionId?: string; turnId?: string; text?: string; proposalId?: string; usage?: Usage; stopReason?: string }): void {
    turn.turnId ??= result.turnId;
    this.sessionId ??= result.sessionId;
    const streamed = turn.items.filter((i) => i.kind === "text").map((i) => i.text).join("");
    if (result.text && (turn.gap || !streamed.trim())) {
      turn.items = [...turn.items.filter((i) => i.kind === "tool"), { kind: "text", text: result.text }];
    }
    turn.proposalId ??= result.proposalId;
    turn.usage = result.usage ?? turn.usage;
    turn.stopReason = result.stopReason ?? turn.stopReason;
    turn.done = true;
    turn.version++;
  }

  fail(turn: Turn, message: string, cancelled = false): void {
    if (cancelled) {
      turn.stopReason = "cancelled";
    } else {
      turn.error = message;
    }
    turn.done = true;
    turn.version++;
  }

  turnCost(turn: Turn | undefined): number {
    return turn?.usage?.costUsd ?? 0;
  }

  sessionCost(): number {
    return this.turns.reduce((sum, t) => sum + this.turnCost(t), 0);
  }

  /** Rebuilds the turns from `treewright/session`: each user prompt with the answer that follows. */
  static fromSession(session: { sessionId: string; title: string; messages: StoredMessage[] }): Transcript {
    const transcript = new Transcript(session.sessionId);
    transcript.title = session.title;
    let turn: Turn | undefined;
    for (const m of session.messages) {
      if (m.role === "user") {
        turn = transcript.start(m.text);
        turn.turnId = m.turnId;
        turn.done = true;
      } else {
        if (!turn || (turn.turnId && m.turnId && turn.turnId !== m.turnId)) {
          turn = transcript.start("");
          turn.turnId = m.turnId;
          turn.done = true;
        }
        if (m.text) {
          turn.items.push({ kind: "text", text: m.text });
        }
        turn.proposalId = m.proposalId;
        turn.usage = m.usage;
        turn.stopReason = m.stopReason;
        turn = undefined;
      }
    }
    return transcript;
  }
}

export function formatMeter(usage: Usage | undefined, sessionCost: number): string {
  const tokens = usage ? usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens : 0;
  const turn = usage ? `${tokens.toLocaleString("en-US")} tokens · ${formatUsd(usage.costUsd)}${usage.estimate ? " (est.)" : ""}` : "no tokens yet";
  return `Turn: ${turn} · Session: ${formatUsd(sessionCost)}`;
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
