// The model transport against a hostile server on loopback: how long a 50 MB NDJSON line takes to
// fail and how much memory it costs on the way (target from issue 8: under 2 s and 100 MB), and how
// long a stalled stream takes to fail with a shortened inactivity limit. The server runs in this
// process but writes only as fast as the client reads, so the memory measured is the client's.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ModelError } from '../src/core/errors';
import type { WireGenerateRequest } from '../src/core/model/backend';
import { OllamaBackend } from '../src/node/ollama/ollamaBackend';
import { percentile } from './stats';
import { writeHugeLine } from '../test/support/hostileReplies';

export interface HostileResult {
  lineMb: number;
  runs: number;
  /** Medians over the runs after the first. Memory is the peak above the level before the run. */
  hugeLineMs: number;
  hugeLineRssMb: number;
  /** V8 heap plus Buffers (which live outside the heap). */
  hugeLineHeapMb: number;
  /** The first run, in a process that never saw such a line: RSS cannot reuse freed pages yet. */
  coldMs: number;
  coldRssMb: number;
  coldHeapMb: number;
  /** The most the server managed to write before the client closed, MB (median). */
  hugeLineWrittenMb: number;
  hugeLineError: string;
  idleMs: number;
  stallMs: number;
  stallError: string;
}

const REQUEST: WireGenerateRequest = { model: 'gemma4:e4b', keepAlive: '30m', numCtx: 8192, options: {}, prompt: 'x', raw: true };

export async function benchHostileServer(runs = 5, lineMb = 50, idleMs = 500): Promise<HostileResult> {
  const gc = exposeGc();
  let mode: 'huge' | 'stall' = 'huge';
  let written = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void (mode === 'huge' ? writeHugeLine(res, lineMb * 1024 * 1024, (n) => (written = n)) : stall(res)));
  });
  const url = await listen(server);
  try {
    const backend = new OllamaBackend(url, { streamIdleMs: idleMs });
    const times: number[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    const writtenMb: number[] = [];
    let hugeLineError = '';
    let cold = { ms: NaN, rssMb: NaN, heapMb: NaN };
    for (let i = 0; i < runs + 1; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
      const base = process.memoryUsage();
      const baseHeap = base.heapUsed + base.arrayBuffers;
      let peakRss = base.rss;
      let peakHeap = baseHeap;
      const sample = () => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
      };
      const sampler = setInterval(sample, 1);
      written = 0;
      const t0 = performance.now();
      const error = await failure(backend, sample);
      const ms = performance.now() - t0;
      clearInterval(sampler);
      sample();
      hugeLineError = error;
      const rssMb = (peakRss - base.rss) / 1048576;
      const heapMb = (peakHeap - baseHeap) / 1048576;
      if (i === 0) {
        cold = { ms, rssMb, heapMb };
        continue;
      }
      times.push(ms);
      rss.push(rssMb);
      heap.push(heapMb);
      await new Promise((r) => setTimeout(r, 50));
      writtenMb.push(written / 1048576);
    }

    mode = 'stall';
    const stalls: number[] = [];
    let stallError = '';
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      stallError = await failure(backend);
      stalls.push(performance.now() - t0);
    }
    return {
      lineMb, runs,
      hugeLineMs: percentile(times, 50), hugeLineRssMb: percentile(rss, 50), hugeLineHeapMb: percentile(heap, 50),
      coldMs: cold.ms, coldRssMb: cold.rssMb, coldHeapMb: cold.heapMb,
      hugeLineWrittenMb: percentile(writtenMb, 50), hugeLineError,
      idleMs, stallMs: percentile(stalls, 50), stallError,
    };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/** Runs one generate to its end and returns the error it failed with. */
async function failure(backend: OllamaBackend, sample: () => void = () => {}): Promise<string> {
  try {
    for await (const ev of backend.generate(REQUEST, new AbortController().signal)) void ev;
  } catch (e) {
    sample(); // the moment of failure is the moment of peak memory
    return ModelError.is(e) ? `${e.reason}: ${e.message}` : String(e);
  }
  return 'no error';
}

/** Headers and one line, then nothing. */
function stall(res: ServerResponse): void {
  res.on('error', () => {});
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.write('{"model":"gemma4:e4b","response":"hello","done":false}\n');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** A full GC between runs, so that each run's memory is measured from the same floor. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return gc ?? (() => {});
}
