// The review prompt for a batch of staged files, and the planner that splits a large diff into
// requests that fit the window.
//
// Layout of one hunk (new-side code numbered by its staged line, changed lines marked, removed
// lines apart and unnumbered, as the reference's review pipeline has it):
//
//   <hunk staged_lines="10-13">
//   <enclosing>…the function or class around it…</enclosing>      (optional, from the caller)
//   <definitions>…definitions of the symbols it uses…</definitions> (optional, 'full' level only)
//   <staged>
//   10  |const a = 1;
//   11 +|const b = a + 2;
//   </staged>
//   <removed>
//   before staged line 11:
//   -const b = a + 1;
//   </removed>
//   </hunk>
//
// Every text from the repository (paths, lines, context) is neutralized: control tokens and this
// prompt's own section markers are broken with a zero-width joiner (validate.ts reads anchors with
// the joiners taken out). REDACTION SEAM: credentials are NOT removed here; the caller hands in
// StagedFile lines and context strings already redacted by the privacy gate's Redactor, line by
// line in place (a marker never spans a line end, so staged line numbers stay true), and validates
// the reply against those same redacted files.
import type { ChatMessage, SamplingOptions, ThinkSetting } from '../model/backend';
import type { Priority } from '../model/scheduler';
import type { StructuredRequest } from '../model/structured';
import { neutralize } from '../prompt/neutralize';
import { MAX_FINDINGS_PER_FILE, REVIEW_REPLY_DESCRIPTION, REVIEW_REPLY_SCHEMA } from './schema';
import type { Hunk, StagedFile } from './types';

/** What the caller found around one hunk (tree-sitter on the staged text; the workspace pack). Redacted. */
export interface HunkContext {
  /** Text of the function or class that encloses the hunk in the staged file. */
  readonly enclosing?: string;
  /** Definitions, from anywhere in the workspace, of the symbols the hunk uses. */
  readonly definitions?: readonly string[];
}

/** One staged file as the prompt shows it. */
export interface ReviewFileInput {
  /** The parsed file, its line texts already redacted (see REDACTION SEAM above). */
  readonly file: StagedFile;
  /** Language id, shown to the model when known. */
  readonly language?: string;
  /** Context per hunk, by index into `file.hunks`. */
  readonly contexts?: readonly (HunkContext | undefined)[];
}

/**
 * How much context a hunk carries: 'full' = the enclosing definition and the used symbols'
 * definitions; 'shrunk' = the enclosing definition only (what a file is cut to before it is split).
 */
export type ContextLevel = 'full' | 'shrunk';

/** Some hunks of one file, at one context level: what one request carries of that file. */
export interface ReviewFilePart {
  readonly input: ReviewFileInput;
  /** Indices into `input.file.hunks`, ascending. */
  readonly hunks: readonly number[];
  readonly level: ContextLevel;
}

/** This prompt's own section markers: broken like control tokens wherever repository text holds them. */
const MARKERS = [
  '<file', '</file>', '<hunk', '</hunk>', '<staged>', '</staged>', '<removed>', '</removed>',
  '<enclosing>', '</enclosing>', '<definitions>', '</definitions>',
];
const clean = (text: string) => neutralize(text, MARKERS);

export function reviewSystemPrompt(maxPerFile = MAX_FINDINGS_PER_FILE): string {
  return [
    'You are a careful senior engineer reviewing staged changes before they are committed. Find real defects that the changes introduce: bugs, wrong logic, crashes, security problems, data loss, resource leaks, race conditions.',
    '',
    'How the changes are shown: each <file> holds <hunk>s. In <staged>, every line starts with its staged line number, then "+" if the line is added or changed (a space if it is unchanged context), then "|", then the code. <removed> lists lines the change deleted; they have no number. <enclosing> and <definitions>, when present, are surrounding code for understanding only.',
    '',
    'Rules:',
    '- Comment only on lines marked "+". Unchanged and removed lines can explain a problem, but the finding must point at a "+" line.',
    '- Report only problems you can justify from the code shown. No praise, no summaries, no style or naming remarks, no nitpicks, no suggestions to add comments or tests.',
    '- An empty list is a good answer: {"findings": []} when the changes look correct.',
    `- At most ${maxPerFile} findings per file: the most important ones.`,
    '- "anchor" is the exact text of line "line", copied character for character (without the number, the mark and the "|").',
    '- "fix" replaces lines "line" through "end_line" entirely: write all of those lines as they should be, or null.',
    '- Every "explanation" names a concrete scenario that triggers the problem.',
    '',
    REVIEW_REPLY_DESCRIPTION,
  ].join('\n');
}

/** The new-side lines of a hunk: context and added lines, with their staged numbers. */
function newSideLines(hunk: Hunk) {
  return hunk.lines.filter((l) => l.kind !== 'removed' && l.newLine !== undefined);
}

/** A hunk with no added line: nothing a finding may point at (a deletion-only hunk). */
export function isReviewable(hunk: Hunk): boolean {
  return hunk.lines.some((l) => l.kind === 'added' && l.newLine !== undefined);
}

/** `10-13`, or `10` for one line. */
function rangeLabel(hunk: Hunk): string {
  const lines = newSideLines(hunk);
  if (lines.length === 0) return `${hunk.newStart}`;
  const first = lines[0].newLine!;
  const last = lines[lines.length - 1].newLine!;
  return first === last ? `${first}` : `${first}-${last}`;
}

/** The numbered staged lines and the removed block of one hunk. */
function renderHunkCode(hunk: Hunk): string {
  const numbered = newSideLines(hunk);
  const width = String(numbered.length ? numbered[numbered.length - 1].newLine! : hunk.newStart).length;
  const staged: string[] = [];
  const removed: string[] = [];
  let run: string[] = [];
  let lastNew: number | undefined;
  const closeRun = (before: number | undefined) => {
    if (run.length === 0) return;
    const where = before !== undefined ? `before staged line ${before}:`
      : lastNew !== undefined ? `after staged line ${lastNew}:` : 'where the hunk starts:';
    removed.push(where, ...run);
    run = [];
  };
  for (const l of hunk.lines) {
    if (l.kind === 'removed') {
      run.push(`-${clean(l.text)}`);
      continue;
    }
    if (l.newLine === undefined) continue;
    closeRun(l.newLine);
    staged.push(`${String(l.newLine).padStart(width)} ${l.kind === 'added' ? '+' : ' '}|${clean(l.text)}`);
    lastNew = l.newLine;
  }
  closeRun(undefined);
  const parts = ['<staged>', ...staged, '</staged>'];
  if (removed.length) parts.push('<removed>', ...removed, '</removed>');
  return parts.join('\n');
}

export function renderHunk(hunk: Hunk, context: HunkContext | undefined, level: ContextLevel): string {
  const parts = [`<hunk staged_lines="${rangeLabel(hunk)}">`];
  if (context?.enclosing) parts.push('<enclosing>', clean(context.enclosing), '</enclosing>');
  if (level === 'full' && context?.definitions?.length) parts.push('<definitions>', ...context.definitions.map(clean), '</definitions>');
  parts.push(renderHunkCode(hunk), '</hunk>');
  return parts.join('\n');
}

function fileOpen(input: ReviewFileInput): string {
  const f = input.file;
  // JSON string syntax keeps a quote or a line end in a path from breaking the attribute; the
  // model writes the same string back as JSON, so it parses to the same path.
  const attrs = [`path=${JSON.stringify(clean(f.path))}`, `status="${f.kind}"`];
  if (f.oldPath !== undefined && f.oldPath !== f.path) attrs.push(`old_path=${JSON.stringify(clean(f.oldPath))}`);
  if (input.language) attrs.push(`language=${JSON.stringify(clean(input.language))}`);
  return `<file ${attrs.join(' ')}>`;
}
const FILE_CLOSE = '</file>';

export function renderFilePart(part: ReviewFilePart): string {
  const { file, contexts } = part.input;
  const hunks = part.hunks.map((i) => renderHunk(file.hunks[i], contexts?.[i], part.level));
  return [fileOpen(part.input), ...hunks, FILE_CLOSE].join('\n');
}

/** The user turn: every part of one request, then the reminder of the answer's form. */
export function reviewUserPrompt(parts: readonly ReviewFilePart[]): string {
  return [
    'Review these staged changes.',
    '',
    ...parts.map(renderFilePart),
    '',
    'Answer with the JSON object only.',
  ].join('\n');
}

export interface ReviewRequestOptions {
  readonly maxFindingsPerFile?: number;
  readonly think?: ThinkSetting;
  /** Output limit: the answer plus the thinking (Ollama counts both against num_predict). */
  readonly numPredict: number;
  readonly priority?: Priority;
  readonly signal?: AbortSignal;
}

/** Low temperature: a review should say the same thing twice. */
export const REVIEW_TEMPERATURE = 0.1;

/** One request for session.structured (chat messages; Ollama's template applies the turn format). */
export function reviewRequest(parts: readonly ReviewFilePart[], opts: ReviewRequestOptions): StructuredRequest {
  const options: SamplingOptions = { temperature: REVIEW_TEMPERATURE, num_predict: opts.numPredict };
  return {
    feature: 'review',
    schema: REVIEW_REPLY_SCHEMA,
    system: reviewSystemPrompt(opts.maxFindingsPerFile),
    prompt: reviewUserPrompt(parts),
    think: opts.think,
    options,
    priority: opts.priority ?? 'background',
    signal: opts.signal,
  };
}

/** The chat turns reviewRequest sends, for estimating a request's fixed part. */
export function reviewMessages(parts: readonly ReviewFilePart[], maxPerFile?: number): ChatMessage[] {
  return [{ role: 'system', content: reviewSystemPrompt(maxPerFile) }, { role: 'user', content: reviewUserPrompt(parts) }];
}

// ---------------------------------------------------------------------------------------------
// Token budget

/**
 * Tokens a review request's prompt may take: the window minus the output reserved for the answer
 * and for thinking (both count against num_predict, which is returned to send with the request).
 */
export function reviewPromptBudget(a: { numCtx: number; outputTokens: number; thinkingTokens: number }): { promptTokens: number; numPredict: number } {
  const numPredict = a.outputTokens + a.thinkingTokens;
  return { promptTokens: Math.max(0, a.numCtx - numPredict), numPredict };
}

/** Estimated tokens of one hunk at each context level. */
export interface HunkCost {
  readonly full: number;
  readonly shrunk: number;
  /** False for a deletion-only hunk: it is listed as not reviewed, never sent. */
  readonly reviewable: boolean;
  /** `lines 10-13`: how the user is told which part of a file was not reviewed. */
  readonly label: string;
}

export interface FileCost {
  readonly path: string;
  /** The file's opening and closing lines, repeated in every request that carries part of it. */
  readonly header: number;
  readonly hunks: readonly HunkCost[];
}

/** The costs of a file's prompt parts, from the same rendering the prompt uses. */
export function fileCost(input: ReviewFileInput, estimate: (text: string) => number): FileCost {
  const { file, contexts } = input;
  return {
    path: file.path,
    header: estimate(`${fileOpen(input)}\n${FILE_CLOSE}\n`),
    hunks: file.hunks.map((h, i) => {
      const full = estimate(renderHunk(h, contexts?.[i], 'full'));
      const shrunk = contexts?.[i]?.definitions?.length ? estimate(renderHunk(h, contexts[i], 'shrunk')) : full;
      return { full, shrunk, reviewable: isReviewable(h), label: `lines ${rangeLabel(h)}` };
    }),
  };
}

export interface PlanOptions {
  /** Prompt tokens one request may hold (reviewPromptBudget's promptTokens). */
  readonly requestTokens: number;
  /** Tokens every request spends before any file: the system prompt, the user turn's frame, chat overhead. */
  readonly fixedTokens: number;
  readonly maxRequests: number;
}

export interface PlannedPart {
  readonly path: string;
  readonly hunks: readonly number[];
  readonly level: ContextLevel;
  readonly tokens: number;
}

export interface PlannedRequest {
  readonly parts: readonly PlannedPart[];
  /** Estimated prompt tokens, the fixed part included. */
  readonly tokens: number;
}

/** Hunks of a file that no request carries, and why; `hunks` lists them all when the whole file is out. */
export interface NotReviewed {
  readonly path: string;
  readonly hunks: readonly number[];
  readonly reason: string;
}

export interface ReviewPlan {
  readonly requests: readonly PlannedRequest[];
  readonly notReviewed: readonly NotReviewed[];
  /** Files sent with their enclosing definitions only (to fit), for the log. */
  readonly shrunk: readonly string[];
  /** Files spread over several requests, for the log. */
  readonly split: readonly string[];
}

interface Item {
  readonly path: string;
  readonly hunks: readonly number[];
  /** Levels to try, best first; each fits an empty request. */
  readonly variants: readonly { readonly level: ContextLevel; readonly tokens: number }[];
}

/**
 * Splits files into requests that fit `requestTokens`. Files go largest first (first-fit
 * decreasing: the big ones claim requests, the small ones fill what is left). A file that does not
 * fit one request with full context is cut to its hunks' enclosing definitions; if it still does
 * not fit, it is split between hunks over several requests. A file is placed with full context in a
 * request that has room, else in a new request while there may be more, else cut to its enclosing
 * definitions into a request that has room for that; else it is not reviewed. Whatever no request
 * carries is in `notReviewed`, per hunk, with the reason.
 */
export function planReviewRequests(files: readonly FileCost[], opts: PlanOptions): ReviewPlan {
  const capacity = opts.requestTokens - opts.fixedTokens;
  const notReviewed: NotReviewed[] = [];
  const shrunk = new Set<string>();
  const split: string[] = [];
  const sum = (f: FileCost, idx: readonly number[], level: ContextLevel) => f.header + idx.reduce((n, i) => n + f.hunks[i][level], 0);
  const reviewableOf = (f: FileCost) => f.hunks.map((h, i) => (h.reviewable ? i : -1)).filter((i) => i >= 0);

  const order = [...files].sort((a, b) => sum(b, reviewableOf(b), 'full') - sum(a, reviewableOf(a), 'full') || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const items: Item[] = [];
  for (const f of order) {
    const deletions = f.hunks.map((h, i) => (h.reviewable ? -1 : i)).filter((i) => i >= 0);
    if (deletions.length) notReviewed.push({ path: f.path, hunks: deletions, reason: `${deletions.map((i) => f.hunks[i].label).join(', ')}: only removed lines, which no finding can point at` });
    const all = reviewableOf(f);
    if (all.length === 0) continue;
    const full = sum(f, all, 'full');
    const small = sum(f, all, 'shrunk');
    if (full <= capacity) {
      items.push({ path: f.path, hunks: all, variants: small < full ? [{ level: 'full', tokens: full }, { level: 'shrunk', tokens: small }] : [{ level: 'full', tokens: full }] });
      continue;
    }
    shrunk.add(f.path);
    if (small <= capacity) {
      items.push({ path: f.path, hunks: all, variants: [{ level: 'shrunk', tokens: small }] });
      continue;
    }
    // Split between hunks, in file order, each group as large as a request allows.
    let group: number[] = [];
    const groups: number[][] = [];
    for (const i of all) {
      const alone = f.header + f.hunks[i].shrunk;
      if (alone > capacity) {
        notReviewed.push({ path: f.path, hunks: [i], reason: `${f.hunks[i].label}: the hunk alone needs ~${alone} tokens with only its enclosing definition, more than the ~${Math.max(0, capacity)} a request has room for` });
        continue;
      }
      if (group.length && sum(f, [...group, i], 'shrunk') > capacity) {
        groups.push(group);
        group = [];
      }
      group.push(i);
    }
    if (group.length) groups.push(group);
    if (groups.length > 1) split.push(f.path);
    for (const g of groups) items.push({ path: f.path, hunks: g, variants: [{ level: 'shrunk', tokens: sum(f, g, 'shrunk') }] });
  }

  const requests: { parts: PlannedPart[]; used: number }[] = [];
  const labels = new Map(files.map((f) => [f.path, f]));
  for (const item of items) {
    const [best, ...rest] = item.variants;
    let into = requests.find((r) => r.used + best.tokens <= capacity);
    let variant = best;
    if (!into && requests.length < opts.maxRequests) {
      into = { parts: [], used: 0 };
      requests.push(into);
    }
    for (const v of rest) {
      if (into) break;
      into = requests.find((r) => r.used + v.tokens <= capacity);
      variant = v;
    }
    if (!into) {
      const f = labels.get(item.path)!;
      notReviewed.push({
        path: item.path, hunks: item.hunks,
        reason: `${item.hunks.map((i) => f.hunks[i].label).join(', ')}: the review is limited to ${opts.maxRequests} request${opts.maxRequests === 1 ? '' : 's'} and ${opts.maxRequests === 1 ? 'it has' : 'they have'} no room left (~${variant.tokens} tokens needed)`,
      });
      continue;
    }
    if (variant.level === 'shrunk') shrunk.add(item.path);
    into.parts.push({ path: item.path, hunks: item.hunks, level: variant.level, tokens: variant.tokens });
    into.used += variant.tokens;
  }

  notReviewed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.hunks[0] - b.hunks[0]));
  return {
    requests: requests.map((r) => ({ parts: r.parts, tokens: r.used + opts.fixedTokens })),
    notReviewed,
    shrunk: [...shrunk].sort(),
    split: split.sort(),
  };
}

/** The parts of a planned request, joined to their inputs, ready for reviewRequest. */
export function partsOf(request: PlannedRequest, inputs: ReadonlyMap<string, ReviewFileInput>): ReviewFilePart[] {
  return request.parts.map((p) => {
    const input = inputs.get(p.path);
    if (!input) throw new Error(`review plan names ${p.path}, which is not among the inputs`);
    return { input, hunks: p.hunks, level: p.level };
  });
}
