// Where a parse worker runs: a child process by default, a worker thread on request. The child
// runs with V8's wasm tier-up turned off (`--liftoff-only`), which a worker thread cannot have (V8
// flags are per process, and frozen once it starts). Tree-sitter's grammars are large wasm
// modules whose hot functions V8 recompiles with TurboFan on background threads, per worker. On
// this project's 2-core machine, cold builds of rxjs (0.8 MB of TypeScript): in the editor's
// extension host (Node 24) the build took 3.4-3.8 CPU-s, 1.6 of them on V8's compile threads
// against 1.3 in the parse threads; in a CLI on Node 24 it took 1.5-1.9 CPU-s, then another
// 2.4 CPU-s of compiling after the build had ended (in the editor: while the user types). Without
// tier-up: 1.2-1.5 CPU-s and nothing after. On 3.2 MB of JavaScript (Node 20) 2.0-2.2 s and
// 3.9-4.0 CPU-s became 1.6 s and 2.9 CPU-s: parsing in baseline code is slower, but a build ends
// long before the recompiled code would pay for its compilation.
import { type ChildProcess, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './worker';

export type ParseIsolation = 'process' | 'thread';

/** The V8 flags a process host runs with (see above). */
export const PROCESS_HOST_FLAGS: readonly string[] = ['--liftoff-only'];
/** The environment variable that carries WorkerInit to a process host (a thread gets workerData). */
export const WORKER_INIT_ENV = 'HEARTH_PARSE_WORKER_INIT';

/** What the pool does with a host: the subset of `Worker` it uses, for either kind. */
export interface ParseHost {
  post(msg: ToWorker): void;
  /** Keeps this process alive while the host has work (a CLI must exit once it has none). */
  ref(): void;
  unref(): void;
  /** Stops it; resolves once it has exited. */
  terminate(): Promise<void>;
}

export interface ParseHostEvents {
  message(msg: FromWorker): void;
  /** Why it is about to die (an uncaught error in it, an unreadable message); more than once is possible. */
  error(reason: string): void;
  /** Once, after every message it sent has been delivered. */
  exit(code: number): void;
}

export interface ParseHostSpec {
  readonly isolation: ParseIsolation;
  readonly filename: string;
  /** Node options for the worker (tsx's loader under test). */
  readonly execArgv: readonly string[];
  readonly init: WorkerInit;
}

export function startParseHost(spec: ParseHostSpec, events: ParseHostEvents): ParseHost {
  return spec.isolation === 'process' ? processHost(spec, events) : threadHost(spec, events);
}

function threadHost(spec: ParseHostSpec, events: ParseHostEvents): ParseHost {
  const worker = new Worker(spec.filename, { workerData: spec.init, execArgv: [...spec.execArgv] });
  worker.on('message', (msg: FromWorker) => events.message(msg));
  worker.on('error', (e: Error) => events.error(e.message || e.name));
  worker.on('messageerror', (e: Error) => {
    events.error(`unreadable message: ${e.message}`);
    void worker.terminate();
  });
  // 'exit' comes after every message the worker sent.
  worker.on('exit', (code) => events.exit(code));
  return {
    post: (msg) => worker.postMessage(msg),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: async () => { await worker.terminate(); },
  };
}

/** What a process host sends besides FromWorker: the uncaught error it is dying of. */
export interface FatalMessage {
  readonly kind: 'fatal';
  readonly error: string;
}

function processHost(spec: ParseHostSpec, events: ParseHostEvents): ParseHost {
  const child: ChildProcess = fork(spec.filename, [], {
    execArgv: [...spec.execArgv, ...PROCESS_HOST_FLAGS],
    // Structured clone, as between threads: the tags travel as Int32Arrays.
    serialization: 'advanced',
    // In VS Code the extension host's executable is Electron's: this makes it a plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', [WORKER_INIT_ENV]: JSON.stringify(spec.init) },
    // stderr says why a child that could not even start its script died.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let exitCode: number | undefined;
  let disconnected = false;
  let stderrClosed = child.stderr === null;
  let stderrTail = '';
  let fatal = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => { stderrTail = (stderrTail + d).slice(-4096); });
  const exited = new Promise<void>((resolve) => {
    let reported = false;
    // A child's 'exit' may come before its last messages and its stderr: report it once both have closed.
    const settle = () => {
      if (reported || exitCode === undefined || !disconnected || !stderrClosed) return;
      reported = true;
      if (exitCode !== 0 && !fatal) {
        const why = /^\w*Error\b.*$/m.exec(stderrTail)?.[0] ?? stderrTail.trim().split('\n').pop();
        if (why) events.error(why);
      }
      resolve();
      events.exit(exitCode);
    };
    child.stderr?.on('close', () => {
      stderrClosed = true;
      settle();
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 1 : 0);
      settle();
    });
    child.on('disconnect', () => {
      disconnected = true;
      settle();
    });
    child.on('error', (e) => {
      // Could not start (or a signal could not be sent): no 'exit' follows a failed spawn.
      events.error(e.message || e.name);
      if (child.pid === undefined) {
        exitCode = 1;
        disconnected = true;
        stderrClosed = true;
        fatal = true;
        settle();
      }
    });
  });
  child.on('message', (msg: FromWorker | FatalMessage) => {
    if (msg.kind === 'fatal') {
      fatal = true;
      events.error(msg.error);
    }
    else events.message(msg);
  });
  const channel = () => (child as ChildProcess & { channel?: { ref(): void; unref(): void } }).channel;
  return {
    post: (msg) => {
      if (child.connected) child.send(msg);
    },
    ref: () => { child.ref(); channel()?.ref(); },
    unref: () => { child.unref(); channel()?.unref(); },
    terminate: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
