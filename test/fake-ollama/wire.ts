// HTTP plumbing: reading JSON bodies with Go-like error messages, and writing responses the way
// Ollama's Gin server does (JSON with a length, or NDJSON whose headers go out with the first line).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from './clock';
import { ClientGone } from './errors';
import type { RecordedRequest } from './types';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => reject(new ClientGone()));
    req.on('close', () => {
      if (!req.complete) reject(new ClientGone());
    });
  });
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse with encoding/json-style messages ("invalid character 'x' looking for beginning of value"). */
export function parseJson(text: string): ParsedBody {
  if (text.trim() === '') return { ok: false, error: 'missing request body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/end of JSON input|Unterminated/i.test(message)) return { ok: false, error: 'unexpected EOF' };
    const pos = /position (\d+)/.exec(message);
    const index = pos ? Number(pos[1]) : text.search(/\S/);
    const token = /Unexpected token '?(.)/.exec(message);
    const ch = pos ? text[index] : token ? token[1] : text.trim()[0];
    const where = goContext(message, text.slice(0, index).trim() === '');
    return { ok: false, error: `invalid character '${ch}' ${where}` };
  }
}

/** Maps V8's JSON.parse complaint to the phrase Go's encoding/json uses for the same spot. */
function goContext(v8Message: string, atStart: boolean): string {
  if (/after property name/i.test(v8Message)) return 'after object key';
  if (/property name/i.test(v8Message)) return 'looking for beginning of object key string';
  if (/after property value/i.test(v8Message)) return 'after object key:value pair';
  if (/after array element/i.test(v8Message)) return 'after array element';
  if (/after JSON/i.test(v8Message) && !atStart) return 'after top-level value';
  return 'looking for beginning of value';
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(res: ServerResponse, rec: RecordedRequest, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const data = Buffer.from(JSON.stringify(body));
  rec.status = status;
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': data.length });
  rec.firstByteAt ??= now();
  res.end(data);
}

export function sendText(res: ServerResponse, rec: RecordedRequest, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  rec.status = status;
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  rec.firstByteAt ??= now();
  res.end(text);
}

/** An NDJSON stream: status 200, headers sent with the first line unless flushed explicitly. */
export class NdjsonWriter {
  constructor(private readonly res: ServerResponse, private readonly rec: RecordedRequest) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  /** Sends the status line and headers now (hang / headersDelayMs scripts). */
  flushHeaders(contentType = 'application/x-ndjson'): void {
    if (this.res.headersSent || this.res.destroyed) return;
    this.head(contentType);
    this.res.flushHeaders();
  }

  line(obj: unknown): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (!this.res.headersSent) this.head('application/x-ndjson');
    this.rec.firstByteAt ??= now();
    this.res.write(`${JSON.stringify(obj)}\n`);
  }

  /** Ends a response whose headers were flushed early with a final body (non-streamed replies). */
  endWith(text: string): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (!this.res.headersSent) this.head('application/json; charset=utf-8');
    this.rec.firstByteAt ??= now();
    this.res.end(text);
  }

  end(): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (!this.res.headersSent) this.head('application/x-ndjson');
    this.res.end();
  }

  private head(contentType: string): void {
    this.rec.status = 200;
    this.res.writeHead(200, { 'Content-Type': contentType });
  }
}
