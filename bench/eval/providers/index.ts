// Hearth's tree-sitter index as an XDR provider: the package's files are parsed in the worker pool
// into a RepoIndex once per package; for each point the cursor's own file is re-indexed from the
// cursor's text (target line removed), as the editor does with the unsaved buffer, so the line being
// predicted never leaks in from the disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextProvider, CursorContext } from '../../../src/core/completion/types';
import { IndexContextProvider } from '../../../src/core/index/contextProvider';
import { RepoIndex } from '../../../src/core/index/repoIndex';
import { definitionSnippets, type IndexedDefinition, type LocatedDefinition } from '../../../src/core/index/snippets';
import { TokenEstimator } from '../../../src/core/model/tokens';
import { toIndexedFile } from '../../../src/node/index/indexService';
import { ParsePool } from '../../../src/node/index/parsePool';
import type { WalkedFile } from '../../../src/node/index/walk';
import { languageForPath } from '../../../src/node/treesitter/languages';
import type { ProviderEntry } from '../registry';
import { OpenTabsProvider } from '../openTabs';
import { EditorContextProvider } from '../../../src/core/index/editorContext';
import { SimilarWindows } from '../../../src/core/index/similar';

const pool = new ParsePool();

interface IndexProvider extends ContextProvider {
  readonly definitions: IndexContextProvider;
  /** Re-indexes the cursor's file from its text, as the editor does with the unsaved buffer. */
  refresh(cursor: CursorContext): Promise<void>;
  dispose(): void;
}

async function createIndexProvider(packageRoot: string, files: readonly string[]): Promise<IndexProvider> {
  const index = new RepoIndex();
  const walked: WalkedFile[] = [];
  for (const path of files) {
    const language = languageForPath(path);
    if (!language) continue;
    const abs = join(packageRoot, path);
    walked.push({ path, abs, size: 0, mtimeMs: 0, language });
  }
  await pool.parseFiles(walked, (f, r) => { if (r.tags) index.upsert(toIndexedFile(f.path, f.language, 0, 0, r.tags)); });
  const live = new Map<string, string>();
  const snippetCache = new Map<string, readonly IndexedDefinition[]>();
  const snippet = (def: LocatedDefinition): IndexedDefinition | undefined => {
    let all = snippetCache.get(def.path);
    if (!all) {
      const f = index.file(def.path);
      if (!f) return undefined;
      const text = live.get(def.path) ?? readFileSync(join(packageRoot, def.path), 'utf8');
      all = definitionSnippets(def.path, text, { language: f.language, definitions: f.definitions, references: [], imports: f.imports });
      snippetCache.set(def.path, all);
    }
    return all.find((d) => d.startLine === def.startLine && d.name === def.name);
  };
  const estimator = new TokenEstimator();
  // No time budget: the metric judges what is chosen, the same on every run.
  const provider = new IndexContextProvider(index, { estimate: (t) => estimator.estimate(t), snippet, timeBudgetMs: Infinity });
  const refresh = async (cursor: CursorContext) => {
    const language = languageForPath(cursor.path);
    if (!language) return;
    const text = cursor.prefix + cursor.suffix;
    const tags = await pool.parseText(cursor.path, language, text);
    live.set(cursor.path, text);
    snippetCache.delete(cursor.path);
    index.upsert(toIndexedFile(cursor.path, language, text.length, 0, tags));
  };
  return {
    definitions: provider,
    refresh,
    async contextFor(cursor: CursorContext, budget: number) {
      await refresh(cursor);
      return provider.assemble(cursor, budget);
    },
    dispose() { /* the pool is shared across packages and ends with the process */ },
  };
}

/**
 * What the editor sends: the index's definitions, then similar windows from open tabs, here the
 * same 20 nearest same-language files the open-tabs baseline stands for open tabs (no recent edits:
 * the dev set has no editing history).
 */
async function createEditorProvider(packageRoot: string, files: readonly string[]): Promise<ContextProvider & { dispose(): void }> {
  const base = await createIndexProvider(packageRoot, files);
  const tabs = new OpenTabsProvider(files.map((path) => ({ path, text: readFileSync(join(packageRoot, path), 'utf8') })));
  const estimator = new TokenEstimator();
  return {
    async contextFor(cursor: CursorContext, budget: number) {
      await base.refresh(cursor);
      // One SimilarWindows per point: each point stands for a fresh editor with its own tabs.
      const similar = new SimilarWindows((t) => estimator.estimate(t));
      similar.setDocuments(tabs.neighbours(cursor.path, cursor.languageId).map((f) => ({ path: f.path, languageId: f.languageId, version: 1, text: () => f.lines.join('\n') })));
      return new EditorContextProvider(base.definitions, similar).assemble(cursor, budget);
    },
    dispose: base.dispose,
  };
}

export const providers: ProviderEntry[] = [
  { name: 'index', description: 'Hearth: tree-sitter index, definitions of the names in the cursor\'s scope via imports and PageRank', create: createIndexProvider },
  { name: 'editor', description: 'Hearth as the editor sends it: the index\'s definitions, then Jaccard windows of the 20 nearest files as open tabs', create: createEditorProvider },
];

process.once('beforeExit', () => { void pool.dispose(); });
