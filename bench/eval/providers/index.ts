// Hearth's tree-sitter index as an XDR provider: the package's files are parsed in the worker pool
// into a RepoIndex once per package; for each point the cursor's own file is re-indexed from the
// cursor's text (target line removed), as the editor does with the unsaved buffer, so the line being
// predicted never leaks in from the disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextProvider, CursorContext } from '../../../src/core/completion/types';
import { IndexContextProvider } from '../../../src/core/index/contextProvider';
import { RepoIndex } from '../../../src/core/index/repoIndex';
import { definitionSnippets, type IndexedDefinition } from '../../../src/core/index/snippets';
import { TokenEstimator } from '../../../src/core/model/tokens';
import { toIndexedFile } from '../../../src/node/index/indexService';
import { ParsePool } from '../../../src/node/index/parsePool';
import type { WalkedFile } from '../../../src/node/index/walk';
import { languageForPath } from '../../../src/node/treesitter/languages';
import type { ProviderEntry } from '../registry';

const pool = new ParsePool();

async function createIndexProvider(packageRoot: string, files: readonly string[]): Promise<ContextProvider & { dispose(): void }> {
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
  const snippets = (path: string): readonly IndexedDefinition[] | undefined => {
    const cached = snippetCache.get(path);
    if (cached) return cached;
    const f = index.file(path);
    if (!f) return undefined;
    const text = live.get(path) ?? readFileSync(join(packageRoot, path), 'utf8');
    const s = definitionSnippets(path, text, { language: f.language, definitions: f.definitions, references: [], imports: f.imports });
    snippetCache.set(path, s);
    return s;
  };
  const estimator = new TokenEstimator();
  const provider = new IndexContextProvider(index, { estimate: (t) => estimator.estimate(t), snippets });
  return {
    async contextFor(cursor: CursorContext, budget: number) {
      const language = languageForPath(cursor.path);
      if (language) {
        const text = cursor.prefix + cursor.suffix;
        const tags = await pool.parseText(cursor.path, language, text);
        live.set(cursor.path, text);
        snippetCache.delete(cursor.path);
        index.upsert(toIndexedFile(cursor.path, language, text.length, 0, tags));
      }
      return provider.assemble(cursor, budget);
    },
    dispose() { /* the pool is shared across packages and ends with the process */ },
  };
}

export const providers: ProviderEntry[] = [
  { name: 'index', description: 'Hearth: tree-sitter index, definitions of the names in the cursor\'s scope via imports and PageRank', create: createIndexProvider },
];

process.once('beforeExit', () => { void pool.dispose(); });
