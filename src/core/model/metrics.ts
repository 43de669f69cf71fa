// Per-request figures, from our own clock and from the server's counters. The server's
// prompt_eval_count is the ground truth for prompt size; comparing it with our estimate is how
// silent truncation is caught, and the shared prefix with the previous prompt is how prefix-cache
// reuse is estimated.
import type { ServerStats } from './backend';

/** Prefill batch: a sliding-window model resumes its cache only from near the previous prompt's end. */
export const CACHE_RESUME_WINDOW_TOKENS = 512;

export interface RequestMetrics {
  readonly id: number;
  readonly feature: string;
  readonly model: string;
  readonly route: 'generate' | 'chat';
  readonly numCtx: number;
  readonly clientPromptTokens: number;
  readonly serverPromptTokens?: number;
  /** Our estimate of the prompt tokens the server could take from its prefix cache. */
  readonly reusableTokens: number;
  /** reusableTokens / clientPromptTokens, 0..1. */
  readonly cacheHitEstimate: number;
  readonly queueMs: number;
  readonly timeToFirstTokenMs?: number;
  readonly totalMs: number;
  readonly evalCount?: number;
  readonly decodeTokensPerSec?: number;
  /** Server prompt tokens per second of prompt processing: very high values mean a cache hit. */
  readonly prefillTokensPerSec?: number;
  readonly loadMs?: number;
  readonly doneReason?: string;
  readonly truncated: boolean;
}

export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * Tokens of `prompt` the server can reuse from `previous` (the last prompt it processed for this
 * model). With a sliding-window model the cache resumes only when the first difference lies within
 * the last CACHE_RESUME_WINDOW_TOKENS of the previous prompt; otherwise the whole prompt is new.
 */
export function reusablePrefixTokens(
  previous: string | undefined,
  prompt: string,
  estimate: (text: string) => number,
  slidingWindow: number | undefined,
): number {
  if (!previous) return 0;
  const shared = commonPrefixLength(previous, prompt);
  if (shared === 0) return 0;
  const sharedTokens = estimate(prompt.slice(0, shared));
  if (slidingWindow !== undefined) {
    const previousTail = estimate(previous.slice(shared));
    if (previousTail > CACHE_RESUME_WINDOW_TOKENS) return 0;
  }
  return sharedTokens;
}

/**
 * True when the server evidently processed far fewer tokens than we sent. That happens when it runs
 * the model with a smaller window than we asked for (Ollama lowers num_ctx after an out-of-memory
 * load) and cuts the prompt silently (servers that ignore `truncate:false`). Our estimate is an
 * upper bound, starting at most about a third too high before calibration, so a count under 60 % of
 * it on a prompt of real size is truncation, not estimation noise.
 */
export function looksTruncated(clientTokens: number, serverTokens: number | undefined): boolean {
  if (serverTokens === undefined) return false;
  return clientTokens >= MIN_TOKENS_FOR_TRUNCATION_CHECK && serverTokens < clientTokens * 0.6;
}

/** Below this, a short prompt's count says too little about the estimate to judge. */
export const MIN_TOKENS_FOR_TRUNCATION_CHECK = 512;

export function buildMetrics(a: {
  id: number; feature: string; model: string; route: 'generate' | 'chat'; numCtx: number;
  clientPromptTokens: number; reusableTokens: number; queueMs: number; ttftMs?: number; totalMs: number;
  stats: ServerStats;
}): RequestMetrics {
  const s = a.stats;
  const rate = (count?: number, ms?: number) => (count !== undefined && ms !== undefined && ms > 0 ? (count / ms) * 1000 : undefined);
  return {
    id: a.id,
    feature: a.feature,
    model: a.model,
    route: a.route,
    numCtx: a.numCtx,
    clientPromptTokens: a.clientPromptTokens,
    serverPromptTokens: s.promptEvalCount,
    reusableTokens: a.reusableTokens,
    cacheHitEstimate: a.clientPromptTokens > 0 ? Math.min(1, a.reusableTokens / a.clientPromptTokens) : 0,
    queueMs: a.queueMs,
    timeToFirstTokenMs: a.ttftMs,
    totalMs: a.totalMs,
    evalCount: s.evalCount,
    decodeTokensPerSec: rate(s.evalCount, s.evalMs),
    prefillTokensPerSec: rate(s.promptEvalCount, s.promptEvalMs),
    loadMs: s.loadMs,
    doneReason: s.doneReason,
    truncated: looksTruncated(a.clientPromptTokens, s.promptEvalCount),
  };
}

export function formatMetrics(m: RequestMetrics): string {
  const f = (v: number | undefined, digits = 0) => (v === undefined ? '-' : v.toFixed(digits));
  return `#${m.id} ${m.feature} ${m.route} ${m.model} num_ctx=${m.numCtx} prompt=${m.clientPromptTokens}est/${f(m.serverPromptTokens)}srv`
    + ` cache≈${Math.round(m.cacheHitEstimate * 100)}% queue=${f(m.queueMs)}ms ttft=${f(m.timeToFirstTokenMs)}ms total=${f(m.totalMs)}ms`
    + ` out=${f(m.evalCount)}tok decode=${f(m.decodeTokensPerSec, 1)}tok/s prefill=${f(m.prefillTokensPerSec)}tok/s`
    + `${m.loadMs ? ` load=${f(m.loadMs)}ms` : ''} done=${m.doneReason ?? '-'}${m.truncated ? ' TRUNCATED' : ''}`;
}
