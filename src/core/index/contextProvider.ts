// Repository context for a completion: definitions, from other files, of the names used in the
// scope around the cursor — resolved through the file's imports where possible, else by name and
// rank — packed in priority order within a token budget; budget left after them goes to the
// compact signatures of definitions ranked toward the cursor's file (fillOrder.ts), so it is not
// left unused while related definitions exist. The result is the stable part of the
// prompt, so it is memoized per (file, enclosing scope) and changes only when the scope does or
// another file of the index changes, not with every keystroke.
import type { ContextProvider, ContextSnippet, CursorContext } from '../context/types';
import { folderOf, type RepoIndex } from './repoIndex';
import { compactSnippet, type IndexedDefinition, type LocatedDefinition } from './snippets';
import { rankFill } from './fillOrder';
export type { IndexedDefinition };
import type { ImportSpec } from './tags';

/** Names too common to identify a definition. */
const NOISE = new Set([
  'if', 'else', 'for', 'while', 'do', 'return', 'function', 'const', 'let', 'var', 'new', 'this', 'self', 'true', 'false',
  'null', 'undefined', 'None', 'True', 'False', 'nil', 'import', 'from', 'export', 'default', 'class', 'def', 'fn', 'pub',
  'func', 'struct', 'impl', 'use', 'mod', 'type', 'interface', 'extends', 'implements', 'async', 'await', 'yield', 'try',
  'catch', 'finally', 'throw', 'raise', 'except', 'with', 'as', 'in', 'of', 'is', 'not', 'and', 'or', 'static', 'public',
  'private', 'protected', 'void', 'int', 'string', 'number', 'boolean', 'any', 'unknown', 'never', 'object', 'package',
  'switch', 'case', 'break', 'continue', 'typeof', 'instanceof', 'keyof', 'readonly', 'mut', 'match', 'where',
  'lambda', 'pass', 'elif', 'go', 'defer', 'chan', 'map', 'range', 'select', 'goto', 'enum', 'super', 'include', 'define',
  'namespace', 'using', 'template', 'typename', 'auto', 'char', 'float', 'double', 'long', 'short', 'unsigned', 'bool',
  'end', 'begin', 'module', 'require', 'echo', 'array', 'str', 'len', 'print', 'Some', 'Ok', 'Err', 'Self', 'Vec', 'String',
]);
const IDENT = /[A-Za-z_$][\w$]*/g;
/** Without an enclosing definition, the scope is the window of lines around the cursor, on anchored lines. */
const WINDOW_LINES = 40;
const MEMO_SIZE = 64;
/** Definitions of one name considered at most. */
const MAX_PER_NAME = 8;
const NONE: readonly ContextSnippet[] = Object.freeze([]);
/** The smallest a packed snippet can be: its file header (12) and one short line. */
const MIN_SNIPPET_TOKENS = 16;
/** Languages whose files see the names of the other files of their folder without an import. */
const FOLDER_PACKAGES: ReadonlySet<string> = new Set(['go']);
/** Definitions in a row read for the budget left but too big for it, after which the filling stops. */
const MAX_FILL_MISSES = 12;
/** Longest line read for the names it uses. */
const MAX_LINE_CHARS = 2000;
/** Definitions whose members the code around the cursor goes on to use. */
const TYPE_KINDS = new Set(['class', 'interface', 'struct', 'trait', 'enum']);
/** Lines of a header (signature, field declaration) read for the types it names. */
const HEADER_LINES = 4;
/** Use count given to a name the file imports but the scope does not (yet) show. */
const IMPORTED_ONLY = -1;

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

  /** Files of the index a module specifier may name (at most a few: specifiers can be ambiguous). */
  private modulePaths(source: string, from: string): string[] {
    const last = source.split(/[/.:]+/).filter(Boolean).pop();
    if (!last) return [];
    const out: string[] = [];
    for (const p of this.index.pathsWithStem(last)) {
      if (p !== from && importMatches(source, p)) out.push(p);
      if (out.length === 3) break;
    }
    return out;
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

  /**
   * Python: a module bound to a name (`import pkg`, `import pkg.mod`, `from . import mod`) and used
   * in the scope as `mod.attr`: attr is that module's top-level definition, whatever else is named so.
   */
  private addModuleAttributes(scopeText: string, imports: readonly ImportSpec[], path: string, near: (path: string) => number, scored: Array<{ def: LocatedDefinition; score: number }>): void {
    for (const imp of imports) {
      const bound = imp.names.includes('*') ? [[imp.source, imp.source]] : imp.names.map((n) => [n, `${imp.source}.${n}`]);
      for (const [alias, module] of bound) {
        if (!/^[A-Za-z_][\w.]*$/.test(alias) || !scopeText.includes(`${alias}.`)) continue;
        const attrs = new Map<string, number>();
        for (const m of scopeText.matchAll(new RegExp(`(?<![\\w.])${alias.replace(/\./g, '\\.')}\\.([A-Za-z_]\\w*)`, 'g'))) attrs.set(m[1], (attrs.get(m[1]) ?? 0) + 1);
        if (attrs.size === 0) continue;
        const paths = new Set(this.modulePaths(module, path));
        for (const [attr, count] of attrs) {
          const defs = this.index.definitionsNamed(attr).filter((d) => d.container === undefined && paths.has(d.path));
          for (const def of defs) scored.push({ def, score: (Math.log2(1 + count) * 8 * near(def.path)) / Math.sqrt(defs.length) });
        }
      }
    }
  }

  /** The scope's context; `cut` when the deadline stopped the reading of definitions (after MIN_READS). */
  private compute(cursor: CursorContext, { line, from, to }: CursorScope, imports: readonly ImportSpec[], budget: number, deadline: number): { snippets: ContextSnippet[]; cut: boolean } {
    const index = this.index;
    const uses = new Map<string, number>();
    const read = scopeReader(cursor, line);
    for (const m of read(from, to).matchAll(IDENT)) uses.set(m[0], (uses.get(m[0]) ?? 0) + 1);
    this.addSyntaxPathTypes(read, line, cursor.path, uses);
    const localNames = new Set(this.index.file(cursor.path)?.definitions.map((d) => d.name));
    const folderIsPackage = FOLDER_PACKAGES.has(index.file(cursor.path)?.language ?? '');
    const folder = folderOf(cursor.path);
    const importedNames = new Map<string, ImportSpec>();
    for (const imp of imports) for (const n of imp.names) importedNames.set(n, imp);
    // Near files first: a cheap stand-in for the reference graph's rank, affordable per keystroke.
    const near = proximity(cursor.path);

    // Names the file imports are likely to be used next even where the scope does not show them
    // yet (the line being written): weaker than a use in the scope, stronger than nothing.
    for (const imp of imports) {
      for (const name of imp.names) if (name !== '*' && name !== 'default' && !uses.has(name)) uses.set(name, IMPORTED_ONLY);
    }
    const scored: Array<{ def: LocatedDefinition; score: number }> = [];
    // A module imported whole (namespace, default, require of a file): its top-level API.
    for (const imp of imports) {
      if (!imp.names.some((n) => n === '*' || n === 'default') && imp.names.length > 0) continue;
      if (!/^\.|^@\/|^~\//.test(imp.source) && !imp.source.includes('/') && !imp.source.includes('.')) continue;
      for (const path of this.modulePaths(imp.source, cursor.path)) {
        const top = (this.index.file(path)?.definitions ?? []).filter((d) => d.container === undefined);
        for (const def of top.slice(0, 40)) scored.push({ def, score: (0.6 / Math.sqrt(top.length)) * near(path) });
      }
    }
    if (index.file(cursor.path)?.language === 'python') this.addModuleAttributes(read(from, to), imports, cursor.path, near, scored);
    for (const [name, count] of uses) {
      if (NOISE.has(name) || name.length < 2) continue;
      const defs = this.index.definitionsNamed(name).filter((d) => d.path !== cursor.path);
      if (defs.length === 0) continue;
      const imp = importedNames.get(name);
      // In a language whose folder is a package, a name the file does not import is the package's
      // own when the package defines it (Go: no import, no qualifier).
      const viaImport = imp ? defs.filter((d) => importMatches(imp.source, d.path))
        : folderIsPackage ? defs.filter((d) => folderOf(d.path) === folder) : [];
      const candidates = viaImport.length > 0 ? viaImport : defs;
      const base = (count === IMPORTED_ONLY ? 0.5 : Math.log2(1 + count)) * (imp ? 4 : 1) * (localNames.has(name) ? 0.3 : 1) / Math.sqrt(candidates.length);
      // An ambiguous name: the nearest few, chosen the same way whatever order the files were indexed in.
      const picked = candidates.length <= MAX_PER_NAME ? candidates : nearest(candidates, near, MAX_PER_NAME);
      for (const def of picked) {
        const kindBoost = def.kind === 'interface' || def.kind === 'type' || def.kind === 'class' || def.kind === 'struct' || def.kind === 'enum' || def.kind === 'trait' ? 1.3 : 1;
        scored.push({ def, score: base * kindBoost * (viaImport.length > 0 ? 2 : 1) * near(def.path) });
      }
    }
    // Members of the types in play (a large class contributes only its signature): code goes on
    // to call their methods and read their fields, so they follow at a lower priority.
    // A file's definitions grouped by container once, not scanned again for each of its types.
    const byContainer = new Map<string, Map<string, LocatedDefinition[]>>();
    const containedIn = (path: string, name: string) => {
      let groups = byContainer.get(path);
      if (!groups) {
        groups = new Map();
        for (const m of this.index.file(path)?.definitions ?? []) {
          if (m.container === undefined) continue;
          const g = groups.get(m.container);
          if (g) g.push(m);
          else groups.set(m.container, [m]);
        }
        byContainer.set(path, groups);
      }
      return groups.get(name) ?? [];
    };
    for (const { def, score } of [...scored]) {
      if (!TYPE_KINDS.has(def.kind)) continue;
      const members = containedIn(def.path, def.name).filter((m) => m.startLine > def.startLine && m.endLine <= def.endLine);
      for (const m of members.slice(0, 30)) scored.push({ def: m, score: (score * 0.5) / Math.sqrt(members.length) });
    }
    scored.sort((a, b) => b.score - a.score || compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine);

    const window = cursor.prefix.slice(-20000) + cursor.suffix.slice(0, 8000);
    const chosen: ContextSnippet[] = [];
    /** Definitions packed, or too big even compact. */
    const seen = new Set<string>();
    /** Definitions too big whole. */
    const tried = new Set<string>();
    let used = 0;
    let reads = 0;
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
      const part = compact ? compactSnippet(def) : { text: def.text, startLine: def.textStartLine, endLine: def.textEndLine };
      if (!part) return true;
      if (part.text.length > 20 && window.includes(part.text)) return true; // already in the prompt
      const tokens = this.opts.estimate(part.text) + 12; // + the file header around it
      if (used + tokens > budget) {
        // Too big whole: its signature may still fit, after everything the scope names.
        if (compact) seen.add(id);
        else if (!tried.has(id)) {
          tried.add(id);
          tooBig.push(located);
        }
        return true;
      }
      seen.add(id);
      used += tokens;
      const kind = !compact && def.whole && def.kind !== 'function' && def.kind !== 'method' ? 'type' : 'definition';
      chosen.push({ kind, path: def.path, startLine: part.startLine, endLine: part.endLine, symbol: def.name, text: part.text, tokens });
      return true;
    };
    const tooBig: LocatedDefinition[] = [];
    let going = true;
    for (const { def } of scored) if (!(going = take(def, false))) break;
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
        noise: (name) => NOISE.has(name),
        near,
        pick: (defs, k) => nearest(defs, near, k),
        maxPerName: MAX_PER_NAME,
        folderIsPackage,
        imported: (name, defs) => {
          const imp = importedNames.get(name);
          const matched = imp ? defs.filter((d) => importMatches(imp.source, d.path))
            : folderIsPackage ? defs.filter((d) => folderOf(d.path) === folder) : [];
          return matched.length > 0 ? matched : undefined;
        },
      });
      for (const def of fill) if (!fits(def)) break;
    }
    // Stable layout: the same set always renders in the same order.
    return { snippets: chosen.sort((a, b) => compareText(a.path, b.path) || a.startLine - b.startLine), cut };
  }
}

/**
 * 1 for unrelated folders, up to 2 for the same folder: shared leading folders over depth. Runs
 * for every candidate definition of every name, so it compares characters rather than splitting.
 */
export function proximity(from: string): (path: string) => number {
  const dir = from.slice(0, from.lastIndexOf('/') + 1);
  const depth = slashes(dir, dir.length);
  return (path: string) => {
    const cut = path.lastIndexOf('/') + 1;
    const limit = Math.min(cut, dir.length);
    let shared = 0;
    for (let i = 0; i < limit && path.charCodeAt(i) === dir.charCodeAt(i); i++) if (dir.charCodeAt(i) === SLASH) shared++;
    return 1 + shared / Math.max(1, depth, slashes(path, cut));
  };
}

const SLASH = 0x2f;
function slashes(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === SLASH) n++;
  return n;
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

/** Whether a module specifier plausibly names this file ('./geo/point' ~ 'src/geo/point.ts', 'a.b' ~ 'a/b.py'). */
export function importMatches(source: string, path: string): boolean {
  const ext = /\.([^./]+)$/.exec(path)?.[1] ?? '';
  // A directory module's file: index.* (JS/TS), __init__.py, mod.rs.
  const dirModule = ext === 'py' ? /\/__init__$/ : ext === 'rs' ? /\/mod$/ : /\/index$/;
  const file = path.replace(/\.[^./]+$/, '').replace(dirModule, '');
  const parts = source.replace(/^(\.\.?\/)+/, '').replace(/^crate::|^super::|^self::/, '').split(/[/.:]+/).filter((p) => p && p !== '@');
  if (parts.length === 0) return false;
  const tail = parts.slice(-2).join('/');
  return file.endsWith(`/${tail}`) || file === tail || file.endsWith(`/${parts[parts.length - 1]}`) || file === parts[parts.length - 1];
}

/** Code-unit order: stable across locales, and much cheaper than localeCompare in a hot sort. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `k` definitions nearest the cursor's file, ties broken by path and line: one pass keeping a
 * sorted short list, as a name can have hundreds of definitions and this runs per name.
 */
function nearest(defs: readonly LocatedDefinition[], near: (path: string) => number, k: number): LocatedDefinition[] {
  const best: Array<{ def: LocatedDefinition; n: number }> = [];
  const before = (a: { def: LocatedDefinition; n: number }, b: { def: LocatedDefinition; n: number }) =>
    a.n > b.n || (a.n === b.n && (compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine) < 0);
  for (const def of defs) {
    const c = { def, n: near(def.path) };
    if (best.length === k && !before(c, best[k - 1])) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && before(c, best[i - 1])) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = c;
  }
  return best.map((c) => c.def);
}
