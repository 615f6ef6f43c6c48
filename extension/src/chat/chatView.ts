// The chat side panel: a webview view that sends `treewright/chat`, streams its
// `treewright/chatEvent`s into the transcript, shows proposal cards and the meter, and also
// shows the turns that code actions start (intercepted in the language client's middleware).
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { ApiKeyStore } from "../apiKey";
import { askInstruction } from "../askInstruction";
import { ServerManager, messageOf } from "../languageServer";
import { renderMarkdown } from "../markdown";
import { ReviewController } from "../review/reviewController";
import { actionLabel } from "./actionLabel";
import { turnErrorText } from "./turnError";
import { FilesAnswer, MENTION_LIMIT, MentionItem, mentionItems } from "./mentionSearch";
import { SessionSummary, sessionLabel } from "./sessionLabels";
import { ChatEvent, StoredMessage, Transcript, Turn, Usage, formatMeter } from "./transcript";
import { CardView, FromWebview, ItemView, ToWebview, TurnView, ViewState } from "./viewModel";

const LAST_SESSION = "treewright.lastSession";
const CANCELLED = -32800;

interface TurnAnswer {
  sessionId: string;
  turnId: string;
  text: string;
  proposalId?: string;
  usage?: Usage;
  stopReason?: string;
}

interface EditorContext {
  uri: vscode.Uri;
  selection?: vscode.Range;
}

export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = "treewright.chat";
  private view?: vscode.WebviewView;
  private transcript = new Transcript();
  private sessions: SessionSummary[] = [];
  private hasKey = false;
  private editorContext?: EditorContext;
  private contextRemoved?: string;
  private cancelSources = new Map<number, vscode.CancellationTokenSource>();
  private rendered = new Map<number, { version: string; view: TurnView }>();
  private pushTimer?: NodeJS.Timeout;
  private mentionSource?: vscode.CancellationTokenSource;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly server: ServerManager,
    private readonly reviews: ReviewController,
    private readonly apiKeys: ApiKeyStore,
  ) {
    this.subscriptions.push(
      server.onChatEvent((e) => this.onEvent(e)),
      server.onDidChangeState((state) => {
        if (state === "running") {
          void this.refreshSessions();
        }
        this.push();
      }),
      reviews.onDidChangeProposal(() => this.push()),
      apiKeys.onDidChange(() => void this.refreshKey()),
      vscode.window.onDidChangeActiveTextEditor((e) => this.trackEditor(e)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.trackEditor(e.textEditor)),
    );
    this.trackEditor(vscode.window.activeTextEditor);
    server.runActionInterceptor = (args, send) => this.runAction(args, send);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, "dist");
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m)),
      view.onDidChangeVisibility(() => view.visible && this.push(true)),
    );
    view.onDidDispose(() => {
      this.view = undefined;
      this.rendered.clear();
    });
  }

  /** Reveals the panel and puts the cursor in its input. */
  async focus(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatView.viewId}.focus`);
    this.post({ type: "focus" });
  }

  async newChat(): Promise<void> {
    if (this.transcript.running) {
      void vscode.window.showInformationMessage("Treewright is still answering: stop the turn first.");
      return;
    }
    this.transcript = new Transcript();
    this.rendered.clear();
    await this.context.workspaceState.update(LAST_SESSION, undefined);
    this.push(true);
    await this.focus();
  }

  // ---- the webview --------------------------------------------------------------------

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(18).toString("base64url");
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, name)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("codicons/codicon.css")}" nonce="${nonce}">
<link rel="stylesheet" href="${asset("chat.css")}" nonce="${nonce}">
<title>Treewright</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset("webview.js")}"></script>
</body>
</html>`;
  }

  private post(message: ToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  /** Sends the state to the webview, at most every 40 ms while a reply streams. */
  private push(now = false): void {
    if (!this.view) {
      return;
    }
    if (now) {
      clearTimeout(this.pushTimer);
      this.pushTimer = undefined;
      this.post({ type: "state", state: this.state() });
      return;
    }
    this.pushTimer ??= setTimeout(() => {
      this.pushTimer = undefined;
      this.post({ type: "state", state: this.state() });
    }, 40);
  }

  private state(): ViewState {
    const last = [...this.transcript.turns].reverse().find((t) => t.usage);
    const ctx = this.currentContext();
    const sessions = this.sessions.map((s) => ({ sessionId: s.sessionId, label: sessionLabel(s) }));
    if (this.transcript.sessionId && !sessions.some((s) => s.sessionId === this.transcript.sessionId)) {
      sessions.unshift({ sessionId: this.transcript.sessionId, label: this.transcript.title });
    }
    return {
      sessions,
      sessionId: this.transcript.sessionId,
      hasKey: this.hasKey,
      serverState: this.server.state,
      running: Boolean(this.transcript.running),
      meter: formatMeter(last?.usage, this.transcript.sessionCost()),
      context: ctx && {
        label: path.basename(ctx.uri.fsPath) + (ctx.selection ? `:${ctx.selection.start.line + 1}-${ctx.selection.end.line + 1}` : ""),
        detail: vscode.workspace.asRelativePath(ctx.uri),
      },
      turns: this.transcript.turns.map((t) => this.turnView(t)),
    };
  }

  private turnView(turn: Turn): TurnView {
    const card = turn.proposalId ? this.card(turn.proposalId) : undefined;
    const version = `${turn.version}:${turn.done}:${JSON.stringify(card ?? null)}`;
    const cached = this.rendered.get(turn.key);
    if (cached?.version === version) {
      return cached.view;
    }
    const items: ItemView[] = turn.items.map((i) =>
      i.kind === "text" ? { kind: "html", html: renderMarkdown(i.text) } : { kind: "tool", summary: i.summary, status: i.status },
    );
    const view: TurnView = {
      key: turn.key, version, prompt: turn.prompt, items, card, error: turn.error,
      stopped: turn.stopReason === "cancelled", done: turn.done,
    };
    this.rendered.set(turn.key, { version, view });
    return view;
  }

  private card(proposalId: string): CardView {
    const card = this.reviews.book.card(proposalId);
    if (!card) {
      return { proposalId, title: "Proposed changes", files: [], pending: 0, applied: 0, rejected: 0, conflicts: [], missing: true };
    }
    return card;
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
        await this.refreshKey();
        await this.restoreSession();
        this.push(true);
        break;
      case "send":
        await this.send(m.prompt, m.mentions);
        break;
      case "stop":
        await this.stop();
        break;
      case "newChat":
        await this.newChat();
        break;
      case "openSession":
        await this.openSession(m.sessionId);
        break;
      case "removeContext":
        this.contextRemoved = this.editorContext?.uri.toString();
        this.push(true);
        break;
      case "review":
        await this.reviews.review(m.proposalId);
        break;
      case "acceptAll":
        await this.reviews.accept(m.proposalId, undefined, false);
        break;
      case "rejectAll":
        await this.reviews.reject(m.proposalId, undefined);
        break;
      case "setApiKey":
      case "showLog":
      case "restartServer":
        await vscode.commands.executeCommand(`treewright.${m.type}`);
        break;
      case "mention":
        this.post({ type: "mentions", seq: m.seq, query: m.query, items: await this.mentions(m.query) });
        break;
      case "openLink":
        if (/^https?:\/\//.test(m.href)) {
          await vscode.env.openExternal(vscode.Uri.parse(m.href));
        }
        break;
      case "copy":
        await vscode.env.clipboard.writeText(m.text);
        break;
    }
  }

  // ---- context ------------------------------------------------------------------------

  private trackEditor(editor: vscode.TextEditor | undefined): void {
    if (!editor || editor.document.uri.scheme !== "file") {
      return; // the chat, output panes and review documents keep the last file as context
    }
    const uri = editor.document.uri;
    if (this.contextRemoved && this.contextRemoved !== uri.toString()) {
      this.contextRemoved = undefined;
    }
    const selection = editor.selection.isEmpty ? undefined : new vscode.Range(editor.selection.start, editor.selection.end);
    this.editorContext = { uri, selection };
    this.push();
  }

  private currentContext(): EditorContext | undefined {
    const ctx = this.editorContext;
    return ctx && ctx.uri.toString() !== this.contextRemoved ? ctx : undefined;
  }

  /** Files for an `@` mention, from the server's index; a newer query cancels the older one. */
  private async mentions(query: string): Promise<MentionItem[]> {
    this.mentionSource?.cancel();
    if (this.server.state === "failed") {
      return []; // the panel says why; no warning in the log per keystroke
    }
    const source = new vscode.CancellationTokenSource();
    this.mentionSource = source;
    try {
      return mentionItems(await this.server.request<FilesAnswer>("treewright/files", { query, limit: MENTION_LIMIT }, source.token));
    } catch (error) {
      if (!source.token.isCancellationRequested) {
        this.server.log.warn(`treewright/files: ${messageOf(error)}`);
      }
      return [];
    } finally {
      source.dispose();
      if (this.mentionSource === source) {
        this.mentionSource = undefined;
      }
    }
  }

  // ---- turns --------------------------------------------------------------------------

  private onEvent(event: ChatEvent): void {
    if (this.transcript.sessionId && event.sessionId !== this.transcript.sessionId && !this.transcript.turns.some((t) => !t.turnId && !t.done)) {
      return; // another session's turn
    }
    const turn = this.transcript.apply(event);
    if (!turn) {
      return;
    }
    if (event.type === "proposal" && event.proposalId) {
      this.reviews.fetch(event.proposalId).catch((e) => this.server.log.warn(`proposal ${event.proposalId}: ${messageOf(e)}`));
    }
    this.push();
  }

  private async send(prompt: string, mentions: string[]): Promise<void> {
    if (!prompt.trim() || this.transcript.running) {
      return;
    }
    const ctx = this.currentContext();
    const context: Record<string, unknown> = {};
    if (ctx) {
      context.uri = ctx.uri.toString();
      if (ctx.selection) {
        context.range = toLspRange(ctx.selection);
      }
    }
    if (mentions.length) {
      context.openUris = mentions;
      this.server.log.info(`chat: mentioned ${mentions.join(", ")}`);
    }
    const params = { prompt, ...(this.transcript.sessionId ? { sessionId: this.transcript.sessionId } : {}), ...(Object.keys(context).length ? { context } : {}) };
    await this.runTurn(prompt, (token) => this.server.request<TurnAnswer>("treewright/chat", params, token));
  }

  private async runTurn(prompt: string, start: (token: vscode.CancellationToken) => Promise<TurnAnswer>): Promise<TurnAnswer | undefined> {
    const transcript = this.transcript;
    const turn = transcript.start(prompt);
    const source = new vscode.CancellationTokenSource();
    this.cancelSources.set(turn.key, source);
    this.push(true);
    try {
      const answer = await start(source.token);
      transcript.finish(turn, answer);
      if (answer.proposalId) {
        await this.reviews.fetch(answer.proposalId).catch(() => undefined);
      }
      if (transcript.sessionId) {
        await this.context.workspaceState.update(LAST_SESSION, transcript.sessionId);
      }
      return answer;
    } catch (error) {
      const code = (error as { code?: number }).code;
      transcript.fail(turn, turnErrorText(error), code === CANCELLED || source.token.isCancellationRequested);
      if (!(code === CANCELLED) && /API key/i.test(messageOf(error))) {
        await this.refreshKey();
      }
      return undefined;
    } finally {
      this.cancelSources.delete(turn.key);
      source.dispose();
      this.push(true);
      void this.refreshSessions();
    }
  }

  private async stop(): Promise<void> {
    const turn = this.transcript.running;
    if (!turn) {
      return;
    }
    if (turn.turnId) {
      try {
        await this.server.command("treewright.cancel", { turnId: turn.turnId });
        return;
      } catch (error) {
        this.server.log.warn(`cancel ${turn.turnId}: ${messageOf(error)}`);
      }
    }
    this.cancelSources.get(turn.key)?.cancel();
  }

  /** A code action's `treewright.runAction`: shown in the panel, reviewed when it proposes. */
  async runAction(args: Record<string, unknown>, send: (args: Record<string, unknown>) => Promise<unknown>): Promise<unknown> {
    const action = String(args.action ?? "");
    if (action === "edit" && !args.instruction) {
      const instruction = await askInstruction("Treewright: Edit", "What should change?", "handle an empty list; use a dataclass");
      if (!instruction) {
        return undefined;
      }
      args = { ...args, instruction };
    }
    if (this.transcript.running) {
      void vscode.window.showInformationMessage("Treewright is still answering in the chat: wait for it or stop it first.");
      return undefined;
    }
    if (this.transcript.sessionId) {
      args = { ...args, sessionId: this.transcript.sessionId };
    }
    await this.focus();
    const answer = await this.runTurn(actionLabel(args), () => send(args) as Promise<TurnAnswer>);
    if (answer?.proposalId) {
      await this.reviews.review(answer.proposalId);
    }
    return answer;
  }

  // ---- sessions -----------------------------------------------------------------------

  private async refreshKey(): Promise<void> {
    this.hasKey = await this.apiKeys.available();
    this.push();
  }

  async refreshSessions(): Promise<void> {
    try {
      this.sessions = await this.server.request<SessionSummary[]>("treewright/sessions", {});
      this.push();
    } catch (error) {
      this.server.log.warn(`treewright/sessions: ${messageOf(error)}`);
    }
  }

  private async restoreSession(): Promise<void> {
    await this.refreshSessions();
    const last = this.context.workspaceState.get<string>(LAST_SESSION);
    if (last && !this.transcript.sessionId && this.transcript.turns.length === 0 && this.sessions.some((s) => s.sessionId === last)) {
      await this.openSession(last);
    }
  }

  async openSession(sessionId: string): Promise<void> {
    if (this.transcript.running) {
      void vscode.window.showInformationMessage("Treewright is still answering: stop the turn first.");
      this.push(true);
      return;
    }
    try {
      const session = await this.server.request<{ sessionId: string; title: string; messages: StoredMessage[] }>("treewright/session", { sessionId });
      this.transcript = Transcript.fromSession(session);
      this.rendered.clear();
      await this.context.workspaceState.update(LAST_SESSION, sessionId);
      this.push(true);
      for (const turn of this.transcript.turns) {
        if (turn.proposalId && !this.reviews.book.get(turn.proposalId)) {
          this.reviews.fetch(turn.proposalId).catch(() => undefined);
        }
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`Treewright: cannot open the session: ${messageOf(error)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.pushTimer);
    this.subscriptions.forEach((s) => s.dispose());
    this.server.runActionInterceptor = undefined;
  }
}

function toLspRange(r: vscode.Range) {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}
