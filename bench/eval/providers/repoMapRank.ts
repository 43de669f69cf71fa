// The repo-map baseline's ranking and packing, pure: our own implementation of the idea Aider
// published (its "repo map"), written from the description, not from its code.
//
//   tags       per file, the names it defines and the names it references (with counts): here
//              from Hearth's tree-sitter extraction, the same tags the index has;
//   graph      an edge from each file that references a name to each file that defines it,
//              weighted by sqrt(references) times: ×10 when the code at the cursor mentions the
//              name, ×10 for a long (≥ 8 characters) camelCase / snake_case / kebab-case name,
//              ×0.1 for a name starting with `_`, ×0.1 for a name defined in more than 5 files,
//              ×50 when the referencing file is the one in focus (the cursor's); a name defined
//              and referenced nowhere else gets a weak edge (0.1) from its file to itself;
//   rank       personalized PageRank (damping 0.85) restarting at the focus files;
//   definitions  each file's rank is shared among its out-edges by weight, and each edge's share
//              credited to (defining file, name); definitions in the focus files are left out
//              (the model already sees that file);
//   fill       ranked definitions are taken greedily while they fit the token budget, each as its
//              signature line(s) under a header naming its file, with the header line of its
//              enclosing class/struct when it has one, rendered as an outline (one snippet per
//              run of consecutive lines).
import type { ContextSnippet } from '../../../src/core/completion/types';

export interface TagDefinition {
  readonly name: string;
  /** 0-based line of the name, and the definition's lines. */
  readonly line: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly signatureEndLine: number;
  readonly container?: string;
}

export interface TagFile {
  readonly path: string;
  readonly definitions: readonly TagDefinition[];
  /** Name → how often the file references it. */
  readonly references: ReadonlyMap<string, number>;
}

export interface RankInput {
  /** The files in focus: the cursor's file. */
  readonly focus: ReadonlySet<string>;
  /** Identifiers the code at the cursor mentions. */
  readonly mentioned: ReadonlySet<string>;
}

export interface RankedDefinition {
  readonly path: string;
  readonly name: string;
  readonly rank: number;
}

const DAMPING = 0.85;
const ITERATIONS = 50;
const TOLERANCE = 1e-9;

/** A long identifier that reads as one: camelCase, snake_case or kebab-case, 8 characters or more. */
export function isDistinctiveName(name: string): boolean {
  return name.length >= 8 && (/[a-z][A-Z]/.test(name) || /[A-Za-z0-9][_-][A-Za-z0-9]/.test(name));
}

export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly name: string;
  readonly weight: number;
}

/** The file graph: one edge per (referencing file, defining file, name). */
export function buildGraph(files: readonly TagFile[], input: RankInput): Edge[] {

  const definers = new Map<string, Set<number>>();
  files.forEach((f, i) => {
    for (const d of f.definitions) {
      let s = definers.get(d.name);
      if (!s) definers.set(d.name, (s = new Set()));
      s.add(i);
    }
  });
  const edges: Edge[] = [];
  const referenced = new Set<string>();
  files.forEach((f, i) => {
    for (const [name, count] of f.references) {
      const defs = definers.get(name);
      if (!defs) continue;
      referenced.add(name);
      let mul = 1;
      if (input.mentioned.has(name)) mul *= 10;
      if (isDistinctiveName(name)) mul *= 10;
      if (name.startsWith('_')) mul *= 0.1;
      if (defs.size > 5) mul *= 0.1;
      if (input.focus.has(f.path)) mul *= 50;
      const weight = mul * Math.sqrt(count);
      for (const j of defs) edges.push({ from: i, to: j, name, weight });
    }
  });
  for (const [name, defs] of definers) {
    if (referenced.has(name)) continue;
    for (const j of defs) edges.push({ from: j, to: j, name, weight: 0.1 });
  }
  return edges;
}

/** Personalized PageRank: the walk follows weighted out-edges with probability DAMPING, else restarts by `personalization`. */
export function pagerank(n: number, edges: readonly Edge[], personalization: Float64Array): Float64Array {
  const outWeight = new Float64Array(n);
  for (const e of edges) outWeight[e.from] += e.weight;
  let sum = 0;
  for (const p of personalization) sum += p;
  const restart = sum > 0 ? personalization.map((p) => p / sum) : new Float64Array(n).fill(1 / n);
  let r = Float64Array.from(restart);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += r[i];
    for (const e of edges) next[e.to] += (DAMPING * r[e.from] * e.weight) / outWeight[e.from];
    let delta = 0;
    for (let i = 0; i < n; i++) {
      next[i] += (1 - DAMPING + DAMPING * dangling) * restart[i];
      delta += Math.abs(next[i] - r[i]);
    }
    r = next;
    if (delta < TOLERANCE) break;
  }
  return r;
}

/** Definitions (file, name) by rank, highest first; none from the focus files. */
export function rankDefinitions(files: readonly TagFile[], input: RankInput): RankedDefinition[] {
  const n = files.length;
  if (n === 0) return [];
  const edges = buildGraph(files, input);
  const personalization = new Float64Array(n);
  files.forEach((f, i) => {
    if (input.focus.has(f.path)) personalization[i] = 1;
  });
  const rank = pagerank(n, edges, personalization);
  const outWeight = new Float64Array(n);
  for (const e of edges) outWeight[e.from] += e.weight;
  const credit = new Map<string, { path: string; name: string; rank: number }>();
  for (const e of edges) {
    const path = files[e.to].path;
    if (input.focus.has(path)) continue;
    const key = `${path}\0${e.name}`;
    const share = (rank[e.from] * e.weight) / outWeight[e.from];
    const c = credit.get(key);
    if (c) c.rank += share;
    else credit.set(key, { path, name: e.name, rank: share });
  }
  return [...credit.values()].sort((a, b) => b.rank - a.rank || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Header tokens of a file's first run (its path line), as Hearth counts a snippet's file header. */
export const FILE_HEADER_TOKENS = 12;
/** An elision line (⋮) between two runs of the same file. */
export const GAP_TOKENS = 1;
/** Signature lines shown per definition at most, from its name line. */
export const MAX_SIGNATURE_LINES = 3;

export interface FillSources {
  /** Definitions of a file (all of them, for a name's several definitions and for containers). */
  definitions(path: string): readonly TagDefinition[];
  /** Lines of a file (0-based); undefined when unreadable. */
  lines(path: string): readonly string[] | undefined;
  estimate(text: string): number;
}

/** The lines that show a definition: its name line to its signature's end (at most MAX_SIGNATURE_LINES), and its container's header line. */
export function linesOfDefinition(d: TagDefinition, all: readonly TagDefinition[]): number[] {
  const out: number[] = [];
  const last = Math.min(Math.max(d.line, d.signatureEndLine), d.line + MAX_SIGNATURE_LINES - 1);
  for (let l = d.line; l <= last; l++) out.push(l);
  if (d.container !== undefined) {
    const owner = all
      .filter((o) => o.name === d.container && o.startLine <= d.startLine && d.endLine <= o.endLine && o !== d)
      .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
    if (owner && owner.line < d.line) out.push(owner.line);
  }
  return out;
}

/** Renders chosen lines per file as snippets: one per run of consecutive lines; files in the order given. */
export function renderOutline(chosen: ReadonlyMap<string, ReadonlySet<number>>, sources: FillSources): ContextSnippet[] {
  const out: ContextSnippet[] = [];
  for (const [path, set] of chosen) {
    const lines = sources.lines(path);
    if (!lines) continue;
    const sorted = [...set].filter((l) => l >= 0 && l < lines.length).sort((a, b) => a - b);
    let first = true;
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      const text = lines.slice(sorted[i], sorted[j] + 1).join('\n');
      out.push({ kind: 'definition', path, startLine: sorted[i], endLine: sorted[j], text, tokens: sources.estimate(text) + (first ? FILE_HEADER_TOKENS : GAP_TOKENS) });
      first = false;
      i = j + 1;
    }
  }
  return out;
}

/** Greedy fill: ranked definitions in order, each taken when its new lines still fit the budget. */
export function fillBudget(ranked: readonly RankedDefinition[], budget: number, sources: FillSources): ContextSnippet[] {
  const chosen = new Map<string, Set<number>>();
  const order: Array<{ path: string; lines: number[] }> = [];
  let used = 0;
  for (const r of ranked) {
    if (budget - used < FILE_HEADER_TOKENS / 2) break;
    const lines = sources.lines(r.path);
    if (!lines) continue;
    const all = sources.definitions(r.path);
    const have = chosen.get(r.path);
    const fresh = new Set<number>();
    for (const d of all) {
      if (d.name !== r.name) continue;
      for (const l of linesOfDefinition(d, all)) if (!have?.has(l) && l < lines.length) fresh.add(l);
    }
    if (fresh.size === 0) continue;
    let cost = have ? 0 : FILE_HEADER_TOKENS;
    for (const l of fresh) cost += sources.estimate(lines[l]) + 1;
    if (used + cost > budget) continue;
    used += cost;
    const set = have ?? new Set<number>();
    for (const l of fresh) set.add(l);
    if (!have) chosen.set(r.path, set);
    order.push({ path: r.path, lines: [...fresh] });
  }
  // The per-line estimate is not exactly the estimate of the joined runs: drop the last taken until the rendering fits.
  for (;;) {
    const snippets = renderOutline(chosen, sources);
    if (snippets.reduce((n, s) => n + s.tokens, 0) <= budget || order.length === 0) return snippets;
    const last = order.pop()!;
    const set = chosen.get(last.path)!;
    for (const l of last.lines) set.delete(l);
    if (set.size === 0) chosen.delete(last.path);
  }
}
