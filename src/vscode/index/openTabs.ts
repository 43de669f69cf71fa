// Feeds the similar-windows source from the editor: the text tabs that are open, most recently
// active first, and where the user edits. Only files the index admitted (through the same gate as
// the walk: not ignored, not secret-looking) are offered, so a tab never smuggles a file into a
// prompt that the index would have refused.
import * as vscode from 'vscode';
import type { OpenDocument, SimilarWindows } from '../../core/index/similar';

export interface OpenTabsSource {
  /** Brings the open documents up to date; cheap enough to call before every completion. */
  refresh(): void;
}

export function trackOpenTabs(
  context: vscode.ExtensionContext,
  similar: SimilarWindows,
  rel: (uri: vscode.Uri) => string | undefined,
  admitted: (path: string) => boolean,
): OpenTabsSource {
  /** Document URIs, most recently active first. */
  let recent: string[] = [];
  const activated = (editor: vscode.TextEditor | undefined) => {
    if (!editor) return;
    const key = editor.document.uri.toString();
    recent = [key, ...recent.filter((k) => k !== key)].slice(0, 64);
  };
  activated(vscode.window.activeTextEditor);

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(activated),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const path = rel(e.document.uri);
      if (!path || e.contentChanges.length === 0 || !admitted(path)) return;
      similar.recordEdit(path, e.contentChanges[0].range.start.line);
    }),
  );

  return {
    refresh() {
      const byUri = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : undefined))
        .filter((k): k is string => k !== undefined);
      const rank = (k: string) => { const i = recent.indexOf(k); return i < 0 ? recent.length : i; };
      const ordered = [...new Set(tabs)].sort((a, b) => rank(a) - rank(b));
      const docs: OpenDocument[] = [];
      for (const key of ordered) {
        const doc = byUri.get(key);
        const path = doc && rel(doc.uri);
        if (!doc || !path || !admitted(path)) continue;
        docs.push({ path, languageId: doc.languageId, version: doc.version, text: () => doc.getText() });
      }
      similar.setDocuments(docs);
    },
  };
}
