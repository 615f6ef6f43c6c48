// Bundles the extension (node, cjs, vscode external), the webview script (browser) and,
// with --tests, the unit tests; copies the codicon font for the webview.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync } from "node:fs";

const production = process.argv.includes("--production");
const tests = process.argv.includes("--tests");
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: "warning" };

mkdirSync("dist/codicons", { recursive: true });
cpSync("node_modules/@vscode/codicons/dist/codicon.css", "dist/codicons/codicon.css");
cpSync("node_modules/@vscode/codicons/dist/codicon.ttf", "dist/codicons/codicon.ttf");
cpSync("webview/chat.css", "dist/chat.css");

await build({ ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js",
  platform: "node", format: "cjs", target: "node20", external: ["vscode"] });
await build({ ...common, entryPoints: ["webview/main.ts"], outfile: "dist/webview.js",
  platform: "browser", format: "iife", target: "es2022" });

if (tests) {
  // Each test file becomes one bundle; pure modules never import vscode, so none is needed.
  const entryPoints = readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`);
  await build({ ...common, sourcemap: true, entryPoints, outdir: "out/test", platform: "node",
    format: "cjs", target: "node20", external: ["vscode"] });
}
