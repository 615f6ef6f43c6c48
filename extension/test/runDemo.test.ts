// `make run` with VS Code on PATH: a fake `code` records how it is called.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const EXTENSION = resolve(__dirname, "..", ".."); // the bundle runs from out/test/
const ROOT = resolve(EXTENSION, "..");

test("with `code` on PATH, make run installs the vsix into it and opens examples/demo", () => {
  const bin = mkdtempSync(join(tmpdir(), "treewright-fake-code-"));
  try {
    const calls = join(bin, "calls");
    writeFileSync(join(bin, "code"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${calls}"\n`);
    chmodSync(join(bin, "code"), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    delete env.TREEWRIGHT_CODE_SERVER;
    const out = execFileSync("bash", [join(EXTENSION, "e2e", "run-demo.sh")], { env, encoding: "utf8", timeout: 20_000 });
    assert.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [
      `--install-extension ${join(EXTENSION, "dist", "treewright.vsix")} --force`,
      join(ROOT, "examples", "demo"),
    ]);
    assert.match(out, /Treewright: Set API Key/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test("make run builds the vsix, then runs that script", () => {
  const plan = execFileSync("make", ["-n", "-C", EXTENSION, "run"], { encoding: "utf8", timeout: 20_000 });
  assert.match(plan, /vsce package .*-o dist\/treewright\.vsix/);
  assert.match(plan, /^bash e2e\/run-demo\.sh$/m);
});
