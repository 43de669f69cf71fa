// The privacy gate for the document at the cursor: before its text can enter a completion prompt,
// the file is judged like any other path into a prompt (secret-looking name, ignored by git or
// .hearthignore, a link that leaves the workspace or leads to such a file). Verdicts are kept for a
// few seconds per document, so the keystroke path pays for git once, not on every key. In
// Restricted Mode git does not run: the .gitignore files are read instead.
import * as vscode from 'vscode';
import { GitRunner } from '../../node/git/gitRunner';
import { PrivacyGate, type PathVerdict } from '../../node/privacy/gate';

const VERDICT_TTL_MS = 10_000;

/** Schemes whose documents are files of the user's (or an untitled buffer); the rest are the editor's own. */
const FILE_SCHEMES: ReadonlySet<string> = new Set(['file', 'vscode-remote', 'vscode-notebook-cell']);

export class DocumentGate implements vscode.Disposable {
  private readonly verdicts = new Map<string, { at: number; verdict: Promise<PathVerdict> }>();
  private readonly gates = new Map<string, PrivacyGate>();
  private readonly subs: vscode.Disposable[];

  constructor() {
    const forget = () => { this.verdicts.clear(); };
    const watcher = vscode.workspace.createFileSystemWatcher('**/{.gitignore,.hearthignore}');
    this.subs = [
      watcher, watcher.onDidChange(forget), watcher.onDidCreate(forget), watcher.onDidDelete(forget),
      vscode.workspace.onDidGrantWorkspaceTrust(() => { this.gates.clear(); forget(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => { this.gates.clear(); forget(); }),
    ];
  }

  /** Whether the document's text may go into a prompt; the refusal says why in words. */
  admit(document: vscode.TextDocument): Promise<PathVerdict> {
    const key = document.uri.toString();
    const now = Date.now();
    const hit = this.verdicts.get(key);
    if (hit && now - hit.at < VERDICT_TTL_MS) return hit.verdict;
    const verdict = this.judge(document.uri).catch((e: unknown): PathVerdict => ({
      admitted: false, reason: 'outside', message: `could not check ${document.uri.fsPath} (${e instanceof Error ? e.message : String(e)}): Hearth never sends a file it could not check.`,
    }));
    this.verdicts.set(key, { at: now, verdict });
    return verdict;
  }

  private judge(uri: vscode.Uri): Promise<PathVerdict> {
    if (uri.scheme === 'untitled') return Promise.resolve({ admitted: true, path: uri.path });
    if (!FILE_SCHEMES.has(uri.scheme)) {
      return Promise.resolve({ admitted: false, reason: 'outside', message: `${uri.toString()} is not a file of yours (${uri.scheme}): Hearth never sends it to a model.` });
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const root = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
    return this.gateFor(root, folder !== undefined).admitFile(uri.fsPath);
  }

  private gateFor(root: string, inWorkspace: boolean): PrivacyGate {
    let gate = this.gates.get(root);
    if (!gate) {
      // git only for a workspace folder, and only once the user trusts it.
      const git = inWorkspace && vscode.workspace.isTrusted ? new GitRunner(root) : undefined;
      gate = new PrivacyGate(root, { git });
      this.gates.set(root, gate);
    }
    return gate;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
