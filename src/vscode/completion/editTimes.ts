// When each open document was last edited, on the extension host's performance clock, so that the
// completion debounce counts from the keystroke rather than from the editor's later call to the
// provider (VS Code calls it tens of milliseconds after the edit, more when the host is busy).
import * as vscode from 'vscode';

const DOCUMENTS = 64;

export class EditTimes implements vscode.Disposable {
  private readonly last = new Map<string, { readonly version: number; readonly at: number }>();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly now: () => number = () => performance.now()) {
    this.subs = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const key = e.document.uri.toString();
        this.last.delete(key);
        if (this.last.size >= DOCUMENTS) this.last.delete(this.last.keys().next().value as string);
        this.last.set(key, { version: e.document.version, at: this.now() });
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.last.delete(d.uri.toString())),
    ];
  }

  /** When the edit that made the document's current version happened; undefined if not seen. */
  typedAt(document: vscode.TextDocument): number | undefined {
    const e = this.last.get(document.uri.toString());
    return e && e.version === document.version ? e.at : undefined;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.last.clear();
  }
}
