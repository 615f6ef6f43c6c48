// The status bar item: index progress, then the symbol count; a click opens the chat.
import * as vscode from "vscode";
import { IndexStatusBook } from "./indexStatus";
import { ServerManager, ServerState } from "./languageServer";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("treewright.status", vscode.StatusBarAlignment.Right, 100);
  private readonly book = new IndexStatusBook();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(server: ServerManager) {
    this.item.name = "Treewright";
    this.subscriptions.push(
      server.onIndexStatus((s) => {
        this.book.update(s);
        this.render(server.state);
      }),
      server.onDidChangeState((state) => {
        if (state !== "running") {
          this.book.clear();
        }
        this.render(state);
      }),
    );
    this.render(server.state);
    this.item.show();
  }

  private render(state: ServerState): void {
    const text = this.book.text();
    if (state === "failed" || (state === "stopped" && !text)) {
      this.item.text = "$(error) Treewright";
      this.item.tooltip = "Treewright's server is not running. Click to see its log.";
      this.item.command = "treewright.showLog";
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      return;
    }
    this.item.backgroundColor = undefined;
    this.item.command = "treewright.focusChat";
    if (state === "starting" || !text) {
      this.item.text = "$(sync~spin) Treewright";
      this.item.tooltip = "Treewright's server is starting. Click to open the chat.";
      return;
    }
    this.item.text = text.text;
    this.item.tooltip = text.tooltip;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
