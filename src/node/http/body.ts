// Reading a whole reply body with a ceiling: a server may answer a small question with gigabytes,
// or drip an error page forever. Past the ceiling the connection is closed, never drained.
import type { Readable } from 'node:stream';
import { asStreamError } from './nodeFetch';

export interface BodyRead {
  readonly data: Buffer;
  /** False when the body was cut: too large, too slow, or broken (then `error` says how). */
  readonly complete: boolean;
  readonly error?: Error;
}

/**
 * Reads at most `maxBytes` of `body`. Never rejects: a body that is too large, takes longer than
 * `timeoutMs`, or breaks is returned as far as it came, and its connection is closed.
 */
export function readBody(body: Readable, maxBytes: number, timeoutMs?: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (complete: boolean, error?: Error) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      body.on('error', () => {});
      if (!complete) body.destroy();
      resolve({ data: Buffer.concat(parts, Math.min(size, maxBytes)), complete, error });
    };
    const onData = (chunk: Buffer) => {
      const room = maxBytes - size;
      parts.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += chunk.length;
      if (size > maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (e: unknown) => finish(false, asStreamError(e));
    const onClose = () => finish(false, body.errored ? asStreamError(body.errored) : asStreamError(undefined));
    if (body.readableEnded) {
      finish(true);
      return;
    }
    if (body.errored || body.destroyed) {
      finish(false, asStreamError(body.errored ?? undefined));
      return;
    }
    if (timeoutMs !== undefined) timer = setTimeout(() => finish(false), timeoutMs);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
