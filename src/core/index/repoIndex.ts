// The repository index: per file its definitions (with prompt-ready text) and the names it uses;
// across files a symbol table (name → definitions) and a reference graph (file → files whose
// definitions it uses), ranked by personalized PageRank toward the files in focus. Updated one file
// at a time; nothing is rebuilt per request, and rankings are cached until the index changes.
import type { ImportSpec, LanguageId } from './tags';
import type { LocatedDefinition } from './snippets';

export interface IndexedFile {
  readonly path: string;
  readonly language: LanguageId;
  readonly size: number;
  readonly mtimeMs: number;
  /** In line order (by start line; the index sorts a file given otherwise): resolution finds a type's members and a constant's neighbours by binary search. */
  readonly definitions: readonly LocatedDefinition[];
  /** Referenced name → how often. */
  readonly references: ReadonlyMap<string, number>;
  /** Referenced name → the 0-based lines where it is used (for callers). */
  readonly referenceLines?: ReadonlyMap<string, readonly number[]>;
  readonly imports: readonly ImportSpec[];
}

const EMPTY: ReadonlySet<string> = new Set();

/** Whether definitions are in line order (a file's captures come nearly so from tree-sitter; a few files, not quite). */
function inLineOrder(defs: readonly { readonly startLine: number }[]): boolean {
  for (let i = 1; i < defs.length; i++) if (defs[i].startLine < defs[i - 1].startLine) return false;
  return true;
}

/** `file` with its definitions in line order (itself if they are): a stable sort, so definitions of one line keep theirs. */
export function withDefinitionsInLineOrder(file: IndexedFile): IndexedFile {
  return inLineOrder(file.definitions) ? file : { ...file, definitions: [...file.definitions].sort((a, b) => a.startLine - b.startLine) };
}

/** The name a module is imported by: the file's stem, or its folder's for index.*, __init__.py, mod.rs. */
export function moduleStem(path: string): string {
  const parts = path.split('/');
  const base = parts[parts.length - 1].replace(/\.[^.]+$/, '');
  if ((base === 'index' || base === '__init__' || base === 'mod') && parts.length > 1) return parts[parts.length - 2];
  return base;
}

/** The first folder of a root-relative path ('src' for src/net/http.go): '' for a file at the root. */
export function firstFolderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** A name with this many definitions or more has them grouped by first folder as well (see `definitionsNamedByFolder`). */
export const GROUPED_FROM = 64;

/** The folder of a root-relative path: '' for a file at the root. */
export function folderOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

const DAMPING = 0.85;
const ITERATIONS = 24;
const RANK_CACHE = 16;

/** Files as numbers and, per file, its weighted links to the files defining the names it uses. */
interface RankGraph {
  readonly version: number;
  readonly paths: readonly string[];
  readonly idx: ReadonlyMap<string, number>;
  readonly out: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

export class RepoIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly byName = new Map<string, LocatedDefinition[]>();
  /** Of the names with GROUPED_FROM definitions or more: first folder → their definitions there, kept as byName is. */
  private readonly byNameFolder = new Map<string, Map<string, LocatedDefinition[]>>();
  /** Name → files that use it. */
  private readonly usedBy = new Map<string, Set<string>>();
  /** Module stem (file name without extension; the folder's name for index/__init__/mod files) → paths. */
  private readonly byStem = new Map<string, Set<string>>();
  /** Folder ('' for the root) → paths of the files directly in it. */
  private readonly byFolder = new Map<string, Set<string>>();
  private version = 0;
  private readonly rankCache = new Map<string, ReadonlyMap<string, number>>();
  /** Recent changes as (revision, path), to tell which files changed since a given revision. */
  private readonly changes: Array<[number, string]> = [];
  private rankCacheVersion = -1;
  private graph: RankGraph | undefined;

  private batchDepth = 0;
  private batchesEnded = 0;

  get fileCount(): number { return this.files.size; }
  /** Changes whenever any file is added, changed or removed. */
  get revision(): number { return this.version; }

  /**
   * Many files are about to arrive together (a whole build). Context chosen while they arrive is
   * kept until the batch ends (see `inBatch`, `batch`), so that a prompt does not change with every
   * file the build adds; it changes once, when the build is over.
   */
  beginBatch(): void {
    this.batchDepth++;
  }

  endBatch(): void {
    if (this.batchDepth === 0) return;
    this.batchDepth--;
    if (this.batchDepth === 0) this.batchesEnded++;
  }

  /** Whether a batch of changes (a build) is under way. */
  get inBatch(): boolean { return this.batchDepth > 0; }
  /** Counts the batches that have ended: changes when one does. */
  get batch(): number { return this.batchesEnded; }

  file(path: string): IndexedFile | undefined {
    return this.files.get(path);
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  get symbolCount(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.definitions.length;
    return n;
  }

  upsert(given: IndexedFile): void {
    const file = withDefinitionsInLineOrder(given);
    this.removeContributions(file.path);
    this.files.set(file.path, file);
    for (const name of file.references.keys()) {
      let users = this.usedBy.get(name);
      if (!users) this.usedBy.set(name, (users = new Set()));
      users.add(file.path);
    }
    const stem = moduleStem(file.path);
    let set = this.byStem.get(stem);
    if (!set) this.byStem.set(stem, (set = new Set()));
    set.add(file.path);
    const folder = folderOf(file.path);
    let siblings = this.byFolder.get(folder);
    if (!siblings) this.byFolder.set(folder, (siblings = new Set()));
    siblings.add(file.path);
    const top = firstFolderOf(file.path);
    for (const d of file.definitions) {
      let list = this.byName.get(d.name);
      if (list) list.push(d);
      else this.byName.set(d.name, (list = [d]));
      if (list.length < GROUPED_FROM) continue;
      const groups = this.byNameFolder.get(d.name);
      if (!groups) this.byNameFolder.set(d.name, groupByFirstFolder(list));
      else {
        const group = groups.get(top);
        if (group) group.push(d);
        else groups.set(top, [d]);
      }
    }
    this.bump(file.path);
  }

  remove(path: string): boolean {
    if (!this.files.has(path)) return false;
    this.removeContributions(path);
    this.files.delete(path);
    this.bump(path);
    return true;
  }

  /** Files changed after `revision`; undefined when that is too far back to tell. */
  changedSince(revision: number): ReadonlySet<string> | undefined {
    if (revision === this.version) return new Set();
    if (this.changes.length === 0 || this.changes[0][0] > revision + 1) return undefined;
    return new Set(this.changes.filter(([r]) => r > revision).map(([, p]) => p));
  }

  private bump(path: string): void {
    this.version++;
    this.changes.push([this.version, path]);
    if (this.changes.length > 512) this.changes.splice(0, this.changes.length - 512);
  }

  /** Paths whose module stem is `stem` ('geo' for src/geo.ts and for src/geo/index.ts). */
  pathsWithStem(stem: string): ReadonlySet<string> {
    return this.byStem.get(stem) ?? EMPTY;
  }

  /** Paths of the files directly in a folder ('src/net' for src/net/http.go; '' for the root). */
  filesInFolder(folder: string): ReadonlySet<string> {
    return this.byFolder.get(folder) ?? EMPTY;
  }

  /** Files that use a name. */
  filesUsing(name: string): ReadonlySet<string> {
    return this.usedBy.get(name) ?? EMPTY;
  }

  definitionsNamed(name: string): readonly LocatedDefinition[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * A common name's definitions (GROUPED_FROM or more) by the first folder of their paths, kept
   * up to date with every change, so that resolution finds those near the cursor without a pass
   * over thousands of them, nor a grouping made on the keystroke path; undefined for other names.
   */
  definitionsNamedByFolder(name: string): ReadonlyMap<string, readonly LocatedDefinition[]> | undefined {
    return this.byNameFolder.get(name);
  }

  /**
   * Personalized PageRank over the file graph (for whole-repository outlines; too costly per
   * keystroke on a large index, so completions rank by imports and proximity instead): a file that uses a name links to the files that
   * define it, weighted by sqrt(uses) and damped for names defined in many files (they say little
   * about which one is meant). The walk restarts at the focus files. Cached per focus until the
   * index changes.
   */
  rank(focus: readonly string[] = []): ReadonlyMap<string, number> {
    if (this.rankCacheVersion !== this.version) {
      this.rankCache.clear();
      this.rankCacheVersion = this.version;
    }
    const key = [...focus].sort().join('\0');
    const cached = this.rankCache.get(key);
    if (cached) return cached;
    const ranks = this.pagerank(focus);
    if (this.rankCache.size >= RANK_CACHE) this.rankCache.delete(this.rankCache.keys().next().value as string);
    this.rankCache.set(key, ranks);
    return ranks;
  }

  /**
   * The file graph the ranks walk: it depends on the index only, not on the focus, so it is built
   * once per revision (a review packs each of hundreds of files with its own focus).
   */
  private rankGraph(): RankGraph {
    if (this.graph?.version === this.version) return this.graph;
    const paths = [...this.files.keys()];
    const idx = new Map(paths.map((p, i) => [p, i]));
    const n = paths.length;
    // Edges: from user to definer, weighted.
    const out: Array<Array<[number, number]>> = paths.map(() => []);
    for (let i = 0; i < n; i++) {
      const f = this.files.get(paths[i])!;
      const weights = new Map<number, number>();
      for (const [name, count] of f.references) {
        const defs = this.byName.get(name);
        if (!defs) continue;
        const definers = new Set(defs.map((d) => d.path));
        definers.delete(f.path);
        if (definers.size === 0) continue;
        let w = Math.sqrt(count);
        if (definers.size > 5) w *= 0.1;
        if (name.startsWith('_')) w *= 0.1;
        if (name.length >= 8 && /[a-z][A-Z]|_[a-z]/.test(name)) w *= 2;
        w /= definers.size;
        for (const p of definers) {
          const j = idx.get(p)!;
          weights.set(j, (weights.get(j) ?? 0) + w);
        }
      }
      const total = [...weights.values()].reduce((a, b) => a + b, 0);
      for (const [j, w] of weights) out[i].push([j, w / total]);
    }
    this.graph = { version: this.version, paths, idx, out };
    return this.graph;
  }

  private pagerank(focus: readonly string[]): ReadonlyMap<string, number> {
    const { paths, idx, out } = this.rankGraph();
    const n = paths.length;
    if (n === 0) return new Map();
    const restart = new Float64Array(n);
    const focusIdx = focus.map((p) => idx.get(p)).filter((i): i is number => i !== undefined);
    if (focusIdx.length > 0) for (const i of focusIdx) restart[i] = 1 / focusIdx.length;
    else restart.fill(1 / n);
    let r = Float64Array.from(restart);
    for (let it = 0; it < ITERATIONS; it++) {
      const next = new Float64Array(n);
      let dangling = 0;
      for (let i = 0; i < n; i++) {
        if (out[i].length === 0) { dangling += r[i]; continue; }
        for (const [j, w] of out[i]) next[j] += DAMPING * r[i] * w;
      }
      for (let i = 0; i < n; i++) next[i] += (1 - DAMPING + DAMPING * dangling) * restart[i];
      r = next;
    }
    const result = new Map<string, number>();
    for (let i = 0; i < n; i++) result.set(paths[i], r[i]);
    return result;
  }

  private removeContributions(path: string): void {
    const old = this.files.get(path);
    if (!old) return;
    this.byStem.get(moduleStem(path))?.delete(path);
    const siblings = this.byFolder.get(folderOf(path));
    siblings?.delete(path);
    if (siblings?.size === 0) this.byFolder.delete(folderOf(path));
    for (const name of old.references.keys()) this.usedBy.get(name)?.delete(path);
    const top = firstFolderOf(path);
    const done = new Set<string>();
    for (const { name } of old.definitions) {
      if (done.has(name)) continue;
      done.add(name);
      const list = this.byName.get(name);
      if (!list) continue;
      const kept = list.filter((x) => x.path !== path);
      if (kept.length) this.byName.set(name, kept);
      else this.byName.delete(name);
      const groups = this.byNameFolder.get(name);
      if (!groups) continue;
      if (kept.length < GROUPED_FROM) {
        this.byNameFolder.delete(name);
        continue;
      }
      const group = groups.get(top)?.filter((x) => x.path !== path) ?? [];
      if (group.length) groups.set(top, group);
      else groups.delete(top);
    }
  }
}

/** Definitions by the first folder of their paths. */
export function groupByFirstFolder(defs: readonly LocatedDefinition[]): Map<string, LocatedDefinition[]> {
  const groups = new Map<string, LocatedDefinition[]>();
  for (const d of defs) {
    const key = firstFolderOf(d.path);
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  return groups;
}
