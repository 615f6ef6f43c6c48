// Helpers for the end-to-end run: a temp workspace, code-server and the scripted model as
// child processes (stopped by PID), and a bounded step runner that screenshots every step.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const CACHE = process.env.TREEWRIGHT_E2E_CACHE || join(process.env.HOME, ".cache", "treewright-e2e");
export const NODE24 = join(CACHE, "node24", "bin");
export const CODE_SERVER = join(CACHE, "code-server-4.139.1", "node_modules", ".bin", "code-server");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A copy of examples/demo (without its caches) and empty code-server dirs, in a temp dir. */
export function prepareDirs(root, settings) {
  const tmp = mkdtempSync(join(tmpdir(), "treewright-e2e-"));
  const workspace = join(tmp, "demo");
  cpSync(join(root, "examples", "demo"), workspace, {
    recursive: true,
    filter: (src) => !/[/\\](\.treewright|\.benchmarks|__pycache__|\.pytest_cache|node_modules)([/\\]|$)/.test(src),
  });
  const userData = join(tmp, "user-data");
  mkdirSync(join(userData, "User"), { recursive: true });
  writeFileSync(join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  // code-server reads machine-scoped settings (such as the server's Python) from here.
  mkdirSync(join(userData, "Machine"), { recursive: true });
  writeFileSync(join(userData, "Machine", "settings.json"), JSON.stringify(settings, null, 2));
  for (const dir of ["extensions", "xdg", "profile"]) {
    mkdirSync(join(tmp, dir));
  }
  return { tmp, workspace, userData, extensions: join(tmp, "extensions"), xdg: join(tmp, "xdg"), profile: join(tmp, "profile") };
}

export function codeServerEnv(dirs, extra = {}) {
  return {
    ...process.env,
    PATH: `${NODE24}:${process.env.PATH}`,
    XDG_CONFIG_HOME: dirs.xdg,
    ...extra,
  };
}

export function installExtension(dirs, vsix) {
  execFileSync(CODE_SERVER, ["--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, "--install-extension", vsix],
    { env: codeServerEnv(dirs), stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
}

/** Starts code-server in its own process group, so that stopping it stops its children too. */
export async function startCodeServer(dirs, port, env, log) {
  const child = spawn(CODE_SERVER, [
    "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, dirs.workspace,
  ], { env: codeServerEnv(dirs, env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => log(String(d)));
  child.stderr.on("data", (d) => log(String(d)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  stopGroup(child);
  throw new Error("code-server did not answer /healthz within 60 s");
}

export function stopGroup(child) {
  if (!child || child.exitCode !== null) {
    return;
  }
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }, 3000).unref();
}

/** The scripted Messages API (Python): its base URL, and a way to queue a scenario's replies. */
export async function startModel(python, script) {
  const child = spawn(python, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const baseUrl = await next();
  const ask = (line) => {
    child.stdin.write(line + "\n");
    return next();
  };
  return {
    baseUrl,
    async queue(name) {
      const answer = await ask(name);
      if (answer !== `queued ${name}`) {
        throw new Error(`the scripted model said ${answer}`);
      }
    },
    /** How many requests to the model so far held `text` in their body. */
    async seen(text) {
      return Number(await ask(`seen ${text}`));
    },
    stop() {
      child.stdin.end("quit\n");
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
}

/** PIDs of `-m treewright serve` processes in code-server's process group. */
export function serverPids(groupPid) {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,args="], { encoding: "utf8" });
  return out.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length > 2 && Number(f[1]) === groupPid
    && f.slice(2).join(" ").includes("-m treewright serve")).map((f) => Number(f[0]));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, check, timeoutMs = 30_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) {
        return last;
      }
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms); })])
    .finally(() => clearTimeout(timer));
}

/** Every file under `dir` (relative path → its bytes as text), skipping the server's own cache. */
export function snapshot(dir, rel = "") {
  const files = {};
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== ".treewright" && entry.name !== "__pycache__") {
        Object.assign(files, snapshot(dir, path));
      }
    } else {
      files[path] = readFileSync(join(dir, path), "latin1");
    }
  }
  return files;
}

/** What the extension wrote to its "Treewright" output channel, in every window so far. */
export function treewrightLog(userData) {
  const logs = join(userData, "logs");
  if (!existsSync(logs)) {
    return "";
  }
  return readdirSync(logs, { recursive: true }).filter((f) => /(^|[/\\])\d*-?Treewright\.log$/.test(f)).sort()
    .map((f) => readFileSync(join(logs, f), "utf8")).join("\n");
}
