// The inline-completion pipeline, editor-independent (the VS Code provider and `hearth complete`
// both call it): prefilter → typed-through cache → reuse of the generation in flight → debounce →
// repository context → prompt → stream through the shaper's early-stop stages → post-processing →
// cache. Each stage has its file; README's Architecture names them in order.
import { isSilent, ModelError } from '../errors';
import type { Logger } from '../log';
import type { RequestMetrics } from '../model/metrics';
import type { ModelSession } from '../model/session';
import { TokenEstimator } from '../model/tokens';
import { redact, redactAroundCursor, type Redactor } from '../privacy/redactor';
import { buildCompletionPrompt, chooseRoute, renderContextSection, type CompletionPrompt, type CompletionRoute } from './prompt';
import { cutWindows, suffixParts } from './windows';
import { TypedThroughCache } from './cache';
import { AdaptiveDebounce } from './debounce';
import { StreamShaper } from './streamShaper';
import { STOP_SEQUENCES } from './markers';
import { LayoutWatch, type PromptLayout } from './layoutLog';
import { isSubsequence } from './merge';
import { postProcess, showableSoFar } from './postprocess';
import { decideShape, shouldComplete } from './prefilter';
import type { WarmResult } from './warmSchedule';
import type { CompletionShape, ContextProvider, ContextSnippet, CursorContext } from './types';

export interface CompletionSettings {
  /** Tokens of repository context (from the index). */
  readonly contextTokens: number;
  readonly prefixTokens: number;
  readonly suffixTokens: number;
  /** Fixed debounce in ms; undefined = adaptive. */
  readonly debounceMs?: number;
  /** Median model latency above which the status bar says "slow". */
  readonly slowMs: number;
}

export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = {
  contextTokens: 2048,
  prefixTokens: 1536,
  suffixTokens: 512,
  slowMs: 2500,
};

export interface CompletionRequest {
  /** Identifies the document (its URI); the cache and in-flight reuse are per document. */
  readonly document: string;
  readonly cursor: CursorContext;
  /** Document line of the first line of `cursor.prefix`, when the prefix is a slice. */
  readonly prefixFirstLine?: number;
  readonly trigger: 'automatic' | 'manual';
  readonly signal?: AbortSignal;
  /**
   * When the edit that led to this request happened, on the engine's clock (`now`). The editor
   * calls the provider some time after the keystroke; the debounce counts from the keystroke, so
   * the request leaves a debounce after the user's last key, not after the editor's call.
   */
  readonly typedAt?: number;
  /**
   * Answer as soon as the first words can be shown (see showableSoFar), with `partial` set and the
   * whole completion to follow in `final`; the generation goes on. The editor asks for this and
   * asks again when `final` brings more; the CLI waits for the whole answer.
   */
  readonly early?: boolean;
}

export type CompletionSource = 'cache' | 'inflight' | 'model';

export interface CompletionOutcome {
  /** What to show; undefined = nothing. */
  readonly text?: string;
  /**
   * Characters right of the cursor, on its line, that `text` replaces: the closers it writes again
   * (`a, b);` over the `)` of `foo(█)`). The editor shows it over (cursor, cursor + replaces).
   * Absent: none, `text` is inserted at the cursor.
   */
  readonly replaces?: number;
  /**
   * Characters at the end of `text` the cursor stays in front of once accepted (the closers of a
   * bracket the completion ends by opening: `() => {█}`). Absent: the cursor goes to the end.
   */
  readonly caretBack?: number;
  readonly source?: CompletionSource;
  /** Why nothing is shown, for logs and the CLI. */
  readonly reason?: string;
  /** Set when the model could not be asked or failed (as opposed to having nothing to add). */
  readonly error?: ModelError;
  readonly route?: CompletionRoute;
  readonly shape?: CompletionShape;
  readonly metrics?: RequestMetrics;
  readonly stopReason?: string;
  readonly debounceMs?: number;
  readonly promptTokens?: number;
  readonly contextItems?: readonly ContextSnippet[];
  /** Engine-side timings (ms): from entry to request sent, and from last chunk to result. */
  readonly timings?: { readonly toRequest?: number; readonly afterStream?: number; readonly total: number };
  /** `text` is the start of a completion still streaming (an early answer). */
  readonly partial?: boolean;
  /** With `partial`: the whole completion, when the stream ends. */
  readonly final?: Promise<CompletionOutcome>;
}

export interface CompletionEngineDeps {
  readonly session: () => Promise<ModelSession>;
  readonly context: ContextProvider;
  /**
   * Finds credentials in every piece of workspace text before the prompt is built. Required: a
   * front end that sends workspace text has to say how it is redacted (tests may pass NO_REDACTION).
   */
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly settings: CompletionSettings;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Prepared {
  readonly session: ModelSession;
  readonly shape: CompletionShape;
  readonly route: CompletionRoute;
  readonly snippets: readonly ContextSnippet[];
  readonly prompt: CompletionPrompt;
  readonly layout: Omit<PromptLayout, 'document'>;
}

type PrepareResult = Prepared | { readonly failed: string; readonly error?: ModelError };

interface InFlight {
  readonly document: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly controller: AbortController;
  result: Promise<CompletionOutcome>;
  interested: number;
  abandonTimer?: ReturnType<typeof setTimeout>;
  /** What the model has written so far (after the stream shaper). */
  partial: string;
  /** The shaper stopped the stream: the result is moments away, nothing is shown early. */
  ending: boolean;
  readonly progress: Set<() => void>;
}

/** Characters beyond each window that are scanned for credentials with it (a private key is 1.7-3.3 KB). */
const REDACTION_MARGIN = 4096;

/**
 * Token estimate the windows are cut by: fixed (never calibrated), so the same text is always cut
 * the same way. The session's calibrated estimate still decides whether the prompt fits.
 */
const LAYOUT_ESTIMATOR = new TokenEstimator();
const layoutTokens = (text: string) => LAYOUT_ESTIMATOR.estimate(text);

/** A warm-up still serves a completion this many lines from the cursor it was for (within the windows). */
const WARM_NEAR_LINES = 32;

/** Longest wait for repository context on the keystroke path; past it the request goes without. */
const CONTEXT_WAIT_MS = 150;
/**
 * The prompt is made this long before the debounce ends. Context assembly has a 40 ms budget and
 * redaction a few ms; the margin covers a busy extension host.
 */
const PREPARE_AHEAD_MS = 100;
const TOO_LATE = Symbol('too late');

/** `p`, or TOO_LATE when it has not settled within `ms`. */
async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | typeof TOO_LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<typeof TOO_LATE>((resolve) => { timer = setTimeout(() => resolve(TOO_LATE), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long an early answer waits for the rest of a reply that may already be whole (a token takes ~12 ms at 80/s). */
const EARLY_GRACE_MS = 8;

/** How long a generation nobody waits for anymore may live, in case the next keystroke can use it. */
const ABANDON_GRACE_MS = 150;
const LATENCY_WINDOW = 9;

export class CompletionEngine {
  readonly cache = new TypedThroughCache();
  readonly debounce: AdaptiveDebounce;
  private inflight: InFlight | undefined;
  private readonly latencies: number[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly listeners = new Set<(slow: boolean, medianMs: number) => void>();
  private readonly layout = new LayoutWatch();
  /** Warm-ups being prepared or sent; the scheduler lets a newer one that is sent supersede an older one. */
  private readonly warmings = new Set<{ readonly document: string; readonly line: number | undefined; readonly controller: AbortController }>();

  constructor(private readonly deps: CompletionEngineDeps) {
    this.debounce = new AdaptiveDebounce(deps.settings.debounceMs);
    this.now = deps.now ?? (() => performance.now());
    this.sleep = deps.sleep ?? abortableSleep;
  }

  /** Fires after each model completion with whether the recent median latency is over the limit. */
  onLatency(fn: (slow: boolean, medianMs: number) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  async complete(req: CompletionRequest): Promise<CompletionOutcome> {
    const t0 = this.now();
    const { cursor } = req;
    const done = (o: Omit<CompletionOutcome, 'timings'>): CompletionOutcome => ({ ...o, timings: { total: this.now() - t0 } });

    const gate = shouldComplete(cursor);
    if (!gate.ok) return done({ reason: gate.reason });
    // The keystroke's own time, unless the editor's is unknown or implausible (another clock, the future).
    const typedAt = req.typedAt !== undefined && req.typedAt <= t0 && t0 - req.typedAt < 10_000 ? req.typedAt : t0;
    if (req.trigger === 'automatic') this.debounce.keystroke(typedAt);

    const hit = this.cache.lookup(req.document, cursor.prefix, cursor.suffix);
    if (hit) return done({ text: hit.remaining, ...replacing(hit.replaces), ...caretIn(hit.remaining, hit.caretBack), source: 'cache' });

    // An in-flight generation that has not yet written what the user typed since is waited on only
    // until this request's own debounce would end: past it, a fresh request is the faster bet.
    const deadline = req.trigger === 'automatic' ? typedAt + this.debounce.delayMs : Infinity;
    const reused = await this.reuseInFlight(req, deadline);
    if (reused) return done(reused);
    // What is in flight cannot serve this cursor: free the model now, not after the debounce.
    this.inflight?.controller.abort();
    this.inflight = undefined;
    this.stopWarmingFor(req);

    // The wait actually used; the estimate moves on with later keystrokes and latencies. It counts
    // from the keystroke: what the editor and the steps above took is already waited.
    const debounceMs = req.trigger === 'automatic' ? this.debounce.delayMs : 0;
    const waitMs = Math.max(0, debounceMs - (this.now() - typedAt));
    // The prompt (context, windows, redaction) is made during the debounce's last PREPARE_AHEAD_MS,
    // so the request leaves when the debounce ends rather than a prompt's making after it. Only a
    // request that survived most of the wait pays for it: keys seldom come that late.
    const controller = new AbortController();
    let prepared: Promise<PrepareResult> | undefined;
    if (waitMs > 0) {
      try {
        if (waitMs > PREPARE_AHEAD_MS) await this.sleep(waitMs - PREPARE_AHEAD_MS, req.signal);
        prepared = this.prepare(req, controller.signal);
        await this.sleep(Math.min(waitMs, PREPARE_AHEAD_MS), req.signal);
      } catch {
        controller.abort();
        void prepared?.catch(() => undefined);
        return done({ reason: 'cancelled while waiting (the user kept typing)' });
      }
    } else if (req.trigger === 'automatic') {
      // Called after the debounce was already over (the editor's host was busy): the keystrokes
      // since may be queued behind this call. One turn of the event loop lets their cancellation
      // arrive before a request leaves for a position the user has typed past.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (req.signal?.aborted) {
      controller.abort();
      void prepared?.catch(() => undefined);
      return done({ reason: 'cancelled' });
    }

    const flight: InFlight = {
      document: req.document, prefix: cursor.prefix, suffix: cursor.suffix, controller, interested: 1,
      result: Promise.resolve({}), partial: '', ending: false, progress: new Set(),
    };
    flight.result = this.generate(req, flight, t0, debounceMs, prepared);
    this.inflight = flight;
    this.follow(flight, req.signal);
    void flight.result.finally(() => { if (this.inflight === flight) this.inflight = undefined; });
    return req.early ? this.earlyOrFinal(req, flight, t0) : flight.result;
  }

  /**
   * The first words of the completion once they can be shown, or the whole one if it comes first.
   * Shown text holds the generation: it runs to its end (for `final`) unless a keystroke it cannot
   * serve needs the model.
   */
  private earlyOrFinal(req: CompletionRequest, flight: InFlight, t0: number): Promise<CompletionOutcome> {
    const ctx = { cursor: req.cursor, shape: decideShape(req.cursor) };
    return new Promise((resolve) => {
      let answered = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const answerEarly = () => {
        if (answered || flight.ending || req.signal?.aborted) return;
        const text = showableSoFar(flight.partial, ctx);
        if (text === undefined) return;
        answered = true;
        flight.interested++;
        if (flight.abandonTimer) clearTimeout(flight.abandonTimer);
        resolve({ text, source: 'model', partial: true, final: flight.result, shape: ctx.shape, timings: { total: this.now() - t0 } });
      };
      // A moment's grace first: a reply that is already whole arrives as one answer.
      const watch = () => {
        if (timer === undefined && !flight.ending && showableSoFar(flight.partial, ctx) !== undefined) {
          flight.progress.delete(watch);
          timer = setTimeout(answerEarly, EARLY_GRACE_MS);
        }
      };
      flight.progress.add(watch);
      void flight.result.then((o) => {
        flight.progress.delete(watch);
        clearTimeout(timer);
        if (!answered) resolve(o);
        answered = true;
      });
    });
  }

  /**
   * Prefills the server's prompt cache for a cursor the user has come to rest at (opened a file,
   * clicked elsewhere), so that the first keystroke there re-reads only the prompt's tail rather
   * than the whole prompt. Sends the prompt a completion here would send, for one token, at
   * background priority — only when its stable parts (context, code below, window start) differ
   * from the document's last prompt, and never while a completion is in flight. A newer warm-up
   * that sends another prompt supersedes an older one; a completion elsewhere stops it.
   */
  async warm(req: Pick<CompletionRequest, 'document' | 'cursor' | 'prefixFirstLine'>): Promise<Exclude<WarmResult, 'skipped'>> {
    if (this.inflight) return 'busy';
    const controller = new AbortController();
    // An older warm-up goes on while this one is prepared: when both want the same prompt, this one
    // finds it sent already (unchanged) and the older one's prefill is not thrown away.
    const warming = { document: req.document, line: req.cursor.line, controller };
    this.warmings.add(warming);
    try {
      const ready = await this.prepare(req, controller.signal);
      if ('failed' in ready) return 'failed';
      if (controller.signal.aborted) return 'cancelled';
      if (this.inflight) return 'busy';
      if (this.layout.matches({ document: req.document, ...ready.layout })) return 'unchanged';
      this.logLayout(req.document, ready.layout, ' (warming the server\'s cache)');
      const request = { ...ready.prompt.request, options: { ...ready.prompt.request.options, num_predict: 1 } };
      for await (const ev of ready.session.stream({ ...request, priority: 'background', supersedeKey: 'completion-warm', signal: controller.signal })) {
        if (ev.type === 'done') break;
      }
      return 'sent';
    } catch (e) {
      if (isSilent(e)) return 'cancelled';
      this.deps.logger.debug(`completion warm-up failed: ${ModelError.is(e) ? e.message : String(e)}`);
      return 'failed';
    } finally {
      this.warmings.delete(warming);
    }
  }

  /** Whether a prompt (a completion's or a warm-up's) was made for this document, or a warm-up for it is under way. */
  knows(document: string): boolean {
    if (this.layout.lastOf(document) !== undefined) return true;
    for (const w of this.warmings) if (w.document === document) return true;
    return false;
  }

  /** A completion far from the cursor being warmed up for (another file, or out of its window) stops that warm-up. */
  private stopWarmingFor(req: CompletionRequest): void {
    const line = req.cursor.line;
    for (const w of this.warmings) {
      const near = w.document === req.document && (line === undefined || w.line === undefined || Math.abs(line - w.line) <= WARM_NEAR_LINES);
      if (!near) w.controller.abort();
    }
  }

  /** When the caller gives up (VS Code cancels on every keystroke), the generation lives on briefly for the next one. */
  private follow(flight: InFlight, signal: AbortSignal | undefined): void {
    if (!signal) return;
    const onAbort = () => {
      flight.interested--;
      if (flight.interested <= 0) {
        flight.abandonTimer = setTimeout(() => { if (flight.interested <= 0) flight.controller.abort(); }, ABANDON_GRACE_MS);
      }
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void flight.result.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** A new keystroke that extends the prefix of the generation in flight waits for it instead of asking again. */
  private async reuseInFlight(req: CompletionRequest, deadline = Infinity): Promise<Omit<CompletionOutcome, 'timings'> | undefined> {
    const f = this.inflight;
    if (!f || f.controller.signal.aborted || f.document !== req.document || f.suffix !== req.cursor.suffix) return undefined;
    const p = req.cursor.prefix;
    if (p.length < f.prefix.length || !p.startsWith(f.prefix)) return undefined;
    const typed = p.slice(f.prefix.length);
    // Consistent while one of what was typed and what the model wrote so far starts the other.
    const consistent = () => (f.partial.length >= typed.length ? f.partial.startsWith(typed) : typed.startsWith(f.partial));
    if (!consistent()) return undefined;
    f.interested++;
    if (f.abandonTimer) clearTimeout(f.abandonTimer);
    this.follow(f, req.signal);
    // Wait for the result, but give up the moment the model writes something the user did not type,
    // or at the deadline if it has not written all of it by then (still prefilling, say).
    const proven = () => f.partial.length >= typed.length && f.partial.startsWith(typed);
    const outcome = await new Promise<CompletionOutcome | undefined>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (o: CompletionOutcome | undefined) => {
        f.progress.delete(watch);
        clearTimeout(timer);
        resolve(o);
      };
      const watch = () => { if (!consistent()) settle(undefined); };
      f.progress.add(watch);
      if (Number.isFinite(deadline)) timer = setTimeout(() => { if (!proven()) settle(undefined); }, Math.max(0, deadline - this.now()));
      void f.result.then(settle);
    });
    if (!outcome) return undefined;
    if (req.signal?.aborted) return { reason: 'cancelled' };
    if (outcome.text === undefined) return typed.length === 0 ? { ...outcome, source: 'inflight' } : undefined;
    if (outcome.text.length > typed.length && outcome.text.startsWith(typed)) {
      const text = outcome.text.slice(typed.length);
      // What it replaces right of the cursor must still be written by what is left of it.
      if (outcome.replaces && !isSubsequence(req.cursor.lineSuffix.slice(0, outcome.replaces), text)) return undefined;
      const { caretBack, ...rest } = outcome;
      return { ...rest, text, ...caretIn(text, caretBack), source: 'inflight' };
    }
    return undefined;
  }

  /**
   * Everything up to the request: the session, repository context (within its wait), the windows
   * (cut with the fixed measure), credentials redacted, the prompt. A string says why there is none.
   */
  private async prepare(req: Pick<CompletionRequest, 'document' | 'cursor' | 'prefixFirstLine'>, signal: AbortSignal): Promise<PrepareResult> {
    const { cursor } = req;
    const { logger, settings } = this.deps;
    let session: ModelSession;
    try {
      session = await this.deps.session();
    } catch (e) {
      if (!isSilent(e)) logger.debug(`completion: no model session: ${ModelError.is(e) ? e.message : String(e)}`);
      return { failed: ModelError.is(e) ? e.message : 'the model is not available', error: asModelError(e) };
    }
    const shape = decideShape(cursor);
    const route = chooseRoute(session.description);

    let snippets: readonly ContextSnippet[] = [];
    try {
      const late = await withDeadline(this.deps.context.contextFor(cursor, settings.contextTokens, signal), CONTEXT_WAIT_MS);
      if (late === TOO_LATE) logger.debug(`completion: repository context took over ${CONTEXT_WAIT_MS} ms; sent without it`);
      else snippets = late;
    } catch (e) {
      if (!isSilent(e)) logger.warn(`completion: repository context failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Cut with a measure that never changes: the session's estimator is calibrated by every reply,
    // and windows cut with it would move by a line or an anchor between keystrokes.
    // The window before the cursor keeps the document's last start while it has room to spare.
    const last = this.layout.lastOf(req.document)?.prefixStart;
    const windows = cutWindows({
      prefix: cursor.prefix, suffix: cursor.suffix, prefixFirstLine: req.prefixFirstLine,
      prefixBudget: settings.prefixTokens, suffixBudget: settings.suffixTokens, estimate: layoutTokens,
      keepStartLine: last && last.column === 0 ? last.line : undefined,
    });
    let redacted: Awaited<ReturnType<CompletionEngine['redact']>>;
    try {
      redacted = await this.redact(cursor, windows.prefix, windows.suffix, snippets);
    } catch (e) {
      // Nothing is sent that could not be checked for credentials.
      logger.warn(`completion: the text could not be checked for credentials, so nothing was sent: ${e instanceof Error ? e.message : String(e)}`);
      return { failed: 'the text could not be checked for credentials' };
    }
    const numPredict = shape === 'single-line' ? 64 : 256;
    const prompt = buildCompletionPrompt(route, session.description, {
      cursor: redacted.cursor(cursor), prefix: redacted.prefix, suffix: redacted.suffix, snippets: redacted.snippets,
      options: { num_predict: numPredict, temperature: 0.2, top_p: 0.9, top_k: 40, stop: [...STOP_SEQUENCES] },
    });
    return { session, shape, route, snippets, prompt, layout: this.layoutOf(windows, redacted) };
  }

  private async generate(req: CompletionRequest, flight: InFlight, t0: number, debounceMs: number, prepared?: Promise<PrepareResult>): Promise<CompletionOutcome> {
    const { cursor } = req;
    const signal = flight.controller.signal;
    const { logger } = this.deps;
    const ready = await (prepared ?? this.prepare(req, signal));
    if ('failed' in ready) return { reason: ready.failed, ...(ready.error ? { error: ready.error } : {}), timings: { total: this.now() - t0 } };
    const { session, shape, route, snippets, prompt } = ready;
    if (signal.aborted) return { reason: 'cancelled', route, shape, timings: { total: this.now() - t0 } };
    this.logLayout(req.document, ready.layout, '');
    const shaper = new StreamShaper({ cursor, shape });
    const toRequest = this.now() - t0;
    let metrics: RequestMetrics | undefined;
    let lastChunkAt = this.now();
    try {
      const onEnd = (m: RequestMetrics) => { metrics = m; };
      for await (const ev of session.stream({ ...prompt.request, priority: 'interactive', supersedeKey: 'completion', signal, onEnd })) {
        if (ev.type === 'done') {
          lastChunkAt = this.now();
          break;
        }
        if (ev.type !== 'text') continue;
        lastChunkAt = this.now();
        const { stop } = shaper.push(ev.text);
        flight.partial = shaper.text;
        flight.ending = stop;
        for (const l of [...flight.progress]) l();
        if (stop) break; // leaving the loop closes the stream at once
      }
    } catch (e) {
      if (isSilent(e)) return { reason: 'cancelled', route, shape, timings: { toRequest, total: this.now() - t0 } };
      logger.debug(`completion failed: ${ModelError.is(e) ? e.userMessage : String(e)}`);
      return { reason: ModelError.is(e) ? e.message : String(e), error: asModelError(e), route, shape, timings: { toRequest, total: this.now() - t0 } };
    }
    const shown = postProcess(shaper.finish(), { cursor, shape });
    const text = shown?.text;
    if (shown) this.cache.store(req.document, cursor.prefix, cursor.suffix, shown.text, shown.replaces, shown.caretBack);
    const end = this.now();
    if (metrics) this.observe(end - t0 - toRequest);
    return {
      text: text || undefined,
      ...replacing(shown?.replaces),
      ...caretIn(text ?? '', shown?.caretBack),
      source: 'model',
      reason: text ? undefined : 'the model had nothing useful to add',
      route, shape, metrics, stopReason: shaper.stopReason,
      debounceMs,
      promptTokens: metrics?.clientPromptTokens,
      contextItems: snippets,
      timings: { toRequest, afterStream: end - lastChunkAt, total: end - t0 },
    };
  }

  /**
   * Every piece of workspace text bound for the prompt, with credentials replaced by markers. The
   * windows are judged with REDACTION_MARGIN more characters on each side and across the cursor,
   * so a credential the cursor or a window's edge cuts is still found whole.
   */
  private async redact(cursor: CursorContext, prefix: string, suffix: string, snippets: readonly ContextSnippet[]) {
    const { redactor } = this.deps;
    const aligned = cursor.prefix.endsWith(prefix) && cursor.suffix.startsWith(suffix);
    const before = aligned ? cursor.prefix.slice(Math.max(0, cursor.prefix.length - prefix.length - REDACTION_MARGIN)) : prefix;
    const after = aligned ? cursor.suffix.slice(0, suffix.length + REDACTION_MARGIN) : suffix;
    const [windows, ...texts] = await Promise.all([
      redactAroundCursor(redactor, before, after, prefix.length, suffix.length),
      ...snippets.map((x) => redact(redactor, x.text)),
    ]);
    const p = windows.prefix;
    return {
      prefix: p,
      suffix: windows.suffix,
      snippets: snippets.map((x, i) => (texts[i] === x.text ? x : { ...x, text: texts[i] })),
      // The model's turn is seeded with the cursor line: it must be the redacted one too.
      cursor: (c: CursorContext): CursorContext => (p === prefix ? c : { ...c, linePrefix: p.slice(p.lastIndexOf('\n') + 1) }),
    };
  }

  /** The parts of a prompt the server's cache relies on (see layoutLog.ts), without the document. */
  private layoutOf(windows: { prefix: string; prefixStartLine: number; prefixStartColumn: number }, redacted: { suffix: string; snippets: readonly ContextSnippet[] }): Omit<PromptLayout, 'document'> {
    let lines = 0;
    for (let i = windows.prefix.indexOf('\n'); i >= 0; i = windows.prefix.indexOf('\n', i + 1)) lines++;
    return {
      context: renderContextSection(redacted.snippets),
      below: suffixParts(redacted.suffix).below ?? '',
      prefixStart: { line: windows.prefixStartLine, column: windows.prefixStartColumn },
      cursorLine: windows.prefixStartLine + lines,
    };
  }

  /** Logs, with its reason, each part of the prompt the server's cache relies on that moved since the document's last prompt. */
  private logLayout(document: string, layout: Omit<PromptLayout, 'document'>, note: string): void {
    const changes = this.layout.observe({ document, ...layout }, this.deps.context.changeReason?.());
    for (const c of changes) this.deps.logger.debug(`completion prompt${note}: ${c}`);
  }

  private observe(latencyMs: number): void {
    this.debounce.observeLatency(latencyMs);
    this.latencies.push(latencyMs);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    const slow = this.latencies.length >= 3 && median > this.deps.settings.slowMs;
    for (const l of this.listeners) l(slow, median);
  }

  dispose(): void {
    this.inflight?.controller.abort();
    this.inflight = undefined;
    for (const w of this.warmings) w.controller.abort();
  }
}

/** The `replaces` field of an outcome: present only when something is replaced. */
function replacing(n: number | undefined): { replaces?: number } {
  return n ? { replaces: n } : {};
}

/** The `caretBack` field of an outcome: present only when the cursor stays inside what `text` shows. */
function caretIn(text: string, back: number | undefined): { caretBack?: number } {
  return back && back < text.length ? { caretBack: back } : {};
}

function asModelError(e: unknown): ModelError {
  return ModelError.is(e) ? e : new ModelError('badResponse', e instanceof Error ? e.message : String(e), 'Please report this with the log ("Hearth: Show Log").');
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new Error('aborted')); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
