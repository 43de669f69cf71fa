// The long-window call for review and test generation: given files and line ranges (a diff's hunks,
// a function under test), pack in priority order (1) the definitions that enclose the ranges, whole,
// (2) the definitions they use from other files, (3) their callers, (4) an outline of the
// repository's highest-ranked symbols, until the budget (the window minus an output reserve) is
// spent. Deterministic for the same index and input.
import type { ContextSnippet } from '../context/types';
import type { RepoIndex } from './repoIndex';
import type { IndexedDefinition, LocatedDefinition } from './snippets';
import { compareText, namesUsed, resolveScope, type ResolveIndex, type Scored } from './resolve';

export interface PackRange {
  readonly path: string;
  /** 0-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
}

export type PackedKind = 'enclosing' | 'used' | 'caller' | 'outline';

/** A packed piece of context: a ContextSnippet whose kind says why it was packed. */
export interface PackedItem extends Omit<ContextSnippet, 'kind'> {
  readonly kind: PackedKind;
}

/** What the pack reads of the index: the index itself, or a view of it with some files as staged (overlay.ts). */
export type PackIndex = ResolveIndex & Pick<RepoIndex, 'filesUsing' | 'rank'>;

export interface PackSources {
  readonly estimate: (text: string) => number;
  readonly snippet: (def: LocatedDefinition) => IndexedDefinition | undefined;
  /** Lines of a file (0-based, inclusive); undefined when unreadable or a secret. */
  readonly lines: (path: string, from: number, to: number) => string | undefined;
}

const MAX_CALLERS_PER_SYMBOL = 8;
const OUTLINE_SYMBOLS = 400;
const ITEM_OVERHEAD_TOKENS = 12;

/**
 * What to pack besides the enclosing definitions (always packed: the rest is found from them);
 * `kinds` leaves out the others (a review uses only the definitions its hunks use, so it asks for
 * no callers or outline).
 */
export interface PackRequestOptions {
  readonly kinds?: readonly PackedKind[];
}

export function packForRanges(index: PackIndex, ranges: readonly PackRange[], budgetTokens: number, src: PackSources, opts: PackRequestOptions = {}): { items: PackedItem[]; tokens: number } {
  const wanted = new Set<PackedKind>(opts.kinds ?? ['enclosing', 'used', 'caller', 'outline']);
  const items: PackedItem[] = [];
  const taken = new Set<string>();
  let used = 0;
  const add = (kind: PackedKind, path: string, startLine: number, endLine: number, text: string, symbol?: string): boolean => {
    const key = `${path}:${startLine}:${endLine}`;
    if (taken.has(key)) return true;
    const tokens = src.estimate(text) + ITEM_OVERHEAD_TOKENS;
    if (used + tokens > budgetTokens) return false;
    taken.add(key);
    used += tokens;
    items.push({ kind, path, startLine, endLine, symbol, text, tokens });
    return true;
  };

  // 1. Enclosing definitions, whole (or the range itself at top level).
  const enclosing: LocatedDefinition[] = [];
  for (const r of ranges) {
    const defs = index.file(r.path)?.definitions ?? [];
    const inner = defs
      .filter((d) => d.startLine <= r.startLine && r.endLine <= d.endLine)
      .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
    const [from, to] = inner ? [inner.startLine, inner.endLine] : [r.startLine, r.endLine];
    const text = src.lines(r.path, from, to);
    if (text === undefined) continue;
    if (inner) enclosing.push(inner);
    add('enclosing', r.path, from, to, text, inner?.name);
  }

  // 2. Definitions from other files that the enclosing code uses, resolved as a completion's scope
  // is (resolve.ts: imports, Go's package, Python's mod.attr, members of the types in play), best
  // first; a definition more than one range needs counts at its best score.
  const rangePaths = new Set(ranges.map((r) => r.path));
  if (wanted.has('used')) {
    const best = new Map<string, Scored>();
    for (const it of [...items]) {
      const { scored } = resolveScope(index, {
        path: it.path, scopeText: it.text, uses: namesUsed(it.text), imports: index.file(it.path)?.imports ?? [], exclude: (p) => rangePaths.has(p),
      });
      for (const c of scored) {
        const key = `${c.def.path}:${c.def.startLine}:${c.def.name}`;
        if ((best.get(key)?.score ?? -Infinity) < c.score) best.set(key, c);
      }
    }
    const order = [...best.values()].sort((a, b) => b.score - a.score || compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine);
    for (const { def } of order) {
      const s = src.snippet(def);
      if (s) add('used', s.path, s.textStartLine, s.textEndLine, s.text, s.name);
    }
  }

  // 3. Callers: the definitions, in other files, that use the enclosing symbols.
  for (const def of wanted.has('caller') ? enclosing : []) {
    let n = 0;
    for (const path of [...index.filesUsing(def.name)].sort()) {
      if (path === def.path) continue;
      const f = index.file(path);
      const importLines = new Set(f?.imports.map((i) => i.line));
      for (const line of f?.referenceLines?.get(def.name) ?? []) {
        if (importLines.has(line)) continue; // importing a symbol is not calling it
        const caller = f!.definitions
          .filter((d) => d.startLine <= line && line <= d.endLine)
          .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
        const s = caller ? src.snippet(caller) : undefined;
        const text = s?.whole ? s.text : src.lines(path, Math.max(0, line - 3), line + 3);
        if (text !== undefined) add('caller', path, s?.whole ? s.textStartLine : Math.max(0, line - 3), s?.whole ? s.textEndLine : line + 3, text, caller?.name);
        if (++n >= MAX_CALLERS_PER_SYMBOL) break;
      }
      if (n >= MAX_CALLERS_PER_SYMBOL) break;
    }
  }

  // 4. Outline: signatures of the highest-ranked files' top-level symbols.
  if (!wanted.has('outline')) return { items, tokens: used };
  const ranks = index.rank([...rangePaths]);
  const files = [...ranks].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  let listed = 0;
  let misses = 0;
  for (const [path] of files) {
    if (listed >= OUTLINE_SYMBOLS || budgetTokens - used < ITEM_OVERHEAD_TOKENS + 4 || misses > 20) break;
    const top = (index.file(path)?.definitions ?? []).filter((d) => d.container === undefined);
    for (const d of top) {
      const s = src.snippet(d);
      if (!s) continue;
      const sig = s.text.split('\n')[0];
      if (!add('outline', path, s.textStartLine, s.textStartLine, sig, d.name)) {
        misses++;
        break;
      }
      listed++;
    }
  }
  return { items, tokens: used };
}
