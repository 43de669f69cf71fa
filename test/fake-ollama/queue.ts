// OLLAMA_NUM_PARALLEL=1: one generation at a time per model, the rest wait in arrival order.
import { ClientGone } from './errors';

export type Release = () => void;

export class SlotQueue {
  private busy = false;
  private readonly waiters: Array<{ grant: () => void }> = [];

  get waiting(): number {
    return this.waiters.length;
  }

  get idle(): boolean {
    return !this.busy;
  }

  /** Resolves with a release function once the slot is ours; rejects if the client leaves first. */
  acquire(signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(new ClientGone());
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ClientGone());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant();
      else this.busy = false;
    };
  }
}
