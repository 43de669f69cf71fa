// The HTTP transport for model servers, on node:http rather than the global fetch: undici's global
// fetch gives up after 300 s without response headers (Ollama sends none until the model is loaded
// and the prompt processed), and inside VS Code the global fetch is patched to route through the
// user's proxy, which must not happen to loopback traffic. Aborting the signal destroys the socket
// at once, so the server sees the close and stops generating.
//
// The reply is a Node stream, not a WHATWG Response: a Response cannot even be built for a status
// outside 200–599, and a hostile server may send any three digits. Every way a request can end
// settles the promise exactly once: a reply, an interim 1xx or protocol switch (rejected: Ollama
// never sends one), a socket error, an abort, or a connection closed without any reply.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';

/** A failure below HTTP: refused, reset, DNS, TLS. `code` is Node's error code. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(message: string, readonly code: string | undefined, readonly phase: 'connect' | 'stream') {
    super(message);
  }
}

/** The server answered with a status that is no final reply: an interim 1xx, a 101 switch, or below 100. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP status ${status}`);
  }
}

export interface HttpRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpReply {
  /** Whatever three digits the server sent, 200–999; interim 1xx replies never get here. */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /**
   * The body, paused until read. `destroy()` closes the connection. Errors while reading are Node's
   * own; `asStreamError` turns them into TransportErrors.
   */
  readonly body: Readable;
}

export type HttpTransport = (url: string, init?: HttpRequestInit) => Promise<HttpReply>;

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * A request that died on a pooled keep-alive connection before any reply: almost always a
 * connection the server (or a proxy) closed while it sat idle. Node's documentation recommends
 * sending such a request once more (`reusedSocket`); the second try gets a connection of its own.
 */
class StaleConnection extends Error {}

export const nodeFetch: HttpTransport = async (input, init = {}) => {
  try {
    return await attempt(input, init, true);
  } catch (e) {
    if (!(e instanceof StaleConnection)) throw e;
    return attempt(input, init, false);
  }
};

function attempt(input: string, init: HttpRequestInit, pooled: boolean): Promise<HttpReply> {
  const url = new URL(input);
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(asError(signal.reason));
  const mod = url.protocol === 'https:' ? https : http;
  // The retry of a stale pooled connection goes on a connection of its own.
  const agent = pooled ? (url.protocol === 'https:' ? httpsAgent : httpAgent) : false;
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));

  return new Promise<HttpReply>((resolve, reject) => {
    let settled = false;
    let reply: http.IncomingMessage | undefined;
    const req = mod.request(url, { method: init.method ?? 'GET', headers, agent });

    const cleanup = () => signal?.removeEventListener('abort', onAbort);
    /** Ends the request with an error, unless a reply was already handed over. */
    const fail = (e: Error) => {
      req.destroy();
      if (settled) return;
      settled = true;
      cleanup();
      reject(e);
    };
    const onAbort = () => {
      const reason = asError(signal?.reason);
      reply?.destroy(reason);
      req.destroy(reason);
      if (!settled) {
        settled = true;
        reject(reason);
      }
      cleanup();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('response', (res) => {
      // Errors on the body reach whoever reads it; this keeps an unread body from crashing the process.
      res.on('error', () => {});
      const status = res.statusCode ?? 0;
      if (status < 200) {
        res.destroy();
        fail(new HttpStatusError(status));
        return;
      }
      reply = res;
      res.once('close', cleanup);
      settled = true;
      resolve({ status, headers: res.headers, body: res });
    });
    // Node hands a 101 to 'upgrade' listeners; without one it closes the socket and says nothing.
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      fail(new HttpStatusError(101));
    });
    // 1xx interim replies (100, 102, 103…): Ollama sends none, and an endless run of them is a drip.
    req.on('information', (info) => fail(new HttpStatusError(info.statusCode)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      if (signal?.aborted) fail(asError(signal.reason));
      else if (pooled && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) fail(new StaleConnection(e.message));
      else fail(new TransportError(e.message, e.code, 'connect'));
    });
    req.on('close', () => {
      if (!settled) fail(new TransportError('the server closed the connection without replying', 'ECONNRESET', 'connect'));
      else if (!reply) cleanup();
    });
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}

/** An error from reading a reply body, as a TransportError unless it already means something. */
export function asStreamError(e: unknown): Error {
  if (e instanceof TransportError) return e;
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError' || e.name === 'ModelError')) return e;
  const err = e as NodeJS.ErrnoException | undefined;
  return new TransportError(err?.message ?? 'the server closed the connection mid-reply', err?.code ?? 'ECONNRESET', 'stream');
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new DOMException('aborted', 'AbortError');
}
