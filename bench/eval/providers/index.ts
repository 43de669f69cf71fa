// Hearth's tree-sitter index as an XDR provider: the package's files are indexed by a workspace
// (src/node/workspace.ts, as the editor and the CLI open theirs) once per package; for each point
// the cursor's own file is re-indexed from the cursor's text (target line removed), as the editor
// does with the unsaved buffer, so the line being predicted never leaks in from the disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextProvider, CursorContext } from '../../../src/core/completion/types';
import type { ContextSnippet } from '../../../src/core/context/types';
import { EditorContextProvider } from '../../../src/core/index/editorContext';
import { SimilarWindows } from '../../../src/core/index/similar';
import { silentLogger } from '../../../src/core/log';
import { openWorkspace, type Workspace } from '../../../src/node/workspace';
import type { ProviderEntry } from '../registry';
import { OpenTabsProvider } from '../openTabs';
import { pointBuffers } from './buffers';

interface IndexProvider extends ContextProvider {
  readonly workspace: Workspace;
  /** Re-indexes the cursor's file from its text, as the editor does with the unsaved buffer. */
  refresh(cursor: CursorContext): Promise<void>;
  dispose(): Promise<void>;
}

async function createIndexProvider(packageRoot: string, files: readonly string[]): Promise<IndexProvider> {
  // Exactly the dev set's files, no git (node_modules is ignored by this repository), and no time
  // budget: the metric judges what is chosen, the same on every run.
  const workspace = openWorkspace({ root: packageRoot, files, git: null, logger: silentLogger, timeBudgetMs: Infinity });
  await workspace.build();
  const refresh = pointBuffers(workspace, packageRoot);
  return {
    workspace,
    refresh,
    async contextFor(cursor: CursorContext, budget: number) {
      await refresh(cursor);
      return workspace.definitions.assemble(cursor, budget);
    },
    dispose: () => workspace.dispose(),
  };
}

/**
 * What the editor sends: the index's definitions, then similar windows from open tabs, here the
 * same 20 nearest same-language files the open-tabs baseline stands for open tabs (no recent edits:
 * the dev set has no editing history).
 */
async function createEditorProvider(packageRoot: string, files: readonly string[]): Promise<ContextProvider & { dispose(): Promise<void> }> {
  const base = await createIndexProvider(packageRoot, files);
  const tabs = new OpenTabsProvider(files.map((path) => ({ path, text: readFileSync(join(packageRoot, path), 'utf8') })));
  const { definitions, estimate } = base.workspace;
  return {
    async contextFor(cursor: CursorContext, budget: number) {
      await base.refresh(cursor);
      // One SimilarWindows per point: each point stands for a fresh editor with its own tabs.
      const similar = new SimilarWindows(estimate);
      similar.setDocuments(tabs.neighbours(cursor.path, cursor.languageId).map((f) => ({ path: f.path, languageId: f.languageId, version: 1, text: () => f.lines.join('\n') })));
      return new EditorContextProvider(definitions, similar).assemble(cursor, budget);
    },
    dispose: base.dispose,
  };
}

/**
 * The long-window pack of review and test generation (packer.ts) at a point: the definition around
 * the cursor's line, from the buffer's text (the target line removed), then the definitions it uses
 * — the kinds both features ask for. Its budget holds the enclosing code too.
 */
async function createPackProvider(packageRoot: string, files: readonly string[]): Promise<ContextProvider & { dispose(): Promise<void> }> {
  const base = await createIndexProvider(packageRoot, files);
  return {
    async contextFor(cursor: CursorContext, budget: number) {
      await base.refresh(cursor);
      const text = cursor.prefix + cursor.suffix;
      const line = cursor.line ?? cursor.prefix.split('\n').length - 1;
      const { items } = await base.workspace.pack([{ path: cursor.path, startLine: line, endLine: line }], budget, { texts: new Map([[cursor.path, text]]), kinds: ['enclosing', 'used'] });
      return items.map((it): ContextSnippet => ({ ...it, kind: it.kind === 'enclosing' ? 'similar' : 'definition' }));
    },
    dispose: base.dispose,
  };
}

export const providers: ProviderEntry[] = [
  { name: 'index', description: 'Hearth: tree-sitter index, definitions of the names in the cursor\'s scope via imports and PageRank', create: createIndexProvider },
  { name: 'pack', description: 'Hearth\'s long-window pack, as review and test generation ask for it: the definition around the cursor, then the definitions it uses', create: createPackProvider },
  { name: 'editor', description: 'Hearth as the editor sends it: the index\'s definitions, then Jaccard windows of the 20 nearest files as open tabs', create: createEditorProvider },
];
