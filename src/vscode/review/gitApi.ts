// The repositories of this window, from VS Code's built-in git extension (`vscode.git`, API 1), which
// also knows submodules and nested repositories. Its types are not in @types/vscode: the few used
// here are written out. Without the extension (disabled, or git missing) the workspace folders stand
// in, and the review finds each one's repository itself.
import * as vscode from 'vscode';

interface GitRepository {
  readonly rootUri: vscode.Uri;
}

interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** How long to wait for the git extension to find its repositories. */
const INIT_WAIT_MS = 5_000;

/** Root folders to review: the git extension's repositories, else the workspace's file folders. */
export async function repositoryRoots(): Promise<string[]> {
  const fromGit = await gitRepositories().catch(() => undefined);
  if (fromGit && fromGit.length > 0) return fromGit;
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

async function gitRepositories(): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return undefined;
  const api = exports.getAPI(1); // throws when git is disabled
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { sub.dispose(); resolve(); }, INIT_WAIT_MS);
      const sub = api.onDidChangeState((s) => {
        if (s !== 'initialized') return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
  }
  return api.repositories.filter((r) => r.rootUri.scheme === 'file').map((r) => r.rootUri.fsPath);
}

/** The root among `roots` that holds `path` (the deepest, for a submodule inside its parent). */
export function rootOf(roots: readonly string[], fsPath: string): string | undefined {
  const sep = fsPath.includes('\\') ? '\\' : '/';
  return roots
    .filter((r) => fsPath === r || fsPath.startsWith(r.endsWith(sep) ? r : r + sep))
    .sort((a, b) => b.length - a.length)[0];
}
