// How a stored session reads in the picker. Pure.
import { formatUsd } from "./transcript";

export interface SessionSummary {
  sessionId: string;
  title: string;
  updatedAt: number;
  turns: number;
  costUsd: number;
}

export function sessionLabel(s: SessionSummary, now = Date.now()): string {
  const ms = s.updatedAt > 1e12 ? s.updatedAt : s.updatedAt * 1000; // the server sends seconds
  const minutes = Math.max(0, Math.round((now - ms) / 60_000));
  const when = minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago` : minutes < 24 * 60 ? `${Math.round(minutes / 60)} h ago` : new Date(ms).toISOString().slice(0, 10);
  const title = s.title.length > 48 ? s.title.slice(0, 47) + "…" : s.title;
  return `${title} · ${when} · ${s.turns} turn${s.turns === 1 ? "" : "s"} · ${formatUsd(s.costUsd)}`;
}
