// The review eval's scores, from each variant's outcome. Pure: the integration test checks them on
// the hand-written replies, where every figure is known.
//
// - recall@±2: buggy variants with a reported finding (after validation, as the user sees it) whose
//   lines come within 2 lines of the bug's lines. A review that could not be completed is a miss.
// - raw recall@±2: the same with the model's own line numbers, before validation moved or dropped
//   anything: the gap between the two is what anchoring buys.
// - precision: reported findings that hit their variant's bug, over all reported findings, those on
//   clean twins included. A finding on a buggy variant away from the seeded bug counts against it,
//   as is usual for seeded-bug sets (it may be a real problem of the change, which the set does not know).
// - false positives per clean diff: reported findings on clean twins, over clean twins reviewed.
// - anchor validity: raw findings whose `anchor` is the text of the staged line `line` of the file
//   they name (ends trimmed), over all raw findings.
// - JSON validity: answers that are a JSON value of the reply schema (after the cleanup every answer
//   gets: fences, thought), over all answers, asked-again ones included.
import type { DroppedFinding, Finding, RawFinding } from '../../../src/core/review/types';
import { percentile } from '../../stats';
import type { VariantKind } from './corpus';

export const LINE_TOLERANCE = 2;

export interface VariantOutcome {
  readonly id: string;
  readonly kind: VariantKind;
  readonly path: string;
  /** The staged text of `path`. */
  readonly text: string;
  readonly truth?: { readonly line: number; readonly endLine: number };
  /** Undefined when the review completed; else why not. */
  readonly incomplete?: string;
  /** The findings of every usable answer, as the model gave them. */
  readonly raw: readonly RawFinding[];
  readonly findings: readonly Finding[];
  readonly dropped: readonly DroppedFinding[];
  /** Answers the model gave, and how many of them were usable JSON. */
  readonly answers: number;
  readonly validAnswers: number;
  /** reviewChanges, end to end. */
  readonly ms: number;
}

export interface ReviewEvalMetrics {
  readonly buggy: number;
  readonly clean: number;
  readonly incomplete: number;
  readonly hits: number;
  readonly recall: number;
  readonly rawHits: number;
  readonly rawRecall: number;
  readonly reported: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly cleanFindings: number;
  readonly falsePositivesPerClean: number;
  readonly rawFindings: number;
  readonly validAnchors: number;
  readonly anchorValidity: number;
  readonly relocated: number;
  readonly dropped: number;
  readonly answers: number;
  readonly validAnswers: number;
  readonly jsonValidity: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly max: number };
}

export function near(range: { line: number; endLine: number }, truth: { line: number; endLine: number }, k = LINE_TOLERANCE): boolean {
  return range.line - k <= truth.endLine && range.endLine + k >= truth.line;
}

const stripPrefix = (p: string) => p.replace(/^(?:\.\/|a\/|b\/)/, '');

export function anchorIsValid(f: RawFinding, path: string, lines: readonly string[]): boolean {
  if (f.file !== path && stripPrefix(f.file) !== path) return false;
  if (!Number.isInteger(f.line) || f.line < 1 || f.line > lines.length) return false;
  return f.anchor.trim() === lines[f.line - 1].replace(/\r$/, '').trim();
}

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

export function scoreReviewEval(outcomes: readonly VariantOutcome[]): ReviewEvalMetrics {
  let buggy = 0, clean = 0, incomplete = 0, hits = 0, rawHits = 0, reported = 0, truePositives = 0, cleanFindings = 0;
  let rawFindings = 0, validAnchors = 0, relocated = 0, dropped = 0, answers = 0, validAnswers = 0;
  for (const o of outcomes) {
    if (o.incomplete !== undefined) incomplete++;
    answers += o.answers;
    validAnswers += o.validAnswers;
    const lines = o.text.split('\n');
    rawFindings += o.raw.length;
    validAnchors += o.raw.filter((f) => anchorIsValid(f, o.path, lines)).length;
    reported += o.findings.length;
    relocated += o.findings.filter((f) => f.relocatedBy !== 0).length;
    dropped += o.dropped.length;
    if (o.kind === 'clean') {
      clean++;
      cleanFindings += o.findings.length;
      continue;
    }
    buggy++;
    const truth = o.truth!;
    const tp = o.findings.filter((f) => f.path === o.path && near(f, truth)).length;
    truePositives += tp;
    if (tp > 0) hits++;
    if (o.raw.some((f) => stripPrefix(f.file) === o.path && near({ line: f.line, endLine: Math.max(f.line, f.end_line) }, truth))) rawHits++;
  }
  const ms = outcomes.map((o) => o.ms);
  return {
    buggy, clean, incomplete, hits, recall: ratio(hits, buggy), rawHits, rawRecall: ratio(rawHits, buggy),
    reported, truePositives, precision: ratio(truePositives, reported),
    cleanFindings, falsePositivesPerClean: ratio(cleanFindings, clean),
    rawFindings, validAnchors, anchorValidity: ratio(validAnchors, rawFindings), relocated, dropped,
    answers, validAnswers, jsonValidity: ratio(validAnswers, answers),
    latencyMs: { p50: percentile(ms, 50), p90: percentile(ms, 90), max: ms.length ? Math.max(...ms) : NaN },
  };
}

const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)} %`);

export function formatMetrics(m: ReviewEvalMetrics): string {
  return [
    `recall@±${LINE_TOLERANCE}            ${pct(m.recall)}  (${m.hits} of ${m.buggy} seeded bugs found${m.incomplete ? `; ${m.incomplete} reviews incomplete, counted as misses` : ''})`,
    `  with the model's lines ${pct(m.rawRecall)}  (${m.rawHits} of ${m.buggy}, before validation relocated or dropped anything)`,
    `precision            ${pct(m.precision)}  (${m.truePositives} of ${m.reported} reported findings on a seeded bug)`,
    `false positives      ${Number.isNaN(m.falsePositivesPerClean) ? '–' : m.falsePositivesPerClean.toFixed(2)} per clean diff  (${m.cleanFindings} findings on ${m.clean} clean twins)`,
    `anchor validity      ${pct(m.anchorValidity)}  (${m.validAnchors} of ${m.rawFindings} raw findings anchored on their own line; ${m.relocated} reported findings relocated, ${m.dropped} dropped)`,
    `JSON validity        ${pct(m.jsonValidity)}  (${m.validAnswers} of ${m.answers} answers)`,
    `latency per review   p50 ${m.latencyMs.p50.toFixed(0)} ms, p90 ${m.latencyMs.p90.toFixed(0)} ms, max ${m.latencyMs.max.toFixed(0)} ms`,
  ].join('\n');
}
