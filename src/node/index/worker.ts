// The parse worker: a child process or a worker thread (parseHost.ts) that reads source files itself, parses them with tree-sitter and
// sends back their FileTags (packed, see packedTags.ts), with where each definition's prompt text
// lies in the file (snippetSpans.ts), so the extension host's thread never parses. Bundled as
// dist/indexWorker.js; ParsePool starts it and speaks the protocol below.
import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { FileTags, LanguageId } from '../../core/index/tags';
import { decodeText } from '../fs/readText';
import { extractTags } from '../treesitter/extract';
import { GrammarLoader, type GrammarPaths } from '../treesitter/loader';
import { toWire, type WireTags } from './packedTags';
import { locateSnippets } from './snippetSpans';
import { WORKER_INIT_ENV, type FatalMessage } from './parseHost';

/** Faults a test can plant: a file whose absolute path contains the string crashes, hangs or throws. */
export interface WorkerFaults {
  readonly crashOn?: string;
  readonly exitOn?: string;
  readonly hangOn?: string;
  readonly throwOn?: string;
}

export interface WorkerInit {
  readonly grammarPaths: GrammarPaths;
  readonly maxFileBytes: number;
  readonly faults?: WorkerFaults;
}

export interface BatchFile {
  readonly abs: string;
  readonly language: LanguageId;
}

export type ToWorker =
  | { readonly kind: 'batch'; readonly batch: number; readonly files: readonly BatchFile[] }
  | { readonly kind: 'cancel'; readonly batch: number }
  | { readonly kind: 'text'; readonly id: number; readonly language: LanguageId; readonly text: string };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'file'; readonly batch: number; readonly index: number; readonly bytes: number; readonly tags?: WireTags; readonly error?: string }
  | { readonly kind: 'done'; readonly batch: number; readonly ms: number; readonly waitMs: number; readonly cpuMs?: number }
  | { readonly kind: 'text'; readonly id: number; readonly tags?: WireTags; readonly error?: string };

/** The channel to the pool: the thread's port, or the child process's IPC channel. */
interface Port {
  on(event: 'message', listener: (msg: ToWorker) => void): void;
  postMessage(msg: FromWorker | FatalMessage): void;
}

function processPort(): Port | undefined {
  const send = process.send?.bind(process);
  if (!send) return undefined;
  // Dies with its parent: nothing else would stop it.
  process.on('disconnect', () => process.exit(0));
  process.on('uncaughtException', (e) => {
    // Tells the pool why, as a thread's 'error' event would, before dying of it.
    send({ kind: 'fatal', error: errorText(e) } satisfies FatalMessage, undefined, undefined, () => process.exit(1));
  });
  return { on: (event, listener) => process.on(event, listener), postMessage: (msg) => send(msg) };
}

const port: Port | undefined = parentPort ?? processPort();
if (!port) throw new Error('the index worker runs only as a worker thread or a forked process');
const init = (parentPort ? workerData : JSON.parse(process.env[WORKER_INIT_ENV] ?? 'null')) as WorkerInit;
const loader = new GrammarLoader(init.grammarPaths);
const cancelled = new Set<number>();
/** Batches run one after another; a text request is served between two files of a batch. */
let batches: Promise<void> = Promise.resolve();

function send(msg: FromWorker): void {
  port?.postMessage(msg);
}

port.on('message', (msg: ToWorker) => {
  switch (msg.kind) {
    case 'batch':
      batches = batches.then(() => runBatch(msg.batch, msg.files)).catch(() => undefined);
      break;
    case 'cancel':
      cancelled.add(msg.batch);
      break;
    case 'text':
      void parseText(msg.id, msg.language, msg.text);
      break;
  }
});
send({ kind: 'ready' });
// The runtime's own wasm compiles while the first batch is on its way; a failure surfaces with it.
loader.init().catch(() => undefined);

/** Time this worker spent waiting for the runtime and grammars, since the last batch ended. */
let waitMs = 0;

async function runBatch(batch: number, files: readonly BatchFile[]): Promise<void> {
  const t0 = performance.now();
  // A thread's figure would be its whole process's.
  const cpu0 = parentPort ? undefined : process.cpuUsage();
  waitMs = 0;
  try {
    await parseBatch(batch, files);
  } finally {
    cancelled.delete(batch);
    const cpu = cpu0 && process.cpuUsage(cpu0);
    send({ kind: 'done', batch, ms: performance.now() - t0, waitMs, cpuMs: cpu && (cpu.user + cpu.system) / 1000 });
  }
}

async function parseBatch(batch: number, files: readonly BatchFile[]): Promise<void> {
  for (let index = 0; index < files.length && !cancelled.has(batch); index++) {
    const { abs, language } = files[index];
    let bytes = 0;
    try {
      const buf = readFileSync(abs);
      bytes = buf.length;
      if (buf.length > init.maxFileBytes) throw new Error(`grew to ${buf.length} bytes, over the ${init.maxFileBytes}-byte limit`);
      const text = decodeText(abs, buf);
      const tags = await parse(abs, language, text);
      send({ kind: 'file', batch, index, bytes, tags: toWire({ ...tags, definitions: locateSnippets(tags.definitions, text, buf) }) });
    } catch (e) {
      send({ kind: 'file', batch, index, bytes, error: errorText(e) });
    }
    // Reading is synchronous (a worker may block, and it is faster): let queued messages in.
    await nextTurn();
  }
}

async function parseText(id: number, language: LanguageId, text: string): Promise<void> {
  try {
    // No spans: the buffer is not what the disk holds.
    send({ kind: 'text', id, tags: toWire(await parse('', language, text)) });
  } catch (e) {
    send({ kind: 'text', id, error: errorText(e) });
  }
}

async function parse(abs: string, language: LanguageId, text: string): Promise<FileTags> {
  const t0 = performance.now();
  const grammar = await loader.parserFor(language);
  waitMs += performance.now() - t0;
  if (init.faults && abs) await injectFault(abs, init.faults);
  return extractTags(text, language, grammar);
}

async function injectFault(abs: string, f: WorkerFaults): Promise<void> {
  if (f.crashOn && abs.includes(f.crashOn)) {
    setImmediate(() => {
      throw new Error(`planted crash on ${abs}`);
    });
    await new Promise<never>(() => undefined);
  }
  if (f.exitOn && abs.includes(f.exitOn)) process.exit(7);
  // Blocks the thread, as a parser stuck in a loop would.
  if (f.hangOn && abs.includes(f.hangOn)) for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  if (f.throwOn && abs.includes(f.throwOn)) throw new Error(`planted parser error on ${abs}`);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}
