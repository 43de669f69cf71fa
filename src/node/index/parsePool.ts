// Parses files in worker threads so the extension host's thread never does. Files go out in
// batches (~32 files per message measured 1.63x on 2 cores against 1.44x for one file per message);
// the workers read the files themselves. A worker that crashes or hangs is replaced: the file it was
// on is reported as an error, the rest of its batches goes to the next worker. A worker holds its
// next batch while it parses one, so that it never waits for this thread to hand it work: in the
// editor this thread is the extension host's, which VS Code's own start-up keeps busy for up to a
// second and a half at a time (measured: a worker idle 0.1-1.1 s between its batches in a 250-file
// build that took 3.5-5 s).
//
// Each worker compiles the tags query of every language it meets (10-800 ms each: C++ is the
// dearest), so batches hold one language and a language stays with the workers that already
// have it unless there is enough of it queued to share. Small languages go first: their queries
// then compile before the wasm tier-up jobs fill V8's background queue (a grammar loaded late in a
// cold build waited up to 1.3 s there), and the big languages end the run, split between all
// workers. Within a language big files go first, so that the last batches are small and the
// workers finish together.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileTags, LanguageId } from '../../core/index/tags';
import { type GrammarPaths, defaultGrammarPaths } from '../treesitter/loader';
import { fromWire } from './packedTags';
import { DEFAULT_MAX_FILE_BYTES, type WalkedFile } from './walk';
import type { FromWorker, ToWorker, WorkerFaults, WorkerInit } from './worker';
import { type ParseHost, type ParseIsolation, startParseHost } from './parseHost';

export interface ParsePoolOptions {
  /** Default min(2, available cores), at least 1: more workers than cores do not help. */
  readonly workers?: number;
  readonly grammarPaths?: GrammarPaths;
  /** A file read bigger than this (it grew since the walk) is an error. Default 1 MiB. */
  readonly maxFileBytes?: number;
  /** A batch closes at this many files or bytes, whichever comes first. Defaults 32 and 512 KiB. */
  readonly batchFiles?: number;
  readonly batchBytes?: number;
  /** A busy worker silent for this long is taken as hung and replaced. Default 15 s. */
  readonly fileTimeoutMs?: number;
  /** After this long with nothing to do, all workers but one stop (~25-30 MB each). Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** The worker's script, when it is neither dist/indexWorker.js next to the bundle nor worker.ts here. */
  readonly workerScript?: string;
  /** Child processes (default: they parse without wasm tier-up, see parseHost.ts) or worker threads. */
  readonly isolation?: ParseIsolation;
  /** Tests only: faults the workers plant on chosen files. */
  readonly faults?: WorkerFaults;
}

export interface ParseResult {
  readonly tags?: FileTags;
  readonly error?: string;
}

export interface ParseStats {
  /** Files that got a result, error or not. */
  readonly files: number;
  readonly bytes: number;
  readonly ms: number;
  readonly errors: number;
  /** Wall time the workers spent on this run's batches, added up over workers. */
  readonly busyMs: number;
  /** Of which waiting for the tree-sitter runtime and grammars (loading, compiling queries). */
  readonly waitMs: number;
  /** CPU time of the worker processes on this run's batches; undefined when they are threads of this process. */
  readonly cpuMs?: number;
  /** From the call to the first result. */
  readonly firstResultMs?: number;
}

export type OnParsed = (file: WalkedFile, result: ParseResult) => void;

interface Run {
  readonly onResult: OnParsed;
  readonly started: number;
  readonly stats: { files: number; bytes: number; errors: number; busyMs: number; waitMs: number; cpuMs?: number; firstResultMs?: number };
  remaining: number;
  finished: boolean;
  readonly settle: (failure?: { error: unknown }) => void;
}

interface Batch {
  readonly id: number;
  readonly run: Run;
  /** All of one language. */
  readonly files: readonly WalkedFile[];
  readonly language: LanguageId;
  readonly bytes: number;
  /** How often each file was the one a worker was on when it died without being blamed. */
  readonly attempts: number[];
  readonly reported: boolean[];
}

interface PendingText {
  readonly path: string;
  readonly resolve: (tags: FileTags) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: ParseHost;
  readonly spawnedAt: number;
  /** Milliseconds from spawn to its 'ready' message. */
  readyMs?: number;
  ready: boolean;
  /** Sent to it, oldest first: the first is the one it parses, at most PIPELINE. */
  readonly batches: Batch[];
  /** Languages sent to it: their grammars are loaded there, or loading. */
  readonly languages: Set<LanguageId>;
  readonly texts: Map<number, PendingText>;
  timer?: NodeJS.Timeout;
  /** Why the pool stopped it (timeout, dispose, idle). */
  stopReason?: string;
  /** Stopped for not answering: the file it was on is to blame, as for a crash. */
  hung?: boolean;
  /** The uncaught error it died of. */
  error?: string;
  exited: boolean;
}

/** Workers that die before they are ready this many times in a row mean the pool cannot work. */
const MAX_START_FAILURES = 3;
/** A file that was in flight through this many unexplained worker deaths is blamed for them. */
const MAX_ATTEMPTS = 2;
/** Batches a worker holds at once: the one it parses and the next. */
const PIPELINE = 2;
/**
 * Queued bytes of a language that make it worth a second worker compiling its query. On an idle
 * machine that is ~1 MiB (~0.3 s of parsing, about what the dearest query costs to compile), but
 * the editor builds while VS Code itself starts, when both cores are saturated and each thread gets
 * its share of them: the TypeScript worker got 12 % of a core there. Measured in code-server on
 * rxjs (0.8 MB of TypeScript), the first build took 4.3 s with two workers on it against 6.0 s
 * with one (medians of 4, alternated); `hearth index` on an idle machine, 1.12 s against 1.09 s.
 */
const SHARE_BYTES = 256 * 1024;

export class ParsePool {
  private readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Batch[] = [];
  private readonly runs = new Set<Run>();
  private nextId = 1;
  private startFailures = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly opts: ParsePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.workers ?? Math.min(2, availableParallelism())));
  }

  /** Threads running now (started lazily, stopped by dispose or when idle). */
  get threads(): number {
    return this.slots.length;
  }

  /** Per running thread, how long it took from its start to being ready for work (undefined: not yet), for diagnostics. */
  workerStartMs(): Array<number | undefined> {
    return this.slots.map((s) => s.readyMs);
  }

  /** Per running thread, the languages it was given (its grammars and queries), for diagnostics. */
  workerLanguages(): LanguageId[][] {
    return this.slots.map((s) => [...s.languages].sort());
  }

  /**
   * Parses the files, calling `onResult` once per file (from this thread, in no particular order)
   * unless cancelled. Resolves when every file has a result, or at once when `signal` aborts or
   * the pool is disposed (with the figures so far). Rejects only when workers cannot start at all
   * or `onResult` throws.
   */
  parseFiles(files: readonly WalkedFile[], onResult: OnParsed, signal?: AbortSignal): Promise<ParseStats> {
    const started = performance.now();
    if (this.disposed) return Promise.reject(new Error('the parse pool is disposed'));
    if (files.length === 0 || signal?.aborted) return Promise.resolve({ files: 0, bytes: 0, ms: 0, errors: 0, busyMs: 0, waitMs: 0 });
    return new Promise<ParseStats>((resolve, reject) => {
      const onAbort = (): void => this.finishRun(run);
      const run: Run = {
        onResult, started, stats: { files: 0, bytes: 0, errors: 0, busyMs: 0, waitMs: 0 }, remaining: files.length, finished: false,
        settle: (failure?: { error: unknown }) => {
          signal?.removeEventListener('abort', onAbort);
          if (failure) reject(failure.error);
          else resolve({ ...run.stats, ms: performance.now() - started });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.runs.add(run);
      this.enqueue(run, files);
      this.pump();
    });
  }

  /**
   * Tags of a text that is not (or not as it is) on disk: the unsaved buffer of the active file.
   * Runs in a worker too, ahead of any batch work (a worker serves it between two files), so the
   * extension host's thread never blocks on a parse.
   */
  parseText(path: string, language: LanguageId, text: string): Promise<FileTags> {
    if (this.disposed) return Promise.reject(new Error('the parse pool is disposed'));
    let slot: Slot;
    try {
      slot = this.slotForText(language);
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this.nextId++;
    slot.languages.add(language);
    return new Promise<FileTags>((resolve, reject) => {
      slot.texts.set(id, { path, resolve, reject });
      this.post(slot, { kind: 'text', id, language, text });
      this.busyChanged(slot);
    });
  }

  /**
   * Starts `workers` (default: all) now rather than with the first batch, so that their start overlaps the
   * caller's own preparation (a cold build walks the workspace meanwhile).
   */
  start(workers = this.size): void {
    if (this.disposed) return;
    try {
      while (this.slots.length < Math.min(workers, this.size)) this.spawn();
    } catch {
      // The first batch will report why, through the usual path.
    }
    this.scheduleIdle();
  }

  /** Stops every worker. Runs in progress resolve with what they have; pending texts reject. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    for (const run of [...this.runs]) this.finishRun(run);
    await Promise.all(this.slots.slice().map((s) => this.stop(s, 'was stopped: the pool was disposed')));
  }

  // ---- runs and batches ------------------------------------------------------------------------

  private enqueue(run: Run, files: readonly WalkedFile[]): void {
    const maxFiles = this.opts.batchFiles ?? 32;
    const maxBytes = this.opts.batchBytes ?? 512 * 1024;
    const byLanguage = new Map<LanguageId, { files: WalkedFile[]; bytes: number }>();
    for (const f of files) {
      let g = byLanguage.get(f.language);
      if (!g) byLanguage.set(f.language, (g = { files: [], bytes: 0 }));
      g.files.push(f);
      g.bytes += f.size;
    }
    const groups = [...byLanguage.values()].sort((a, b) => a.bytes - b.bytes);
    for (const g of groups) {
      g.files.sort((a, b) => b.size - a.size);
      let current: WalkedFile[] = [];
      let bytes = 0;
      for (const f of g.files) {
        if (current.length > 0 && (current.length >= maxFiles || bytes + f.size > maxBytes)) {
          this.queue.push(this.batch(run, current));
          current = [];
          bytes = 0;
        }
        current.push(f);
        bytes += f.size;
      }
      if (current.length > 0) this.queue.push(this.batch(run, current));
    }
  }

  /** `files` are all of one language. */
  private batch(run: Run, files: readonly WalkedFile[], attempts?: number[]): Batch {
    return {
      id: this.nextId++, run, files, language: files[0].language, bytes: files.reduce((a, f) => a + f.size, 0),
      attempts: attempts ?? files.map(() => 0), reported: files.map(() => false),
    };
  }

  private report(run: Run, file: WalkedFile, result: ParseResult, bytes: number): void {
    if (run.finished) return;
    run.stats.files++;
    run.stats.firstResultMs ??= performance.now() - run.started;
    run.stats.bytes += bytes;
    if (result.error !== undefined) run.stats.errors++;
    try {
      run.onResult(file, result);
    } catch (error) {
      this.finishRun(run, { error });
      return;
    }
    if (--run.remaining === 0) this.finishRun(run);
  }

  /** Ends a run: done, cancelled, disposed, or failed with `error`. Its queued and running batches are dropped. */
  private finishRun(run: Run, failure?: { error: unknown }): void {
    if (run.finished) return;
    run.finished = true;
    this.runs.delete(run);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].run === run) this.queue.splice(i, 1);
    for (const s of this.slots) for (const b of s.batches) if (b.run === run) this.post(s, { kind: 'cancel', batch: b.id });
    run.settle(failure);
  }

  // ---- workers -----------------------------------------------------------------------------------

  /**
   * Hands queued batches to workers: an idle one first, else a new one if there is room for it,
   * else a busy one as its next batch.
   */
  private pump(): void {
    if (this.disposed) return;
    while (this.queue.length > 0) {
      const queuedBytes = this.queuedBytes();
      if (this.assignToWorkerHolding(0, queuedBytes)) continue;
      if (this.slots.length < this.size && this.nextBatchFor(undefined, queuedBytes) >= 0) {
        let slot: Slot;
        try {
          slot = this.spawn();
        } catch (error) {
          for (const run of [...this.runs]) this.finishRun(run, { error });
          return;
        }
        this.assign(slot, this.queue.splice(this.nextBatchFor(slot, queuedBytes), 1)[0]);
        continue;
      }
      let assigned = false;
      for (let held = 1; held < PIPELINE && !assigned; held++) assigned = this.assignToWorkerHolding(held, queuedBytes);
      if (!assigned) break;
    }
    this.scheduleIdle();
  }

  /** Gives a live worker that holds `held` batches the queued batch it should take, if any. */
  private assignToWorkerHolding(held: number, queuedBytes: ReadonlyMap<LanguageId, number>): boolean {
    for (const slot of this.slots) {
      if (slot.batches.length !== held || slot.stopReason !== undefined) continue;
      const i = this.nextBatchFor(slot, queuedBytes);
      if (i >= 0) {
        this.assign(slot, this.queue.splice(i, 1)[0]);
        return true;
      }
    }
    return false;
  }

  /** Bytes by language not being parsed yet: queued, or held by a worker as its next batch. */
  private queuedBytes(): Map<LanguageId, number> {
    const bytes = new Map<LanguageId, number>();
    const add = (b: Batch) => bytes.set(b.language, (bytes.get(b.language) ?? 0) + b.bytes);
    for (const b of this.queue) add(b);
    for (const s of this.slots) s.batches.slice(1).forEach(add);
    return bytes;
  }

  /**
   * The queued batch a free worker (undefined: one not started yet) should take, or -1: one in a
   * language it has, else in a language no live worker has, else in one with enough queued to share.
   */
  private nextBatchFor(slot: Slot | undefined, queuedBytes: ReadonlyMap<LanguageId, number>): number {
    let fallback = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const lang = this.queue[i].language;
      if (slot?.languages.has(lang)) return i;
      if (fallback >= 0) continue;
      const elsewhere = this.slots.some((s) => s !== slot && s.stopReason === undefined && s.languages.has(lang));
      if (!elsewhere || (queuedBytes.get(lang) ?? 0) >= SHARE_BYTES) fallback = i;
    }
    return fallback;
  }

  private assign(slot: Slot, batch: Batch): void {
    slot.batches.push(batch);
    slot.languages.add(batch.language);
    this.post(slot, { kind: 'batch', batch: batch.id, files: batch.files.map((f) => ({ abs: f.abs, language: f.language })) });
    this.busyChanged(slot);
  }

  private slotForText(language: LanguageId): Slot {
    const live = this.slots.filter((s) => s.stopReason === undefined);
    const idle = live.filter((s) => s.batches.length === 0);
    const free = idle.find((s) => s.ready && s.languages.has(language)) ?? idle.find((s) => s.ready) ?? idle[0];
    if (free) return free;
    if (this.slots.length < this.size || live.length === 0) return this.spawn();
    return live.reduce((a, b) => (b.texts.size < a.texts.size ? b : a));
  }

  private spawn(): Slot {
    const { filename, execArgv } = this.workerEntry();
    const init: WorkerInit = {
      grammarPaths: this.opts.grammarPaths ?? defaultGrammarPaths(),
      maxFileBytes: this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      faults: this.opts.faults,
    };
    // The slot exists before the host: a host that cannot start reports it at once.
    const events = {
      message: (msg: FromWorker) => this.onMessage(slot, msg),
      error: (reason: string) => { slot.error ??= reason; },
      // Deaths are handled on exit, which comes after every message the worker sent.
      exit: (code: number) => this.onExit(slot, code),
    };
    const spawnedAt = performance.now();
    const slot: Slot = {
      worker: startParseHost({ isolation: this.opts.isolation ?? 'process', filename, execArgv, init }, events),
      spawnedAt, ready: false, batches: [], languages: new Set(), texts: new Map(), exited: false,
    };
    this.slots.push(slot);
    return slot;
  }

  /**
   * The bundle's dist/indexWorker.js (esbuild entry src/node/index/worker.ts), else this folder's
   * worker.ts under tsx. A worker's entry module does not go through the `--import tsx` hooks of
   * the parent, but tsx's CommonJS require hook, preloaded with `--require`, loads it (this
   * package is CommonJS, so tsx compiles the .ts files to CommonJS).
   */
  private workerEntry(): { filename: string; execArgv: string[] } {
    if (this.opts.workerScript) return { filename: this.opts.workerScript, execArgv: [] };
    // Not __dirname: tsx gives a CommonJS module imported from an ES module `data:text` for it.
    const here = typeof __filename === 'string' ? dirname(__filename) : process.cwd();
    const bundled = join(here, 'indexWorker.js');
    if (existsSync(bundled)) return { filename: bundled, execArgv: [] };
    const source = join(here, 'worker.ts');
    if (existsSync(source)) {
      // createRequire rather than require.resolve, which esbuild would try to bundle.
      return { filename: source, execArgv: ['--require', createRequire(source).resolve('tsx/cjs')] };
    }
    throw new Error(`the index worker script is missing: neither ${bundled} nor ${source} exists`);
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (slot.exited) return;
    switch (msg.kind) {
      case 'ready':
        slot.ready = true;
        slot.readyMs = performance.now() - slot.spawnedAt;
        this.startFailures = 0;
        break;
      case 'file': {
        const b = slot.batches.find((x) => x.id === msg.batch);
        if (!b || b.reported[msg.index]) break;
        b.reported[msg.index] = true;
        this.report(b.run, b.files[msg.index], msg.error !== undefined || !msg.tags ? { error: msg.error ?? 'no result' } : { tags: fromWire(msg.tags) }, msg.bytes);
        break;
      }
      case 'done': {
        const k = slot.batches.findIndex((x) => x.id === msg.batch);
        if (k < 0) break;
        const [b] = slot.batches.splice(k, 1);
        b.run.stats.busyMs += msg.ms;
        b.run.stats.waitMs += msg.waitMs;
        if (msg.cpuMs !== undefined) b.run.stats.cpuMs = (b.run.stats.cpuMs ?? 0) + msg.cpuMs;
        // A batch that ends with files unreported was cancelled; nothing else skips files.
        b.files.forEach((f, i) => {
          if (!b.reported[i]) this.report(b.run, f, { error: 'the parse worker skipped this file' }, 0);
        });
        this.pump();
        break;
      }
      case 'text': {
        const t = slot.texts.get(msg.id);
        if (!t) break;
        slot.texts.delete(msg.id);
        if (msg.tags) t.resolve(fromWire(msg.tags));
        else t.reject(new Error(`parsing ${t.path} failed: ${msg.error ?? 'no result'}`));
        break;
      }
    }
    this.busyChanged(slot);
  }

  private onExit(slot: Slot, code: number): void {
    slot.exited = true;
    clearTimeout(slot.timer);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    // Completes "the parse worker …".
    const reason = slot.stopReason ?? (slot.error ? `crashed: ${slot.error}` : `exited with code ${code}`);
    const textsPending = slot.texts.size > 0;
    for (const t of slot.texts.values()) t.reject(new Error(`parsing ${t.path} failed: the parse worker ${reason}`));
    slot.texts.clear();
    if (!slot.ready && !this.disposed) this.startFailures++;

    const requeued: Batch[] = [];
    // The worker parses its batches in order, each in order: it died on the first file without a
    // result (unless a text request was running; then the file is blamed only on a repeat).
    let onFile = false;
    for (const b of slot.batches.splice(0)) {
      if (b.run.finished) continue;
      const left = b.files.map((_, j) => j).filter((j) => !b.reported[j]);
      if (left.length > 0 && !onFile) {
        onFile = true;
        if (slot.ready && (slot.stopReason === undefined || slot.hung)) {
          const first = left[0];
          if (!textsPending || b.attempts[first] + 1 >= MAX_ATTEMPTS) {
            left.shift();
            this.report(b.run, b.files[first], { error: `the parse worker ${reason}` }, 0);
          } else {
            b.attempts[first]++;
          }
        }
      }
      if (left.length > 0 && !b.run.finished) requeued.push(this.batch(b.run, left.map((j) => b.files[j]), left.map((j) => b.attempts[j])));
    }
    this.queue.unshift(...requeued);

    if (this.disposed) return;
    if (this.startFailures >= MAX_START_FAILURES) {
      this.startFailures = 0;
      const e = new Error(`parse workers cannot start: the last one ${reason}`);
      for (const run of [...this.runs]) this.finishRun(run, { error: e });
      for (const s of this.slots) {
        for (const t of s.texts.values()) t.reject(e);
        s.texts.clear();
      }
      return;
    }
    this.pump();
  }

  private post(slot: Slot, msg: ToWorker): void {
    slot.worker.post(msg);
  }

  /** Keeps the watchdog and the thread's hold on the process in step with the worker having work. */
  private busyChanged(slot: Slot): void {
    // A worker being stopped stays referenced until its exit, or terminate() might never settle.
    if (slot.exited || slot.stopReason !== undefined) return;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.batches.length > 0 || slot.texts.size > 0) {
      slot.worker.ref();
      const ms = this.opts.fileTimeoutMs ?? 15_000;
      slot.timer = setTimeout(() => {
        slot.hung = true;
        void this.stop(slot, `timed out (no answer in ${ms} ms)`);
      }, ms);
      slot.timer.unref();
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    } else {
      // An idle pool does not keep a CLI process alive.
      slot.worker.unref();
      this.scheduleIdle();
    }
  }

  private scheduleIdle(): void {
    if (this.idleTimer || this.slots.length <= 1) return;
    if (this.queue.length > 0 || this.slots.some((s) => s.batches.length > 0 || s.texts.size > 0)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.length > 0 || this.slots.some((s) => s.batches.length > 0 || s.texts.size > 0)) return;
      for (const s of this.slots.slice(1)) void this.stop(s, 'was stopped when idle');
    }, this.opts.idleTimeoutMs ?? 60_000);
    this.idleTimer.unref();
  }

  private async stop(slot: Slot, reason: string): Promise<void> {
    slot.stopReason ??= reason;
    // An unreferenced worker's exit would not hold the event loop open until terminate() settles.
    slot.worker.ref();
    await slot.worker.terminate();
  }
}
