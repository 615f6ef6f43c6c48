// The status bar text for `treewright/indexStatus`, summed over workspace folders.

export interface IndexStatus {
  state: "indexing" | "ready";
  folder?: string;
  files: number;
  symbols: number;
  ms: number;
  total?: number;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

const count = (n: number) => n.toLocaleString("en-US");

export class IndexStatusBook {
  private byFolder = new Map<string, IndexStatus>();

  update(status: IndexStatus): void {
    this.byFolder.set(status.folder ?? "", status);
  }

  clear(): void {
    this.byFolder.clear();
  }

  text(): StatusText | undefined {
    const all = [...this.byFolder.values()];
    if (all.length === 0) {
      return undefined;
    }
    const indexing = all.filter((s) => s.state === "indexing");
    if (indexing.length > 0) {
      const done = indexing.reduce((n, s) => n + s.files, 0);
      const total = indexing.reduce((n, s) => n + (s.total ?? s.files), 0);
      return {
        text: total > 0 ? `$(sync~spin) Indexing ${count(done)}/${count(total)}` : "$(sync~spin) Indexing",
        tooltip: "Treewright is indexing the workspace. Click to open the chat.",
      };
    }
    const symbols = all.reduce((n, s) => n + s.symbols, 0);
    const files = all.reduce((n, s) => n + s.files, 0);
    const ms = all.reduce((n, s) => n + s.ms, 0);
    return {
      text: `$(symbol-class) ${count(symbols)} symbols`,
      tooltip: `Treewright: ${count(files)} files, ${count(symbols)} symbols indexed in ${count(Math.round(ms))} ms. Click to open the chat.`,
    };
  }
}
