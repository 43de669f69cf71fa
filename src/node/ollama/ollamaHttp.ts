// Ollama's HTTP API as plain JSON requests and NDJSON streams, with every limit a hostile or broken
// server needs: bounded bodies, bounded lines, an inactivity limit inside streams, error replies
// read only as far as a message needs. Nothing is ever printed; every failure is thrown as a
// ModelError, a TransportError, or the caller's abort reason.
import {
  badResponseError, classifyServerError, stalledStreamError,
} from '../../core/errors';
import { stripControls } from '../../core/text/sanitize';
import { readBody } from '../http/body';
import { NdjsonReader } from '../http/ndjson';
import type { HttpReply, HttpTransport } from '../http/nodeFetch';

export interface OllamaHttpLimits {
  /** Longest NDJSON line; the final line of a non-raw /api/generate carries the whole `context`. */
  readonly maxLineBytes: number;
  /** Largest body of a non-streamed reply (version, tags, show, ps). */
  readonly maxJsonBytes: number;
  /** How much of an error reply is read for its message. */
  readonly maxErrorBytes: number;
}

export const DEFAULT_LIMITS: OllamaHttpLimits = {
  // ~1-2 MB of token ids on a 256K window, with room to spare.
  maxLineBytes: 8 * 1024 * 1024,
  maxJsonBytes: 8 * 1024 * 1024,
  maxErrorBytes: 64 * 1024,
};

export type WireObject = Record<string, unknown>;

export class OllamaHttp {
  private readonly headers: Record<string, string>;

  constructor(
    readonly url: string,
    headers: Readonly<Record<string, string>>,
    private readonly transport: HttpTransport,
    private readonly limits: OllamaHttpLimits = DEFAULT_LIMITS,
  ) {
    this.headers = requestHeaders(url, headers);
  }

  /** One JSON request and its JSON object reply. */
  async json(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, model?: string): Promise<WireObject> {
    const reply = await this.send(method, path, body, signal, 'application/json');
    if (!isSuccess(reply.status)) throw await this.errorReply(reply, model);
    const read = await readBody(reply.body, this.limits.maxJsonBytes);
    if (read.error) throw read.error;
    if (!read.complete) throw badResponseError(this.url, `the reply to ${path} is larger than ${mib(this.limits.maxJsonBytes)}`);
    return parseObject(this.url, read.data.toString('utf8'), `the reply to ${path}`);
  }

  /**
   * A streamed request: yields each NDJSON object until `isLast` says the protocol is done (or the
   * body ends). An `{"error"}` line is thrown as the server's classified error.
   */
  async *stream(
    path: string, body: unknown, signal: AbortSignal, idleMs: number, model: string | undefined,
    isLast: (line: WireObject) => boolean,
  ): AsyncGenerator<WireObject, void, undefined> {
    const reply = await this.send('POST', path, body, signal, 'application/x-ndjson');
    if (!isSuccess(reply.status)) throw await this.errorReply(reply, model, idleMs);
    const { maxLineBytes } = this.limits;
    const reader = new NdjsonReader(reply.body, {
      maxLineBytes,
      idleMs,
      lineTooLong: () => badResponseError(this.url, `a line of the reply to ${path} is longer than ${mib(maxLineBytes)}; Hearth stopped reading it`),
      stalled: () => stalledStreamError(this.url, idleMs, model),
    });
    for await (const line of reader) {
      const obj = parseObject(this.url, line, `a line of the reply to ${path}`);
      if (obj.error !== undefined) throw classifyServerError({ status: 200, message: errorField(obj.error), url: this.url, model });
      const last = isLast(obj);
      if (last) reader.lastLineSeen();
      yield obj;
      if (last) return;
    }
  }

  private send(method: string, path: string, body: unknown, signal: AbortSignal, accept: string): Promise<HttpReply> {
    return this.transport(`${this.url}${path}`, {
      method,
      headers: { ...this.headers, accept },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  }

  /** An HTTP error reply as a typed error: its body read only as far as a message needs. */
  private async errorReply(reply: HttpReply, model: string | undefined, timeoutMs?: number): Promise<Error> {
    const read = await readBody(reply.body, this.limits.maxErrorBytes, timeoutMs);
    return classifyServerError({ status: reply.status, message: errorMessage(read.data.toString('utf8'), read.complete), url: this.url, model });
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Ollama's `{"error": "..."}`, a proxy's `{"error": {"message": ...}}`, or the text as it came. */
export function errorMessage(text: string, complete: boolean): string {
  if (complete) {
    try {
      const j = JSON.parse(text) as unknown;
      if (j && typeof j === 'object' && 'error' in j) return errorField((j as WireObject).error);
    } catch {
      // Not JSON: the text itself is the message.
    }
  } else {
    // A cut-off JSON error: the start of its string is still the server's words.
    const m = /^\s*\{\s*"error"\s*:\s*"((?:[^"\\]|\\.){0,2000})/.exec(text);
    if (m) {
      try {
        return JSON.parse(`"${m[1]}"`) as string;
      } catch {
        return m[1];
      }
    }
  }
  return text;
}

function errorField(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as WireObject).message === 'string') return (v as WireObject).message as string;
  return JSON.stringify(v) ?? '';
}

function parseObject(url: string, text: string, what: string): WireObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw badResponseError(url, `${what} is not JSON (it starts ${JSON.stringify(stripControls(text.slice(0, 60)))})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badResponseError(url, `${what} is not a JSON object`);
  return v as WireObject;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

/**
 * What every request carries. The user's headers (hearth.requestHeaders) may replace the defaults
 * except the body's type. As the `ollama` client did, a request to ollama.com without an
 * Authorization header uses OLLAMA_API_KEY.
 */
function requestHeaders(url: string, user: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { 'user-agent': 'hearth' };
  for (const [k, v] of Object.entries(user)) out[k.toLowerCase()] = v;
  out['content-type'] = 'application/json';
  try {
    const u = new URL(url);
    const key = process.env.OLLAMA_API_KEY;
    if (u.protocol === 'https:' && u.hostname === 'ollama.com' && !out.authorization && key) out.authorization = `Bearer ${key}`;
  } catch {
    // An unparsable URL fails on the first request with a clear error.
  }
  return out;
}
