// The editor benchmark's figures, computed after the session from three records on one clock: the
// person's keys and pauses, the page's notes of what it showed (ghost text, indexing), and the fake
// server's request log with its prefix-cache model (prompt tokens, of which reused). Definitions are
// spelled out here; the report prints them beside the issue's targets.
import { AdaptiveDebounce, MAX_DEBOUNCE_MS } from '../../src/core/completion/debounce';
import { countTokens, isWarmup, type RecordedRequest } from '../../test/fake-ollama/index';
import { percentile } from '../stats';
import type { PageEvent } from './page';
import type { KeyKind, PauseRecord, SessionRecord } from './person';
import type { EditorScript, Reply } from './script';

/** A request re-prefilling more than this missed the server's prompt cache (llama.cpp checkpoints on Gemma 4). */
export const CACHE_TAIL_TOKENS = 512;
/** Slack the issue allows on top of debounce and prefill. */
const SLACK_MS = 100;
const CONTENT_KEYS: ReadonlySet<KeyKind> = new Set(['char', 'enter', 'tab', 'backspace', 'repair', 'undo']);

export interface RequestFigures {
  readonly id: number;
  /** ms since the session's first key. */
  readonly at: number;
  /** Where the prompt's cursor is, in the file (line:column, 1-based), if it lies in the typed block. */
  readonly where?: string;
  readonly promptTokens?: number;
  readonly cachedTokens?: number;
  readonly reprefilled?: number;
  readonly closedEarly: boolean;
  /** What the fake answered: the file's continuation or not. */
  readonly replyCorrect?: boolean;
  /** Section holding the first character that differs from the previous request's prompt, and tokens from it to the end. */
  readonly changedSection?: PromptSection;
  readonly tokensFromChange?: number;
  /** The previous and this prompt around the first difference. */
  readonly change?: { before: string; after: string };
  /** Repository-context files added and dropped since the previous request. */
  readonly contextAdded: string[];
  readonly contextDropped: string[];
  readonly afterChars: number;
  readonly beforeChars: number;
  /** When it was sent: in a pause (its index), or while typing (between pauses). */
  readonly pause?: number;
  readonly whileTypingThrough: boolean;
  readonly excludedFromCacheTarget?: 'first' | 'first after the index completed';
}

export type PromptSection = 'system' | 'context' | 'after' | 'before' | 'seed';

export interface PauseFigures {
  readonly index: number;
  readonly where: string;
  readonly kind: string;
  readonly action: PauseRecord['action'];
  /** Ghost text visible at some time in the pause (before the next key). */
  readonly ghostShown: boolean;
  /** The file's next line already stood below the cursor at this line end: no ghost text is right. */
  readonly nothingToAdd: boolean;
  /** Already on screen when the pause began (kept from before, e.g. while typing through). */
  readonly ghostKept: boolean;
  readonly keyToGhostMs?: number;
  readonly keyToWireMs?: number;
  readonly requests: number;
  readonly requestIds: number[];
  /** Requests in the pause for an earlier position (sent late). */
  readonly staleRequests: number;
  /** Re-prefilled tokens of the pause's first request. */
  readonly reprefilled?: number;
  /** Estimated adaptive debounce at this key (src/core/completion/debounce.ts replayed on the person's keys). */
  readonly debounceMs: number;
  /** debounce + prefill of the new tokens at 3,000 tokens/s + 100 ms, the new tokens being the request's re-prefill capped at CACHE_TAIL_TOKENS (what a cache-stable prompt costs at most). */
  readonly boundMs: number;
  /** The same with the request's actual re-prefill (a full one when the cache was missed). */
  readonly boundActualMs: number;
  readonly ghostAtEnd: string;
  readonly ghostVerdict: PauseRecord['ghostVerdict'];
  readonly suggestWidget: boolean;
  readonly indexing: boolean;
  readonly tabOk?: boolean;
  readonly tabWhy?: string;
  /** Hearth's own log lines (trace level) written during the pause. */
  readonly hearthLog: string[];
}

export interface EditorFigures {
  readonly pauses: PauseFigures[];
  readonly requests: RequestFigures[];
  readonly summary: {
    readonly pauses: number;
    readonly pausesWithGhost: number;
    /** Cache warm-ups Hearth sent where the cursor came to rest, and the prompt tokens they prefilled. */
    readonly warmups: number;
    readonly warmupTokens: number;
    /** Pauses where the file's continuation is not yet in the document, and those of them that showed ghost text. */
    readonly pausesToFill: number;
    readonly pausesFilled: number;
    /** Pauses at a line end whose next line the editor already put below the cursor, and those of them with no ghost text or the right one. */
    readonly pausesNothingToAdd: number;
    readonly pausesNothingToAddQuiet: number;
    readonly keyToGhostP50?: number;
    /** Over the pauses whose ghost text appeared in the pause (not kept from before). */
    readonly boundP50: number;
    readonly freshGhosts: number;
    readonly pausesWithinBound: number;
    readonly pausesWithinActualBound: number;
    readonly keyToWireP50?: number;
    readonly keyToWireP90?: number;
    readonly requests: number;
    readonly requestsInPauses: number;
    readonly requestsWhileTyping: number;
    readonly maxRequestsPerPause: number;
    readonly pausesWithMoreThanOne: number;
    readonly cacheCounted: number;
    readonly cacheWithin512: number;
    readonly reprefillP50?: number;
    readonly reprefillP90?: number;
    readonly fullPrefills: number;
    readonly throughKeys: number;
    /** Keys typed because the person chose to type a matching suggestion through (the rest typed into one anyway). */
    readonly throughChosen: number;
    readonly throughRequests: number;
    readonly tabs: number;
    readonly tabsOk: number;
    readonly repairs: number;
    readonly strayLines: number;
    readonly indexDoneAt?: number;
    readonly sessionMs: number;
    readonly debounceMaxMs: number;
    /** Keystroke → Hearth's provider called (from its trace lines), ms; split at the end of the index build. */
    readonly providerLag: { n: number; p50?: number; max?: number; whileIndexing?: { n: number; p50: number; max: number }; afterIndex?: { n: number; p50: number; max: number } };
    readonly staleRequests: number;
    /** Hearth's provider outcomes from its trace lines: source and text or reason, counted. */
    readonly hearthOutcomes: Record<string, number>;
  };
}

export interface MeasureInput {
  readonly session: SessionRecord;
  readonly events: readonly PageEvent[];
  readonly requests: readonly RecordedRequest[];
  readonly script: EditorScript;
  readonly replies: ReadonlyMap<number, Reply>;
  readonly prefillTokensPerSec: number;
  /** Hearth's log lines with their bench time. */
  readonly hearthLog: ReadonlyArray<{ at: number; text: string }>;
}

export function isCompletionRequest(r: RecordedRequest): boolean {
  return r.path === '/api/generate' && typeof r.body?.prompt === 'string' && r.body.prompt !== '' && !isWarmup(r);
}

export function measure(input: MeasureInput): EditorFigures {
  const { session, script } = input;
  const t0 = session.keys[0]?.at ?? session.startedAt;
  const generates = input.requests.filter(isCompletionRequest).sort((a, b) => a.receivedAt - b.receivedAt);
  const ghostEvents = input.events.filter((e) => e.kind === 'ghost');
  const indexEvents = input.events.filter((e) => e.kind === 'indexing');
  // The end of the index build: the status bar's progress going away, or else Hearth's log line (whose
  // time can be late: Hearth's first lines are written together once its channel is set up).
  const indexDone = indexEvents.filter((e) => e.value === '0' && indexEvents.some((s) => s.value === '1' && s.at < e.at)).at(-1)?.at
    ?? input.hearthLog.find((l) => /Indexed \d+ files/.test(l.text))?.at;

  // Typing through: a key that types the first character of the ghost text on screen and leaves some
  // of it (the suggestion still holds). A request for the position such a key left was sent while
  // typing through a shown suggestion: Hearth already had the text.
  const ghostBefore = (t: number) => ghostEvents.filter((e) => e.at < t).at(-1)?.value ?? '';
  const throughKeys = session.keys.filter((k) => {
    if (k.kind !== 'char' || k.p === undefined || k.text === '') return false;
    const g = ghostBefore(k.at);
    return g.trim() !== '' && g.startsWith(k.text) && g.length > k.text.length;
  });
  const throughAt = new Map(throughKeys.map((k) => [k.p!, k]));
  const pauseOf = (t: number) => session.pauses.find((p) => t >= p.lastKeyAt && t < p.endAt);

  // The debounce Hearth would compute at each key, from the same inputs: gaps between keys, and the
  // time from request to final result of completed requests.
  const debounce = new AdaptiveDebounce();
  const debounceAt = new Map<number, number>();
  const timeline = [
    ...session.keys.filter((k) => CONTENT_KEYS.has(k.kind)).map((k) => ({ at: k.at, key: true, ms: 0 })),
    ...generates.filter((r) => r.endedAt !== undefined).map((r) => ({ at: r.endedAt!, key: false, ms: r.endedAt! - r.receivedAt })),
  ].sort((a, b) => a.at - b.at);
  for (const e of timeline) {
    if (e.key) {
      debounce.keystroke(e.at);
      debounceAt.set(e.at, debounce.delayMs);
    } else debounce.observeLatency(e.ms);
  }

  const positionOf = new Map(generates.map((r) => [r.id, script.positionOf(r.body.prompt as string)]));
  const firstRequestId = generates[0]?.id;
  // The one change the end of the build brings: the first request after it whose context section
  // differs from the request before (its context may have been chosen while the build ran, so the
  // change can come a request or two after the build's end).
  const firstAfterIndex = indexDone === undefined ? undefined : generates.find((r, i) =>
    r.receivedAt > indexDone && i > 0 && contextSection(r.body.prompt as string) !== contextSection(generates[i - 1].body.prompt as string))?.id;
  const requests: RequestFigures[] = generates.map((r, i) => {
    const prompt = r.body.prompt as string;
    const prev = i > 0 ? (generates[i - 1].body.prompt as string) : undefined;
    const p = positionOf.get(r.id);
    const lc = p === undefined ? undefined : script.lineColumn(p);
    const diff = prev === undefined ? undefined : firstDifference(prev, prompt);
    const files = contextFiles(prompt);
    const prevFiles = prev === undefined ? [] : contextFiles(prev);
    const reprefilled = r.promptTokens === undefined ? undefined : r.promptTokens - (r.cachedTokens ?? 0);
    return {
      id: r.id,
      at: r.receivedAt - t0,
      where: lc && `${lc.line}:${lc.column + 1}`,
      promptTokens: r.promptTokens,
      cachedTokens: r.cachedTokens,
      reprefilled,
      closedEarly: r.clientClosedAt !== undefined,
      replyCorrect: input.replies.get(r.id)?.correct,
      changedSection: diff === undefined ? undefined : sectionAt(prompt, diff),
      tokensFromChange: diff === undefined ? undefined : countTokens(prompt) - countTokens(prompt.slice(0, diff)),
      change: diff === undefined || prev === undefined ? undefined : { before: prev.slice(Math.max(0, diff - 12), diff + 24), after: prompt.slice(Math.max(0, diff - 12), diff + 24) },
      contextAdded: files.filter((f) => !prevFiles.includes(f)),
      contextDropped: prevFiles.filter((f) => !files.includes(f)),
      afterChars: sectionText(prompt, '<after>\n', '\n</after>').length,
      beforeChars: sectionText(prompt, '<before>\n', '<CURSOR>').length,
      pause: pauseOf(r.receivedAt)?.index,
      // ...and the suggestion was still on screen when the request left (auto-closing can use it up).
      whileTypingThrough: p !== undefined && (throughAt.get(p)?.at ?? Infinity) <= r.receivedAt && ghostBefore(r.receivedAt).trim() !== '',
      excludedFromCacheTarget: r.id === firstRequestId ? 'first' : r.id === firstAfterIndex ? 'first after the index completed' : undefined,
    };
  });

  const pauses: PauseFigures[] = session.pauses.map((pause) => {
    const inPause = generates.filter((r) => r.receivedAt >= pause.lastKeyAt && r.receivedAt < pause.endAt);
    const atStart = ghostEvents.filter((e) => e.at <= pause.lastKeyAt).at(-1)?.value ?? '';
    const during = ghostEvents.filter((e) => e.at > pause.lastKeyAt && e.at < pause.endAt);
    const firstShown = during.find((e) => e.value.trim() !== '');
    const kept = atStart.trim() !== '' && (during.length === 0 || during[0].value.trim() !== '');
    const shown = kept || firstShown !== undefined;
    // The pause's own request is for the position the person paused at; others in its window were
    // for earlier positions and left late (stale).
    const own = inPause.filter((r) => positionOf.get(r.id) === pause.p);
    const first = own[0];
    const reprefilled = first?.promptTokens === undefined ? undefined : first.promptTokens - (first.cachedTokens ?? 0);
    const debounceMs = debounceAt.get(lastContentKeyAt(session, pause.lastKeyAt)) ?? MAX_DEBOUNCE_MS;
    const prefillMs = (tokens: number) => (tokens / input.prefillTokensPerSec) * 1000;
    const boundMs = debounceMs + prefillMs(Math.min(reprefilled ?? 0, CACHE_TAIL_TOKENS)) + SLACK_MS;
    const boundActualMs = debounceMs + prefillMs(reprefilled ?? 0) + SLACK_MS;
    return {
      index: pause.index,
      where: `${pause.line}:${pause.column}`,
      kind: [pause.after === 'chunk' ? '' : `after ${pause.after}`, pause.insideBrackets ? 'in brackets' : '', pause.atLineEnd ? 'line end' : '', pause.nothingToAdd ? 'next line already below' : ''].filter(Boolean).join(', ') || 'word',
      action: pause.action,
      ghostShown: shown,
      nothingToAdd: pause.nothingToAdd,
      ghostKept: kept,
      keyToGhostMs: kept ? 0 : firstShown && firstShown.at - pause.lastKeyAt,
      keyToWireMs: first && first.receivedAt - pause.lastKeyAt,
      requests: inPause.length,
      requestIds: inPause.map((r) => r.id),
      staleRequests: inPause.length - own.length,
      reprefilled,
      debounceMs,
      boundMs,
      boundActualMs,
      ghostAtEnd: pause.ghost,
      ghostVerdict: pause.ghostVerdict,
      suggestWidget: pause.suggestWidget,
      indexing: pause.indexingAtEnd,
      tabOk: pause.tab?.ok,
      tabWhy: pause.tab?.why,
      hearthLog: input.hearthLog.filter((l) => l.at >= pause.lastKeyAt && l.at < pause.endAt).map((l) => l.text),
    };
  });

  // Keystroke → provider call: Hearth's trace line for a position, minus its own duration, is when
  // VS Code's call reached Hearth; the key that produced that position is the person's.
  const lags: Array<{ at: number; lag: number }> = [];
  for (const l of input.hearthLog) {
    const m = /\bcompletion \S+:(\d+):(\d+) .* (\d+)ms$/.exec(l.text);
    if (!m) continue;
    const startAt = l.at - Number(m[3]);
    const p = script.regionOffset(Number(m[1]), Number(m[2]) - 1);
    const key = session.keys.filter((k) => k.p === p && k.at <= startAt + 5).at(-1);
    if (key) lags.push({ at: key.at, lag: Math.max(0, startAt - key.at) });
  }
  const lagDuringIndex = lags.filter((x) => indexDone !== undefined && x.at < indexDone).map((x) => x.lag);
  const lagAfterIndex = lags.filter((x) => indexDone === undefined || x.at >= indexDone).map((x) => x.lag);

  const fresh = pauses.filter((p) => p.ghostShown && !p.ghostKept && p.keyToGhostMs !== undefined);
  const counted = requests.filter((r) => r.excludedFromCacheTarget === undefined && r.reprefilled !== undefined);
  const prefilled = requests.filter((r) => r.reprefilled !== undefined).map((r) => r.reprefilled!);
  const toWire = pauses.filter((p) => p.keyToWireMs !== undefined).map((p) => p.keyToWireMs!);
  const tabs = session.pauses.filter((p) => p.tab);
  return {
    pauses,
    requests,
    summary: {
      pauses: pauses.length,
      pausesWithGhost: pauses.filter((p) => p.ghostShown).length,
      warmups: input.requests.filter((r) => r.path === '/api/generate' && isWarmup(r)).length,
      warmupTokens: input.requests.filter((r) => r.path === '/api/generate' && isWarmup(r)).reduce((n, r) => n + (r.promptTokens ?? 0) - (r.cachedTokens ?? 0), 0),
      pausesToFill: pauses.filter((p) => !p.nothingToAdd).length,
      pausesFilled: pauses.filter((p) => !p.nothingToAdd && p.ghostShown).length,
      pausesNothingToAdd: pauses.filter((p) => p.nothingToAdd).length,
      pausesNothingToAddQuiet: pauses.filter((p) => p.nothingToAdd && (!p.ghostShown || p.ghostVerdict === 'matches')).length,
      keyToGhostP50: fresh.length ? percentile(fresh.map((p) => p.keyToGhostMs!), 50) : undefined,
      boundP50: percentile(fresh.map((p) => p.boundMs), 50),
      freshGhosts: fresh.length,
      pausesWithinBound: fresh.filter((p) => p.keyToGhostMs! <= p.boundMs).length,
      pausesWithinActualBound: fresh.filter((p) => p.keyToGhostMs! <= p.boundActualMs).length,
      keyToWireP50: toWire.length ? percentile(toWire, 50) : undefined,
      keyToWireP90: toWire.length ? percentile(toWire, 90) : undefined,
      requests: requests.length,
      requestsInPauses: requests.filter((r) => r.pause !== undefined).length,
      requestsWhileTyping: requests.filter((r) => r.pause === undefined).length,
      maxRequestsPerPause: Math.max(0, ...pauses.map((p) => p.requests)),
      pausesWithMoreThanOne: pauses.filter((p) => p.requests > 1).length,
      cacheCounted: counted.length,
      cacheWithin512: counted.filter((r) => r.reprefilled! <= CACHE_TAIL_TOKENS).length,
      reprefillP50: prefilled.length ? percentile(prefilled, 50) : undefined,
      reprefillP90: prefilled.length ? percentile(prefilled, 90) : undefined,
      fullPrefills: requests.filter((r) => r.promptTokens !== undefined && !r.cachedTokens).length,
      throughKeys: throughKeys.length,
      throughChosen: session.keys.filter((k) => k.through).length,
      throughRequests: requests.filter((r) => r.whileTypingThrough).length,
      tabs: tabs.length,
      tabsOk: tabs.filter((p) => p.tab!.ok).length,
      repairs: session.repairs.length,
      strayLines: session.strayLines.length,
      indexDoneAt: indexDone === undefined ? undefined : indexDone - t0,
      sessionMs: session.endedAt - t0,
      debounceMaxMs: MAX_DEBOUNCE_MS,
      hearthOutcomes: outcomes(input.hearthLog),
      providerLag: {
        n: lags.length,
        p50: lags.length ? percentile(lags.map((x) => x.lag), 50) : undefined,
        max: lags.length ? Math.max(...lags.map((x) => x.lag)) : undefined,
        whileIndexing: lagDuringIndex.length ? { n: lagDuringIndex.length, p50: percentile(lagDuringIndex, 50), max: Math.max(...lagDuringIndex) } : undefined,
        afterIndex: lagAfterIndex.length ? { n: lagAfterIndex.length, p50: percentile(lagAfterIndex, 50), max: Math.max(...lagAfterIndex) } : undefined,
      },
      staleRequests: pauses.reduce((n, p) => n + p.staleRequests, 0),
    },
  };
}

/** `[trace] completion ajax.ts:415:36 model 37 chars stop=single-line 665ms` → 'model: text'; `- none (cancelled)` → '-: none (cancelled)'. */
function outcomes(log: ReadonlyArray<{ text: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { text } of log) {
    const m = /\bcompletion \S+:\d+:\d+ (\S+) (?:\d+ chars|none \((.*)\))/.exec(text);
    if (!m) continue;
    const key = `${m[1]}: ${m[2] === undefined ? 'text' : `none (${m[2]})`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function lastContentKeyAt(session: SessionRecord, at: number): number {
  return session.keys.filter((k) => CONTENT_KEYS.has(k.kind) && k.at <= at).at(-1)?.at ?? at;
}

function firstDifference(a: string, b: string): number | undefined {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i === a.length && i === b.length ? undefined : i;
}

/** Which part of Hearth's Gemma prompt holds offset `at` (see src/core/completion/prompt.ts). */
function sectionAt(prompt: string, at: number): PromptSection {
  const user = prompt.indexOf('<|turn>user\n');
  const after = prompt.indexOf('<after>\n');
  const before = prompt.indexOf('<before>\n');
  const model = prompt.lastIndexOf('<|turn>model\n');
  if (user < 0 || at < user) return 'system';
  const afterHeader = after < 0 ? -1 : prompt.lastIndexOf('\n\n', after);
  if (afterHeader >= 0 && at < afterHeader) return 'context';
  const beforeHeader = before < 0 ? -1 : prompt.lastIndexOf('\n\n', before);
  if (beforeHeader >= 0 && at < beforeHeader) return 'after';
  if (model < 0 || at < model) return 'before';
  return 'seed';
}

/** The repository-context section of a Gemma prompt: from the user turn to the code below the cursor. */
function contextSection(prompt: string): string {
  const user = prompt.indexOf('<|turn>user\n');
  const after = prompt.indexOf('<after>\n');
  return user < 0 || after < 0 ? '' : prompt.slice(user, prompt.lastIndexOf('\n\n', after));
}

function sectionText(prompt: string, open: string, close: string): string {
  const end = prompt.lastIndexOf(close);
  const start = end < 0 ? -1 : prompt.lastIndexOf(open, end);
  return start < 0 ? '' : prompt.slice(start + open.length, end);
}

function contextFiles(prompt: string): string[] {
  return [...prompt.matchAll(/<file path="([^"]*)" lines="([^"]*)">/g)].map((m) => `${m[1]}:${m[2]}`);
}
