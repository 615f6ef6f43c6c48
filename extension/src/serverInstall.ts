// Checking that the chosen Python can run the server, and installing the wheel shipped in the
// vsix into a private virtual environment under the extension's global storage.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { venvPython } from "./pythonDiscovery";

export type Probe = { ok: true; version: string } | { ok: false; reason: "no-python" | "no-module" | "old-python"; detail: string };

/** Whether `python` exists, is 3.11+, and can import treewright. */
export function probe(python: string, env: NodeJS.ProcessEnv): Probe {
  const run = spawnSync(
    python,
    ["-c", "import sys; print('%d.%d' % sys.version_info[:2]); import treewright; print(treewright.__version__)"],
    { env, encoding: "utf8", timeout: 20_000 },
  );
  if (run.error) {
    return { ok: false, reason: "no-python", detail: `${python}: ${run.error.message}` };
  }
  const [pyVersion, version] = (run.stdout ?? "").trim().split(/\r?\n/);
  const [major, minor] = (pyVersion ?? "0.0").split(".").map(Number);
  if (major < 3 || (major === 3 && minor < 11)) {
    return { ok: false, reason: "old-python", detail: `${python} is Python ${pyVersion || "?"}; Treewright needs 3.11 or newer` };
  }
  if (run.status !== 0 || !version) {
    return { ok: false, reason: "no-module", detail: (run.stderr ?? "").trim().split(/\r?\n/).pop() ?? "" };
  }
  return { ok: true, version };
}

export function privateVenv(storage: vscode.Uri): string {
  return path.join(storage.fsPath, "venv");
}

export function privatePython(storage: vscode.Uri): string | undefined {
  const python = venvPython(privateVenv(storage));
  return fs.existsSync(python) ? python : undefined;
}

export function shippedWheel(extensionPath: string): string | undefined {
  const dist = path.join(extensionPath, "dist");
  const wheel = fs.existsSync(dist) ? fs.readdirSync(dist).find((f) => /^treewright-.*\.whl$/.test(f)) : undefined;
  return wheel ? path.join(dist, wheel) : undefined;
}

function run(command: string, args: string[], log: vscode.LogOutputChannel, token: vscode.CancellationToken): Promise<void> {
  return new Promise((resolve, reject) => {
    log.info(`$ ${command} ${args.join(" ")}`);
    const child = spawn(command, args, { env: process.env });
    const cancel = token.onCancellationRequested(() => child.kill());
    const forward = (data: Buffer) => data.toString().split(/\r?\n/).filter(Boolean).forEach((l) => log.info(l));
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (code) => {
      cancel.dispose();
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${path.basename(command)} ${args[0] ?? ""} exited with ${code}`));
      }
    });
  });
}

/** Creates the private venv with `basePython` and pip-installs the shipped wheel into it. */
export async function installServer(
  basePython: string,
  storage: vscode.Uri,
  extensionPath: string,
  log: vscode.LogOutputChannel,
): Promise<string> {
  const wheel = shippedWheel(extensionPath);
  if (!wheel) {
    throw new Error("This build of the extension carries no server wheel: install treewright with pip and set treewright.server.pythonPath.");
  }
  const venv = privateVenv(storage);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Installing the Treewright server", cancellable: true },
    async (progress, token) => {
      fs.mkdirSync(storage.fsPath, { recursive: true });
      progress.report({ message: "creating a virtual environment…" });
      await run(basePython, ["-m", "venv", venv], log, token);
      progress.report({ message: "installing the server and its dependencies (pip)…" });
      await run(venvPython(venv), ["-m", "pip", "install", "--upgrade", "--disable-pip-version-check", wheel], log, token);
      return venvPython(venv);
    },
  );
}
