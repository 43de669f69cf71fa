// A fetch for talking to model servers, on node:http rather than the global fetch: undici's global
// fetch gives up after 300 s without response headers (Ollama sends none until the model is loaded
// and the prompt processed), and inside VS Code the global fetch is patched to route through the
// user's proxy, which must not happen to loopback traffic. Aborting the signal destroys the socket
// at once, so the server sees the close and stops generating.
import * as http from 'node:http';
import * as https from 'node:https';
import { PassThrough, Readable } from 'node:stream';

/** A failure below HTTP: refused, reset, DNS, TLS. `code` is Node's error code. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(message: string, readonly code: string | undefined, readonly phase: 'connect' | 'stream') {
    super(message);
  }
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export const nodeFetch: FetchLike = (input, init = {}) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
  const signal = init.signal ?? undefined;
  const headers = new Headers(init.headers);
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return Promise.reject(new TypeError('nodeFetch sends string bodies only'));
  }
  const mod = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? httpsAgent : httpAgent;
  const outHeaders: Record<string, string> = {};
  headers.forEach((v, k) => { outHeaders[k] = v; });
  if (typeof body === 'string') outHeaders['content-length'] = String(Buffer.byteLength(body));

  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      return;
    }
    let settled = false;
    let piped: PassThrough | undefined;
    const failure = (e?: NodeJS.ErrnoException, phase: 'connect' | 'stream' = 'stream'): Error =>
      signal?.aborted ? asError(signal.reason) : new TransportError(e?.message ?? 'the server closed the connection mid-reply', e?.code ?? 'ECONNRESET', phase);
    const req = mod.request(url, { method: init.method ?? 'GET', headers: outHeaders, agent }, (res) => {
      settled = true;
      const status = res.statusCode ?? 0;
      const resHeaders = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) v.forEach((x) => resHeaders.append(k, x));
        else if (v !== undefined) resHeaders.set(k, v);
      }
      let stream: ReadableStream<Uint8Array> | null = null;
      if (init.method === 'HEAD' || status === 204 || status === 304) {
        res.resume();
      } else {
        // Errors while streaming reach the reader as TransportErrors, or as the abort reason.
        const p = new PassThrough();
        piped = p;
        res.pipe(p);
        res.on('aborted', () => p.destroy(failure()));
        res.on('error', (e: NodeJS.ErrnoException) => p.destroy(failure(e)));
        p.on('close', () => signal?.removeEventListener('abort', onAbort));
        stream = Readable.toWeb(p) as unknown as ReadableStream<Uint8Array>;
      }
      resolve(new Response(stream, { status, statusText: res.statusMessage, headers: resHeaders }));
    });
    const onAbort = () => {
      const reason = asError(signal?.reason);
      req.destroy(reason);
      piped?.destroy(reason);
      if (!settled) {
        settled = true;
        reject(reason);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => { if (!piped) signal?.removeEventListener('abort', onAbort); });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(failure(e, 'connect'));
    });
    if (typeof body === 'string') req.end(body);
    else req.end();
  });
};

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new DOMException('aborted', 'AbortError');
}
