// The review orchestrator, shared by the CLI and the editor: collect the changes → read each file's
// reviewed text (the index blob for staged changes) → per hunk, the enclosing function or class
// (tree-sitter on that text) and the definitions of the symbols it uses (the workspace pack) →
// credentials redacted in every text part, line by line so staged line numbers stay true → requests
// planned under the model's window with the output and thinking reserved → each request through
// session.structured at review priority (the shared scheduler lets completions go first, and a
// completion that waits preempts the review request, which is asked again) →
// every finding validated against the same redacted text it was asked about → staged lines mapped
// to the working tree.
//
// A request that fails (server unreachable, answer unreadable after the retry, answer cut at the
// output limit) makes the result `incomplete` with the reason, and its files are listed as not
// reviewed: never "no findings".
import { ModelError } from '../../core/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import type { ThinkSetting } from '../../core/model/backend';
import { structuredAcrossPreemption, type StructuredSession } from '../../core/model/structured';
import type { Definition } from '../../core/index/tags';
import { redact, redactLines, type Redactor } from '../../core/privacy/redactor';
import { mapStagedToWorktree } from '../../core/review/parseDiff';
import { worktreeRange } from '../../core/review/threads';
import {
  fileCost, partsOf, planReviewRequests, reviewMessages, reviewPromptBudget, reviewRequest,
  type HunkContext, type ReviewFileInput,
} from '../../core/review/prompt';
import type { ReviewReply } from '../../core/review/schema';
import type { DiffLine, DroppedFinding, Finding, Hunk, Severity, SkippedFile, StagedFile } from '../../core/review/types';
import { completeBatch, incompleteBatch, type BatchOutcome, type ValidateOptions } from '../../core/review/validate';
import { languageOfPath } from '../../core/text/languages';
import type { GitRunner } from '../git/gitRunner';
import type { PathVerdict, PrivacyGate } from '../privacy/gate';
import { extractTags } from '../treesitter/extract';
import { languageForPath } from '../treesitter/languages';
import { defaultGrammarPaths, GrammarLoader } from '../treesitter/loader';
import type { Workspace } from '../workspace';
import { collectChanges, readWorktreeText, type ReviewScope } from './collect';

/** What the orchestrator needs of a model session (ModelSession has it). */
export type ReviewSession = StructuredSession;

export type ReviewProgress =
  | { readonly stage: 'collect' }
  | { readonly stage: 'context'; readonly done: number; readonly total: number }
  | { readonly stage: 'request'; readonly done: number; readonly total: number; readonly paths: readonly string[] }
  /** A request gave its place to interactive work (a completion) and is asked again. */
  | { readonly stage: 'yielded'; readonly done: number; readonly total: number };

export interface ReviewOptions {
  readonly git: GitRunner;
  readonly gate: PrivacyGate;
  readonly scope: ReviewScope;
  /** The review model's session; a function is called only when there is something to send. */
  readonly session: ReviewSession | (() => Promise<ReviewSession>);
  /** Removes credentials from every text part before it joins a prompt. */
  readonly redactor: Redactor;
  /** When given, each hunk gets the definitions of the symbols it uses from the rest of the repository. */
  readonly workspace?: Workspace;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReviewProgress) => void;
  /** Thinking for models that think (default true: `hearth.review.think`); never sent to a model that does not. */
  readonly think?: ThinkSetting;
  readonly minSeverity?: Severity;
  readonly minConfidence?: number;
  /** Most requests one review sends (default MAX_REVIEW_REQUESTS). */
  readonly maxRequests?: number;
  readonly logger?: Logger;
}

/** A validated finding, with where its first line is in the working tree. */
export interface ReviewedFinding extends Finding {
  /** The working-tree line of `line`; equal to `line` when the working tree is as staged, null when the line is gone. */
  readonly worktreeLine: number | null;
  /**
   * The working-tree line of `endLine` when all of `line..endLine` is still there, in one piece;
   * null otherwise (a fix is then not offered on the working file).
   */
  readonly worktreeEndLine: number | null;
  /** The reviewed text of lines `line..endLine` (not redacted): what "Apply fix" checks is still there. */
  readonly lines: readonly string[];
}

export interface ReviewIncomplete {
  /** Why the review could not finish, with the fix: for the user (stderr, a notification). */
  readonly reason: string;
  /** The first failure's kind ('unreachable', 'outputCut', 'unreadableOutput', 'aborted', ...). */
  readonly cause: string;
  /** Files of the requests that failed. */
  readonly paths: readonly string[];
}

export interface ReviewResult {
  /** The repository root (git's top level). */
  readonly root: string;
  readonly scope: ReviewScope;
  /** Files whose changes the model reviewed (a file with some hunks left out is also in `skipped`, with which). */
  readonly reviewed: string[];
  /** Files, or parts of files, not reviewed, with the reason. */
  readonly skipped: SkippedFile[];
  /** Sorted by path, then line. */
  readonly findings: ReviewedFinding[];
  readonly dropped: DroppedFinding[];
  /** Set when any request failed: then the review is incomplete, not clean. */
  readonly incomplete?: ReviewIncomplete;
  readonly requests: number;
}

/** Tokens reserved for the JSON answer: 3 findings per file for a few files, ~200 tokens each. */
export const REVIEW_OUTPUT_TOKENS = 3072;
/** Tokens reserved for thinking when the model thinks (counted against num_predict by Ollama). */
export const REVIEW_THINKING_TOKENS = 4096;
export const MAX_REVIEW_REQUESTS = 8;
/** Our token estimate may be low by some percent until the server calibrates it: plan below the limit. */
const PLAN_MARGIN = 0.9;
/** An enclosing definition longer than this is not shown whole (a class of a thousand lines says little about one hunk). */
const MAX_ENCLOSING_LINES = 200;
/** Definitions from other files per hunk, at most. */
const MAX_DEFINITIONS_PER_HUNK = 6;
/** Share of a request's prompt budget the pack of one file's used definitions may take. */
const PACK_SHARE = 0.25;
/** Files prepared at once. */
const PREPARE_LANES = 8;

export async function reviewChanges(opts: ReviewOptions): Promise<ReviewResult> {
  const { redactor, signal } = opts;
  const logger = opts.logger ?? silentLogger;
  opts.onProgress?.({ stage: 'collect' });
  const changes = await collectChanges({ git: opts.git, gate: opts.gate, scope: opts.scope, signal });
  const skipped: SkippedFile[] = [...changes.skipped];
  if (changes.files.length === 0) {
    // Nothing to send: no server needed (a commit of a lockfile alone passes the hook offline).
    skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { root: changes.root, scope: opts.scope, reviewed: [], skipped, findings: [], dropped: [], requests: 0 };
  }
  const session = typeof opts.session === 'function' ? await opts.session() : opts.session;

  const think = opts.think ?? true;
  const thinks = session.description.thinking && think !== false;
  const { promptTokens, numPredict } = reviewPromptBudget({
    numCtx: session.numCtx.numCtx, outputTokens: REVIEW_OUTPUT_TOKENS, thinkingTokens: thinks ? REVIEW_THINKING_TOKENS : 0,
  });

  // Context and redaction, per file.
  const definitionsOf = definitionFinder(opts.workspace);
  // The pack's gate need not judge again what this gate judged (the same object: the same answers).
  const judged = opts.workspace?.gate === opts.gate ? changes.verdicts : undefined;
  // Several files at once: each waits on the parse workers, the redactor and the disk in turn, and
  // one at a time left the thread idle half of the time. Inputs keep the collection's order.
  const prepared: ReviewFileInput[] = new Array(changes.files.length);
  let done = 0;
  let next = 0;
  const deps: PrepareDeps = { redactor, definitionsOf, workspace: opts.workspace, judged, packBudget: Math.floor(promptTokens * PACK_SHARE), logger };
  const lane = async () => {
    while (next < changes.files.length) {
      signal?.throwIfAborted();
      const i = next++;
      const file = changes.files[i];
      prepared[i] = await prepareFile(file, changes.texts.get(file.path) ?? '', deps);
      opts.onProgress?.({ stage: 'context', done: ++done, total: changes.files.length });
    }
  };
  try {
    opts.onProgress?.({ stage: 'context', done: 0, total: changes.files.length });
    await Promise.all(Array.from({ length: Math.min(PREPARE_LANES, changes.files.length) }, lane));
  } finally {
    definitionsOf.dispose();
  }
  const inputs = new Map<string, ReviewFileInput>(changes.files.map((f, i) => [f.path, prepared[i]]));

  // The plan: requests that fit the window, and what does not fit.
  const estimate = (t: string) => session.budget.estimate(t);
  const fixedTokens = reviewMessages([]).reduce((n, m) => n + estimate(m.content) + 8, 0);
  const plan = planReviewRequests([...inputs.values()].map((i) => fileCost(i, estimate)), {
    requestTokens: Math.floor(promptTokens * PLAN_MARGIN), fixedTokens, maxRequests: opts.maxRequests ?? MAX_REVIEW_REQUESTS,
  });
  for (const n of plan.notReviewed) skipped.push({ path: n.path, reason: n.reason });
  if (plan.shrunk.length) logger.info(`review: sent with enclosing definitions only, to fit: ${plan.shrunk.join(', ')}`);
  if (plan.split.length) logger.info(`review: spread over several requests: ${plan.split.join(', ')}`);

  // The requests, one after another: the scheduler is shared with completions, which go first.
  const outcomes: BatchOutcome[] = [];
  const validation: ValidateOptions = { minSeverity: opts.minSeverity, minConfidence: opts.minConfidence };
  for (let i = 0; i < plan.requests.length; i++) {
    const parts = partsOf(plan.requests[i], inputs);
    const carried = parts.map((p) => ({ ...p.input.file, hunks: p.hunks.map((h) => p.input.file.hunks[h]) }));
    const paths = [...new Set(carried.map((f) => f.path))];
    opts.onProgress?.({ stage: 'request', done: i, total: plan.requests.length, paths });
    if (signal?.aborted) {
      outcomes.push(incompleteBatch(paths, signal.reason));
      continue;
    }
    try {
      const request = reviewRequest(parts, { think: session.description.thinking ? think : undefined, numPredict, priority: 'review', signal });
      // A completion that needs the server closes this request; it is asked again after it.
      const reply = await structuredAcrossPreemption<ReviewReply>(session, request, () => {
        logger.info(`review: request ${i + 1} of ${plan.requests.length} gave way to a completion; asking again`);
        opts.onProgress?.({ stage: 'yielded', done: i, total: plan.requests.length });
      });
      if (reply.thinking) logger.info(`#${reply.metrics.id} review thinking (${reply.thinking.length} characters; never read as findings):\n----- thinking -----\n${reply.thinking}\n----- end of thinking -----`);
      outcomes.push(completeBatch(carried, reply.value.findings, validation));
    } catch (e) {
      const out = incompleteBatch(paths, e);
      logger.warn(`review: request ${i + 1} of ${plan.requests.length} (${paths.join(', ')}): ${out.reason}`);
      outcomes.push(out);
      // A server that cannot be reached, or a cancelled review, fails every later request the same way.
      if (ModelError.is(e, 'unreachable') || ModelError.is(e, 'aborted') || ModelError.is(e, 'modelNotFound')) {
        for (let j = i + 1; j < plan.requests.length; j++) {
          outcomes.push(incompleteBatch([...new Set(plan.requests[j].parts.map((p) => p.path))], e));
        }
        break;
      }
    }
  }
  opts.onProgress?.({ stage: 'request', done: plan.requests.length, total: plan.requests.length, paths: [] });

  // Results: a file is reviewed when every request that carried it answered.
  const failed = new Set<string>();
  const answered = new Set<string>();
  const findings: Finding[] = [];
  const dropped: DroppedFinding[] = [];
  let incomplete: ReviewIncomplete | undefined;
  for (const o of outcomes) {
    if (o.complete) {
      for (const p of o.paths) answered.add(p);
      findings.push(...o.findings);
      dropped.push(...o.dropped);
    } else {
      for (const p of o.paths) failed.add(p);
      incomplete ??= { reason: o.reason, cause: o.cause, paths: [] };
    }
  }
  if (incomplete) {
    incomplete = { ...incomplete, paths: [...failed].sort() };
    for (const p of incomplete.paths) skipped.push({ path: p, reason: `not reviewed: ${incomplete.reason}` });
  }
  const reviewed = [...answered].filter((p) => !failed.has(p)).sort();
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.endLine - b.endLine));
  const placed = await placeInWorktree(findings, changes.root, opts.scope, changes.texts);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root: changes.root, scope: opts.scope, reviewed, skipped, findings: placed, dropped, ...(incomplete ? { incomplete } : {}), requests: plan.requests.length };
}

// ---------------------------------------------------------------------------------------------
// One file's prompt input: redacted lines and per-hunk context

interface PrepareDeps {
  readonly redactor: Redactor;
  readonly definitionsOf: DefinitionFinder;
  readonly workspace?: Workspace;
  /** Verdicts of the workspace's gate from the collection, by path. */
  readonly judged?: ReadonlyMap<string, PathVerdict>;
  readonly packBudget: number;
  readonly logger: Logger;
}

async function prepareFile(file: StagedFile, text: string, deps: PrepareDeps): Promise<ReviewFileInput> {
  const lines = await redactLines(deps.redactor, text);
  const hunks: Hunk[] = [];
  for (const h of file.hunks) hunks.push(await redactHunk(h, lines, deps.redactor));
  const redacted: StagedFile = { ...file, hunks };
  const redactedText = lines.join('\n');

  // Enclosing definitions: tree-sitter on the (redacted) reviewed text. A hunk spread over several
  // definitions, or inside one too long to show whole, goes alone.
  let defs: readonly Definition[] | undefined;
  try {
    defs = await deps.definitionsOf.of(file.path, redactedText);
  } catch (e) {
    deps.logger.warn(`review: ${file.path} could not be parsed for context (${e instanceof Error ? e.message : String(e)}): its hunks go alone`);
  }
  const ranges = hunks.map(newSideRange);
  const contexts: (HunkContext | undefined)[] = ranges.map((r) => {
    if (!r || !defs) return undefined;
    const inner = defs
      .filter((d) => d.startLine <= r.from && r.to <= d.endLine && d.endLine - d.startLine < MAX_ENCLOSING_LINES)
      .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
    return inner ? { enclosing: lines.slice(inner.startLine, inner.endLine + 1).join('\n') } : undefined;
  });

  // Definitions of the symbols each hunk uses, from other files, through the workspace pack.
  if (deps.workspace && ranges.some((r) => r !== undefined)) {
    const packRanges = ranges.flatMap((r) => (r ? [{ path: file.path, startLine: r.from, endLine: r.to }] : []));
    try {
      const packed = await deps.workspace.pack(packRanges, deps.packBudget, { texts: new Map([[file.path, redactedText]]), judged: deps.judged, kinds: ['enclosing', 'used'] });
      const used = packed.items.filter((it) => it.kind === 'used' && it.symbol !== undefined);
      for (let i = 0; i < hunks.length; i++) {
        const r = ranges[i];
        if (!r) continue;
        const code = `${contexts[i]?.enclosing ?? ''}\n${lines.slice(r.from, r.to + 1).join('\n')}`;
        const names = new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
        const mine = used.filter((it) => names.has(it.symbol!)).slice(0, MAX_DEFINITIONS_PER_HUNK);
        if (mine.length === 0) continue;
        const definitions = await Promise.all(mine.map(async (it) => `// ${it.path}:${it.startLine + 1}-${it.endLine + 1}\n${await redact(deps.redactor, it.text)}`));
        contexts[i] = { ...contexts[i], definitions };
      }
    } catch (e) {
      deps.logger.warn(`review: no definitions for ${file.path} (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const language = languageOfPath(file.path)?.id;
  return { file: redacted, ...(language ? { language } : {}), contexts };
}

/** 0-based first and last new-side line of a hunk; undefined for a hunk with none. */
function newSideRange(h: Hunk): { from: number; to: number } | undefined {
  let from = Infinity;
  let to = -Infinity;
  for (const l of h.lines) {
    if (l.kind === 'removed' || l.newLine === undefined) continue;
    from = Math.min(from, l.newLine - 1);
    to = Math.max(to, l.newLine - 1);
  }
  return from === Infinity ? undefined : { from, to };
}

/** A hunk whose new-side lines are the redacted text's lines, and whose removed lines are redacted together. */
async function redactHunk(h: Hunk, lines: readonly string[], redactor: Redactor): Promise<Hunk> {
  const removedAt = h.lines.flatMap((l, i) => (l.kind === 'removed' ? [i] : []));
  const removed = removedAt.length ? await redactLines(redactor, removedAt.map((i) => h.lines[i].text).join('\n')) : [];
  const byIndex = new Map(removedAt.map((i, k) => [i, removed[k] ?? '']));
  const out: DiffLine[] = [];
  for (let i = 0; i < h.lines.length; i++) {
    const l = h.lines[i];
    if (l.kind === 'removed') out.push({ ...l, text: byIndex.get(i) ?? '' });
    else if (l.newLine !== undefined && l.newLine - 1 < lines.length) out.push({ ...l, text: lines[l.newLine - 1] });
    else out.push({ ...l, text: await redact(redactor, l.text) });
  }
  return { ...h, lines: out };
}

// ---------------------------------------------------------------------------------------------
// Definitions of a text: the workspace's parse workers when there is a workspace, else tree-sitter here

interface DefinitionFinder {
  of(path: string, text: string): Promise<readonly Definition[] | undefined>;
  dispose(): void;
}

function definitionFinder(workspace: Workspace | undefined): DefinitionFinder {
  if (workspace) {
    return { of: async (path, text) => (await workspace.service.parseText(path, text))?.definitions, dispose: () => {} };
  }
  let loader: GrammarLoader | undefined;
  return {
    of: async (path, text) => {
      const lang = languageForPath(path);
      if (!lang) return undefined;
      loader ??= new GrammarLoader(defaultGrammarPaths());
      return extractTags(text, lang, await loader.parserFor(lang)).definitions;
    },
    dispose: () => loader?.dispose(),
  };
}

// ---------------------------------------------------------------------------------------------
// Staged lines → working-tree lines

async function placeInWorktree(findings: readonly Finding[], root: string, scope: ReviewScope, texts: ReadonlyMap<string, string>): Promise<ReviewedFinding[]> {
  const linesOf = new Map<string, string[]>();
  const reviewedLines = (f: Finding): string[] => {
    let all = linesOf.get(f.path);
    if (!all) linesOf.set(f.path, all = (texts.get(f.path) ?? '').split('\n').map((l) => l.replace(/\r$/, '')));
    return all.slice(f.line - 1, f.endLine);
  };
  // "All uncommitted changes" reviews the working tree itself.
  if (scope.kind === 'uncommitted') return findings.map((f) => ({ ...f, worktreeLine: f.line, worktreeEndLine: f.endLine, lines: reviewedLines(f) }));
  const maps = new Map<string, Array<number | null> | null>();
  const out: ReviewedFinding[] = [];
  for (const f of findings) {
    if (!maps.has(f.path)) {
      const worktree = await readWorktreeText(root, f.path);
      maps.set(f.path, worktree.ok ? mapStagedToWorktree(texts.get(f.path) ?? '', worktree.text) : null);
    }
    const map = maps.get(f.path);
    const range = map ? worktreeRange(map, f.line, f.endLine) : null;
    out.push({ ...f, worktreeLine: map ? map[f.line - 1] ?? null : null, worktreeEndLine: range?.endLine ?? null, lines: reviewedLines(f) });
  }
  return out;
}
