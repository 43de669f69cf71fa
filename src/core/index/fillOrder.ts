// The order in which a completion's context goes on once the definitions of the scope's own names
// are packed and budget is left: definitions ranked toward the cursor's file, as a repo map ranks
// them (Aider's idea: a walk over the file graph that restarts at the file in focus), but only the
// walk's first two steps, computed from the cursor's file outwards. A whole-index PageRank
// (RepoIndex.rank) builds its graph anew on each revision, and the revision moves with every
// buffer update of the file being edited: on a large index that costs far more than a keystroke
// may. Two steps touch the cursor's file's references and those of the few files it leans on most,
// so the cost is bounded by those files, not by the index, and it is paid once per scope (the
// context provider memoizes what it chooses per scope and index revision).
import { folderOf, type RepoIndex } from './repoIndex';
import type { LocatedDefinition } from './snippets';

/** Files the second step walks on from: those the cursor's file leans on most. */
const SECOND_STEP_FILES = 6;
/** Share of the walk that goes on past the first step (PageRank's damping). */
const DAMPING = 0.85;
/**
 * Names followed from the cursor's file, and from all the second step's files together, at most:
 * what bounds the work, whatever the size of the files (a generated file uses tens of thousands).
 */
const MAX_FIRST_STEP_NAMES = 1000;
const MAX_SECOND_STEP_NAMES = 300;
/**
 * A name with more definitions than this says next to nothing about which is meant (and costs a
 * pass over all of them): not followed from the cursor's file, nor a step further from a smaller count.
 */
const MAX_FIRST_STEP_DEFINITIONS = 64;
const MAX_SECOND_STEP_DEFINITIONS = 24;

export interface FillInput {
  /** The cursor's file. */
  readonly path: string;
  /** Names the scope around the cursor uses (the repo map's "mentioned" names): weigh ×10. */
  readonly scopeNames: ReadonlySet<string>;
  /** Names that identify nothing (keywords, builtins, one letter unless imported): not followed. */
  readonly noise: (name: string) => boolean;
  /** Nearness of a file to the cursor's (1 for unrelated folders, up to 2 for the same folder). */
  readonly near: (path: string) => number;
  /** Of a name's many definitions (beyond `maxPerName`), the ones to follow, in a stable choice. */
  readonly pick: (defs: readonly LocatedDefinition[], k: number) => readonly LocatedDefinition[];
  readonly maxPerName: number;
  /** The files of the cursor's folder see each other's names without an import (a Go package). */
  readonly folderIsPackage: boolean;
  /** Of the definitions of a name the cursor's file uses, those its imports (or its own package) point to, if they say. */
  readonly imported?: (name: string, defs: readonly LocatedDefinition[]) => readonly LocatedDefinition[] | undefined;
}

interface Credit {
  readonly def: LocatedDefinition;
  score: number;
}

/** A long name that reads as one word of the code (camelCase or snake_case): says more about what is meant. */
function distinctive(name: string): boolean {
  return name.length >= 8 && /[a-z][A-Z]|[A-Za-z0-9]_[A-Za-z0-9]/.test(name);
}

/**
 * Definitions from other files ranked toward the cursor's file: the names it uses (×10 for those of
 * the scope), each name's weight √uses split among its definitions, damped for `_names` and names
 * defined in more than 5 files, and the names the most-used of those files use in turn, at the
 * walk's damping. Ties go by path and line, so the order does not depend on indexing order. Then,
 * lazily, the other definitions of the files the walk reached (most reached first) and, where a
 * folder is a package (Go), of the cursor's folder, in file order: code goes on to use
 * what stands next to what it uses (the next constant of a block, the other methods of a type).
 */
export function* rankFill(index: RepoIndex, input: FillInput): Generator<LocatedDefinition> {
  // One credit object per definition, added to in place: thousands of them per scope, so neither
  // a [definition, credit] pair each for the heap nor a Map.set per addition.
  const credit = new Map<LocatedDefinition, Credit>();
  const fileMass = new Map<string, number>();
  /** Follows a file's names (at most `limit`): returns how many it looked up. */
  const step = (from: string, names: Iterable<[string, number]>, limit: number, maxDefs: number, mass: number, boost: (name: string) => number, exclude: string, massOut?: Map<string, number>, imported?: FillInput['imported']): number => {
    const edges: Array<{ defs: readonly LocatedDefinition[]; weight: number }> = [];
    let total = 0;
    let n = 0;
    for (const [name, count] of names) {
      if (n >= limit) break;
      if (input.noise(name)) continue;
      n++;
      const all = index.definitionsNamed(name);
      if (all.length === 0 || all.length > maxDefs) continue;
      const others = all.some((d) => d.path === from || d.path === exclude) ? all.filter((d) => d.path !== from && d.path !== exclude) : all;
      if (others.length === 0) continue;
      const viaImport = imported?.(name, others);
      if (viaImport) {
        if (viaImport.length === 0) continue;
        const w = Math.sqrt(Math.max(1, count)) * boost(name);
        edges.push({ defs: viaImport, weight: w });
        total += w;
        continue;
      }
      const defs = others.length <= input.maxPerName ? others : input.pick(others, input.maxPerName);
      let weight = Math.sqrt(Math.max(1, count)) * boost(name);
      if (name.startsWith('_')) weight *= 0.1;
      if (distinctive(name)) weight *= 10;
      if (definerCount(others) > 5) weight *= 0.1;
      // The file defines the name itself: its uses are mostly of its own.
      if (others.length < all.length) weight *= 0.3;
      edges.push({ defs, weight });
      total += weight;
    }
    if (total === 0) return n;
    for (const { defs, weight } of edges) {
      const share = (mass * weight) / total / defs.length;
      for (const d of defs) {
        const added = share * input.near(d.path);
        const c = credit.get(d);
        if (c) c.score += added;
        else credit.set(d, { def: d, score: added });
        massOut?.set(d.path, (massOut.get(d.path) ?? 0) + share);
      }
    }
    return n;
  };

  const file = index.file(input.path);
  const own = new Map(file?.references ?? []);
  for (const name of input.scopeNames) if (!own.has(name)) own.set(name, 1);
  step(input.path, own, MAX_FIRST_STEP_NAMES, MAX_FIRST_STEP_DEFINITIONS, 1, (name) => (input.scopeNames.has(name) ? 10 : 1), input.path, fileMass, input.imported);
  const reached = [...fileMass].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  let left = MAX_SECOND_STEP_NAMES;
  for (const [path, mass] of reached.slice(0, SECOND_STEP_FILES)) {
    const refs = index.file(path)?.references;
    if (refs && left > 0) left -= step(path, refs, left, MAX_SECOND_STEP_DEFINITIONS, DAMPING * mass, () => 1, input.path);
  }
  // Best first, lazily: the consumer stops once its budget is spent, after a few dozen of thousands.
  for (const c of bestFirst([...credit.values()], (a, b) => b.score - a.score || compareText(a.def.path, b.def.path) || a.def.startLine - b.def.startLine)) yield c.def;

  const listed = new Set<string>([input.path]);
  const neighbours = reached.map(([p]) => p);
  if (input.folderIsPackage) for (const p of [...index.filesInFolder(folderOf(input.path))].sort(compareText)) neighbours.push(p);
  for (const path of neighbours) {
    if (listed.has(path)) continue;
    listed.add(path);
    const defs = index.file(path)?.definitions ?? [];
    // Top-level definitions before members: a type's compact form stands for its members.
    for (const d of defs) if (d.container === undefined && !credit.has(d)) yield d;
    for (const d of defs) if (d.container !== undefined && !credit.has(d)) yield d;
  }
}

/**
 * The items in `compare` order, one at a time: a binary heap, built in linear time, popped as
 * asked. `heap` is reordered in place.
 */
export function* bestFirst<T>(heap: T[], compare: (a: T, b: T) => number): Generator<T> {
  const down = (i: number, n: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const c = l + 1 < n && compare(heap[l + 1], heap[l]) < 0 ? l + 1 : l;
      if (compare(heap[c], heap[i]) >= 0) return;
      [heap[i], heap[c]] = [heap[c], heap[i]];
      i = c;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i, heap.length);
  for (let n = heap.length; n > 0; n--) {
    yield heap[0];
    heap[0] = heap[n - 1];
    down(0, n - 1);
  }
}

function definerCount(defs: readonly LocatedDefinition[]): number {
  if (defs.length <= 5) return defs.length;
  const paths = new Set<string>();
  for (const d of defs) paths.add(d.path);
  return paths.size;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
