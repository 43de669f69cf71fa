// What a build spent its time on, for one debug line per build: when each phase ended, how long
// the workers took to start and were busy, and what else the machine was doing meanwhile. In the
// editor a build runs while VS Code itself starts on the same cores, so a slow build is told apart
// from a starved one here (the event loop delay of the calling thread, the machine's idle share).
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ParseStats } from './parsePool';

export class BuildTrace {
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  private readonly idle0 = machineIdleMs();
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  private readonly phases: string[] = [];

  constructor() {
    this.lag.enable();
  }

  /** A phase ended now. */
  mark(what: string, at = performance.now()): void {
    this.phases.push(`${what} ${Math.round(at - this.t0)}`);
  }

  /** The line to log; stops the trace. */
  finish(workerStartMs: ReadonlyArray<number | undefined>, parsed: ParseStats | undefined): string {
    const ms = performance.now() - this.t0;
    this.lag.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const cores = cpus().length;
    const idle = (machineIdleMs() - this.idle0) / (ms * cores);
    const lag = (p: number) => Math.round(this.lag.percentile(p) / 1e6);
    const workers = workerStartMs.map((x) => (x === undefined ? '-' : Math.round(x))).join('/');
    const busy = parsed
      ? `, busy ${Math.round(parsed.busyMs)} ms (${Math.round(parsed.waitMs)} ms of it loading grammars${parsed.cpuMs === undefined ? '' : `; ${(parsed.cpuMs / 1000).toFixed(2)} CPU-s`}) over ${Math.round(parsed.ms)} ms`
      : '';
    return `Index build phases (ms from start): ${this.phases.join(', ')}; workers ready in ${workers} ms${busy}; `
      + `this process used ${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s, the machine was ${Math.round(idle * 100)} % idle over ${cores} cores; `
      + `event loop delay p50 ${lag(50)} ms, p99 ${lag(99)} ms, max ${Math.round(this.lag.max / 1e6)} ms.`;
  }
}

function machineIdleMs(): number {
  return cpus().reduce((a, c) => a + c.times.idle, 0);
}
