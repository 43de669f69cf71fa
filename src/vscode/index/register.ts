// The repository index in the editor: built in the background after activation (status bar
// progress, cancellable), kept current from file events and from the active editor's unsaved
// text, and offered to completions as their repository context, with windows from open tabs and
// recent edits after the index's definitions. A failing index never blocks
// completions: they simply get no repository context. In Restricted Mode nothing of this starts
// (no walk, no git, no parsing): a cloned repository's git config can name commands git would run,
// so the index waits until the user trusts the folder.
import * as vscode from 'vscode';
import { NO_CONTEXT, type ContextProvider } from '../../core/context/types';
import type { Logger } from '../../core/log';
import type { PrivacyGate } from '../../node/privacy/gate';
import { openWorkspace, type Workspace } from '../../node/workspace';
import { COMMANDS } from '../ids';
import { trackOpenTabs } from './openTabs';

const BUFFER_DEBOUNCE_MS = 400;
/** Progress on the status bar changes at most this often: each report is a message to the window. */
const PROGRESS_MS = 250;

export interface IndexFeature {
  readonly context: ContextProvider;
  /**
   * The gate the index judges its folder's files by (it knows how the walk listed them), once the
   * index runs; the file at the cursor is judged by the same one.
   */
  gate(): PrivacyGate | undefined;
  /** The live index's workspace (its root is the folder's path), for the review's long-window pack. */
  workspace(): Workspace | undefined;
}

export function registerIndex(context: vscode.ExtensionContext, logger: Logger): IndexFeature {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (!folder) return { context: NO_CONTEXT, gate: () => undefined, workspace: () => undefined };
  let live: LiveIndex | undefined;
  const changedAll = new vscode.EventEmitter<void>();
  context.subscriptions.push(changedAll);
  const start = () => { live ??= startIndex(context, logger, folder, () => changedAll.fire()); };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.reindex, () => (live ? live.build() : askForTrust())),
    vscode.commands.registerCommand(COMMANDS.cancelIndexing, () => live?.cancel()),
  );
  if (vscode.workspace.isTrusted) start();
  else context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(start));
  return {
    context: {
      contextFor: (cursor, budget, signal) => (live ? live.context.contextFor(cursor, budget, signal) : NO_CONTEXT.contextFor(cursor, budget, signal)),
      changeReason: () => live?.context.changeReason?.(),
      onDidChangeAll: (listener) => changedAll.event(listener),
    },
    gate: () => live?.gate,
    workspace: () => live?.workspace,
  };
}

/** Only for the user's own Rebuild command: say why there is no index rather than do nothing. */
function askForTrust(): void {
  void vscode.window.showInformationMessage('Hearth indexes the repository only in a trusted folder (indexing runs git).', 'Manage Workspace Trust')
    .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
}

interface LiveIndex {
  readonly context: ContextProvider;
  readonly gate: PrivacyGate;
  readonly workspace: Workspace;
  build(): void;
  cancel(): void;
}

/** `built` is called after each build that ends (not cancelled): the context held while it ran is chosen anew. */
function startIndex(context: vscode.ExtensionContext, logger: Logger, folder: vscode.WorkspaceFolder, built: () => void): LiveIndex {
  const root = folder.uri.fsPath;
  const cacheFile = context.storageUri ? vscode.Uri.joinPath(context.storageUri, 'index-cache.json').fsPath : undefined;
  if (context.storageUri) void vscode.workspace.fs.createDirectory(context.storageUri).then(undefined, () => undefined);

  let report: ((done: number, total: number) => void) | undefined;
  const workspace = openWorkspace({ root, cacheFile, logger, onProgress: (d, t) => report?.(d, t) });
  const { service, context: editorContext } = workspace;
  let cancel: AbortController | undefined;

  const build = () => {
    cancel?.abort();
    const controller = new AbortController();
    cancel = controller;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Hearth: indexing' }, async (progress) => {
      let lastPct = -1;
      let lastAt = 0;
      report = (done, total) => {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        const now = performance.now();
        if (pct === lastPct || (now - lastAt < PROGRESS_MS && done < total)) return;
        lastPct = pct;
        lastAt = now;
        progress.report({ message: `${pct}% (${done}/${total} files)` });
      };
      try {
        await service.build(controller.signal);
        if (!controller.signal.aborted) built();
      } catch (e) {
        logger.error(`Indexing failed: ${e instanceof Error ? e.message : String(e)}. Completions continue without repository context.`);
      } finally {
        report = undefined;
      }
    });
  };

  const rel = (uri: vscode.Uri): string | undefined => {
    if (uri.scheme !== 'file') return undefined;
    const r = vscode.workspace.asRelativePath(uri, false);
    return r === uri.fsPath ? undefined : r.replace(/\\/g, '/');
  };
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const later = (key: string, ms: number, fn: () => Promise<void> | void) => {
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      Promise.resolve(fn()).catch((e) => logger.warn(`Index update of ${key} failed: ${String(e)}`));
    }, ms));
  };

  const tabs = trackOpenTabs(context, editorContext.similar, rel, (p) => service.index.file(p) !== undefined);
  const provider: ContextProvider = {
    contextFor: async (cursor, budget) => {
      tabs.refresh();
      return editorContext.assemble(cursor, budget);
    },
    changeReason: () => editorContext.changeReason(),
  };

  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
  const onChanged = (uri: vscode.Uri) => { const p = rel(uri); if (p) later(p, 100, () => service.updateFile(p)); };
  const onDeleted = (uri: vscode.Uri) => {
    const p = rel(uri);
    if (!p) return;
    // A deleted folder arrives as one event: drop everything below it too.
    for (const q of [...service.index.paths()]) if (q === p || q.startsWith(`${p}/`)) service.removeFile(q);
  };

  // Let the editor finish starting first: indexing is background work.
  const first = setTimeout(build, 500);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(onChanged),
    watcher.onDidChange(onChanged),
    watcher.onDidDelete(onDeleted),
    vscode.workspace.onDidRenameFiles((e) => {
      for (const f of e.files) {
        const from = rel(f.oldUri);
        const to = rel(f.newUri);
        if (from && to) later(to, 100, () => service.renameFile(from, to));
      }
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const p = rel(e.document.uri);
      if (!p || e.document !== vscode.window.activeTextEditor?.document || e.contentChanges.length === 0) return;
      later(`buffer:${p}`, BUFFER_DEBOUNCE_MS, () => service.updateBuffer(p, e.document.getText()));
    }),
    { dispose: () => { clearTimeout(first); cancel?.abort(); for (const t of pending.values()) clearTimeout(t); void workspace.dispose(); } },
  );
  return { context: provider, gate: service.gate, workspace, build, cancel: () => { cancel?.abort(); logger.info('Indexing cancelled.'); } };
}
