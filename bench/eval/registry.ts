// The context providers `npm run eval:context` compares.
//
// Adding one (Hearth's index, for instance): create bench/eval/providers/index.ts exporting
//
//   export const providers: ProviderEntry[] = [{ name: 'index', create: async (packageRoot, files) => … }];
//
// The runner imports that module when it exists and runs its entries after the baselines; nothing
// else needs editing. (Pushing onto PROVIDERS from code that runs before the runner works too.)
//
// `create(packageRoot, files)` is called once per package of the dev set, before its points:
//   packageRoot  absolute path of the package directory (the "repository")
//   files        its source files, package-relative with forward slashes: index exactly these
//                (a package can also ship compiled copies of them, which are not part of the dev set)
// `contextFor(cursor, budget)` then gets cursors whose `path` is package-relative in the same form,
// and must return snippets with that same kind of path and 0-based inclusive line numbers.
// Note that the file on disk still holds the target line: the editor's buffer (`cursor.prefix` and
// `cursor.suffix`) is the truth for the current file, as it would be for a file being edited.
// If the provider has a `dispose()` method, it is called after the package's points.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NO_CONTEXT, type ContextProvider } from '../../src/core/completion/types';
import { createOpenTabsProvider } from './openTabs';
import { createRepoMapProvider } from './providers/repoMap';

export interface ProviderEntry {
  /** Short, unique, used by `--provider`. */
  readonly name: string;
  /** One line for the report. */
  readonly description?: string;
  create(packageRoot: string, files: readonly string[]): Promise<ContextProvider>;
}

/** The baseline every figure of Hearth's providers is a ratio against. */
export const REPO_MAP = 'repo-map';

/** Hearth's own providers (bench/eval/providers/index.ts): their figures are shown as ratios against REPO_MAP. */
export const HEARTH_PROVIDERS: ReadonlySet<string> = new Set(['index', 'editor']);

export const PROVIDERS: ProviderEntry[] = [
  {
    name: 'none',
    description: 'no repository context (the floor: XDR = 0 by construction)',
    create: async () => NO_CONTEXT,
  },
  {
    name: 'open-tabs',
    description: 'Jaccard-ranked 60-line windows (stride 10) of the 20 nearest same-language files',
    create: (packageRoot, files) => createOpenTabsProvider(packageRoot, files),
  },
  {
    name: REPO_MAP,
    description: 'repo map (Aider\'s published idea, our implementation): tags → file graph → PageRank toward the cursor\'s file → ranked signatures fill the budget',
    create: (packageRoot, files) => createRepoMapProvider(packageRoot, files),
  },
];

/** Where extra providers are picked up from (see the top of this file). */
export const EXTRA_PROVIDERS_MODULE = join(__dirname, 'providers', 'index.ts');

/** The baselines, then the entries of bench/eval/providers/index.ts if that module exists. */
export async function loadProviders(extraModule = EXTRA_PROVIDERS_MODULE): Promise<ProviderEntry[]> {
  const all = [...PROVIDERS];
  if (existsSync(extraModule)) {
    const mod = (await import(pathToFileURL(extraModule).href)) as { providers?: ProviderEntry[]; default?: { providers?: ProviderEntry[] } };
    const extra = mod.providers ?? mod.default?.providers;
    if (!Array.isArray(extra)) throw new Error(`${extraModule} must export \`providers: ProviderEntry[]\``);
    all.push(...extra);
  }
  const seen = new Set<string>();
  for (const p of all) {
    if (seen.has(p.name)) throw new Error(`two context providers are named "${p.name}"`);
    seen.add(p.name);
  }
  return all;
}
