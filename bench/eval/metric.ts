// Cross-file definition recall at budget B (XDR@B), scored for one completion point at a time.
//
// Ground truth for a point is a list of definitions (GroundTruthDef), each with one or more sites
// (a symbol can be declared more than once: overloads, merged declarations). The rule:
//
//   A snippet COUNTS when it is within the budget: snippets are taken in the order the provider
//   returned them while the running sum of their `tokens` stays ≤ B; the first one that would pass B
//   and everything after it are dropped, and the point is flagged as an overflow.
//
//   A definition is PRESENT when some counted snippet s and some site d of the definition have
//     s.path === d.path                      (package-relative, forward slashes)
//     s.startLine ≤ d.nameLine ≤ s.endLine   (0-based, inclusive; the name line is part of the
//                                             signature, so a signature-only snippet counts and a
//                                             body-only slice does not)
//     s.text mentions the definition's name as a whole identifier (when it has a name), so that a
//     wide line range whose text elides the definition (an outline) does not count.
//
//   USEFUL tokens of a counted snippet = tokens × (lines of the snippet that lie inside the full
//   range [startLine, endLine] of any site of any needed definition in the same file) / (lines of
//   the snippet). Context efficiency = Σ useful / Σ counted tokens, over all points.
//
// XDR@B over a dev set = Σ present / Σ definitions (micro average); the per-point mean is reported
// beside it.
import type { ContextSnippet } from '../../src/core/completion/types';

/** Where a definition stands in its file. Lines are 0-based and inclusive. */
export interface DefSite {
  /** Package-relative path, forward slashes. */
  readonly path: string;
  /** Line of the declared name. */
  readonly nameLine: number;
  /** First line of the declaration, its doc comment included. */
  readonly startLine: number;
  readonly endLine: number;
  /** Last line of the signature: the line of the body's opening brace, or endLine when it has no body. */
  readonly signatureEndLine: number;
  /** TypeScript's SyntaxKind name of the declaration node, for reports. */
  readonly kind: string;
}

/**
 * One definition the target line needs. `via`: 'name' for a top-level definition the line names,
 * directly (an imported binding, usually) or through a module object (`ns.X` of a namespace import,
 * `utils.x` of `const utils = require('./utils')`); 'member' for a member reached through a value or
 * type defined elsewhere (`cache.getAccount()`, `this.options.x`, a property of an imported object).
 */
export interface GroundTruthDef {
  readonly name: string;
  readonly via: 'name' | 'member';
  readonly sites: readonly DefSite[];
}

export interface PointScore {
  readonly total: number;
  readonly present: number;
  readonly totalByVia: Readonly<Record<GroundTruthDef['via'], number>>;
  readonly presentByVia: Readonly<Record<GroundTruthDef['via'], number>>;
  /** Tokens of the counted snippets, as the provider reported them. */
  readonly packedTokens: number;
  readonly packedChars: number;
  readonly usefulTokens: number;
  /** Sum of `tokens` over every returned snippet, counted or not. */
  readonly returnedTokens: number;
  readonly returnedSnippets: number;
  readonly countedSnippets: number;
  /** The returned snippets' tokens add up to more than the budget. */
  readonly overflow: boolean;
  /** Snippets whose `tokens` is not a finite number ≥ 0, or whose line range is reversed. */
  readonly invalid: number;
}

/** `text` contains `name` as a whole JavaScript identifier. An empty name always matches. */
export function mentionsName(text: string, name: string): boolean {
  if (name === '') return true;
  let from = 0;
  for (;;) {
    const i = text.indexOf(name, from);
    if (i < 0) return false;
    const before = i > 0 ? text[i - 1] : '';
    const after = text[i + name.length] ?? '';
    if (!isIdentChar(before) && !isIdentChar(after)) return true;
    from = i + 1;
  }
}

function isIdentChar(c: string): boolean {
  return c !== '' && /[\p{ID_Continue}$\u200c\u200d]/u.test(c);
}

/** A snippet path as package-relative with forward slashes, whatever form the provider used. */
export function normalizeSnippetPath(path: string, packageRoot?: string): string {
  let p = path.replace(/\\/g, '/');
  if (packageRoot) {
    const root = packageRoot.replace(/\\/g, '/').replace(/\/+$/, '');
    if (p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
  }
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

function validSnippet(s: ContextSnippet): boolean {
  return Number.isFinite(s.tokens) && s.tokens >= 0 && Number.isInteger(s.startLine) && Number.isInteger(s.endLine) && s.endLine >= s.startLine;
}

/** The snippets that fit the budget, in the provider's order (see the rule at the top). */
export function countedSnippets(snippets: readonly ContextSnippet[], budget: number): { counted: ContextSnippet[]; overflow: boolean; invalid: number; returnedTokens: number } {
  const counted: ContextSnippet[] = [];
  let sum = 0;
  let returnedTokens = 0;
  let invalid = 0;
  let cut = false;
  for (const s of snippets) {
    if (!validSnippet(s)) {
      invalid++;
      continue;
    }
    returnedTokens += s.tokens;
    if (cut) continue;
    if (sum + s.tokens > budget) {
      cut = true;
      continue;
    }
    sum += s.tokens;
    counted.push(s);
  }
  return { counted, overflow: returnedTokens > budget, invalid, returnedTokens };
}

export function isDefinitionPresent(def: GroundTruthDef, snippets: readonly ContextSnippet[], packageRoot?: string): boolean {
  for (const s of snippets) {
    const path = normalizeSnippetPath(s.path, packageRoot);
    for (const d of def.sites) {
      if (d.path === path && s.startLine <= d.nameLine && d.nameLine <= s.endLine && mentionsName(s.text, def.name)) return true;
    }
  }
  return false;
}

/** Tokens of `s` that fall on lines of needed definitions (pro rata by lines). */
export function usefulTokens(s: ContextSnippet, defs: readonly GroundTruthDef[], packageRoot?: string): number {
  const path = normalizeSnippetPath(s.path, packageRoot);
  const ranges: [number, number][] = [];
  for (const def of defs) for (const d of def.sites) if (d.path === path) ranges.push([d.startLine, d.endLine]);
  if (ranges.length === 0) return 0;
  const n = s.endLine - s.startLine + 1;
  let inside = 0;
  for (let line = s.startLine; line <= s.endLine; line++) {
    if (ranges.some(([a, b]) => a <= line && line <= b)) inside++;
  }
  return (s.tokens * inside) / n;
}

export function scorePoint(defs: readonly GroundTruthDef[], snippets: readonly ContextSnippet[], budget: number, packageRoot?: string): PointScore {
  const { counted, overflow, invalid, returnedTokens } = countedSnippets(snippets, budget);
  const totalByVia = { name: 0, member: 0 };
  const presentByVia = { name: 0, member: 0 };
  let present = 0;
  for (const def of defs) {
    totalByVia[def.via]++;
    if (isDefinitionPresent(def, counted, packageRoot)) {
      present++;
      presentByVia[def.via]++;
    }
  }
  let packedTokens = 0;
  let packedChars = 0;
  let useful = 0;
  for (const s of counted) {
    packedTokens += s.tokens;
    packedChars += s.text.length;
    useful += usefulTokens(s, defs, packageRoot);
  }
  return {
    total: defs.length, present, totalByVia, presentByVia, packedTokens, packedChars, usefulTokens: useful,
    returnedTokens, returnedSnippets: snippets.length, countedSnippets: counted.length, overflow, invalid,
  };
}

/** Totals over many points: what a report row shows. */
export interface Aggregate {
  readonly points: number;
  readonly defs: number;
  /** Σ present / Σ definitions. */
  readonly xdr: number;
  /** Mean over points of present / definitions. */
  readonly xdrPointMean: number;
  readonly xdrByVia: Readonly<Record<GroundTruthDef['via'], number | null>>;
  readonly defsByVia: Readonly<Record<GroundTruthDef['via'], number>>;
  /** Points with at least one needed definition present. */
  readonly anyHit: number;
  /** Points with every needed definition present. */
  readonly allHit: number;
  /** Σ useful tokens / Σ counted tokens (null when nothing was packed). */
  readonly efficiency: number | null;
  readonly meanPackedTokens: number;
  readonly maxPackedTokens: number;
  /** Characters per reported token over everything packed (a sanity check on the provider's counting). */
  readonly charsPerToken: number | null;
  readonly overflows: number;
  readonly invalidSnippets: number;
}

export function aggregate(scores: readonly PointScore[]): Aggregate {
  let defs = 0;
  let present = 0;
  let pointRatio = 0;
  let anyHit = 0;
  let allHit = 0;
  let packed = 0;
  let chars = 0;
  let useful = 0;
  let maxPacked = 0;
  let overflows = 0;
  let invalid = 0;
  const tv = { name: 0, member: 0 };
  const pv = { name: 0, member: 0 };
  for (const s of scores) {
    defs += s.total;
    present += s.present;
    pointRatio += s.total > 0 ? s.present / s.total : 0;
    if (s.present > 0) anyHit++;
    if (s.total > 0 && s.present === s.total) allHit++;
    packed += s.packedTokens;
    chars += s.packedChars;
    useful += s.usefulTokens;
    maxPacked = Math.max(maxPacked, s.packedTokens);
    if (s.overflow) overflows++;
    invalid += s.invalid;
    tv.name += s.totalByVia.name;
    tv.member += s.totalByVia.member;
    pv.name += s.presentByVia.name;
    pv.member += s.presentByVia.member;
  }
  const n = scores.length;
  return {
    points: n,
    defs,
    xdr: defs > 0 ? present / defs : 0,
    xdrPointMean: n > 0 ? pointRatio / n : 0,
    xdrByVia: { name: tv.name > 0 ? pv.name / tv.name : null, member: tv.member > 0 ? pv.member / tv.member : null },
    defsByVia: tv,
    anyHit,
    allHit,
    efficiency: packed > 0 ? useful / packed : null,
    meanPackedTokens: n > 0 ? packed / n : 0,
    maxPackedTokens: maxPacked,
    charsPerToken: packed > 0 ? chars / packed : null,
    overflows,
    invalidSnippets: invalid,
  };
}
