// The privacy gate for the document at the cursor: before its text can enter a completion prompt,
// the file is judged like any other path into a prompt (secret-looking name, ignored by git or
// .hearthignore, a link that leaves the workspace or leads to such a file). Files of the indexed
// folder are judged by the index's own gate, so the two never disagree; other workspace folders
// get a gate of their own; a file outside every folder is judged in its own work tree, by its
// .gitignore files (no git runs for a folder the user has not trusted). Verdicts are kept per
// document and refreshed in the background, so the keystroke path pays for git once, not per key;
// and a document is judged as soon as its editor is shown, so not even its first key waits for git
// (measured while the editor starts: 0.2-0.8 s for that first verdict, git's start included).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { workTreeOf } from '../../node/fs/paths';
import { GitRunner } from '../../node/git/gitRunner';
import { PrivacyGate, type PathVerdict } from '../../node/privacy/gate';

/** After this, a verdict is checked again (in the background; the old one answers meanwhile). */
const VERDICT_REFRESH_MS = 10_000;

/** Schemes whose documents are files of the user's; the rest (output, git, settings, ...) are the editor's own. */
const FILE_SCHEMES: ReadonlySet<string> = new Set(['file', 'vscode-remote', 'vscode-notebook-cell']);

interface Kept { at: number; verdict: Promise<PathVerdict>; refreshing: boolean }

export class DocumentGate implements vscode.Disposable {
  private readonly verdicts = new Map<string, Kept>();
  private readonly gates = new Map<string, PrivacyGate>();
  private readonly subs: vscode.Disposable[];

  /** `indexGate`: the index's gate for its folder, once the index runs. */
  constructor(private readonly indexGate: () => PrivacyGate | undefined) {
    const forget = () => {
      this.verdicts.clear();
      this.judgeAhead(vscode.window.activeTextEditor);
    };
    const watcher = vscode.workspace.createFileSystemWatcher('**/{.gitignore,.hearthignore}');
    this.subs = [
      watcher, watcher.onDidChange(forget), watcher.onDidCreate(forget), watcher.onDidDelete(forget),
      vscode.workspace.onDidGrantWorkspaceTrust(() => { this.gates.clear(); forget(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => { this.gates.clear(); forget(); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.verdicts.delete(d.uri.toString())),
      vscode.window.onDidChangeActiveTextEditor((e) => this.judgeAhead(e)),
    ];
    this.judgeAhead(vscode.window.activeTextEditor);
  }

  /** Judges the document of an editor just shown, before anyone types in it. */
  private judgeAhead(editor: vscode.TextEditor | undefined): void {
    if (editor && FILE_SCHEMES.has(editor.document.uri.scheme)) void this.admit(editor.document);
  }

  /** Whether the document's text may go into a prompt; the refusal says why in words. */
  admit(document: vscode.TextDocument): Promise<PathVerdict> {
    const key = document.uri.toString();
    const kept = this.verdicts.get(key);
    if (!kept) {
      const verdict = this.judge(document.uri);
      this.verdicts.set(key, { at: Date.now(), verdict, refreshing: false });
      return verdict;
    }
    if (Date.now() - kept.at > VERDICT_REFRESH_MS && !kept.refreshing) {
      kept.refreshing = true;
      const next = this.judge(document.uri);
      void next.then(() => { if (this.verdicts.get(key) === kept) this.verdicts.set(key, { at: Date.now(), verdict: next, refreshing: false }); });
    }
    return kept.verdict;
  }

  private async judge(uri: vscode.Uri): Promise<PathVerdict> {
    try {
      if (uri.scheme === 'untitled') return { admitted: true, path: uri.path };
      if (!FILE_SCHEMES.has(uri.scheme)) {
        return { admitted: false, reason: 'outside', message: `${uri.toString()} is not a file of yours (${uri.scheme}): Hearth never sends it to a model.` };
      }
      return await (await this.gateFor(uri)).admitFile(uri.fsPath);
    } catch (e) {
      return { admitted: false, reason: 'outside', message: `${uri.fsPath} could not be checked (${e instanceof Error ? e.message : String(e)}): Hearth never sends a file it could not check to a model.` };
    }
  }

  private async gateFor(uri: vscode.Uri): Promise<PrivacyGate> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const indexed = this.indexGate();
    if (folder && indexed && indexed.root === folder.uri.fsPath) return indexed;
    const root = folder?.uri.fsPath ?? (await workTreeOf(uri.fsPath)) ?? dirname(uri.fsPath);
    let gate = this.gates.get(root);
    if (!gate) {
      // git only for a workspace folder, and only once the user trusts it.
      gate = new PrivacyGate(root, { git: folder && vscode.workspace.isTrusted ? new GitRunner(root) : undefined });
      this.gates.set(root, gate);
    }
    return gate;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
