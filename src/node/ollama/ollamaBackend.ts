// The Ollama backend, on the official `ollama` client. Each call gets its own client bound to the
// caller's AbortSignal through our fetch: `client.abort()` would cancel every stream of a shared
// client, and the non-streaming calls take no signal at all.
import { Ollama } from 'ollama';
import type {
  ChatResponse, GenerateResponse, ListResponse, ProgressResponse, ShowResponse,
} from 'ollama';
import {
  badResponseError, classifyServerError, ModelError, unreachableError,
} from '../../core/errors';
import type {
  LoadedModel, ModelBackend, ModelDescription, ModelSummary, PullProgress, ServerInfo, ServerStats,
  StreamEvent, WireChatRequest, WireCommon, WireGenerateRequest,
} from '../../core/model/backend';
import { describeFromShow, type ShowReply } from '../../core/model/describe';
import { nodeFetch, TransportError, type FetchLike } from '../http/nodeFetch';

export interface OllamaBackendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline for the small metadata calls (version, tags, show, ps). */
  readonly probeTimeoutMs?: number;
  readonly fetch?: FetchLike;
}

const NS_PER_MS = 1e6;

export class OllamaBackend implements ModelBackend {
  readonly kind = 'ollama' as const;
  private readonly headers: Record<string, string>;
  private readonly probeTimeoutMs: number;
  private readonly fetchImpl: FetchLike;

  constructor(readonly url: string, opts: OllamaBackendOptions = {}) {
    this.headers = { ...opts.headers };
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 10_000;
    this.fetchImpl = opts.fetch ?? nodeFetch;
  }

  private client(signal?: AbortSignal): Ollama {
    const fetchImpl = this.fetchImpl;
    const bound: FetchLike = (input, init = {}) => {
      const signals = [init.signal, signal].filter((s): s is AbortSignal => !!s);
      return fetchImpl(input, { ...init, signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0] });
    };
    return new Ollama({ host: this.url, headers: this.headers, fetch: bound as typeof fetch });
  }

  private probeSignal(signal?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.probeTimeoutMs);
    return signal ? AbortSignal.any([signal, t]) : t;
  }

  async version(signal?: AbortSignal): Promise<ServerInfo> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.client(s).version(), s);
    if (typeof r?.version !== 'string') throw badResponseError(this.url, '/api/version has no version');
    return { version: r.version };
  }

  async list(signal?: AbortSignal): Promise<ModelSummary[]> {
    const s = this.probeSignal(signal);
    const r: ListResponse = await this.call(() => this.client(s).list(), s);
    if (!Array.isArray(r?.models)) throw badResponseError(this.url, '/api/tags has no model list');
    return r.models.map((m) => {
      const extra = m as unknown as { context_length?: unknown };
      return {
        name: m.name,
        sizeBytes: m.size,
        family: m.details?.family,
        parameterSize: m.details?.parameter_size,
        quantization: m.details?.quantization_level,
        contextLength: typeof extra.context_length === 'number' ? extra.context_length : undefined,
      };
    });
  }

  async describe(model: string, signal?: AbortSignal): Promise<ModelDescription> {
    const s = this.probeSignal(signal);
    const r: ShowResponse = await this.call(() => this.client(s).show({ model }), s, model);
    if (!r || typeof r !== 'object') throw badResponseError(this.url, '/api/show sent no description');
    return describeFromShow(model, r as unknown as ShowReply);
  }

  async loaded(signal?: AbortSignal): Promise<LoadedModel[]> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.client(s).ps(), s);
    return (r?.models ?? []).map((m) => {
      const extra = m as unknown as { context_length?: unknown; expires_at?: unknown };
      return {
        name: m.name,
        contextLength: typeof extra.context_length === 'number' ? extra.context_length : undefined,
        expiresAt: typeof extra.expires_at === 'string' ? extra.expires_at : extra.expires_at instanceof Date ? extra.expires_at.toISOString() : undefined,
        sizeVramBytes: m.size_vram,
      };
    });
  }

  async *generate(req: WireGenerateRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = {
      ...this.common(req),
      prompt: req.prompt,
      ...(req.raw ? { raw: true } : {}),
      ...(req.system !== undefined ? { system: req.system } : {}),
      ...(req.suffix !== undefined ? { suffix: req.suffix } : {}),
      stream: true as const,
    };
    const it = await this.call(() => this.client(signal).generate(body as never), signal, req.model);
    yield* this.events(it as AsyncIterable<GenerateResponse>, signal, req.model, (c) => ({ text: c.response, thinking: c.thinking }));
  }

  async *chat(req: WireChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = { ...this.common(req), messages: req.messages.map((m) => ({ role: m.role, content: m.content })), stream: true as const };
    const it = await this.call(() => this.client(signal).chat(body as never), signal, req.model);
    yield* this.events(it as AsyncIterable<ChatResponse>, signal, req.model, (c) => ({ text: c.message?.content, thinking: c.message?.thinking }));
  }

  async *pull(model: string, signal: AbortSignal): AsyncIterable<PullProgress> {
    const it = await this.call(() => this.client(signal).pull({ model, stream: true }), signal, model);
    try {
      for await (const p of it as AsyncIterable<ProgressResponse>) {
        yield { status: p.status, digest: p.digest || undefined, total: p.total || undefined, completed: p.completed || undefined };
      }
    } catch (e) {
      throw this.mapError(e, signal, model, true);
    }
  }

  /** The fields every generate/chat request carries, identical across features. */
  private common(req: WireCommon): Record<string, unknown> {
    return {
      model: req.model,
      ...(req.think !== undefined ? { think: req.think } : {}),
      keep_alive: keepAliveValue(req.keepAlive),
      // Overflow must be an error we can report, never a silent cut of the prompt's middle.
      truncate: false,
      options: { ...req.options, num_ctx: req.numCtx },
      ...(req.format !== undefined ? { format: req.format } : {}),
    };
  }

  private async *events<C extends GenerateResponse | ChatResponse>(
    it: AsyncIterable<C>, signal: AbortSignal, model: string,
    pick: (c: C) => { text?: string; thinking?: string },
  ): AsyncIterable<StreamEvent> {
    try {
      for await (const c of it) {
        const { text, thinking } = pick(c);
        if (thinking) yield { type: 'thinking', text: thinking };
        if (text) yield { type: 'text', text };
        if (c.done) {
          yield { type: 'done', stats: statsOf(c) };
          return;
        }
      }
    } catch (e) {
      throw this.mapError(e, signal, model, true);
    }
  }

  private async call<T>(fn: () => Promise<T>, signal: AbortSignal | undefined, model?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.mapError(e, signal, model, false);
    }
  }

  /** Everything the client or the socket can throw, as a ModelError. */
  mapError(e: unknown, signal: AbortSignal | undefined, model: string | undefined, midStream: boolean): unknown {
    if (ModelError.is(e)) return e;
    if (signal?.aborted) {
      const r = signal.reason;
      if (r instanceof ModelError) return r;
      if (r instanceof DOMException && r.name === 'TimeoutError') {
        return new ModelError('timeout', `Ollama at ${this.url} did not answer within ${Math.round(this.probeTimeoutMs / 1000)} s.`,
          'Check that the server is responsive (`ollama ps`), or restart it.', { url: this.url, model });
      }
      return new ModelError('aborted', 'The request was cancelled.', '', { url: this.url, model });
    }
    if (e instanceof TransportError) {
      if (e.phase === 'stream') {
        return new ModelError('crashed', `The connection to Ollama at ${this.url} broke during the reply (${e.code ?? e.message}).`,
          'Ollama may have stopped or restarted; check `ollama serve`, then try again.', { url: this.url, model });
      }
      return unreachableError(this.url, e.code ?? e.message);
    }
    const err = e as { name?: string; status_code?: number; error?: string; message?: string };
    if (err?.name === 'ResponseError' && typeof err.status_code === 'number') {
      return classifyServerError({ status: err.status_code, message: err.error ?? err.message ?? '', url: this.url, model });
    }
    if (e instanceof SyntaxError) return badResponseError(this.url, 'the reply is not JSON');
    if (midStream && e instanceof Error && e.name === 'Error') {
      // ollama-js throws a plain Error carrying the text of an {"error": "..."} stream line.
      return classifyServerError({ status: 200, message: e.message, url: this.url, model });
    }
    if (e instanceof Error && e.message === 'Missing body') return badResponseError(this.url, 'the reply has no body');
    return badResponseError(this.url, e instanceof Error ? e.message : String(e));
  }
}

function statsOf(c: GenerateResponse | ChatResponse): ServerStats {
  const ms = (ns: unknown) => (typeof ns === 'number' && Number.isFinite(ns) ? ns / NS_PER_MS : undefined);
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const done = c as unknown as Record<string, unknown>;
  return {
    doneReason: typeof done.done_reason === 'string' ? done.done_reason : undefined,
    promptEvalCount: n(done.prompt_eval_count),
    promptEvalMs: ms(done.prompt_eval_duration),
    evalCount: n(done.eval_count),
    evalMs: ms(done.eval_duration),
    loadMs: ms(done.load_duration),
    totalMs: ms(done.total_duration),
  };
}

/** Ollama takes keep_alive as a duration string or a number of seconds ("-1" as a string is not a duration). */
export function keepAliveValue(s: string): string | number {
  return /^-?\d+$/.test(s) ? Number(s) : s;
}
