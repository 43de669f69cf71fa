// The Ollama backend: Ollama's API over our own HTTP transport and NDJSON reader (ollamaHttp.ts),
// not the `ollama` npm client, whose stream parsing is quadratic in a line's length, which prints
// to the console (invalid lines, error bodies) and has neither a line ceiling nor an inactivity
// limit. Every request gets the caller's AbortSignal, so aborting closes that connection alone.
// Everything a server says that can reach a person (model text and thinking, names, families,
// statuses, error messages) leaves here without control characters or escape sequences.
import {
  badResponseError, ModelError, unexpectedStatusError, unreachableError,
} from '../../core/errors';
import type {
  LoadedModel, ModelBackend, ModelDescription, ModelSummary, PullProgress, ServerInfo, ServerStats,
  StreamEvent, WireChatRequest, WireCommon, WireGenerateRequest,
} from '../../core/model/backend';
import { describeFromShow, type ShowReply } from '../../core/model/describe';
import { ControlStripper, excerpt, stripControls } from '../../core/text/sanitize';
import { HttpStatusError, nodeFetch, TransportError, type HttpTransport } from '../http/nodeFetch';
import { DEFAULT_LIMITS, OllamaHttp, type WireObject } from './ollamaHttp';

export interface OllamaBackendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline for the small metadata calls (version, tags, show, ps). */
  readonly probeTimeoutMs?: number;
  /**
   * Longest wait for the next line of a generate or chat reply once it has started. The server
   * sends a line per token, so a minute of nothing is a stalled or hostile server.
   */
  readonly streamIdleMs?: number;
  /** The same for a pull: the server hashes each downloaded layer (minutes for a big model) in silence. */
  readonly pullIdleMs?: number;
  /** Longest NDJSON line accepted. */
  readonly maxLineBytes?: number;
  readonly transport?: HttpTransport;
}

export const DEFAULT_STREAM_IDLE_MS = 60_000;
export const DEFAULT_PULL_IDLE_MS = 10 * 60_000;

const NS_PER_MS = 1e6;

export class OllamaBackend implements ModelBackend {
  readonly kind = 'ollama' as const;
  private readonly http: OllamaHttp;
  private readonly probeTimeoutMs: number;
  private readonly streamIdleMs: number;
  private readonly pullIdleMs: number;

  constructor(readonly url: string, opts: OllamaBackendOptions = {}) {
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 10_000;
    this.streamIdleMs = opts.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS;
    this.pullIdleMs = opts.pullIdleMs ?? DEFAULT_PULL_IDLE_MS;
    this.http = new OllamaHttp(url, opts.headers ?? {}, opts.transport ?? nodeFetch,
      { ...DEFAULT_LIMITS, maxLineBytes: opts.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes });
  }

  private probeSignal(signal?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.probeTimeoutMs);
    return signal ? AbortSignal.any([signal, t]) : t;
  }

  async version(signal?: AbortSignal): Promise<ServerInfo> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.http.json('GET', '/api/version', undefined, s), s);
    if (typeof r.version !== 'string') throw badResponseError(this.url, '/api/version has no version');
    return { version: excerpt(r.version, 64) };
  }

  async list(signal?: AbortSignal): Promise<ModelSummary[]> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.http.json('GET', '/api/tags', undefined, s), s);
    if (!Array.isArray(r.models)) throw badResponseError(this.url, '/api/tags has no model list');
    return r.models.flatMap((m: unknown): ModelSummary[] => {
      if (!isObject(m) || typeof m.name !== 'string') return [];
      const details = isObject(m.details) ? m.details : {};
      return [{
        name: stripControls(m.name),
        sizeBytes: num(m.size),
        family: text(details.family),
        parameterSize: text(details.parameter_size),
        quantization: text(details.quantization_level),
        contextLength: num(m.context_length),
      }];
    });
  }

  async describe(model: string, signal?: AbortSignal): Promise<ModelDescription> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.http.json('POST', '/api/show', { model }, s, model), s, model);
    // Only well-typed, clean values reach the description (and from it the Doctor and the status bar).
    const details = isObject(r.details) ? r.details : {};
    const info = isObject(r.model_info) ? r.model_info : {};
    const arch = info['general.architecture'];
    const show: ShowReply = {
      capabilities: Array.isArray(r.capabilities) ? r.capabilities.flatMap((c) => (typeof c === 'string' ? [excerpt(c, 64)] : [])) : undefined,
      details: { family: text(details.family), parameter_size: text(details.parameter_size), quantization_level: text(details.quantization_level) },
      model_info: { ...info, 'general.architecture': typeof arch === 'string' ? excerpt(arch, 64) : undefined },
    };
    return describeFromShow(model, show);
  }

  async loaded(signal?: AbortSignal): Promise<LoadedModel[]> {
    const s = this.probeSignal(signal);
    const r = await this.call(() => this.http.json('GET', '/api/ps', undefined, s), s);
    const models: unknown[] = Array.isArray(r.models) ? r.models : [];
    return models.flatMap((m): LoadedModel[] => {
      if (!isObject(m) || typeof m.name !== 'string') return [];
      return [{
        name: stripControls(m.name),
        contextLength: num(m.context_length),
        expiresAt: text(m.expires_at),
        sizeVramBytes: num(m.size_vram),
      }];
    });
  }

  async *generate(req: WireGenerateRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = {
      ...this.common(req),
      prompt: req.prompt,
      ...(req.raw ? { raw: true } : {}),
      ...(req.system !== undefined ? { system: req.system } : {}),
      ...(req.suffix !== undefined ? { suffix: req.suffix } : {}),
      stream: true,
    };
    yield* this.events('/api/generate', body, signal, req.model, (c) => ({ text: c.response, thinking: c.thinking }));
  }

  async *chat(req: WireChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = { ...this.common(req), messages: req.messages.map((m) => ({ role: m.role, content: m.content })), stream: true };
    yield* this.events('/api/chat', body, signal, req.model, (c) => {
      const message = isObject(c.message) ? c.message : {};
      return { text: message.content, thinking: message.thinking };
    });
  }

  async *pull(model: string, signal: AbortSignal): AsyncIterable<PullProgress> {
    try {
      for await (const p of this.http.stream('/api/pull', { model, stream: true }, signal, this.pullIdleMs, model, (l) => l.status === 'success')) {
        yield {
          status: typeof p.status === 'string' ? excerpt(p.status, 200) : '',
          digest: text(p.digest) || undefined,
          total: num(p.total) || undefined,
          completed: num(p.completed) || undefined,
        };
        if (p.status === 'success') return;
      }
    } catch (e) {
      throw this.mapError(e, signal, model);
    }
    throw badResponseError(this.url, 'the pull ended without its final "success" line');
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

  private async *events(
    path: string, body: unknown, signal: AbortSignal, model: string,
    pick: (c: WireObject) => { text?: unknown; thinking?: unknown },
  ): AsyncIterable<StreamEvent> {
    // One stripper per channel: an escape sequence may be split across two lines of the stream.
    const textClean = new ControlStripper();
    const thinkingClean = new ControlStripper();
    try {
      for await (const c of this.http.stream(path, body, signal, this.streamIdleMs, model, (l) => l.done === true)) {
        const { text: rawText, thinking: rawThinking } = pick(c);
        const thinking = typeof rawThinking === 'string' && rawThinking ? thinkingClean.push(rawThinking) : '';
        const text = typeof rawText === 'string' && rawText ? textClean.push(rawText) : '';
        if (thinking) yield { type: 'thinking', text: thinking };
        if (text) yield { type: 'text', text };
        if (c.done === true) {
          yield { type: 'done', stats: statsOf(c) };
          return;
        }
      }
    } catch (e) {
      throw this.mapError(e, signal, model);
    }
  }

  private async call<T>(fn: () => Promise<T>, signal: AbortSignal | undefined, model?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.mapError(e, signal, model);
    }
  }

  /** Everything the transport or the socket can throw, as a ModelError. */
  mapError(e: unknown, signal: AbortSignal | undefined, model: string | undefined): unknown {
    if (signal?.aborted) {
      const r = signal.reason;
      if (r instanceof ModelError) return r;
      if (r instanceof DOMException && r.name === 'TimeoutError') {
        return new ModelError('timeout', `Ollama at ${this.url} did not answer within ${Math.round(this.probeTimeoutMs / 1000)} s.`,
          'Check that the server is responsive (`ollama ps`), or restart it.', { url: this.url, model });
      }
      return new ModelError('aborted', 'The request was cancelled.', '', { url: this.url, model });
    }
    if (ModelError.is(e)) return e;
    if (e instanceof HttpStatusError) return unexpectedStatusError(this.url, e.status, '', model);
    if (e instanceof TransportError) {
      if (e.phase === 'stream') {
        return new ModelError('crashed', `The connection to Ollama at ${this.url} broke during the reply (${e.code ?? excerpt(e.message, 100)}).`,
          'Ollama may have stopped or restarted; check `ollama serve`, then try again.', { url: this.url, model });
      }
      return unreachableError(this.url, e.code ?? excerpt(e.message, 100));
    }
    return badResponseError(this.url, e instanceof Error ? e.message : String(e));
  }
}

function statsOf(c: WireObject): ServerStats {
  const ms = (ns: unknown) => (typeof ns === 'number' && Number.isFinite(ns) ? ns / NS_PER_MS : undefined);
  return {
    doneReason: text(c.done_reason),
    promptEvalCount: num(c.prompt_eval_count),
    promptEvalMs: ms(c.prompt_eval_duration),
    evalCount: num(c.eval_count),
    evalMs: ms(c.eval_duration),
    loadMs: ms(c.load_duration),
    totalMs: ms(c.total_duration),
  };
}

function isObject(v: unknown): v is WireObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A short string from the server for display: clean and bounded, or undefined. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? excerpt(v, 200) : undefined;
}

/** Ollama takes keep_alive as a duration string or a number of seconds ("-1" as a string is not a duration). */
export function keepAliveValue(s: string): string | number {
  return /^-?\d+$/.test(s) ? Number(s) : s;
}
