// The server's settings (PROTOCOL.md's table) as the user set them. Only explicit values are
// sent, so the server's own defaults (the model above all) stay in one place.

export const SERVER_SETTING_KEYS = [
  "model",
  "maxTokens",
  "maxTurns",
  "budgetUsd",
  "previewEdits",
  "permissions.runCommands",
  "permissions.allow",
  "index.exclude",
  "index.maxFileBytes",
] as const;

export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Nested settings object ({permissions: {allow}}) of the values the user set, most specific first. */
export function explicitSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const i = inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value === undefined || value === null || value === "") {
      continue;
    }
    const parts = key.split(".");
    let target = out;
    for (const part of parts.slice(0, -1)) {
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[parts[parts.length - 1]] = value;
  }
  return out;
}
