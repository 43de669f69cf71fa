// The four figures of the typing benchmark, computed after the session from the fake's request log
// and the bench's own record of every key. Definitions are spelled out here and in the report.
import type { CompletionOutcome, CompletionSource } from '../../src/core/completion/engine';
import { countTokens, type RecordedRequest } from '../../test/fake-ollama/index';
import { percentile } from '../stats';
import type { Reply, TypingScript } from './script';

/** The debounce's maximum: a gap at least this long lets an automatic request go out. */
export const PAUSE_MS = 400;
/** A request reuses the server's prefix cache only if its first changed token is this close to the end. */
export const CACHE_TAIL_TOKENS = 512;

export interface KeyRecord {
  readonly index: number;
  readonly kind: 'char' | 'enter' | 'tab';
  /** performance.now() when the key was pressed (before the adapter's slice of the document is taken). */
  readonly at: number;
  /** performance.now() right before complete() was called (the engine's own clock starts here). */
  calledAt: number;
  /** ms since the previous key (the first key: since the session started). */
  readonly gap: number;
  /** Region characters typed before and after the key. */
  readonly from: number;
  readonly to: number;
  readonly inserted: string;
  /** Ghost text on screen when the key was pressed, and where it came from. */
  readonly ghostBefore?: string;
  readonly ghostSource?: CompletionSource;
  readonly controller: AbortController;
  abortedAt?: number;
  resolvedAt?: number;
  outcome?: CompletionOutcome;
  /** The result arrived before the next key aborted the call, with text: VS Code shows it. */
  shown: boolean;
  /** The debounce the engine slept for this call (recorded by the injected sleep). */
  debounceMs?: number;
}

export interface TypingFigures {
  keystrokes: number;
  chars: number;
  enters: number;
  tabs: number;
  acceptedChars: number;
  typedChars: number;
  /** Lines of the region completed (Enter typed or accepted). */
  linesTyped: number;
  pauses: number;
  sessionMs: number;
  ghostsShown: number;
  ghostsShownNew: number;
  ghostsMatching: number;
  requests: number;
  requestsPerPause: number;
  requestsPer100Keys: number;
  requestsClosedEarly: number;
  requestsCancelled: number;
  requestsStoppedByFilter: number;
  requestsCompleted: number;
  requestsNeverShown: number;
  /** Requests sent from a key followed by a pause (or the end), and from a key followed by a shorter gap. */
  requestsInPauses: number;
  requestsInShortGaps: number;
  requestsInShortGapsShownOwn: number;
  requestsInShortGapsShownReused: number;
  pausesWithoutRequest: number;
  typedThrough: number;
  typedThroughServed: number;
  typedThroughServedShare: number;
  typedThroughNoRequest: number;
  typedThroughNoRequestShare: number;
  typedThroughMissLastChar: number;
  typedThroughMissDiverged: number;
  typedThroughMissOther: number;
  promptPairs: number;
  promptStable: number;
  promptStableShare: number;
  reprefill: { p50: number; p90: number; max: number; full: number };
  latency: {
    n: number;
    keyToShownP50: number;
    keyToShownP90: number;
    debounceP50: number;
    modelP50: number;
    overheadP50: number;
    overheadP90: number;
    toWireP50: number;
    afterLastChunkP50: number;
    inflightShown: number;
    inflightKeyToShownP50: number;
    reportedDebounceDiffers: number;
  };
  replies: { correct: number; wrong: number; correctShownAltered: number };
  stopReasons: Record<string, number>;
  gaps: { p50: number; p90: number; betweenDebounceAndPause: number };
  debounceState: { keyIntervalMs: number; latencyMs: number; delayMs: number };
}

export interface MeasureInput {
  readonly keys: readonly KeyRecord[];
  readonly requests: readonly RecordedRequest[];
  readonly script: TypingScript;
  readonly replies: ReadonlyMap<number, Reply>;
  readonly sessionMs: number;
  /** The adaptive debounce's state at the end: its key-interval and latency averages and the delay they give. */
  readonly debounceState: { keyIntervalMs: number; latencyMs: number; delayMs: number };
}

export function measure(input: MeasureInput): TypingFigures {
  const { keys, script, replies } = input;
  const generates = input.requests.filter((r) => r.path === '/api/generate' && typeof r.body?.prompt === 'string' && r.body.prompt !== '');
  // Every generate request comes from exactly one complete() call: the one at the cursor its prompt
  // ends at. Positions only grow during the session, so a position names one key.
  const keyAt = new Map(keys.map((k) => [k.to, k]));
  const requestOf = new Map<KeyRecord, RecordedRequest>();
  for (const r of generates) {
    const p = script.positionOf(r.body.prompt as string);
    const k = p === undefined ? undefined : keyAt.get(p);
    if (k) requestOf.set(k, r);
  }

  // (a) Requests per pause. Pauses: gaps between keys of at least PAUSE_MS, plus the end of the session.
  const pauses = keys.filter((k) => k.index > 0 && k.gap >= PAUSE_MS).length + 1;
  const closed = generates.filter((r) => r.clientClosedAt !== undefined);
  const originOf = new Map([...requestOf].map(([k, r]) => [r, k]));
  // Closed by Hearth because the stream filter stopped (the result was used) vs cancelled (stale).
  const stoppedByFilter = closed.filter((r) => originOf.get(r)?.outcome?.source === 'model').length;
  // A request's result is shown by the call that asked, or by a later key's call that waited for the
  // generation in flight (source 'inflight': the newest request sent before that key).
  const shownOwn = new Set<RecordedRequest>();
  const shownReused = new Set<RecordedRequest>();
  for (const k of keys) {
    if (!k.shown) continue;
    if (k.outcome?.source === 'model') shownOwn.add(requestOf.get(k)!);
    if (k.outcome?.source === 'inflight') {
      const r = generates.filter((g) => g.receivedAt <= k.at).at(-1);
      if (r) shownReused.add(r);
    }
  }
  const usedRequests = new Set([...shownOwn, ...shownReused]);

  // Which gap each request went out in: the one after the key that asked (the last key: the end).
  const gapAfter = (k: KeyRecord) => (keys[k.index + 1]?.at ?? Infinity) - k.at;
  const inShort = [...requestOf].filter(([k]) => gapAfter(k) < PAUSE_MS);
  const pauseKeys = keys.filter((k) => gapAfter(k) >= PAUSE_MS);

  // (b) Typed through: the key typed the next character of the ghost text on screen. Served: complete()
  // answered from the typed-through cache or from the generation already in flight ('cache'/'inflight').
  const through = keys.filter((k) => k.kind !== 'tab' && k.ghostBefore !== undefined && k.ghostBefore[0] === k.inserted[0]);
  const served = through.filter((k) => k.outcome?.source === 'cache' || k.outcome?.source === 'inflight');
  const noRequest = through.filter((k) => !requestOf.has(k));
  const misses = through.filter((k) => !served.includes(k));
  const lastChar = misses.filter((k) => k.ghostBefore!.length <= k.inserted.length && k.inserted.startsWith(k.ghostBefore!));
  const diverged = misses.filter((k) => !k.ghostBefore!.startsWith(k.inserted) && !k.inserted.startsWith(k.ghostBefore!));

  // (c) Prompt stability over consecutive generate requests: the first token where the new prompt differs
  // from the previous one lies within the last CACHE_TAIL_TOKENS tokens of the new prompt (the fake's
  // tokenizer on the common-prefix text and on the whole prompt).
  let stable = 0;
  for (let i = 1; i < generates.length; i++) {
    const a = generates[i - 1].body.prompt as string;
    const b = generates[i].body.prompt as string;
    let n = 0;
    const max = Math.min(a.length, b.length);
    while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
    if (countTokens(b) - countTokens(b.slice(0, n)) <= CACHE_TAIL_TOKENS) stable++;
  }
  const prefilled = generates.filter((r) => r.promptTokens !== undefined).map((r) => r.promptTokens! - (r.cachedTokens ?? 0));

  // (d) Latency of ghost texts the model produced for the key that asked (source 'model', shown):
  // key → shown = the bench's clock from the key (complete() called) to the result arriving;
  // debounce = what the engine slept; model time = the fake receiving the request → the engine's last
  // chunk (its entry time + timings.total − timings.afterStream); overhead = the rest, i.e. Hearth's
  // own work before the request reached the server and after the last chunk (engine + HTTP client).
  const timed = keys.filter((k) => k.shown && k.outcome?.source === 'model' && requestOf.has(k) && k.debounceMs !== undefined);
  const keyToShown = timed.map((k) => k.resolvedAt! - k.at);
  const model: number[] = [];
  const overhead: number[] = [];
  const toWire: number[] = [];
  const afterChunk: number[] = [];
  for (const k of timed) {
    const r = requestOf.get(k)!;
    const t = k.outcome!.timings!;
    const lastChunkAt = k.calledAt + t.total - (t.afterStream ?? 0);
    model.push(lastChunkAt - r.receivedAt);
    overhead.push(k.resolvedAt! - k.at - k.debounceMs! - (lastChunkAt - r.receivedAt));
    toWire.push(r.receivedAt - k.at - k.debounceMs!);
    afterChunk.push(k.resolvedAt! - lastChunkAt);
  }
  const inflight = keys.filter((k) => k.shown && k.outcome?.source === 'inflight');

  const shown = keys.filter((k) => k.shown);
  const shownNew = shown.filter((k) => k.outcome?.source !== 'cache');
  const matching = shown.filter((k) => script.upcoming(k.to).startsWith(k.outcome!.text!));
  const altered = shown.filter((k) => k.outcome?.source === 'model' && replies.get(k.to)?.correct && !script.upcoming(k.to).startsWith(k.outcome.text!));
  const stopReasons: Record<string, number> = {};
  for (const k of keys) {
    if (k.outcome?.source !== 'model') continue;
    const why = k.outcome.text ? k.outcome.stopReason ?? 'end of reply' : `nothing shown (${k.outcome.stopReason ?? k.outcome.reason ?? '?'})`;
    stopReasons[why] = (stopReasons[why] ?? 0) + 1;
  }
  const replyList = [...replies.values()];
  const gaps = keys.filter((k) => k.index > 0).map((k) => k.gap);
  const tabs = keys.filter((k) => k.kind === 'tab');
  const p = (xs: number[], q: number) => percentile(xs, q);

  return {
    keystrokes: keys.length,
    chars: keys.filter((k) => k.kind === 'char').length,
    enters: keys.filter((k) => k.kind === 'enter').length,
    tabs: tabs.length,
    acceptedChars: tabs.reduce((n, k) => n + k.inserted.length, 0),
    typedChars: keys.filter((k) => k.kind !== 'tab').reduce((n, k) => n + k.inserted.length, 0),
    linesTyped: script.region.slice(1, keys.at(-1)?.to ?? 0).split('\n').length - 1,
    pauses,
    sessionMs: input.sessionMs,
    ghostsShown: shown.length,
    ghostsShownNew: shownNew.length,
    ghostsMatching: matching.length,
    requests: generates.length,
    requestsPerPause: generates.length / pauses,
    requestsPer100Keys: (100 * generates.length) / keys.length,
    requestsClosedEarly: closed.length,
    requestsCancelled: closed.length - stoppedByFilter,
    requestsStoppedByFilter: stoppedByFilter,
    requestsCompleted: generates.filter((r) => r.endedAt !== undefined).length,
    requestsNeverShown: generates.filter((r) => !usedRequests.has(r)).length,
    requestsInPauses: requestOf.size - inShort.length,
    requestsInShortGaps: inShort.length,
    requestsInShortGapsShownOwn: inShort.filter(([, r]) => shownOwn.has(r)).length,
    requestsInShortGapsShownReused: inShort.filter(([, r]) => shownReused.has(r) && !shownOwn.has(r)).length,
    pausesWithoutRequest: pauseKeys.filter((k) => !requestOf.has(k)).length,
    typedThrough: through.length,
    typedThroughServed: served.length,
    typedThroughServedShare: served.length / through.length,
    typedThroughNoRequest: noRequest.length,
    typedThroughNoRequestShare: noRequest.length / through.length,
    typedThroughMissLastChar: lastChar.length,
    typedThroughMissDiverged: diverged.length,
    typedThroughMissOther: misses.length - lastChar.length - diverged.length,
    promptPairs: Math.max(0, generates.length - 1),
    promptStable: stable,
    promptStableShare: stable / Math.max(1, generates.length - 1),
    reprefill: { p50: p(prefilled, 50), p90: p(prefilled, 90), max: Math.max(...prefilled), full: generates.filter((r) => r.promptTokens !== undefined && !r.cachedTokens).length },
    latency: {
      n: timed.length,
      keyToShownP50: p(keyToShown, 50),
      keyToShownP90: p(keyToShown, 90),
      debounceP50: p(timed.map((k) => k.debounceMs!), 50),
      modelP50: p(model, 50),
      overheadP50: p(overhead, 50),
      overheadP90: p(overhead, 90),
      toWireP50: p(toWire, 50),
      afterLastChunkP50: p(afterChunk, 50),
      inflightShown: inflight.length,
      inflightKeyToShownP50: p(inflight.map((k) => k.resolvedAt! - k.at), 50),
      reportedDebounceDiffers: timed.filter((k) => k.outcome!.debounceMs !== k.debounceMs).length,
    },
    replies: { correct: replyList.filter((r) => r.correct).length, wrong: replyList.filter((r) => !r.correct).length, correctShownAltered: altered.length },
    stopReasons,
    gaps: {
      p50: p(gaps, 50),
      p90: p(gaps, 90),
      // Gaps long enough for the debounce that preceded the next key, yet shorter than a pause.
      betweenDebounceAndPause: keys.filter((k) => k.debounceMs !== undefined && gapAfter(k) >= k.debounceMs && gapAfter(k) < PAUSE_MS).length,
    },
    debounceState: input.debounceState,
  };
}
