// Repository context for a completion: definitions, from other files, of the names used in the
// scope around the cursor — resolved through the file's imports where possible, else by name and
// rank — packed in priority order within a token budget; budget left after them goes to the
// compact signatures of definitions ranked toward the cursor's file (fillOrder.ts), so it is not
// left unused while related definitions exist. The result is the stable part of the
// prompt, so it is memoized per (file, enclosing scope) and changes only when the scope does or
// another file of the index changes, not with every keystroke.
import type { ContextProvider, ContextSnippet, CursorContext } from '../context/types';
import type { RepoIndex } from './repoIndex';
import { compactSnippet, type IndexedDefinition, type LocatedDefinition } from './snippets';
import { rankFill } from './fillOrder';
import { compareText, IMPORTED_ONLY, MAX_PER_NAME, nearest, resolveScope, TYPE_KINDS } from './resolve';
export type { IndexedDefinition };
export { importMatches, proximity } from './resolve';
import type { ImportSpec } from './tags';

const IDENT = /[A-Za-z_$][\w$]*/g;
/** Without an enclosing definition, the scope is the window of lines around the cursor, on anchored lines. */
const WINDOW_LINES = 40;
const MEMO_SIZE = 64;
const NONE: readonly ContextSnippet[] = Object.freeze([]);
/** The smallest a packed snippet can be: its file header (12) and one short line. */
const MIN_SNIPPET_TOKENS = 16;
/** Definitions in a row read for the budget left but too big for it, after which the filling stops. */
const MAX_FILL_MISSES = 12;
/** Longest line read for the names it uses. */
const MAX_LINE_CHARS = 2000;
/**
 * Largest share of the budget one definition may take whole: beyond it, its signature is packed
 * (XDR@4K +0.02–0.03 per language on the dev set: a few bodies crowded out many signatures).
 */
const WHOLE_SHARE = 0.02;
/** A type, or a constant or variable (a settings object, a table), is all shape: its fields are what the code goes on to use, so it may take more. */
const WHOLE_SHAPE_SHARE = 0.08;
const SHAPE_KINDS: ReadonlySet<string> = new Set(['interface', 'type', 'struct', 'enum', 'constant', 'variable']);
/** Lines of a header (signature, field declaration) read for the types it names. */
const HEADER_LINES = 4;

export interface IndexContextOptions {
  readonly estimate: (text: string) => number;
  /** A definition with its prompt-ready text, cut on demand by the caller; undefined if unreadable. */
  readonly snippet: (def: LocatedDefinition) => IndexedDefinition | undefined;
  /**
   * Milliseconds choosing the context of a scope may take (it reads definitions from disk); what is
   * chosen by then is used, and kept for the scope like any other choice. Default CONTEXT_TIME_BUDGET_MS.
   */
  readonly timeBudgetMs?: number;
  readonly now?: () => number;
}

/** How long choosing a scope's context may take on the keystroke path. */
export const CONTEXT_TIME_BUDGET_MS = 40;
/** Definitions read before the time budget may stop the reading: a slow moment never leaves a scope with no context. */
const MIN_READS = 4;

export interface CursorScope {
  /** Names the scope: the same key means the same context. */
  readonly key: string;
  /** 0-based line of the cursor. */
  readonly line: number;
  /** 0-based document lines of the scope, inclusive. */
  readonly from: number;
  readonly to: number;
}

interface Memo {
  readonly revision: number;
  readonly budget: number;
  readonly snippets: readonly ContextSnippet[];
  /** Chosen while a batch (a build) was under way: kept until that batch ends. */
  readonly inBatch?: number;
}

export class IndexContextProvider implements ContextProvider {
  private readonly memo = new Map<string, Memo>();
  private lastChange: string | undefined;

  private readonly now: () => number;

  constructor(private readonly index: RepoIndex, private readonly opts: IndexContextOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  async contextFor(cursor: CursorContext, budgetTokens: number): Promise<readonly ContextSnippet[]> {
    return this.assemble(cursor, budgetTokens);
  }

  /** Why the context was chosen anew the last time it was (for the log of prompt changes). */
  changeReason(): string | undefined {
    return this.lastChange;
  }

  /**
   * Synchronous core of contextFor, for benchmarks and the CLI. While the cursor stays in its
   * scope and no other file changes, it returns the same array (callers may compare identity).
   * While the index is being built, the context chosen for a scope is kept until the build ends:
   * it then changes once, rather than with each file the build adds.
   */
  assemble(cursor: CursorContext, budgetTokens: number, scope: CursorScope = this.scopeOf(cursor)): readonly ContextSnippet[] {
    if (budgetTokens <= 0) return NONE;
    const index = this.index;
    if (index.fileCount === 0 && !index.inBatch) return NONE;
    const hit = this.memo.get(scope.key);
    let reason: string;
    if (!hit) reason = 'the cursor entered this scope';
    else if (hit.budget !== budgetTokens) reason = 'the context budget changed';
    else if (hit.inBatch !== undefined) {
      if (index.inBatch && index.batch === hit.inBatch) return hit.snippets;
      reason = 'the index finished building';
    } else {
      const changed = index.changedSince(hit.revision);
      // The file being edited changes all the time; only other files invalidate its context.
      const others = changed === undefined ? undefined : [...changed].filter((p) => p !== cursor.path);
      if (others?.length === 0) return hit.snippets;
      reason = index.inBatch ? 'the index is being built'
        : others === undefined ? 'many files of the index changed'
        : `${others.length === 1 ? 'a file' : `${others.length} files`} of the index changed (${others.slice(0, 3).join(', ')})`;
    }
    const limit = this.opts.timeBudgetMs ?? CONTEXT_TIME_BUDGET_MS;
    const imports = index.file(cursor.path)?.imports ?? [];
    const { snippets, cut } = index.fileCount === 0 ? { snippets: NONE, cut: false } : this.compute(cursor, scope, imports, budgetTokens, this.now() + limit);
    if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value as string);
    const memo: Memo = { revision: index.revision, budget: budgetTokens, snippets, ...(index.inBatch ? { inBatch: index.batch } : {}) };
    this.memo.set(scope.key, memo);
    this.lastChange = cut ? `${reason}; cut at its ${limit} ms time budget` : reason;
    // Cut short on the keystroke path: finished off it, for the next request in this scope (one change, logged).
    if (cut) {
      setTimeout(() => {
        if (this.memo.get(scope.key) !== memo) return;
        const whole = this.compute(cursor, scope, imports, budgetTokens, Infinity).snippets;
        this.memo.set(scope.key, { ...memo, snippets: whole });
        this.lastChange = `the context cut at its ${limit} ms time budget was completed in the background`;
      }, 0);
    }
    return snippets;
  }

  /**
   * The code the context is chosen for: the smallest enclosing function-like definition, or else a
   * window of lines on anchored boundaries. `key` names it, so that context is recomputed only
   * when the cursor leaves it.
   */
  scopeOf(cursor: CursorContext): CursorScope {
    const line = cursor.line ?? countLines(cursor.prefix);
    const scope = this.index.file(cursor.path)?.definitions
      .filter((d) => d.startLine <= line && line <= d.endLine && d.kind !== 'class' && d.kind !== 'module' && d.kind !== 'namespace' && d.kind !== 'interface')
      .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
    const anchor = Math.floor(line / WINDOW_LINES) * WINDOW_LINES;
    const [from, to] = scope ? [scope.startLine, scope.endLine] : [anchor - WINDOW_LINES / 2, anchor + WINDOW_LINES * 1.5];
    return { key: `${cursor.path}\0${scope ? scope.startLine : anchor}`, line, from, to };
  }

  /**
   * Types on the cursor's syntax path that the scope's own text does not show: the headers of
   * every enclosing definition (`class Cache extends Store<Entry> implements Disposable`, the
   * signature of the method around a nested function), and the declared types of the enclosing
   * class's fields that the scope uses (`this.store.get(...)` needs `store: Map<Key, Entry>`).
   * They weigh as much as a name the file imports but the scope does not use (XDR@4K 0.712 →
   * 0.715 on the dev set, where imports already name most types; in Java, C# or Go a type of the
   * same package needs no import, and only this finds it).
   */
  private addSyntaxPathTypes(read: (from: number, to: number) => string, line: number, path: string, uses: Map<string, number>): void {
    const defs = this.index.file(path)?.definitions;
    if (!defs) return;
    const add = (from: number, to: number) => {
      for (const m of read(from, Math.min(to, from + HEADER_LINES)).matchAll(IDENT)) if (!uses.has(m[0])) uses.set(m[0], IMPORTED_ONLY);
    };
    const enclosing = defs.filter((d) => d.startLine <= line && line <= d.endLine);
    const containers = new Set<string>();
    for (const d of enclosing) {
      if (d.signatureEndLine < line) add(d.startLine, d.signatureEndLine);
      if (TYPE_KINDS.has(d.kind)) containers.add(d.name);
    }
    if (containers.size === 0) return;
    for (const f of defs) {
      if (f.kind === 'field' && f.container !== undefined && containers.has(f.container) && uses.has(f.name) && !(f.startLine <= line && line <= f.endLine)) add(f.startLine, f.signatureEndLine);
    }
  }

  /** The scope's context; `cut` when the deadline stopped the reading of definitions (after MIN_READS). */
  private compute(cursor: CursorContext, { line, from, to }: CursorScope, imports: readonly ImportSpec[], budget: number, deadline: number): { snippets: ContextSnippet[]; cut: boolean } {
    const index = this.index;
    const uses = new Map<string, number>();
    const read = scopeReader(cursor, line);
    for (const m of read(from, to).matchAll(IDENT)) uses.set(m[0], (uses.get(m[0]) ?? 0) + 1);
    this.addSyntaxPathTypes(read, line, cursor.path, uses);
    const { scored, near, folderIsPackage, imported, noise } = resolveScope(index, { path: cursor.path, scopeText: read(from, to), uses, imports });

    const window = cursor.prefix.slice(-20000) + cursor.suffix.slice(0, 8000);
    const chosen: ContextSnippet[] = [];
    /** Definitions packed, or too big even compact. */
    const seen = new Set<string>();
    /** Definitions too big whole. */
    const tried = new Set<string>();
    let used = 0;
    let reads = 0;
    /** Definitions of the scope's names in a row that did not fit what is left. */
    let sizeMisses = 0;
    let cut = false;
    /** Packs one definition, whole (as its snippet rule has it) or compact; false once nothing more can be packed. */
    const take = (located: LocatedDefinition, compact: boolean): boolean => {
      // Nothing fits in what is left (a snippet costs its header and a line at least): stop
      // rather than cut thousands of candidates that cannot be packed.
      if (budget - used < MIN_SNIPPET_TOKENS) return false;
      // Out of time: what is chosen so far is the context for now (reading definitions is the slow part).
      if (reads >= MIN_READS && this.now() > deadline) {
        cut = true;
        return false;
      }
      const id = `${located.path}:${located.startLine}:${located.name}`;
      if (seen.has(id) || (!compact && tried.has(id))) return true;
      // Already there inside a definition packed whole (a field of a small type).
      if (chosen.some((c) => c.path === located.path && c.startLine <= located.startLine && located.endLine <= c.endLine)) return true;
      reads++;
      const def = this.opts.snippet(located);
      if (!def) return true;
      // + 12: the file header around a snippet.
      const wholeTokens = compact ? Infinity : this.opts.estimate(def.text) + 12;
      // A large definition would crowd out many others that the scope needs: its signature, whole.
      const whole = wholeTokens <= budget * (SHAPE_KINDS.has(def.kind) ? WHOLE_SHAPE_SHARE : WHOLE_SHARE);
      const part = whole ? { text: def.text, startLine: def.textStartLine, endLine: def.textEndLine } : compactSnippet(def, compact ? undefined : Infinity);
      if (!part) return true;
      if (part.text.length > 20 && window.includes(part.text)) return true; // already in the prompt
      const tokens = whole ? wholeTokens : this.opts.estimate(part.text) + 12;
      if (used + tokens > budget) {
        // Too big whole: its signature may still fit, after everything the scope names.
        if (compact) seen.add(id);
        else if (!tried.has(id)) {
          tried.add(id);
          tooBig.push(located);
          sizeMisses++;
        }
        return true;
      }
      sizeMisses = 0;
      seen.add(id);
      used += tokens;
      const kind = whole && def.whole && def.kind !== 'function' && def.kind !== 'method' ? 'type' : 'definition';
      chosen.push({ kind, path: def.path, startLine: part.startLine, endLine: part.endLine, symbol: def.name, text: part.text, tokens });
      return true;
    };
    const tooBig: LocatedDefinition[] = [];
    let going = true;
    // Once a run of them no longer fits what is left, the rest of the scope's names go no better
    // (a declaration file names a thousand): on to the compact passes.
    for (const { def } of scored) if (!(going = take(def, false)) || sizeMisses >= MAX_FILL_MISSES * 2) break;
    // Budget left once the scope's names are resolved: definitions ranked toward the cursor's file,
    // compact, so that it is spent on as many of them as it holds.
    // What is left is often too little for most: give up after a run of definitions that do not fit
    // rather than read thousands of them.
    let misses = 0;
    const fits = (def: LocatedDefinition): boolean => {
      const [packed, read] = [chosen.length, reads];
      if (!take(def, true)) return false;
      if (chosen.length > packed) misses = 0;
      else if (reads > read && ++misses >= MAX_FILL_MISSES) return false;
      return true;
    };
    if (going) for (const def of tooBig) if (!(going = fits(def))) break;
    if (going) {
      const fill = rankFill(index, {
        path: cursor.path,
        scopeNames: new Set([...uses].filter(([, n]) => n > 0).map(([name]) => name)),
        noise,
        near,
        pick: (defs, k) => nearest(defs, near, k),
        maxPerName: MAX_PER_NAME,
        folderIsPackage,
        imported,
      });
      for (const def of fill) if (!fits(def)) break;
    }
    // Stable layout: the same set always renders in the same order.
    return { snippets: chosen.sort((a, b) => compareText(a.path, b.path) || a.startLine - b.startLine), cut };
  }
}



function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Document lines `from`..`to` (0-based, inclusive) as far as the cursor's slice of the document holds them. */
export function linesOfScope(cursor: CursorContext, line: number, from: number, to: number): string {
  return scopeReader(cursor, line)(from, to);
}

/**
 * Reads document lines from the cursor's slice, splitting it once for any number of reads. A line
 * is cut at MAX_LINE_CHARS: a minified line of 300 KB names everything and nothing.
 */
function scopeReader(cursor: CursorContext, line: number): (from: number, to: number) => string {
  const before = cursor.prefix.split('\n');
  const after = cursor.suffix.split('\n');
  const first = line - (before.length - 1);
  return (from, to) => {
    const lines: string[] = [];
    for (let l = Math.max(from, first); l <= to; l++) {
      const i = l - first;
      let text: string;
      if (i < before.length - 1) text = before[i];
      else if (i === before.length - 1) text = before[i] + (after[0] ?? '');
      else if (i - (before.length - 1) < after.length) text = after[i - (before.length - 1)];
      else break;
      lines.push(text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text);
    }
    return lines.join('\n');
  };
}



