// What a failed turn says. A turn cut off by the server process dying reads as that, not as
// JSON-RPC's "Pending response rejected since connection got disposed". Pure.

/** vscode-jsonrpc's codes for requests lost with their connection. */
const CONNECTION_LOST = new Set([-32099, -32098, -32097, -32096]);

export const SERVER_STOPPED = "The Treewright server stopped during this answer (see Treewright: Show Log). It restarts by itself: ask again.";

export function turnErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "number" && CONNECTION_LOST.has(code)) {
    return SERVER_STOPPED;
  }
  return error instanceof Error ? error.message : String(error);
}
