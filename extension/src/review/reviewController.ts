// Per-hunk review: VS Code's diff editor between the document as it is and the proposed text
// (served under the `treewright-proposal:` scheme), Accept/Reject CodeLenses per hunk, and the
// commands behind them. Only the server's workspace edit, sent on Accept, changes a document.
import * as fs from "node:fs";
import * as vscode from "vscode";
import { ServerManager, messageOf } from "../languageServer";
import { ApplyResult, FileProposal, ProposalBook, ProposalDescription, hunkLenses, proposedText, sameFileUri } from "./proposalModel";

export const SCHEME = "treewright-proposal";

interface ReviewTarget {
  proposalId: string;
  fileUri: string;
  /** The left side of a created file: nothing. */
  empty: boolean;
}

export function reviewUri(proposalId: string, file: FileProposal, empty = false): vscode.Uri {
  const query = new URLSearchParams({ p: proposalId, f: file.uri, ...(empty ? { e: "1" } : {}) }).toString();
  return vscode.Uri.from({ scheme: SCHEME, path: "/" + file.path, query });
}

export function parseReviewUri(uri: vscode.Uri): ReviewTarget | undefined {
  if (uri.scheme !== SCHEME) {
    return undefined;
  }
  const q = new URLSearchParams(uri.query);
  const proposalId = q.get("p");
  const fileUri = q.get("f");
  return proposalId && fileUri ? { proposalId, fileUri, empty: q.get("e") === "1" } : undefined;
}

export class ReviewController implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  readonly book = new ProposalBook();
  private readonly contentEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly proposalEmitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.contentEmitter.event;
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  /** A proposal's hunks changed state (the chat's card shows the counts). */
  readonly onDidChangeProposal = this.proposalEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly server: ServerManager) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: SCHEME }, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document.uri)),
      // A diff editor can show its proposed side before that side's lenses are asked for:
      // in CI's e2e, reviews opened now and then with no Accept/Reject lenses at all.
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        if (editors.some((e) => e.document.uri.scheme === SCHEME)) {
          this.lensEmitter.fire();
        }
      }),
      vscode.commands.registerCommand("treewright.review", (proposalId: string) => this.review(proposalId)),
      vscode.commands.registerCommand("treewright.acceptHunk", (proposalId: string, hunkId: string) => this.accept(proposalId, [hunkId])),
      vscode.commands.registerCommand("treewright.rejectHunk", (proposalId: string, hunkId: string) => this.reject(proposalId, [hunkId])),
      vscode.commands.registerCommand("treewright.acceptFile", (uri?: vscode.Uri) => this.decideFile(uri, "accept")),
      vscode.commands.registerCommand("treewright.rejectFile", (uri?: vscode.Uri) => this.decideFile(uri, "reject")),
      vscode.commands.registerCommand("treewright.acceptAll", (proposalId: string) => this.accept(proposalId, undefined, false)),
      vscode.commands.registerCommand("treewright.rejectAll", (proposalId: string) => this.reject(proposalId, undefined)),
      vscode.commands.registerCommand("treewright.showConflict", (message: string) => vscode.window.showWarningMessage(message)),
    );
  }

  // ---- the proposal ----------------------------------------------------------------------

  async fetch(proposalId: string): Promise<ProposalDescription> {
    // Pending hunks of a file that is gone arrive with `conflict` set by the server.
    const description = await this.server.request<ProposalDescription>("treewright/proposal", { proposalId });
    this.book.set(description);
    this.changed(proposalId);
    return description;
  }

  private changed(proposalId: string): void {
    for (const file of this.book.get(proposalId)?.files ?? []) {
      this.contentEmitter.fire(reviewUri(proposalId, file));
    }
    this.lensEmitter.fire();
    this.proposalEmitter.fire(proposalId);
  }

  /** The user typed in a file under review: hunk ranges moved, so ask the server again. */
  private documentChanged(uri: vscode.Uri): void {
    if (uri.scheme !== "file") {
      return;
    }
    for (const id of this.reviewing()) {
      if (!this.book.file(id, uri.toString())) {
        continue;
      }
      clearTimeout(this.refreshTimers.get(id));
      this.refreshTimers.set(id, setTimeout(() => {
        this.refreshTimers.delete(id);
        this.fetch(id).catch(() => undefined);
      }, 150));
    }
  }

  private reviewing(): string[] {
    const ids = new Set<string>();
    for (const doc of vscode.workspace.textDocuments) {
      const target = parseReviewUri(doc.uri);
      if (target) {
        ids.add(target.proposalId);
      }
    }
    return [...ids];
  }

  // ---- what the diff editor shows -------------------------------------------------------

  private currentText(fileUri: string): string | undefined {
    const open = vscode.workspace.textDocuments.find((d) => sameFileUri(d.uri.toString(), fileUri));
    if (open) {
      return open.getText();
    }
    try {
      return fs.readFileSync(vscode.Uri.parse(fileUri).fsPath, "utf8");
    } catch {
      return undefined;
    }
  }

  private proposal(target: ReviewTarget) {
    const file = this.book.file(target.proposalId, target.fileUri);
    if (!file) {
      return undefined;
    }
    const current = file.change === "create" ? "" : this.currentText(target.fileUri);
    return { file, current, proposed: proposedText(current ?? "", file.hunks) };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const target = parseReviewUri(uri);
    if (!target || target.empty) {
      return "";
    }
    const found = this.proposal(target);
    if (!found) {
      return "";
    }
    return found.proposed.text;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const target = parseReviewUri(document.uri);
    const found = target && !target.empty ? this.proposal(target) : undefined;
    if (!target || !found) {
      return [];
    }
    return hunkLenses(found.file, found.proposed.spans).map((spec) => {
      const line = Math.min(spec.line, Math.max(0, document.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      const command: vscode.Command =
        spec.command === "accept" ? { title: spec.title, command: "treewright.acceptHunk", arguments: [target.proposalId, spec.hunkId] }
        : spec.command === "reject" ? { title: spec.title, command: "treewright.rejectHunk", arguments: [target.proposalId, spec.hunkId] }
        : { title: spec.title, command: "treewright.showConflict", arguments: [spec.title.replace(/^\$\(warning\) /, "")] };
      return new vscode.CodeLens(range, command);
    });
  }

  // ---- commands ------------------------------------------------------------------------

  async review(proposalId: string): Promise<void> {
    try {
      const description = await this.fetch(proposalId);
      const files = description.files.filter((f) => f.hunks.some((h) => h.state === "pending"));
      if (files.length === 0) {
        void vscode.window.showInformationMessage("Every change of this proposal is already accepted or rejected.");
        return;
      }
      for (const [i, file] of files.entries()) {
        const right = reviewUri(proposalId, file);
        const left = file.change === "create" ? reviewUri(proposalId, file, true) : vscode.Uri.parse(file.uri);
        if (file.change !== "create" && this.currentText(file.uri) === undefined) {
          void vscode.window.showWarningMessage(`${file.path} no longer exists: its changes cannot be applied.`);
          continue;
        }
        await vscode.commands.executeCommand("vscode.diff", left, right, `${file.path} ↔ Treewright: ${description.title}`, {
          preview: false,
          preserveFocus: i < files.length - 1,
        });
      }
      // And once more now that the diff editors exist.
      this.lensEmitter.fire();
    } catch (error) {
      void vscode.window.showErrorMessage(`Treewright: cannot review the proposal: ${messageOf(error)}`);
    }
  }

  async accept(proposalId: string, hunkIds: string[] | undefined, reviewed = true): Promise<ApplyResult | undefined> {
    try {
      const args = { proposalId, ...(hunkIds ? { hunkIds } : {}) };
      const result = reviewed
        ? await this.server.applyReviewed<ApplyResult>(args)
        : await this.server.command<ApplyResult>("treewright.applyProposal", args);
      this.book.applied(proposalId, result);
      if (result.conflicts.length) {
        const reasons = result.conflicts.map((c) => c.reason).join("; ");
        void vscode.window.showWarningMessage(`Treewright could not apply ${result.conflicts.length === 1 ? "a change" : `${result.conflicts.length} changes`}: ${reasons}`);
      }
      await this.afterDecision(proposalId);
      return result;
    } catch (error) {
      void vscode.window.showErrorMessage(`Treewright: accepting failed: ${messageOf(error)}`);
      return undefined;
    }
  }

  async reject(proposalId: string, hunkIds: string[] | undefined): Promise<void> {
    try {
      const result = await this.server.command<{ rejected: string[] }>("treewright.rejectProposal", { proposalId, ...(hunkIds ? { hunkIds } : {}) });
      this.book.rejected(proposalId, result.rejected);
      await this.afterDecision(proposalId);
    } catch (error) {
      void vscode.window.showErrorMessage(`Treewright: rejecting failed: ${messageOf(error)}`);
    }
  }

  private async decideFile(uri: vscode.Uri | undefined, decision: "accept" | "reject"): Promise<void> {
    const target = parseReviewUri(uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.Uri.parse("none:"));
    if (!target) {
      return;
    }
    const ids = this.book.pendingIds(target.proposalId, target.fileUri);
    if (ids.length === 0) {
      return;
    }
    if (decision === "accept") {
      await this.accept(target.proposalId, ids);
    } else {
      await this.reject(target.proposalId, ids);
    }
  }

  /** Refreshes from the server, and closes the diff of every file with nothing left to decide. */
  private async afterDecision(proposalId: string): Promise<void> {
    // Let the editor's didChange for the applied edit reach the server before asking again.
    await new Promise((r) => setTimeout(r, 50));
    await this.fetch(proposalId).catch(() => this.changed(proposalId));
    const done = (this.book.get(proposalId)?.files ?? []).filter((f) => !f.hunks.some((h) => h.state === "pending"));
    for (const file of done) {
      const right = reviewUri(proposalId, file).toString();
      for (const group of vscode.window.tabGroups.all) {
        for (const tab of group.tabs) {
          if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === right) {
            await vscode.window.tabGroups.close(tab);
          }
        }
      }
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.refreshTimers.forEach((t) => clearTimeout(t));
  }
}
