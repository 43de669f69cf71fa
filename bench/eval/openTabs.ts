// The "open tabs" baseline, as Copilot gathers neighbouring-tab context: the 20 other files of the
// cursor's language nearest to it in the directory tree stand for the open tabs; each is cut into
// 60-line windows sliding by 10 lines; windows are ranked by the Jaccard similarity of their set of
// identifier tokens with the ~60 lines around the cursor (50 before, the cursor line, 9 after); the
// best windows are packed, without overlapping another packed window of the same file, while their
// tokens fit the budget.
//
// "Nearest in the directory tree": fewest directory steps between the two files' folders (up to the
// common ancestor, then down), ties broken by path. Deterministic, unlike modification times, which
// in node_modules are the install time.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { languageIdForPath } from '../../src/core/text/cursorText';
import type { ContextProvider, ContextSnippet, CursorContext } from '../../src/core/completion/types';
import { TokenEstimator } from '../../src/core/model/tokens';
import { identifierTokens as coreTokens, jaccard } from '../../src/core/index/similar';
export { jaccard };

export interface OpenTabsOptions {
  readonly maxFiles: number;
  readonly windowLines: number;
  readonly stride: number;
  readonly linesBefore: number;
  readonly linesAfter: number;
}

export const OPEN_TABS_DEFAULTS: OpenTabsOptions = { maxFiles: 20, windowLines: 60, stride: 10, linesBefore: 50, linesAfter: 9 };

const KEYWORDS = new Set((
  'abstract any as async await boolean break case catch class const constructor continue debugger declare default delete do else enum export extends '
  + 'false finally for from function get if implements import in instanceof interface is keyof let module namespace never new null number object of '
  + 'package private protected public readonly require return set static string super switch symbol this throw true try type typeof undefined unique '
  + 'unknown var void while with yield'
).split(' '));

/** Identifier tokens of a text, keywords left out (the baseline's own keyword list). */
export function identifierTokens(text: string): Set<string> {
  return coreTokens(text, KEYWORDS);
}

/** Directory steps between the folders of two forward-slash paths. */
export function treeDistance(a: string, b: string): number {
  const da = posix.dirname(a).split('/').filter((s) => s !== '.' && s !== '');
  const db = posix.dirname(b).split('/').filter((s) => s !== '.' && s !== '');
  let common = 0;
  while (common < da.length && common < db.length && da[common] === db[common]) common++;
  return da.length - common + (db.length - common);
}

interface Window { readonly start: number; readonly end: number; readonly tokens: ReadonlySet<string> }
interface TabFile { readonly path: string; readonly languageId: string; readonly lines: readonly string[]; readonly windows: readonly Window[] }

export class OpenTabsProvider implements ContextProvider {
  private readonly files: TabFile[];
  private readonly estimator = new TokenEstimator();
  private readonly nearestCache = new Map<string, TabFile[]>();

  /** `files`: package-relative paths with their text. */
  constructor(files: ReadonlyArray<{ path: string; text: string }>, private readonly opts: OpenTabsOptions = OPEN_TABS_DEFAULTS) {
    this.files = files.map(({ path, text }) => {
      const lines = text.replace(/\r\n/g, '\n').split('\n');
      const windows: Window[] = [];
      for (let start = 0; ; start += opts.stride) {
        const end = Math.min(lines.length, start + opts.windowLines) - 1;
        windows.push({ start, end, tokens: identifierTokens(lines.slice(start, end + 1).join('\n')) });
        if (end >= lines.length - 1) break;
      }
      return { path, languageId: languageIdForPath(path), lines, windows };
    });
  }

  /** The files that stand for the open tabs at `path`. */
  neighbours(path: string, languageId: string): TabFile[] {
    const key = `${languageId}\0${path}`;
    let n = this.nearestCache.get(key);
    if (!n) {
      n = this.files
        .filter((f) => f.path !== path && f.languageId === languageId)
        .map((f) => ({ f, d: treeDistance(path, f.path) }))
        .sort((a, b) => a.d - b.d || (a.f.path < b.f.path ? -1 : a.f.path > b.f.path ? 1 : 0))
        .slice(0, this.opts.maxFiles)
        .map((x) => x.f);
      this.nearestCache.set(key, n);
    }
    return n;
  }

  async contextFor(cursor: CursorContext, budgetTokens: number, signal?: AbortSignal): Promise<readonly ContextSnippet[]> {
    const before = cursor.prefix.split('\n').slice(-(this.opts.linesBefore + 1)).join('\n');
    const after = cursor.suffix.split('\n', this.opts.linesAfter + 1).join('\n');
    const query = identifierTokens(before + after);
    const scored: { file: TabFile; w: Window; score: number }[] = [];
    for (const file of this.neighbours(cursor.path, cursor.languageId)) {
      for (const w of file.windows) {
        const score = jaccard(query, w.tokens);
        if (score > 0) scored.push({ file, w, score });
      }
    }
    scored.sort((a, b) => b.score - a.score || (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : a.w.start - b.w.start));
    const out: ContextSnippet[] = [];
    const taken = new Map<string, Window[]>();
    let left = budgetTokens;
    for (const { file, w } of scored) {
      if (signal?.aborted || left <= 0) break;
      const mine = taken.get(file.path) ?? [];
      if (mine.some((o) => o.start <= w.end && w.start <= o.end)) continue;
      const text = file.lines.slice(w.start, w.end + 1).join('\n');
      const tokens = this.estimator.estimate(text);
      if (tokens > left) continue;
      left -= tokens;
      mine.push(w);
      taken.set(file.path, mine);
      out.push({ kind: 'similar', path: file.path, startLine: w.start, endLine: w.end, text, tokens });
    }
    return out;
  }
}

/** Reads the package's files once (what the tabs hold) and returns the provider. */
export async function createOpenTabsProvider(packageRoot: string, files: readonly string[], opts: OpenTabsOptions = OPEN_TABS_DEFAULTS): Promise<ContextProvider> {
  return new OpenTabsProvider(files.map((path) => ({ path, text: readFileSync(join(packageRoot, path), 'utf8') })), opts);
}
