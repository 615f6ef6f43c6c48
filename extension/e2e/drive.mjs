// End to end in a real VS Code (code-server) driven by headless Chromium: the extension from
// the vsix, the real Treewright server, and the scripted Messages API. Each scenario is
// bounded in time and leaves a screenshot in e2e/output/.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CACHE, freePort, installExtension, prepareDirs, serverPids, sleep, startCodeServer, startModel, stopGroup, until, withTimeout,
} from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const EXTENSION = resolve(HERE, "..");
const ROOT = resolve(EXTENSION, "..");
const OUT = join(HERE, "output");
const PYTHON = process.env.TREEWRIGHT_PYTHON || join(ROOT, ".venv", "bin", "python");
const VSIX = join(EXTENSION, "dist", "treewright.vsix");
const only = process.argv.slice(2);
const { chromium } = createRequire(join(CACHE, "driver", "package.json"))("playwright-core");

const PRICING = "inventory/pricing.py";
const ADD_TAX = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n";
const DOCSTRING = '    """Return `amount` with tax at `rate` added."""\n';

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const logLines = [];
const log = (s) => logLines.push(s);

const dirs = prepareDirs(ROOT, {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "files.autoSave": "off",
  "editor.codeLens": true,
  "treewright.server.pythonPath": PYTHON,
});
const original = readFileSync(join(dirs.workspace, PRICING), "utf8");

let codeServer;
let model;
let browser;
let page;
const results = [];

async function step(name, seconds, body) {
  if (only.length && !only.some((o) => name.startsWith(o))) {
    return;
  }
  const started = Date.now();
  try {
    await withTimeout(body(), seconds * 1000, name);
    results.push([name, "passed"]);
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push([name, "failed"]);
    console.log(`FAIL ${name}: ${error.message}`);
    await shot(`${name.split(" ")[0]}-failure`).catch(() => undefined);
  }
}

async function shot(name) {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

// ---- the workbench ----------------------------------------------------------------------

const workbench = () => page.locator(".monaco-workbench");

async function command(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: 10_000 });
  await row.click();
}

async function openFile(path) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(path);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: path.split("/").pop() }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active`, { hasText: path.split("/").pop() }).waitFor();
}

async function goToLine(line) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
}

const statusItem = () => page.locator(".statusbar-item", { hasText: /symbols/ });

function chatFrame() {
  return page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
}

async function openChat() {
  await page.keyboard.press("Control+Alt+I");
  await chatFrame().locator("#prompt").waitFor({ state: "visible", timeout: 20_000 });
}

async function ask(question) {
  const prompt = chatFrame().locator("#prompt");
  await prompt.click();
  await prompt.fill(question);
  await prompt.press("Enter");
}

async function startWorkbench(port) {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
  await workbench().waitFor({ timeout: 60_000 });
  await until("the index to be ready", async () => (await statusItem().count()) > 0, 60_000);
}

// ---- scenarios --------------------------------------------------------------------------

async function main() {
  installExtension(dirs, VSIX);
  model = await startModel(PYTHON, join(HERE, "scripted_model.py"));
  const port = await freePort();
  codeServer = await startCodeServer(dirs, port, {
    ANTHROPIC_BASE_URL: model.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-e2e-not-a-real-key-0123456789",
  }, log);
  browser = await chromium.launchPersistentContext(dirs.profile, {
    executablePath: "/usr/bin/chromium",
    viewport: { width: 1440, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = browser.pages()[0] ?? (await browser.newPage());

  await step("0 workbench starts, server indexes", 120, async () => {
    await startWorkbench(port);
    await shot("0-ready");
  });

  await step("a document via Ctrl+. then accept one hunk and reject another", 150, async () => {
    await model.queue("document");
    await openFile(PRICING);
    await goToLine(22);
    const action = page.locator(".action-widget .monaco-list-row", { hasText: "Treewright: Document add_tax" });
    await until("the code action menu", async () => {
      await page.locator(".editor-instance .view-line", { hasText: "return round(amount * (1 + rate), 2)" }).click();
      await page.keyboard.press("Control+.");
      await sleep(1500);
      return (await action.count()) > 0;
    }, 30_000, 100);
    await shot("a1-code-actions");
    await action.click();
    // The review opens: a diff editor with Accept / Reject above every hunk.
    const accept = page.locator(".codelens-decoration a", { hasText: "Accept" });
    await until("two Accept lenses", async () => (await accept.count()) === 2, 60_000);
    await shot("a2-review");
    await accept.first().click();
    const reject = page.locator(".codelens-decoration a", { hasText: "Reject" });
    await until("one hunk left", async () => (await accept.count()) === 1, 20_000);
    await shot("a3-accepted-one");
    // The other hunk is further down: bring it into view in the proposed (modified) side.
    await page.locator(".editor.modified .view-line", { hasText: "add_tax" }).first().click();
    await goToLine(55);
    await reject.first().click();
    await until("the review to close", async () => (await page.locator(".codelens-decoration a", { hasText: "Accept" }).count()) === 0, 20_000);
    await command("File: Save All");
    const expected = original.replace(ADD_TAX, ADD_TAX + DOCSTRING);
    await until("the saved file to be the original plus the accepted hunk",
      async () => readFileSync(join(dirs.workspace, PRICING), "utf8") === expected, 20_000);
    await shot("a4-saved");
  });

  await step("b chat: streamed answer, meter, Stop", 150, async () => {
    await model.queue("answer");
    await openChat();
    await ask("Why does order_total add tax last?");
    const frame = chatFrame();
    await frame.locator(".markdown", { hasText: "coupon is applied before tax" }).waitFor({ timeout: 30_000 });
    await until("the meter to show a cost", async () => /\$\d/.test(await frame.locator("#meter").textContent()), 20_000);
    if ((await frame.locator(".markdown script").count()) > 0) {
      throw new Error("a <script> from the model reached the DOM");
    }
    await shot("b1-answer");
    await model.queue("slow");
    await ask("Count to 400, slowly.");
    await frame.locator(".markdown", { hasText: "Counting slowly: 1 2" }).waitFor({ timeout: 30_000 });
    await sleep(1500);
    await shot("b2-streaming");
    await frame.locator("#stop").click();
    await frame.locator(".stopped").waitFor({ timeout: 15_000 });
    await frame.locator("#send").waitFor({ state: "visible" });
    const streamed = await frame.locator(".turn").last().textContent();
    if (streamed.includes(" 399")) {
      throw new Error("the whole slow answer arrived: Stop did not cancel it");
    }
    await shot("b3-stopped");
  });

  await step("c reload keeps the session in the picker", 120, async () => {
    await command("Developer: Reload Window");
    await sleep(1500);
    await workbench().waitFor({ timeout: 60_000 });
    await until("the server again", async () => (await statusItem().count()) > 0, 60_000);
    await openChat();
    const frame = chatFrame();
    const options = frame.locator("#sessions option", { hasText: "Document add_tax" });
    await until("the session in the picker", async () => (await options.count()) > 0, 20_000);
    await frame.locator(".markdown", { hasText: "coupon is applied before tax" }).waitFor({ timeout: 20_000 });
    await shot("c1-after-reload");
  });

  await step("d a killed server restarts", 120, async () => {
    const before = await until("a running server", () => {
      const pids = serverPids(codeServer.pid);
      return pids.length ? pids : undefined;
    }, 20_000);
    for (const pid of before) {
      process.kill(pid, "SIGKILL");
    }
    log(`killed ${before.join(", ")}`);
    await until("a new server process", () => serverPids(codeServer.pid).some((p) => !before.includes(p)), 60_000);
    await until("the index status again", async () => (await statusItem().count()) > 0, 60_000);
    await model.queue("answer");
    await openChat();
    await ask("And after a restart?");
    await until("an answer from the restarted server",
      async () => (await chatFrame().locator(".markdown", { hasText: "coupon is applied before tax" }).count()) >= 2, 30_000);
    await chatFrame().locator("#send").waitFor({ state: "visible", timeout: 20_000 });
    await shot("d1-restarted");
  });
}

try {
  await withTimeout(main(), 12 * 60_000, "the e2e run");
} catch (error) {
  console.log(`FAIL setup: ${error.message}`);
  results.push(["setup", "failed"]);
  if (page) {
    await shot("setup-failure").catch(() => undefined);
  }
} finally {
  await browser?.close().catch(() => undefined);
  stopGroup(codeServer);
  model?.stop();
  writeFileSync(join(OUT, "code-server.log"), logLines.join(""));
  if (existsSync(join(dirs.userData, "logs"))) {
    cpSync(join(dirs.userData, "logs"), join(OUT, "logs"), { recursive: true }); // the Treewright output channel is in there
  }
  await sleep(500);
  rmSync(dirs.tmp, { recursive: true, force: true, maxRetries: 3 });
}
const passed = results.filter((r) => r[1] === "passed").length;
const failed = results.length - passed;
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed || passed === 0 ? 1 : 0);
