// Every finding the model reports is checked here before anyone sees it. A finding must name a file
// of the diff, point at staged lines of one of its hunks that include a changed (added) line, and
// carry as `anchor` the text of its first line. The model's line numbers drift; its anchor is the
// evidence: a finding whose anchor names another line of the same hunk is moved there, and one whose
// anchor resembles no line of the hunk is a hallucination and is dropped. Then duplicates are
// merged, a confidence/severity gate applies, and at most K findings per file are kept. Nothing is
// lost silently: every finding not kept is in `dropped` with the reason.
//
// Decisions:
// - Paths: exact, after taking off one leading `./`, `a/` or `b/` (git's diff prefixes); the old
//   path of a rename or copy names the new one.
// - Which hunk: the one whose staged lines hold `line`; when none does, the nearest one (ties: the
//   earlier). Only that hunk is searched for the anchor.
// - Anchor comparison: zero-width joiners (which the prompt inserts to break control tokens) and a
//   trailing CR are ignored, then whitespace at the ends. An anchor that echoes the prompt's line
//   prefix (`12 +|code`, `+code`) is read without it.
// - Relocation: first a line equal to the anchor at the ends-trimmed level, then equal with all
//   whitespace removed, then (when the anchor matches a removed line of the hunk this way, the
//   finding is dropped as anchored on a removed line) the closest line by edit distance on the
//   whitespace-collapsed texts with similarity 1 - distance / longer length >= FUZZY_MIN_SIMILARITY
//   (0.8: at most one edit in five characters, enough for a dropped semicolon or a retyped quote,
//   not for another statement). Ties: the line nearest the model's line, then an added line.
//   end_line moves by the same amount.
// - Range: end_line before line is read as a one-line finding; a range past the hunk's last staged
//   line is cut there. Either way the fix is removed (set to null): it was written to replace other
//   lines, and applying it to the corrected range would corrupt the file.
// - A fix that holds a redaction marker is removed too: applying it would write the marker into code.
// - Duplicates: same file, overlapping ranges, and the same category or titles sharing at least
//   half their words; the finding with the higher severity, then confidence, is kept.
// Cost: O(findings × hunk lines) comparisons, each bounded by the line length times the edit
// band; duplicates O(findings² per file). 100 findings are validated in well under 50 ms.
import { ModelError, type ModelErrorReason } from '../errors';
import { redactionMarker } from '../privacy/redactor';
import { ZERO_WIDTH_JOINER } from '../prompt/neutralize';
import { MAX_FINDINGS_PER_FILE } from './schema';
import { editDistanceAtMost } from '../text/editDistance';
import type { DiffLine, DroppedFinding, Finding, Hunk, RawFinding, Severity, StagedFile } from './types';

export interface ValidateOptions {
  /** Findings below this confidence are dropped. Default 0.5. */
  readonly minConfidence?: number;
  /** Findings below this severity are dropped. Default 'low' (none). */
  readonly minSeverity?: Severity;
  /** Findings kept per file, most severe and confident first. Default MAX_FINDINGS_PER_FILE. */
  readonly maxPerFile?: number;
}

export interface ValidationResult {
  /** Sorted by path, then line. */
  readonly findings: Finding[];
  readonly dropped: DroppedFinding[];
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** Least similarity (1 - edit distance / longer length, whitespace collapsed) for a fuzzy relocation. */
export const FUZZY_MIN_SIMILARITY = 0.8;
/** Least share of title words two findings on overlapping lines share to be one finding. */
export const DUPLICATE_TITLE_OVERLAP = 0.5;

const RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

export function validateFindings(raw: readonly RawFinding[], files: readonly StagedFile[], opts: ValidateOptions = {}): ValidationResult {
  const minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const minSeverity = opts.minSeverity ?? 'low';
  const maxPerFile = opts.maxPerFile ?? MAX_FINDINGS_PER_FILE;
  const dropped: DroppedFinding[] = [];
  const drop = (finding: RawFinding, reason: string) => dropped.push({ finding, reason });
  const byPath = pathIndex(files);
  const hunks = new Map<Hunk, PreparedHunk>();
  const prepared = (h: Hunk) => {
    let p = hunks.get(h);
    if (!p) hunks.set(h, (p = prepareHunk(h)));
    return p;
  };

  // 1. Anchor each finding on staged lines of a changed hunk, and gate it.
  const placed: { raw: RawFinding; finding: Finding }[] = [];
  for (const r of raw) {
    const result = anchorFinding(r, byPath, prepared);
    if (typeof result === 'string') {
      drop(r, result);
      continue;
    }
    if (!(r.confidence >= minConfidence)) {
      drop(r, `confidence ${r.confidence} is below the minimum of ${minConfidence}`);
      continue;
    }
    if (!(RANK[r.severity] >= RANK[minSeverity])) {
      drop(r, `severity "${r.severity}" is below the minimum of "${minSeverity}"`);
      continue;
    }
    placed.push({ raw: r, finding: result });
  }

  // 2. Merge duplicates: the stronger one stays.
  const stronger = (a: Finding, b: Finding) => RANK[b.severity] - RANK[a.severity] || b.confidence - a.confidence;
  const order = placed.map((p, i) => ({ ...p, i })).sort((a, b) => stronger(a.finding, b.finding) || a.i - b.i);
  const kept: typeof order = [];
  for (const p of order) {
    const twin = kept.find((k) => isDuplicate(k.finding, p.finding));
    if (twin) drop(p.raw, `duplicate of "${twin.finding.title}" (${twin.finding.path}:${twin.finding.line}), which is kept`);
    else kept.push(p);
  }

  // 3. At most maxPerFile per file, the strongest (kept is sorted strongest first).
  const perFile = new Map<string, number>();
  const findings: Finding[] = [];
  for (const p of kept) {
    const n = perFile.get(p.finding.path) ?? 0;
    if (n >= maxPerFile) {
      drop(p.raw, `more than ${maxPerFile} finding${maxPerFile === 1 ? '' : 's'} in ${p.finding.path}: the stronger ones are kept`);
      continue;
    }
    perFile.set(p.finding.path, n + 1);
    findings.push(p.finding);
  }
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.endLine - b.endLine));
  return { findings, dropped };
}

// ---------------------------------------------------------------------------------------------

function pathIndex(files: readonly StagedFile[]): Map<string, StagedFile> {
  const m = new Map<string, StagedFile>();
  for (const f of files) m.set(f.path, f);
  // An old path names its file only where no staged file has that path.
  for (const f of files) if (f.oldPath !== undefined && !m.has(f.oldPath)) m.set(f.oldPath, f);
  return m;
}

function resolveFile(name: string, byPath: Map<string, StagedFile>): StagedFile | undefined {
  const exact = byPath.get(name);
  if (exact) return exact;
  const m = /^(?:\.\/|a\/|b\/)(.+)$/.exec(name);
  return m ? byPath.get(m[1]) : undefined;
}

/** A finding placed on staged lines, or why it cannot be. */
function anchorFinding(r: RawFinding, byPath: Map<string, StagedFile>, prepared: (h: Hunk) => PreparedHunk): Finding | string {
  const file = resolveFile(r.file, byPath);
  if (!file) return `file "${r.file}" is not in the staged diff`;
  if (file.binary || file.submodule) return `${file.path} is ${file.binary ? 'a binary file' : 'a submodule pointer'}: it has no lines to point at`;
  if (!Number.isInteger(r.line) || !Number.isInteger(r.end_line)) return `line numbers ${r.line}-${r.end_line} are not whole numbers`;
  const hunk = hunkFor(file.hunks, r.line);
  if (!hunk) return `${file.path} has no staged lines to point at`;
  const h = prepared(hunk);
  const { staged } = h;
  const last = staged[staged.length - 1].newLine;

  const at = relocate(r, h);
  if (typeof at === 'string') return at;
  const delta = at - r.line;
  let fix = r.fix;
  let endLine = r.end_line + delta;
  if (endLine < at) {
    endLine = at;
    fix = null;
  } else if (endLine > last) {
    endLine = last;
    fix = null;
  }
  const changed = staged.some((l) => l.kind === 'added' && l.newLine >= at && l.newLine <= endLine);
  if (!changed) return `lines ${at}-${endLine} of ${file.path} are unchanged context: findings must point at changed lines`;
  if (fix !== null && fix.includes(REDACTION_PREFIX)) fix = null;
  if (fix !== null) fix = fix.split(`<${ZERO_WIDTH_JOINER}`).join('<');
  return {
    path: file.path,
    line: at,
    endLine,
    severity: r.severity,
    category: r.category.trim(),
    confidence: r.confidence,
    title: r.title.trim(),
    explanation: r.explanation.trim(),
    fix,
    relocatedBy: delta,
  };
}

const REDACTION_PREFIX = redactionMarker('').slice(0, -2); // "[redacted"

/** The hunk whose staged lines hold `line`, else the nearest one (ties: the earlier); only hunks with staged lines. */
function hunkFor(hunks: readonly Hunk[], line: number): Hunk | undefined {
  let best: Hunk | undefined;
  let bestGap = Infinity;
  for (const h of hunks) {
    let first = Infinity;
    let last = -Infinity;
    for (const l of h.lines) {
      if (l.kind === 'removed' || l.newLine === undefined) continue;
      first = Math.min(first, l.newLine);
      last = Math.max(last, l.newLine);
    }
    if (first === Infinity) continue;
    const gap = line < first ? first - line : line > last ? line - last : 0;
    if (gap < bestGap) {
      best = h;
      bestGap = gap;
    }
  }
  return best;
}

type StagedLine = DiffLine & { newLine: number };

/** A hunk's lines in the forms anchors are compared with, computed once per hunk and validation. */
interface PreparedHunk {
  readonly staged: readonly StagedLine[];
  readonly texts: readonly string[];
  readonly squeezed: readonly string[];
  readonly collapsed: readonly string[];
  readonly shapes: readonly Uint16Array[];
  readonly removed: ReadonlySet<string>;
}

function prepareHunk(hunk: Hunk): PreparedHunk {
  const staged = hunk.lines.filter((l): l is StagedLine => l.kind !== 'removed' && l.newLine !== undefined);
  const texts = staged.map((l) => trimmed(l.text));
  const collapsed = texts.map(collapse);
  return {
    staged, texts, collapsed,
    squeezed: texts.map(noSpace),
    shapes: collapsed.map(histogram),
    removed: new Set(hunk.lines.filter((l) => l.kind === 'removed').map((l) => noSpace(trimmed(l.text))).filter((t) => t !== '')),
  };
}

/** The staged line the anchor names, or why there is none. */
function relocate(r: RawFinding, h: PreparedHunk): number | string {
  const { staged, texts } = h;
  const anchors = anchorReadings(r.anchor);
  if (anchors.every((a) => a === '')) return 'the anchor is empty: it names no line';
  const pick = (match: (i: number) => boolean): number | undefined => {
    let best: number | undefined;
    for (let i = 0; i < staged.length; i++) {
      if (!match(i)) continue;
      if (best === undefined || closer(staged[i], staged[best], r.line)) best = i;
    }
    return best === undefined ? undefined : staged[best].newLine;
  };
  // The line the model named, when its anchor is that line's text.
  const named = staged.findIndex((l) => l.newLine === r.line);
  if (named >= 0 && anchors.includes(texts[named])) return r.line;
  const exact = pick((i) => texts[i] !== '' && anchors.includes(texts[i]));
  if (exact !== undefined) return exact;
  const squeezed = anchors.map(noSpace).filter((a) => a !== '');
  const same = pick((i) => squeezed.includes(h.squeezed[i]));
  if (same !== undefined) return same;
  if (squeezed.some((a) => h.removed.has(a))) return 'the anchor is the text of a removed line: removed lines cannot carry a finding';
  const collapsed = anchors.map(collapse).filter((a) => a !== '');
  const shapes = collapsed.map(histogram);
  let top = 0;
  const scores = h.collapsed.map((line, i) => {
    let best = 0;
    for (let k = 0; k < collapsed.length; k++) {
      const a = collapsed[k];
      // Only a line as similar as the best so far can be picked (ties included): the edit band
      // narrows to that, and lines that cannot reach it score 0, which changes no pick.
      const need = Math.max(top, best);
      const longer = Math.max(a.length, line.length);
      const allowed = Math.min(Math.floor(longer * (1 - FUZZY_MIN_SIMILARITY)), need > FUZZY_MIN_SIMILARITY ? distanceWithin(longer, need) : Infinity);
      // Each edit changes the character counts by at most 2: a cheap bound that skips most lines.
      if (Math.ceil(histogramDistance(shapes[k], h.shapes[i]) / 2) <= allowed) best = Math.max(best, similarity(a, line, need));
    }
    top = Math.max(top, best);
    return best;
  });
  if (top >= FUZZY_MIN_SIMILARITY) {
    const fuzzy = pick((i) => scores[i] === top);
    if (fuzzy !== undefined) return fuzzy;
  }
  return 'the anchor matches no line of the hunk: hallucinated';
}

/** True when `a` is nearer the model's line than `b`; at equal distance an added line wins. */
function closer(a: StagedLine, b: StagedLine, line: number): boolean {
  const da = Math.abs(a.newLine - line);
  const db = Math.abs(b.newLine - line);
  if (da !== db) return da < db;
  return a.kind === 'added' && b.kind !== 'added';
}

const ZWJ = new RegExp(ZERO_WIDTH_JOINER, 'g');

/** A line's text as anchors are compared: no joiners, no CR, no whitespace at the ends. */
function trimmed(text: string): string {
  return text.replace(ZWJ, '').replace(/\r$/, '').trim();
}

/** The anchor as written, and without an echo of the prompt's line prefix (`12 +|`, `+|`, `+`). */
function anchorReadings(anchor: string): string[] {
  const a = trimmed(anchor.split(/\r?\n/)[0] ?? '');
  const out = [a];
  const echo = /^(?:\d+\s*[+ ]?\s*\||\+\|?)(.*)$/.exec(a);
  if (echo) out.push(echo[1].trim());
  return out;
}

const noSpace = (s: string) => s.replace(/\s+/g, '');
const collapse = (s: string) => s.replace(/\s+/g, ' ');

const BUCKETS = 64;

/** Character counts, folded into BUCKETS buckets (folding only lowers the distance: still a bound). */
function histogram(s: string): Uint16Array {
  const h = new Uint16Array(BUCKETS);
  for (let i = 0; i < s.length; i++) h[s.charCodeAt(i) % BUCKETS]++;
  return h;
}

function histogramDistance(a: Uint16Array, b: Uint16Array): number {
  let d = 0;
  for (let i = 0; i < BUCKETS; i++) d += Math.abs(a[i] - b[i]);
  return d;
}

/** Most edits a pair whose longer text has `longer` characters may need to reach similarity `atLeast` (float error allowed for). */
function distanceWithin(longer: number, atLeast: number): number {
  return Math.floor(longer * (1 - atLeast) + 1e-9);
}

/**
 * 1 - Levenshtein distance / longer length, computed only within the band that can still reach
 * FUZZY_MIN_SIMILARITY, or `atLeast` when that is higher (0 outside it): O(length × band) per pair.
 */
export function similarity(a: string, b: string, atLeast = FUZZY_MIN_SIMILARITY): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  const floor = Math.floor(longer * (1 - FUZZY_MIN_SIMILARITY));
  const maxDist = atLeast > FUZZY_MIN_SIMILARITY ? Math.min(floor, distanceWithin(longer, atLeast)) : floor;
  const d = editDistanceAtMost(a, b, maxDist);
  return d > maxDist ? 0 : 1 - d / longer;
}

function isDuplicate(a: Finding, b: Finding): boolean {
  if (a.path !== b.path || a.endLine < b.line || b.endLine < a.line) return false;
  const ca = a.category.toLowerCase();
  if (ca !== '' && ca === b.category.toLowerCase()) return true;
  const wa = words(a.title);
  const wb = words(b.title);
  if (wa.size === 0 || wb.size === 0) return false;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / Math.min(wa.size, wb.size) >= DUPLICATE_TITLE_OVERLAP;
}

const words = (s: string) => new Set(s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length > 2));

// ---------------------------------------------------------------------------------------------
// Reply-level outcomes

/** One request's outcome: its findings, or why the files it carried were not (completely) reviewed. */
export type BatchOutcome =
  | { readonly complete: true; readonly paths: readonly string[]; readonly findings: Finding[]; readonly dropped: DroppedFinding[] }
  | { readonly complete: false; readonly paths: readonly string[]; readonly cause: ModelErrorReason | 'unknown'; readonly reason: string };

/**
 * The outcome of a request that failed: the review of its files is incomplete, with the reason and
 * the fix — never "no findings". An answer cut at the output limit and one still unreadable after
 * the retry (session.structured's 'outputCut' and 'unreadableOutput') are the expected ones; any
 * other failure (unreachable, timeout, cancelled) is reported the same way.
 */
export function incompleteBatch(paths: readonly string[], error: unknown): BatchOutcome & { complete: false } {
  if (ModelError.is(error)) {
    const what = error.reason === 'outputCut' ? 'the answer was cut off at the output limit'
      : error.reason === 'unreadableOutput' ? 'the answer could not be read, also when asked again'
        : error.reason === 'aborted' ? 'the review was cancelled'
          : 'the model request failed';
    return { complete: false, paths, cause: error.reason, reason: `Review incomplete: ${what}. ${error.userMessage}`.trim() };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { complete: false, paths, cause: 'unknown', reason: `Review incomplete: ${message}` };
}

/** The outcome of a request that answered: every finding validated against the files it carried. */
export function completeBatch(files: readonly StagedFile[], findings: readonly RawFinding[], opts?: ValidateOptions): BatchOutcome & { complete: true } {
  return { complete: true, paths: files.map((f) => f.path), ...validateFindings(findings, files, opts) };
}
