// Newline-delimited JSON from a reply body, one line at a time, safe against a hostile server:
// linear in the bytes received (a line is joined once, when its newline arrives, never re-split),
// a ceiling on the length of one line, and a limit on how long the server may go without
// completing a line (a drip of one byte a second never finishes a line and is cut). Breaking any
// limit closes the connection at once. Lines are split on the byte 0x0A, which never occurs inside
// a UTF-8 sequence, and decoded whole.
import type { Readable } from 'node:stream';
import { asStreamError } from './nodeFetch';

export interface NdjsonLimits {
  /** Longest line accepted, in bytes (without the newline). */
  readonly maxLineBytes: number;
  /** Longest wait for the next complete line, in ms, counted while the reader is waiting. */
  readonly idleMs: number;
  /** The errors to fail with when a limit is broken. */
  readonly lineTooLong: () => Error;
  readonly stalled: () => Error;
}

/** Lines waiting for the consumer, in bytes, before the socket is paused (back-pressure). */
const QUEUE_HIGH_WATER = 1 << 20;
/** After the last expected line, how much of a trailer is read before the connection is given up. */
const TAIL_MAX_BYTES = 64 * 1024;
const TAIL_MAX_MS = 2000;

export class NdjsonReader implements AsyncIterable<string> {
  private tailExpected = false;

  constructor(private readonly body: Readable, private readonly limits: NdjsonLimits) {}

  /**
   * Call once the protocol's last line has arrived: leaving the loop then lets the end of the body
   * be read (so the connection can serve the next request) instead of closing it.
   */
  lastLineSeen(): void {
    this.tailExpected = true;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    const { body, limits } = this;
    // A queue with a moving head: shifting a long array would cost a copy per line.
    let lines: Array<{ text: string; bytes: number }> = [];
    let head = 0;
    let queuedBytes = 0;
    let partial: Buffer[] = [];
    let partialBytes = 0;
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const fail = (e: Error) => {
      failure ??= e;
      body.destroy();
      notify();
    };
    const takeLine = (piece: Buffer) => {
      const bytes = partialBytes === 0 ? piece : Buffer.concat([...partial, piece], partialBytes + piece.length);
      partial = [];
      partialBytes = 0;
      const text = bytes.toString('utf8');
      // Blank lines carry nothing, so they neither wake the consumer nor count as progress.
      if (text.trim() === '') return;
      lines.push({ text, bytes: bytes.length });
      queuedBytes += bytes.length;
    };
    const onData = (chunk: Buffer) => {
      if (failure) return;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        if (partialBytes + nl - start > limits.maxLineBytes) return fail(limits.lineTooLong());
        takeLine(chunk.subarray(start, nl));
        start = nl + 1;
      }
      if (start < chunk.length) {
        partialBytes += chunk.length - start;
        if (partialBytes > limits.maxLineBytes) return fail(limits.lineTooLong());
        partial.push(chunk.subarray(start));
      }
      if (queuedBytes >= QUEUE_HIGH_WATER) body.pause();
      if (head < lines.length) notify();
    };
    const onEnd = () => {
      if (partialBytes > 0) takeLine(Buffer.alloc(0));
      ended = true;
      notify();
    };
    const onError = (e: unknown) => {
      failure ??= asStreamError(e);
      notify();
    };
    const onClose = () => {
      if (!ended) failure ??= asStreamError(body.errored ?? undefined);
      notify();
    };

    if (body.errored || (body.destroyed && !body.readableEnded)) throw asStreamError(body.errored ?? undefined);
    body.on('data', onData);
    body.once('end', onEnd);
    body.on('error', onError);
    body.once('close', onClose);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      for (;;) {
        if (head < lines.length) {
          const line = lines[head++];
          queuedBytes -= line.bytes;
          if (head === lines.length) {
            lines = [];
            head = 0;
            if (body.isPaused() && !failure && !ended) body.resume();
          }
          yield line.text;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        // Waiting for a line: the clock runs only now, not while the consumer works on the last one.
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(() => fail(limits.stalled()), limits.idleMs);
        });
        clearTimeout(timer);
      }
    } finally {
      clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      body.on('error', () => {});
      if (!ended && !failure) {
        if (this.tailExpected) drainTail(body);
        else body.destroy();
      }
    }
  }
}

/** Reads what follows the last line (normally only the end of the chunked body), within bounds. */
function drainTail(body: Readable): void {
  if (body.readableEnded || body.destroyed) return;
  let bytes = 0;
  const timer = setTimeout(() => body.destroy(), TAIL_MAX_MS);
  timer.unref?.();
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > TAIL_MAX_BYTES) body.destroy();
  });
  body.once('close', () => clearTimeout(timer));
  body.resume();
}
