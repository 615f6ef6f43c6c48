// Starting, restarting and stopping the Treewright language server with vscode-languageclient:
// which Python, which environment, which settings; crashes restart it a bounded number of times.
import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  CancellationToken,
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { ApiKeyStore } from "./apiKey";
import { IndexStatus } from "./indexStatus";
import { discoverPython, PythonChoice } from "./pythonDiscovery";
import { RestartBudget } from "./restartBudget";
import { installServer, privatePython, probe, shippedWheel } from "./serverInstall";
import { explicitSettings } from "./settings";
import type { ChatEvent } from "./chat/transcript";

export const LANGUAGES = [
  "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust", "java",
  "c", "cpp", "csharp", "ruby", "php", "kotlin", "swift", "shellscript", "lua",
];

export type ServerState = "starting" | "running" | "stopped" | "failed";

/** Intercepts `treewright.runAction` from code actions so the chat panel can show the turn. */
export type RunActionInterceptor = (args: Record<string, unknown>, send: (args: Record<string, unknown>) => Promise<unknown>) => Promise<unknown>;

export class ServerManager implements vscode.Disposable {
  client?: LanguageClient;
  state: ServerState = "stopped";
  python?: PythonChoice & { resolved: string };
  runActionInterceptor?: RunActionInterceptor;

  private readonly restarts = new RestartBudget(3, 3 * 60_000);
  private stopping = false;
  private reviewedApplies = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly indexEmitter = new vscode.EventEmitter<IndexStatus>();
  private readonly chatEmitter = new vscode.EventEmitter<ChatEvent>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onIndexStatus = this.indexEmitter.event;
  readonly onChatEvent = this.chatEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly apiKeys: ApiKeyStore,
  ) {}

  private setState(state: ServerState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  async start(): Promise<void> {
    if (this.client) {
      return;
    }
    this.setState("starting");
    const env = await this.environment();
    const python = await this.choosePython(env);
    if (!python) {
      this.setState("failed");
      return;
    }
    this.python = python;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const serverOptions: ServerOptions = {
      command: python.resolved,
      args: ["-m", "treewright", "serve"],
      options: { env, cwd: folders[0]?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
      outputChannel: this.log,
      initializationOptions: { ui: "treewright-vscode", ...this.settings() },
      synchronize: { configurationSection: "treewright" },
      middleware: this.middleware(),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => this.closed(),
      },
      initializationFailedHandler: (error) => {
        this.log.error(`The server failed to initialize: ${error}`);
        return false;
      },
    };
    const client = new LanguageClient("treewright", "Treewright", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.setState("running");
      } else if (e.newState === State.Starting) {
        this.setState("starting");
      }
    });
    client.onNotification("treewright/indexStatus", (p: IndexStatus) => this.indexEmitter.fire(p));
    client.onNotification("treewright/chatEvent", (p: ChatEvent) => this.chatEmitter.fire(p));
    this.log.info(`Starting the server: ${python.resolved} -m treewright serve (Python from ${python.source})`);
    try {
      await client.start();
    } catch (error) {
      this.log.error(`The server did not start: ${error}`);
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      this.setState("failed");
      this.failedMessage(`Treewright's server did not start: ${messageOf(error)}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) {
      return;
    }
    this.stopping = true;
    try {
      await client.stop(5_000);
    } catch (error) {
      this.log.warn(`Stopping the server: ${messageOf(error)}`);
    } finally {
      await client.dispose().catch(() => undefined);
      this.stopping = false;
      this.setState("stopped");
    }
  }

  async restart(reason: string): Promise<void> {
    this.log.info(`Restarting the server: ${reason}`);
    this.restarts.reset();
    await this.stop();
    await this.start();
  }

  async request<T>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<T> {
    const client = await this.ready();
    // An undefined token would go out as a second positional parameter: pass it only when set.
    return token ? client.sendRequest<T>(method, params, token) : client.sendRequest<T>(method, params);
  }

  /** Runs a server command directly (not through the middleware). */
  async command<T>(command: string, args: Record<string, unknown>, token?: vscode.CancellationToken): Promise<T> {
    const client = await this.ready();
    const params = { command, arguments: [args] };
    return (token ? client.sendRequest(ExecuteCommandRequest.type, params, token) : client.sendRequest(ExecuteCommandRequest.type, params)) as Promise<T>;
  }

  /**
   * Applies hunks the user accepted in the review. They have seen the diff already, so the
   * edit is not previewed a second time (`previewEdits` still governs Accept all from the card).
   */
  async applyReviewed<T>(args: Record<string, unknown>): Promise<T> {
    this.reviewedApplies++;
    try {
      return await this.command<T>("treewright.applyProposal", args);
    } finally {
      this.reviewedApplies--;
    }
  }

  private async ready(): Promise<LanguageClient> {
    // After a failed start only Restart Server (or a new setting) tries again: a request
    // starting it would probe and warn again on every keystroke.
    if (!this.client && this.state !== "failed") {
      await this.start();
    }
    const client = this.client;
    if (!client) {
      throw new Error("Treewright's server is not running (see Treewright: Show Log).");
    }
    if (!client.isRunning()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { sub.dispose(); reject(new Error("Treewright's server is not running.")); }, 30_000);
        const sub = client.onDidChangeState((e) => {
          if (e.newState === State.Running) {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          }
        });
      });
    }
    return client;
  }

  private settings(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration("treewright");
    return explicitSettings((key) => config.inspect(key));
  }

  private async environment(): Promise<NodeJS.ProcessEnv> {
    // PYTHONSAFEPATH: `python -m` would put the working directory (the workspace) first on
    // the import path, so a workspace's own logging.py or treewright/ would run in the server.
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1", PYTHONSAFEPATH: "1" };
    const key = await this.apiKeys.get();
    if (key) {
      env.ANTHROPIC_API_KEY = key;
    }
    return env;
  }

  private async choosePython(env: NodeJS.ProcessEnv): Promise<(PythonChoice & { resolved: string }) | undefined> {
    const choice = await discoverPython({
      setting: vscode.workspace.getConfiguration("treewright").get<string>("server.pythonPath"),
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      pythonExtension: vscode.extensions.getExtension("ms-python.python") ? pythonExtensionInterpreter : undefined,
      exists: (p) => fs.existsSync(p),
    });
    const found = probe(choice.path, env);
    if (found.ok) {
      this.log.info(`Python: ${choice.path} (${choice.source}), treewright ${found.version}`);
      return { ...choice, resolved: choice.path };
    }
    this.log.warn(`Python ${choice.path} (${choice.source}) cannot run the server: ${found.detail}`);
    const installed = privatePython(this.context.globalStorageUri);
    if (installed && probe(installed, env).ok) {
      this.log.info(`Using the server installed in ${installed}`);
      return { path: installed, source: choice.source, resolved: installed };
    }
    void this.offerInstall(choice, found.reason, found.detail);
    return undefined;
  }

  private async offerInstall(choice: PythonChoice, reason: string, detail: string): Promise<void> {
    const canInstall = reason === "no-module" && shippedWheel(this.context.extensionPath) !== undefined;
    const message = reason === "no-module"
      ? `Treewright's server is not installed for ${choice.path}.` + (canInstall ? " Install it into a private environment?" : "")
      : reason === "no-python"
        ? `Treewright's server did not start: no Python at ${choice.path} (${choice.source}). Set treewright.server.pythonPath to a Python 3.11 or newer.`
        : `Treewright needs Python 3.11 or newer: ${detail}. Set treewright.server.pythonPath.`;
    const actions = [...(canInstall ? ["Install Server"] : []), "Open Settings", "Show Log"];
    const answer = await vscode.window.showWarningMessage(message, ...actions);
    if (answer === "Install Server") {
      try {
        await installServer(choice.path, this.context.globalStorageUri, this.context.extensionPath, this.log);
        this.log.info("The server is installed.");
        await this.restart("installed");
      } catch (error) {
        this.log.error(`Installing the server failed: ${messageOf(error)}`);
        this.failedMessage(`Installing Treewright's server failed: ${messageOf(error)}`);
      }
    } else if (answer === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "treewright.server.pythonPath");
    } else if (answer === "Show Log") {
      this.log.show();
    }
  }

  private closed(): CloseHandlerResult {
    if (this.stopping) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    if (this.restarts.allowRestart()) {
      this.log.warn("The server stopped unexpectedly; restarting it.");
      this.setState("starting");
      return { action: CloseAction.Restart, handled: true };
    }
    this.log.error("The server stopped 4 times in 3 minutes; not restarting it again.");
    this.setState("failed");
    this.failedMessage("Treewright's server keeps stopping, so it was not restarted again.");
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private failedMessage(message: string): void {
    void vscode.window.showErrorMessage(message, "Show Log", "Restart Server").then((answer) => {
      if (answer === "Show Log") {
        this.log.show();
      } else if (answer === "Restart Server") {
        void this.restart("asked by the user");
      }
    });
  }

  private middleware(): Middleware {
    return {
      executeCommand: async (command, args, next) => {
        const interceptor = this.runActionInterceptor;
        if (command === "treewright.runAction" && interceptor && args.length === 1 && typeof args[0] === "object") {
          return interceptor(args[0] as Record<string, unknown>, (changed) => Promise.resolve(next(command, [changed])));
        }
        return next(command, args);
      },
      workspace: {
        // Answers `workspace/configuration` with what the user set only, like initializationOptions.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) => (item.section === "treewright" ? this.settings() : answers[i]));
        },
        handleApplyEdit: (params, next) => {
          if (this.reviewedApplies > 0 && params.edit.changeAnnotations) {
            for (const annotation of Object.values(params.edit.changeAnnotations)) {
              annotation.needsConfirmation = false;
            }
          }
          return next(params, CancellationToken.None);
        },
      },
    };
  }

  dispose(): void {
    void this.stop();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The interpreter the Python extension has selected, through either of its APIs. */
async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const api: any = extension.isActive ? extension.exports : await extension.activate();
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
  const environmentPath = api?.environments?.getActiveEnvironmentPath?.(resource)?.path;
  if (typeof environmentPath === "string" && environmentPath) {
    return environmentPath;
  }
  const details = await api?.settings?.getExecutionDetails?.(resource);
  return details?.execCommand?.[0];
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
