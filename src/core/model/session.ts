// A ModelSession is the only way features reach a model. It owns the invariants the reference
// insists on: the same num_ctx and keep_alive on every request, `think` always explicit for a
// thinking model and never sent to one that is not, no prompt larger than the window minus the
// output, our own deadline, cancellation that closes the connection, and metrics for every request.
import {
  abortedError, badResponseError, ModelError, timeoutError,
} from '../errors';
import type { Logger } from '../log';
import type {
  ChatMessage, ModelBackend, ModelDescription, SamplingOptions, ServerStats, StreamEvent, ThinkSetting,
  WireChatRequest, WireGenerateRequest,
} from './backend';
import { buildMetrics, formatMetrics, reusablePrefixTokens, type RequestMetrics } from './metrics';
import type { NumCtxDecision } from './numCtx';
import { reasonOf, type Priority, type RequestScheduler } from './scheduler';
import { sharedSchemaValidator, type SchemaValidator } from './schemaValidator';
import { requestStructured, type StructuredRequest, type StructuredResult } from './structured';
import { PromptBudget, TokenEstimator } from './tokens';

interface RequestCommon {
  /** Who asks: 'completion', 'review', 'tests', 'probe'; for metrics and logs. */
  readonly feature: string;
  /** Desired thinking; sent only to thinking-capable models, and then always sent (default false). */
  readonly think?: ThinkSetting;
  readonly options?: SamplingOptions;
  readonly format?: 'json' | Record<string, unknown>;
  readonly priority?: Priority;
  /** A newer request with the same key aborts this one (e.g. one per editor for completions). */
  readonly supersedeKey?: string;
  readonly signal?: AbortSignal;
  /** Overrides the session's default deadline. */
  readonly timeoutMs?: number;
  /**
   * Called once with the request's metrics when it ends for any reason. A stream the caller stops
   * early never receives the server's final counters; its metrics then carry our own figures only.
   */
  readonly onEnd?: (metrics: RequestMetrics) => void;
}

export interface GenerateModelRequest extends RequestCommon {
  readonly kind: 'generate';
  readonly prompt: string;
  readonly raw?: boolean;
  readonly system?: string;
  readonly suffix?: string;
}

export interface ChatModelRequest extends RequestCommon {
  readonly kind: 'chat';
  readonly messages: readonly ChatMessage[];
}

export type ModelRequest = GenerateModelRequest | ChatModelRequest;

export type SessionEvent =
  | Exclude<StreamEvent, { type: 'done' }>
  | { readonly type: 'done'; readonly stats: ServerStats; readonly metrics: RequestMetrics };

export interface SessionDeps {
  readonly backend: ModelBackend;
  readonly scheduler: RequestScheduler;
  readonly estimator: TokenEstimator;
  readonly logger: Logger;
  readonly keepAlive: string;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly nextId: () => number;
  /** Checks structured answers; one validator for the process when not given. */
  readonly validator?: SchemaValidator;
  readonly onRequestStart?: (id: number, feature: string) => void;
  readonly onRequestEnd?: (id: number, outcome: { metrics?: RequestMetrics; error?: unknown }) => void;
}

/** Output tokens assumed when a request does not set num_predict; also the budget's reserve. */
export const DEFAULT_NUM_PREDICT = 1024;

export class ModelSession {
  readonly budget: PromptBudget;
  private lastPrompt: string | undefined;

  constructor(
    readonly description: ModelDescription,
    readonly numCtx: NumCtxDecision,
    private readonly deps: SessionDeps,
  ) {
    this.budget = new PromptBudget(numCtx.numCtx, deps.estimator);
  }

  get model(): string {
    return this.description.name;
  }

  /** The `think` value that goes on the wire: explicit for thinking models, absent otherwise. */
  thinkFor(desired: ThinkSetting | undefined): ThinkSetting | undefined {
    return this.description.thinking ? (desired ?? false) : undefined;
  }

  /** The request exactly as the backend will send it. Throws contextOverflow instead of sending too much. */
  toWire(req: ModelRequest): { wire: WireGenerateRequest | WireChatRequest; promptText: string; promptTokens: number } {
    const numPredict = req.options?.num_predict ?? DEFAULT_NUM_PREDICT;
    const options: SamplingOptions = { ...req.options, num_predict: numPredict };
    const common = {
      model: this.description.name,
      keepAlive: this.deps.keepAlive,
      numCtx: this.numCtx.numCtx,
      think: this.thinkFor(req.think),
      options,
      format: req.format,
    };
    let promptText: string;
    let promptTokens: number;
    let wire: WireGenerateRequest | WireChatRequest;
    if (req.kind === 'generate') {
      if (req.suffix !== undefined && !this.description.insert) {
        throw new ModelError('unsupported', `${this.model} has no fill-in-the-middle (insert) capability.`, 'Use an instruction prompt for this model.', { model: this.model });
      }
      if (req.raw && (req.system !== undefined || req.suffix !== undefined)) {
        throw new ModelError('unsupported', 'A raw prompt cannot carry a system prompt or a suffix.', 'Put everything in the raw prompt.', { model: this.model });
      }
      promptText = (req.system ?? '') + req.prompt + (req.suffix ?? '');
      promptTokens = this.deps.estimator.estimate(promptText) + (req.raw ? 0 : 8);
      wire = { ...common, prompt: req.prompt, raw: req.raw, system: req.system, suffix: req.suffix };
    } else {
      promptText = req.messages.map((m) => `${m.role}\n${m.content}`).join('\n');
      promptTokens = this.deps.estimator.estimateChat(req.messages);
      wire = { ...common, messages: req.messages };
    }
    if (!this.budget.fits(promptTokens, numPredict)) {
      throw new ModelError('contextOverflow',
        `The prompt (~${promptTokens} tokens) and its output (${numPredict}) do not fit ${this.model}'s window of ${this.numCtx.numCtx} tokens.`,
        'Raise hearth.contextSize, or lower the context budget of this feature.', { model: this.model });
    }
    return { wire, promptText, promptTokens };
  }

  /**
   * Streams one request. Aborting `req.signal`, a superseding request, the deadline, or the consumer
   * leaving the loop early all close the connection at once. Errors are ModelErrors.
   */
  async *stream(req: ModelRequest): AsyncGenerator<SessionEvent, void, undefined> {
    const { backend, scheduler, logger, now } = this.deps;
    const { wire, promptText, promptTokens } = this.toWire(req);
    const id = this.deps.nextId();
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(abortedError());
    if (req.signal?.aborted) throw abortedError();
    req.signal?.addEventListener('abort', onOuterAbort, { once: true });

    const queuedAt = now();
    let lease: { release(): void } | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    let metrics: RequestMetrics | undefined;
    let failure: unknown;
    let startedAt: number | undefined;
    let firstAt: number | undefined;
    let reusable = 0;
    try {
      lease = await scheduler.acquire({ priority: req.priority ?? 'background', controller, supersedeKey: req.supersedeKey });
      startedAt = now();
      this.deps.onRequestStart?.(id, req.feature);
      const timeoutMs = req.timeoutMs ?? this.deps.timeoutMs;
      deadline = setTimeout(() => controller.abort(timeoutError(backend.url, Math.round(timeoutMs / 1000), this.model)), timeoutMs);

      reusable = reusablePrefixTokens(this.lastPrompt, promptText, (t) => this.deps.estimator.estimate(t), this.description.slidingWindow);
      this.lastPrompt = promptText;
      logger.debug(`#${id} ${req.feature} → ${req.kind} ${this.model} ~${promptTokens} tokens, think=${String(wire.think ?? 'unsent')}`);

      const events = req.kind === 'chat'
        ? backend.chat(wire as WireChatRequest, controller.signal)
        : backend.generate(wire as WireGenerateRequest, controller.signal);
      for await (const ev of events) {
        if (ev.type === 'done') {
          metrics = buildMetrics({
            id, feature: req.feature, model: this.model, route: req.kind, numCtx: this.numCtx.numCtx,
            clientPromptTokens: promptTokens, reusableTokens: reusable, queueMs: startedAt - queuedAt,
            ttftMs: firstAt === undefined ? undefined : firstAt - startedAt, totalMs: now() - (startedAt ?? queuedAt), stats: ev.stats,
          });
          this.afterDone(metrics, promptText);
          finished = true;
          yield { type: 'done', stats: ev.stats, metrics };
          return;
        }
        if (firstAt === undefined) firstAt = now();
        yield ev;
      }
      throw badResponseError(backend.url, 'the stream ended without its final "done" line');
    } catch (e) {
      failure = controller.signal.aborted ? reasonOf(controller.signal) : e;
      throw failure;
    } finally {
      if (deadline !== undefined) clearTimeout(deadline);
      req.signal?.removeEventListener('abort', onOuterAbort);
      if (!finished && !controller.signal.aborted) controller.abort(abortedError('The consumer stopped reading.'));
      if (lease) {
        lease.release();
        if (!metrics && startedAt !== undefined) {
          metrics = buildMetrics({
            id, feature: req.feature, model: this.model, route: req.kind, numCtx: this.numCtx.numCtx,
            clientPromptTokens: promptTokens, reusableTokens: reusable, queueMs: startedAt - queuedAt,
            ttftMs: firstAt === undefined ? undefined : firstAt - startedAt, totalMs: now() - startedAt,
            stats: { doneReason: failure && !ModelError.is(failure, 'aborted') ? 'error' : 'stopped-by-client' },
          });
          logger.debug(formatMetrics(metrics));
        }
        this.deps.onRequestEnd?.(id, { metrics, error: failure ?? (finished ? undefined : abortedError('The consumer stopped reading.')) });
        if (metrics) req.onEnd?.(metrics);
      }
    }
  }

  /** Runs a request to the end and returns its text (thinking kept apart). */
  async complete(req: ModelRequest): Promise<{ text: string; thinking: string; metrics: RequestMetrics }> {
    let text = '';
    let thinking = '';
    for await (const ev of this.stream(req)) {
      if (ev.type === 'text') text += ev.text;
      else if (ev.type === 'thinking') thinking += ev.text;
      else return { text, thinking, metrics: ev.metrics };
    }
    throw badResponseError(this.deps.backend.url, 'no final reply');
  }

  /**
   * Asks for a JSON value of `req.schema` (sent as Ollama's `format`) and returns it parsed and
   * validated, with the thinking apart. An unusable answer (not JSON, or not of the schema) is asked
   * for once more with what was wrong; a second one is ModelError('unreadableOutput'), and an answer
   * cut by the output limit is ModelError('outputCut'). See structured.ts.
   */
  structured<T>(req: StructuredRequest): Promise<StructuredResult<T>> {
    return requestStructured<T>(req, {
      model: this.model,
      logger: this.deps.logger,
      validator: this.deps.validator ?? sharedSchemaValidator(),
      numPredict: req.options?.num_predict ?? DEFAULT_NUM_PREDICT,
      complete: (r) => this.complete(r),
    });
  }

  private afterDone(m: RequestMetrics, promptText: string): void {
    const { logger, estimator } = this.deps;
    if (m.truncated) {
      // A truncated count says nothing trustworthy about the ratio, so it is not learned from.
      logger.warn(`#${m.id} the server processed only ${m.serverPromptTokens} of ~${m.clientPromptTokens} prompt tokens: it truncated the prompt. It probably runs ${m.model} with a smaller window than num_ctx=${m.numCtx} (too little memory?); check \`ollama ps\` and lower hearth.contextSize.`);
    } else if (m.serverPromptTokens !== undefined) {
      estimator.calibrate(promptText.length, m.serverPromptTokens);
    }
    logger.info(formatMetrics(m));
  }
}
