// Which definitions the code of a scope needs, from the index: the names it uses resolved through
// the file's imports (a module imported whole gives its top-level API; Python's `mod.attr` names
// that module's definition), in Go through its own package (names of the same folder need no
// import), else by name among the nearest files; then the members of the types in play. Scored by
// use, kind and nearness. The completion context (contextProvider.ts) and the long-window pack of
// review and test generation (packer.ts) both resolve through this, so they find the same things.
import type { ImportSpec } from './tags';
import { firstFolderOf, folderOf, groupByFirstFolder, GROUPED_FROM, type RepoIndex } from './repoIndex';
import type { LocatedDefinition } from './snippets';

/** What resolution reads of the index: the index itself, or a view of it (overlay.ts). */
export type ResolveIndex = Pick<RepoIndex, 'file' | 'definitionsNamed' | 'pathsWithStem'> & Partial<Pick<RepoIndex, 'definitionsNamedByFolder'>>;

export interface Scored {
  readonly def: LocatedDefinition;
  readonly score: number;
}

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
/** Definitions of one name considered at most. */
const MAX_PER_NAME = 8;
/** Languages whose files see the names of the other files of their folder without an import. */
const FOLDER_PACKAGES: ReadonlySet<string> = new Set(['go']);
/** Definitions whose members the code around the cursor goes on to use. */
export const TYPE_KINDS = new Set(['class', 'interface', 'struct', 'trait', 'enum']);
/** Use count given to a name the file imports but the scope does not (yet) show. */
export const IMPORTED_ONLY = -1;

export interface ScopeInput {
  /** The scope's file. */
  readonly path: string;
  /** The scope's code (read for Python's `mod.attr`). */
  readonly scopeText: string;
  /**
   * Names the scope uses, with their counts (IMPORTED_ONLY for a name it only implies). The names
   * the file imports are added as IMPORTED_ONLY.
   */
  readonly uses: Map<string, number>;
  readonly imports: readonly ImportSpec[];
  /** Files whose definitions are not wanted (default: the scope's own file). */
  readonly exclude?: (path: string) => boolean;
}

export interface Resolution {
  /** Candidates, best first (ties by path and line: the same order on every run). */
  readonly scored: Scored[];
  /** Nearness of a file to the scope's (1 for unrelated folders, up to 2 for the same folder). */
  readonly near: (path: string) => number;
  readonly folderIsPackage: boolean;
  /** Names that identify nothing here: keywords, builtins, one letter, unless the file imports them. */
  readonly noise: (name: string) => boolean;
  /** Of a name's definitions, those its import (or, in Go, its package) names; undefined if none. */
  readonly imported: (name: string, defs: readonly LocatedDefinition[]) => readonly LocatedDefinition[] | undefined;
}

/** Names a scope's code uses, with their counts. */
export function namesUsed(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const m of text.matchAll(IDENT)) into.set(m[0], (into.get(m[0]) ?? 0) + 1);
  return into;
}

export function resolveScope(index: ResolveIndex, { path, scopeText, uses, imports, exclude: excludeOnly }: ScopeInput): Resolution {
  const exclude = excludeOnly ?? ((p: string) => p === path);
  const localNames = new Set(index.file(path)?.definitions.map((d) => d.name));
  const folderIsPackage = FOLDER_PACKAGES.has(index.file(path)?.language ?? '');
  const folder = folderOf(path);
  const importedNames = new Map<string, ImportSpec>();
  for (const imp of imports) for (const n of imp.names) importedNames.set(n, imp);
  // Near files first: a cheap stand-in for the reference graph's rank, affordable per keystroke.
  const near = memoized(proximity(path));

  // Names the file imports are likely to be used next even where the scope does not show them
  // yet (the line being written): weaker than a use in the scope, stronger than nothing.
  for (const imp of imports) {
    for (const name of imp.names) if (name !== '*' && name !== 'default' && !uses.has(name)) uses.set(name, IMPORTED_ONLY);
  }
  const scored: Scored[] = [];
  /** Candidates for names the scope itself shows. */
  const named: Scored[] = [];
  // A module imported whole (namespace, default, require of a file): its top-level API.
  for (const imp of imports) {
    if (!imp.names.some((n) => n === '*' || n === 'default') && imp.names.length > 0) continue;
    if (!/^\.|^@\/|^~\//.test(imp.source) && !imp.source.includes('/') && !imp.source.includes('.')) continue;
    for (const module of modulePaths(index, imp.source, path)) {
      const top = (index.file(module)?.definitions ?? []).filter((d) => d.container === undefined);
      for (const def of top.slice(0, 40)) scored.push({ def, score: (0.6 / Math.sqrt(top.length)) * near(module) });
    }
  }
  if (index.file(path)?.language === 'python') addModuleAttributes(index, scopeText, imports, path, near, scored);
  // A name the file imports is a definition whatever it looks like (`_` and `C` in ajv, `str` from
  // requests.compat); any other keyword-like or one-letter name identifies nothing.
  const noise = (name: string) => (NOISE.has(name) || name.length < 2) && !(importedNames.has(name) && name !== '*' && name !== 'default');
  for (const [name, count] of uses) {
    if (noise(name)) continue;
    const all = index.definitionsNamed(name);
    // Copied only when an excluded file defines it (a common name has thousands): by default the
    // scope's own file, whose names are known.
    const excluded = excludeOnly ? all.some((d) => excludeOnly(d.path)) : localNames.has(name);
    const defs = excluded ? all.filter((d) => !exclude(d.path)) : all;
    if (defs.length === 0) continue;
    const imp = importedNames.get(name);
    // In a language whose folder is a package, a name the file does not import is the package's
    // own when the package defines it (Go: no import, no qualifier).
    const viaImport = imp ? fromImport(imp.source, path, defs)
      : folderIsPackage ? defs.filter((d) => folderOf(d.path) === folder) : [];
    const candidates = viaImport.length > 0 ? viaImport : defs;
    const base = (count === IMPORTED_ONLY ? 0.5 : Math.log2(1 + count)) * (imp ? 4 : 1) * (localNames.has(name) ? 0.3 : 1) / Math.sqrt(candidates.length);
    // An ambiguous name: the nearest few, chosen the same way whatever order the files were indexed in.
    const picked = candidates.length <= MAX_PER_NAME ? candidates
      : candidates === all ? nearestOfName(all, path, near, MAX_PER_NAME, index.definitionsNamedByFolder?.(name)) : nearest(candidates, near, MAX_PER_NAME);
    for (const def of picked) {
      const kindBoost = def.kind === 'interface' || def.kind === 'type' || def.kind === 'class' || def.kind === 'struct' || def.kind === 'enum' || def.kind === 'trait' ? 1.3 : 1;
      const c = { def, score: base * kindBoost * (viaImport.length > 0 ? 2 : 1) * near(def.path) };
      scored.push(c);
      if (count > 0) named.push(c);
    }
  }
  addNeighbouringConstants(index, named, scored);
  // Members of the types in play (a large class contributes only its signature): code goes on
  // to call their methods and read their fields, so they follow at a lower priority.
  // A member the file never names is seldom the one it goes on to use (a class of fifty methods).
  const fileNames = index.file(path)?.references;
  for (const { def, score } of [...scored]) {
    if (!TYPE_KINDS.has(def.kind)) continue;
    const members = membersOf(index.file(def.path)?.definitions ?? [], def);
    for (const m of members.slice(0, 30)) {
      const named = uses.has(m.name) || fileNames?.has(m.name) === true;
      scored.push({ def: m, score: ((named ? 1 : UNNAMED_MEMBER) * score * 0.5) / Math.sqrt(members.length) });
    }
  }
  scored.sort((a, b) => b.score - a.score || compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine);
  const imported = (name: string, defs: readonly LocatedDefinition[]) => {
    const imp = importedNames.get(name);
    const matched = imp ? fromImport(imp.source, path, defs)
      : folderIsPackage ? defs.filter((d) => folderOf(d.path) === folder) : [];
    return matched.length > 0 ? matched : undefined;
  };
  return { scored, near, folderIsPackage, imported, noise };
}

export { MAX_PER_NAME };

/**
 * Of a name's definitions, those in the file an import from `from` names: exactly, where a relative
 * specifier says which file it is (`./p5/parse` from src/use.ts is src/p5/parse.*; Python's
 * `.models` is models.py or models/__init__.py beside it), else as far as the specifier's last
 * parts tell (importMatches).
 */
export function fromImport<T extends { readonly path: string }>(source: string, from: string, defs: readonly T[]): T[] {
  // A file the specifier names has its last part in its path: a cheap test before the exact one.
  const last = (source.includes('/') ? source.replace(/\.(?:[cm]?[jt]sx?)$/, '') : source).split(/[/.:]+/).filter(Boolean).pop() ?? '';
  const matching = defs.filter((d) => d.path.includes(last) && importMatches(source, d.path));
  if (matching.length <= 1) return matching;
  const target = relativeTarget(source, from);
  if (target === undefined) return matching;
  const exact = matching.filter((d) => modulePathOf(d.path) === target);
  return exact.length > 0 ? exact : matching;
}

/** A relative specifier's module path from the root, without extension ('src/p5/parse'); undefined if not relative. */
function relativeTarget(source: string, from: string): string | undefined {
  const dir = from.split('/').slice(0, -1);
  let rest: string[];
  if (/^\.\.?\//.test(source)) rest = source.split('/');
  else if (/^\.+[A-Za-z_]/.test(source)) {
    // Python: one dot is the importing file's package, each further dot one package up.
    const dots = /^\.+/.exec(source)![0].length;
    rest = [...Array<string>(dots - 1).fill('..'), ...source.slice(dots).split('.')];
  } else return undefined;
  const parts = [...dir];
  for (const part of rest) {
    if (part === '.' || part === '') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/').replace(/\.(?:[cm]?[jt]sx?)$/, '');
}

/** A file's module path: without its extension, a directory module (index.*, __init__.py, mod.rs) as its folder. */
function modulePathOf(path: string): string {
  const ext = /\.([^./]+)$/.exec(path)?.[1] ?? '';
  const dirModule = ext === 'py' ? /\/__init__$/ : ext === 'rs' ? /\/mod$/ : /\/index$/;
  return path.replace(/\.[^./]+$/, '').replace(dirModule, '');
}

/** Files of the index a module specifier may name (at most a few: specifiers can be ambiguous). */
function modulePaths(index: ResolveIndex, source: string, from: string): string[] {
  const last = source.split(/[/.:]+/).filter(Boolean).pop();
  if (!last) return [];
  const out: string[] = [];
  for (const p of index.pathsWithStem(last)) {
    if (p !== from && importMatches(source, p)) out.push(p);
    if (out.length === 3) break;
  }
  return out;
}

/**
 * Python: a module bound to a name (`import pkg`, `import pkg.mod`, `from . import mod`) and used
 * in the scope as `mod.attr`: attr is that module's top-level definition, whatever else is named so.
 */
function addModuleAttributes(index: ResolveIndex, scopeText: string, imports: readonly ImportSpec[], path: string, near: (path: string) => number, scored: Scored[]): void {
  for (const imp of imports) {
    const bound = imp.names.includes('*') ? [[imp.source, imp.source]] : imp.names.map((n) => [n, `${imp.source}.${n}`]);
    for (const [alias, module] of bound) {
      if (!/^[A-Za-z_][\w.]*$/.test(alias) || !scopeText.includes(`${alias}.`)) continue;
      const attrs = new Map<string, number>();
      for (const m of scopeText.matchAll(new RegExp(`(?<![\\w.])${alias.replace(/\./g, '\\.')}\\.([A-Za-z_]\\w*)`, 'g'))) attrs.set(m[1], (attrs.get(m[1]) ?? 0) + 1);
      if (attrs.size === 0) continue;
      const paths = new Set(modulePaths(index, module, path));
      for (const [attr, count] of attrs) {
        const defs = index.definitionsNamed(attr).filter((d) => d.container === undefined && paths.has(d.path));
        for (const def of defs) scored.push({ def, score: (Math.log2(1 + count) * 8 * near(def.path)) / Math.sqrt(defs.length) });
      }
    }
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

/** Whether a module specifier plausibly names this file ('./geo/point' ~ 'src/geo/point.ts', 'a.b' ~ 'a/b.py'). */
export function importMatches(source: string, path: string): boolean {
  const ext = /\.([^./]+)$/.exec(path)?.[1] ?? '';
  // A directory module's file: index.* (JS/TS), __init__.py, mod.rs.
  const dirModule = ext === 'py' ? /\/__init__$/ : ext === 'rs' ? /\/mod$/ : /\/index$/;
  const file = path.replace(/\.[^./]+$/, '').replace(dirModule, '');
  // A path-like specifier may name the file by its emitted extension (`./x.js` for x.ts, under NodeNext).
  const bare = source.includes('/') ? source.replace(/\.(?:[cm]?[jt]sx?)$/, '') : source;
  const parts = bare.replace(/^(\.\.?\/)+/, '').replace(/^crate::|^super::|^self::/, '').split(/[/.:]+/).filter((p) => p && p !== '@');
  if (parts.length === 0) return false;
  const tail = parts.slice(-2).join('/');
  return file.endsWith(`/${tail}`) || file === tail || file.endsWith(`/${parts[parts.length - 1]}`) || file === parts[parts.length - 1];
}

/** Code-unit order: stable across locales, and much cheaper than localeCompare in a hot sort. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Weight of a member of a type in play whose name the scope's file never uses. */
const UNNAMED_MEMBER = 0.2;
/** Short constants within this many lines of one the scope uses are its neighbours. */
const NEIGHBOUR_LINES = 12;
/** The best-scored constants whose neighbours are looked at, and how many each brings at most. */
const MAX_NEIGHBOURED = 32;
const MAX_NEIGHBOURS = 8;

/**
 * Constants and variables of at most 3 lines that stand within NEIGHBOUR_LINES of one the scope
 * names, in the same container: a block of them is one set (StatusOK next to StatusNotFound, Int8
 * next to Int16), and code that uses one goes on to the next. Half the score, less with distance.
 * Bounded: a file of generated tables holds thousands of them, a dozen to a line.
 */
function addNeighbouringConstants(index: ResolveIndex, named: readonly Scored[], scored: Scored[]): void {
  const seeds = named.filter((c) => isShortConstant(c.def));
  if (seeds.length === 0) return;
  const known = new Set(seeds.map((c) => c.def));
  seeds.sort((a, b) => b.score - a.score || compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine);
  if (seeds.length > MAX_NEIGHBOURED) seeds.length = MAX_NEIGHBOURED;
  for (const { def, score } of seeds) {
    const file = index.file(def.path);
    if (!file) continue;
    const all = shortConstants(file);
    // Nearest first; at equal distance the one below, then the one nearer in the file: a merge
    // walking out from the seed both ways, stopped at MAX_NEIGHBOURS (a table of constants puts
    // thousands in the window of a seed, and gathering then sorting them cost 5 ms a scope).
    const wanted = (d: LocatedDefinition) => d.kind === def.kind && d.container === def.container && !known.has(d);
    const around: LocatedDefinition[] = [];
    const last = def.startLine + NEIGHBOUR_LINES;
    const first = def.startLine - NEIGHBOUR_LINES;
    let below = firstFrom(all, def.startLine);
    let above = below - 1;
    while (around.length < MAX_NEIGHBOURS) {
      while (below < all.length && all[below].startLine <= last && !wanted(all[below])) below++;
      while (above >= 0 && all[above].startLine >= first && !wanted(all[above])) above--;
      const down = below < all.length && all[below].startLine <= last ? all[below].startLine - def.startLine : Infinity;
      const up = above >= 0 && all[above].startLine >= first ? def.startLine - all[above].startLine : Infinity;
      if (down === Infinity && up === Infinity) break;
      if (down <= up) around.push(all[below++]);
      else around.push(all[above--]);
    }
    for (const d of around) {
      known.add(d); // near two seeds: it comes once, from the better one
      scored.push({ def: d, score: (score * 0.5) / (1 + Math.abs(d.startLine - def.startLine) / 4) });
    }
  }
}

/** Index of the first of `list` (in line order) that starts on `line` or later. */
function firstFrom(list: readonly LocatedDefinition[], line: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].startLine < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const isShortConstant = (d: LocatedDefinition) => (d.kind === 'constant' || d.kind === 'variable') && d.endLine - d.startLine <= 2;
/**
 * Each indexed file's short constants and variables, in line order as its definitions are, once
 * per version of the file (an update replaces the object): a minified or generated file puts
 * thousands of definitions within a few lines of any one.
 */
const constantLists = new WeakMap<object, LocatedDefinition[]>();
function shortConstants(file: { readonly definitions: readonly LocatedDefinition[] }): LocatedDefinition[] {
  let list = constantLists.get(file);
  if (!list) constantLists.set(file, (list = file.definitions.filter(isShortConstant)));
  return list;
}

/**
 * The members of a type definition (`def`, of a file's `defs` in line order): the definitions it
 * contains that name it as their container. A binary search and a walk over its lines: no grouping
 * of the file made and kept for it (a declaration file has thousands of definitions, and the
 * first scope to touch it paid for all of them on the keystroke path).
 */
function membersOf(defs: readonly LocatedDefinition[], def: LocatedDefinition): LocatedDefinition[] {
  const members: LocatedDefinition[] = [];
  for (let i = firstFrom(defs, def.startLine + 1); i < defs.length && defs[i].startLine <= def.endLine; i++) {
    const m = defs[i];
    if (m.container === def.name && m.endLine <= def.endLine) members.push(m);
  }
  return members;
}

/** `f` remembering its answer per path: a scope asks the nearness of the same files again and again. */
function memoized(f: (path: string) => number): (path: string) => number {
  const known = new Map<string, number>();
  return (path) => {
    let n = known.get(path);
    if (n === undefined) known.set(path, (n = f(path)));
    return n;
  };
}

/** Of a name's list (as the index holds it: appended to, or replaced), what nearestOfName worked out once. */
interface NameFacts {
  /** The list's length when worked out: the index only appends to a name's list or replaces it. */
  readonly length: number;
  /** By first folder, where the index does not keep that itself (a view of it: overlay.ts). */
  byFolder?: ReadonlyMap<string, readonly LocatedDefinition[]>;
  /**
   * Per first folder of a cursor's file, with its slash ('' for a file at the root: none left
   * out), the first definitions not under it in path and line order, `k` of them as asked.
   */
  readonly firstOthers: Map<string, { readonly k: number; readonly defs: readonly LocatedDefinition[] }>;
}
const nameFacts = new WeakMap<readonly LocatedDefinition[], NameFacts>();
/** First folders whose `firstOthers` a name keeps: beyond them it starts over. */
const MAX_FIRST_OTHERS = 64;

function factsOf(defs: readonly LocatedDefinition[]): NameFacts {
  const known = nameFacts.get(defs);
  if (known && known.length === defs.length) return known;
  const facts: NameFacts = { length: defs.length, firstOthers: new Map() };
  nameFacts.set(defs, facts);
  return facts;
}

/** Nearness that ties every file: `nearest` then picks by path and line alone. */
const EVERY_FILE_ALIKE = () => 1;

/**
 * The first `k` of `defs` in path and line order that are not under `folder` (a first folder
 * with its slash; '' leaves none out): one pass of `nearest`, remembered. It was a sort of the
 * whole list, once per name: 8 ms for a name of thousands of definitions, paid by the first
 * keystroke's scope that met it.
 */
function firstOthers(facts: NameFacts, defs: readonly LocatedDefinition[], folder: string, k: number): readonly LocatedDefinition[] {
  const known = facts.firstOthers.get(folder);
  if (known && known.k >= k) return known.defs;
  // The first of all, unless one is under the folder: then, and only then, a pass of its own (at
  // most k folders hold any of the first k).
  if (folder !== '') {
    const head = firstOthers(facts, defs, '', k);
    if (!head.some((d) => d.path.startsWith(folder))) return head;
  }
  const best = nearest(folder === '' ? defs : defs.filter((d) => !d.path.startsWith(folder)), EVERY_FILE_ALIKE, k);
  if (facts.firstOthers.size >= MAX_FIRST_OTHERS) facts.firstOthers.clear();
  facts.firstOthers.set(folder, { k, defs: best });
  return best;
}

/**
 * `nearest` for a name's whole list as the index holds it (`defs` is `definitionsNamed(name)`),
 * without visiting all of a common name's thousands of definitions on every keystroke's scope.
 * Nearness is above 1 exactly for files under the first folder of the cursor's file (`near`
 * counts shared leading folders) and 1 for all others: so the k nearest are among that folder's
 * definitions when it has k of them, and otherwise are all of them followed by the first others
 * in path and line order. The same answer as `nearest`, from a grouping made once per version of
 * the list.
 */
export function nearestOfName(defs: readonly LocatedDefinition[], from: string, near: (path: string) => number, k: number, byFolder?: ReadonlyMap<string, readonly LocatedDefinition[]>): LocatedDefinition[] {
  if (defs.length < GROUPED_FROM) return nearest(defs, near, k);
  const facts = factsOf(defs);
  const slash = from.indexOf('/');
  const own = slash < 0 ? [] : (byFolder ?? (facts.byFolder ??= groupByFirstFolder(defs))).get(firstFolderOf(from)) ?? [];
  if (own.length >= k) return nearest(own, near, k);
  const picked = own.length === 0 ? [] : nearest(own, near, own.length);
  // The others: not under the cursor's first folder (none is, for a file at the root).
  for (const d of firstOthers(facts, defs, slash < 0 ? '' : from.slice(0, slash + 1), k)) {
    if (picked.length === k) break;
    picked.push(d);
  }
  return picked;
}

/**
 * The `k` definitions nearest the cursor's file, ties broken by path and line: one pass keeping a
 * sorted short list, as a name can have hundreds of definitions and this runs per name.
 */
export function nearest(defs: readonly LocatedDefinition[], near: (path: string) => number, k: number): LocatedDefinition[] {
  // The short list as two parallel arrays: no object per candidate (this runs for thousands of
  // definitions per keystroke's scope, and what it allocated was a tenth of assembly's garbage).
  const best: LocatedDefinition[] = [];
  const nearness: number[] = [];
  /** Whether `def` at nearness `n` goes before the i-th of the list. */
  const before = (def: LocatedDefinition, n: number, i: number) =>
    n > nearness[i] || (n === nearness[i] && (compareText(def.path, best[i].path) || def.startLine - best[i].startLine) < 0);
  if (k <= 0) return best;
  for (const def of defs) {
    const n = near(def.path);
    const full = best.length === k;
    // Most of a common name's definitions are farther than the k kept: dropped before any tie-break.
    if (full && (n < nearness[k - 1] || !before(def, n, k - 1))) continue;
    let i = full ? k - 1 : best.length;
    while (i > 0 && before(def, n, i - 1)) {
      best[i] = best[i - 1];
      nearness[i] = nearness[i - 1];
      i--;
    }
    best[i] = def;
    nearness[i] = n;
  }
  return best;
}
