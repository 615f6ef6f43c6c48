// Treewright's VS Code extension: wires the language server, the chat panel, the review and
// the commands together. Each piece lives in its own module.
import * as vscode from "vscode";
import { ApiKeyStore } from "./apiKey";
import { askInstruction } from "./askInstruction";
import { ChatView } from "./chat/chatView";
import { ServerManager } from "./languageServer";
import { ReviewController } from "./review/reviewController";
import { StatusBar } from "./statusBar";

let server: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel("Treewright", { log: true });
  const apiKeys = new ApiKeyStore(context.secrets);
  server = new ServerManager(context, log, apiKeys);
  const manager = server;
  const reviews = new ReviewController(manager);
  const chat = new ChatView(context, manager, reviews, apiKeys);
  context.subscriptions.push(
    log,
    manager,
    reviews,
    chat,
    new StatusBar(manager),
    vscode.window.registerWebviewViewProvider(ChatView.viewId, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand("treewright.restartServer", () => manager.restart("Treewright: Restart Server")),
    vscode.commands.registerCommand("treewright.showLog", () => log.show()),
    vscode.commands.registerCommand("treewright.focusChat", () => chat.focus()),
    vscode.commands.registerCommand("treewright.newChat", () => chat.newChat()),
    vscode.commands.registerCommand("treewright.setApiKey", async () => {
      if (await apiKeys.promptAndStore()) {
        void vscode.window.showInformationMessage("Treewright: API key saved; the server restarts with it.");
      }
    }),
    vscode.commands.registerCommand("treewright.clearApiKey", async () => {
      await apiKeys.clear();
      void vscode.window.showInformationMessage("Treewright: API key cleared.");
    }),
    vscode.commands.registerCommand("treewright.editSelection", () => editSelection(chat, manager)),
    // The key reaches the server through its environment: a new key needs a new process.
    apiKeys.onDidChange(() => manager.restart("the API key changed")),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("treewright.server.pythonPath")) {
        void manager.restart("treewright.server.pythonPath changed");
      }
    }),
  );
  await manager.start();
}

async function editSelection(chat: ChatView, manager: ServerManager): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== "file") {
    void vscode.window.showInformationMessage("Treewright: open a file and select the code to edit.");
    return;
  }
  const instruction = await askInstruction("Treewright: Edit Selection", "What should change in the selection?",
    "make it iterative; add type hints");
  if (!instruction) {
    return;
  }
  const s = editor.selection;
  await chat.runAction(
    {
      action: "edit",
      uri: editor.document.uri.toString(),
      range: { start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } },
      version: editor.document.version,
      instruction,
    },
    (args) => manager.command("treewright.runAction", args),
  );
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
