// The Anthropic API key lives in VS Code's SecretStorage, never in settings; it reaches the
// server through its environment, so a change restarts the server.
import * as vscode from "vscode";

const SECRET = "treewright.anthropicApiKey";

export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((e) => {
      if (e.key === SECRET) {
        this.changed.fire();
      }
    });
  }

  get(): Thenable<string | undefined> {
    return this.secrets.get(SECRET);
  }

  /** A key from SecretStorage or, failing that, the editor's own environment. */
  async available(): Promise<boolean> {
    return Boolean((await this.get()) || process.env.ANTHROPIC_API_KEY);
  }

  async promptAndStore(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: "Treewright: Set API Key",
      prompt: "Your Anthropic API key. It is kept in VS Code's secret storage and passed to the Treewright server only.",
      password: true,
      ignoreFocusOut: true,
      placeHolder: "sk-ant-…",
      validateInput: (v) => (v.trim().length < 8 ? "That is too short to be an API key." : undefined),
    });
    if (!key) {
      return false;
    }
    await this.secrets.store(SECRET, key.trim());
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
  }
}
