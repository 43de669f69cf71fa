// Synchronous work on the caller's thread in short slices. In the editor that thread is the
// extension host's: while it runs a loop nothing else does — no keystroke reaches an inline
// completion provider, no timer fires, no worker's message is read. A loop over a workspace's
// files runs here in slices of at most SLICE_MS and SLICE_ITEMS, and the event loop turns
// between them.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest a slice runs before the event loop gets a turn. */
export const SLICE_MS = 8;
/**
 * Most items a slice handles, however fast they go: a bound that holds on any machine (a test
 * counts it), and a cheap one (a turn costs microseconds).
 */
export const SLICE_ITEMS = 256;

/** Tells a loop when its slice is over; `await slicer.pause()` then lets the event loop turn. */
export class Slicer {
  private start = performance.now();
  private items = 0;

  /** True when the slice is over: call once per item. */
  due(): boolean {
    return ++this.items >= SLICE_ITEMS || performance.now() - this.start >= SLICE_MS;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.start = performance.now();
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
