import * as vscode from "vscode";

/** The instruction for an `edit` action, from an input box; undefined when dismissed or empty. */
export async function askInstruction(title: string, prompt: string, example: string): Promise<string | undefined> {
  const instruction = await vscode.window.showInputBox({ title, prompt, placeHolder: `e.g. ${example}`, ignoreFocusOut: true });
  return instruction || undefined;
}
