import assert from "node:assert/strict";
import { test } from "node:test";
import { discoverPython } from "../src/pythonDiscovery";

const venv = "/w/.venv/bin/python";

test("the setting wins over everything", async () => {
  const choice = await discoverPython({ setting: " /opt/py/bin/python3 ", workspaceFolders: ["/w"], exists: () => true, pythonExtension: async () => "/ext/python", platform: "linux" });
  assert.deepEqual(choice, { path: "/opt/py/bin/python3", source: "setting" });
});

test("then the workspace's .venv", async () => {
  const choice = await discoverPython({ workspaceFolders: ["/other", "/w"], exists: (p) => p === venv, pythonExtension: async () => "/ext/python", platform: "linux" });
  assert.deepEqual(choice, { path: venv, source: "workspace .venv" });
});

test("then the Python extension's interpreter", async () => {
  const choice = await discoverPython({ setting: "", workspaceFolders: ["/w"], exists: () => false, pythonExtension: async () => "/ext/python", platform: "linux" });
  assert.deepEqual(choice, { path: "/ext/python", source: "Python extension" });
});

test("then python3, also when the Python extension is absent, silent or failing", async () => {
  for (const pythonExtension of [undefined, async () => undefined, async () => { throw new Error("boom"); }]) {
    const choice = await discoverPython({ workspaceFolders: ["/w"], exists: () => false, pythonExtension, platform: "linux" });
    assert.deepEqual(choice, { path: "python3", source: "default" });
  }
});

test("Windows layout of a venv", async () => {
  const choice = await discoverPython({ workspaceFolders: ["C:\\w"], exists: (p) => p === "C:\\w\\.venv\\Scripts\\python.exe", platform: "win32" });
  assert.deepEqual(choice, { path: "C:\\w\\.venv\\Scripts\\python.exe", source: "workspace .venv" });
});
