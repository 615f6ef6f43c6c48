// Which Python runs the server: the user's setting, then the workspace's virtual environment,
// then the Python extension's interpreter, then python3. Pure (file checks are injected) so
// the order is unit-tested.
import * as path from "node:path";

export type PythonSource = "setting" | "workspace .venv" | "Python extension" | "default";

export interface PythonChoice {
  path: string;
  source: PythonSource;
}

export interface DiscoveryInputs {
  setting?: string;
  workspaceFolders: string[];
  /** The interpreter the Python extension has selected, when that extension is installed. */
  pythonExtension?: () => Promise<string | undefined>;
  exists: (file: string) => boolean;
  platform?: NodeJS.Platform;
}

export function venvPython(venv: string, platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? path.win32.join(venv, "Scripts", "python.exe") : path.posix.join(venv, "bin", "python");
}

export async function discoverPython(inputs: DiscoveryInputs): Promise<PythonChoice> {
  const platform = inputs.platform ?? process.platform;
  const setting = inputs.setting?.trim();
  if (setting) {
    return { path: setting, source: "setting" };
  }
  for (const folder of inputs.workspaceFolders) {
    const candidate = venvPython(platform === "win32" ? path.win32.join(folder, ".venv") : path.posix.join(folder, ".venv"), platform);
    if (inputs.exists(candidate)) {
      return { path: candidate, source: "workspace .venv" };
    }
  }
  if (inputs.pythonExtension) {
    try {
      const selected = await inputs.pythonExtension();
      if (selected) {
        return { path: selected, source: "Python extension" };
      }
    } catch {
      // The Python extension failing must not stop the server: fall through to python3.
    }
  }
  return { path: platform === "win32" ? "python" : "python3", source: "default" };
}
