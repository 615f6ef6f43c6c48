// How an intercepted code action reads as the user message of its turn. Pure.

export function actionLabel(args: Record<string, unknown>): string {
  const action = String(args.action ?? "action");
  const verb = { fix: "Fix", explain: "Explain", document: "Document", test: "Write tests for", edit: "Edit" }[action] ?? action;
  const uri = typeof args.uri === "string" ? args.uri : "";
  const range = args.range as { start?: { line?: number } } | undefined;
  const where = `${decodeURIComponent(uri.split("/").pop() ?? "")}:${(range?.start?.line ?? 0) + 1}`;
  const diagnostic = (args.diagnostic as { message?: string } | undefined)?.message;
  const detail = args.instruction ? `: ${String(args.instruction)}` : diagnostic ? ` "${diagnostic}"` : "";
  return `${verb} ${where}${detail}`;
}
