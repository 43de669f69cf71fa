// Synchronous work on the caller's thread in short slices. In the editor that thread is the
// extension host's: while it runs a loop nothing else does — no keystroke reaches an inline
// completion provider, no timer fires, no worker's message is read. A loop over a workspace's
// files runs here in slices of at most SLICE_MS of the thread's own work and SLICE_ITEMS, and the
// event loop turns between them.
//
// A slice is measured in the thread's CPU time where Node tells it (process.threadCpuUsage, Node
// 23.9 and later), with a wall-clock bound of SLICE_WALL_MS: while VS Code starts, the thread is
// often descheduled, so 8 ms of wall time held less and less work, and every turn between two
// slices waited behind everything else queued on the extension host (its event loop was blocked
// p50 46, p99 770 ms there): listing rxjs's 270 files took 1.3 s in the editor against 10-20 ms of
// work. A keystroke still waits at most one slice, SLICE_MS of this thread's work.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Most of this thread's CPU time a slice takes before the event loop gets a turn. */
export const SLICE_MS = 8;
/** Longest a slice runs in wall-clock time, however little CPU the thread got meanwhile. */
export const SLICE_WALL_MS = 32;
/**
 * Most items a slice handles, however fast they go: a bound that holds on any machine (a test
 * counts it), and a cheap one (a turn costs microseconds).
 */
export const SLICE_ITEMS = 256;

/** Milliseconds on two clocks: the wall's, and this thread's CPU time (undefined where Node cannot tell it). */
export interface SliceClock {
  wall(): number;
  cpu?(): number;
}

type ThreadCpuUsage = () => { user: number; system: number };
const threadCpuUsage = (process as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;

export const THREAD_CLOCK: SliceClock = {
  wall: () => performance.now(),
  cpu: threadCpuUsage ? () => { const u = threadCpuUsage.call(process); return (u.user + u.system) / 1000; } : undefined,
};

/** Tells a loop when its slice is over; `await slicer.pause()` then lets the event loop turn. */
export class Slicer {
  private wall0: number;
  private cpu0: number | undefined;
  private items = 0;

  constructor(private readonly clock: SliceClock = THREAD_CLOCK) {
    this.wall0 = clock.wall();
    this.cpu0 = clock.cpu?.();
  }

  /** True when the slice is over: call once per item. */
  due(): boolean {
    if (++this.items >= SLICE_ITEMS) return true;
    const wall = this.clock.wall() - this.wall0;
    if (this.cpu0 === undefined || wall >= SLICE_WALL_MS) return wall >= SLICE_MS;
    // The thread's own time only once the wall says it may be up (a clock read is a system call).
    return wall >= SLICE_MS && this.clock.cpu!() - this.cpu0 >= SLICE_MS;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.wall0 = this.clock.wall();
    this.cpu0 = this.clock.cpu?.();
    this.items = 0;
  }
}

/**
 * Runs `fn` over `items` (which may grow meanwhile: the length is read on every step), letting the
 * event loop turn between slices. Stops early, without throwing, once `signal` is aborted.
 */
export async function forEachSliced<T>(items: readonly T[], signal: AbortSignal | undefined, fn: (item: T) => void): Promise<void> {
  const slicer = new Slicer();
  for (let i = 0; i < items.length; i++) {
    if (signal?.aborted) return;
    fn(items[i]);
    if (slicer.due()) await slicer.pause();
  }
}
