// The messages between the chat host and its webview. Shared by both sides; no vscode import.
import type { MentionItem } from "./mentionSearch";

export interface SessionOption {
  sessionId: string;
  label: string;
}

export interface CardView {
  proposalId: string;
  title: string;
  files: { path: string; change: string; added: number; removed: number }[];
  pending: number;
  applied: number;
  rejected: number;
  conflicts: string[];
  missing?: boolean;
}

export type ItemView =
  | { kind: "html"; html: string }
  | { kind: "tool"; summary: string; status: "start" | "ok" | "error" | "denied" };

export interface TurnView {
  key: number;
  version: string;
  prompt: string;
  items: ItemView[];
  card?: CardView;
  error?: string;
  stopped?: boolean;
  done: boolean;
}

export interface ViewState {
  sessions: SessionOption[];
  sessionId?: string;
  hasKey: boolean;
  serverState: string;
  running: boolean;
  meter: string;
  context?: { label: string; detail: string };
  turns: TurnView[];
}

export type ToWebview =
  | { type: "state"; state: ViewState }
  | { type: "focus" }
  | { type: "mentions"; seq: number; query: string; items: MentionItem[] };

export type FromWebview =
  | { type: "ready" }
  | { type: "send"; prompt: string; mentions: string[] }
  | { type: "stop" }
  | { type: "newChat" }
  | { type: "openSession"; sessionId: string }
  | { type: "removeContext" }
  | { type: "review" | "acceptAll" | "rejectAll"; proposalId: string }
  | { type: "setApiKey" | "showLog" | "restartServer" }
  | { type: "mention"; query: string; seq: number }
  | { type: "openLink"; href: string }
  | { type: "copy"; text: string };
