// At most N requests in flight per server (Ollama serves OLLAMA_NUM_PARALLEL=1 by default and
// queues the rest where we can no longer reorder or cancel them cheaply). Interactive work goes
// first; a newer request with the same supersede key aborts the older one, queued or running.
// Review work yields even once running: a long review answer would otherwise hold the only slot
// for a minute while every completion waits, so a waiting interactive request preempts it (its
// connection is closed, which stops the server's generation) and its owner asks again.
import { abortedError, ModelError } from '../errors';

/**
 * 'interactive': a person waits for it (completions). 'background': queued behind interactive work
 * (cache warm-ups). 'review': queued like background work, and preempted while running when
 * interactive work waits; the owner sees `isPreempted(e)` and asks again.
 */
export type Priority = 'interactive' | 'background' | 'review';

const preempted = new WeakSet<ModelError>();

/** The reason a running review request was aborted to let interactive work go first. */
export function preemptedError(): ModelError {
  const e = abortedError('Paused: interactive work goes first.');
  preempted.add(e);
  return e;
}

/** True for a request aborted by preemption (ask again), false for every other failure. */
export function isPreempted(e: unknown): boolean {
  return e instanceof ModelError && preempted.has(e);
}

export interface Lease {
  release(): void;
}

interface Entry {
  readonly priority: Priority;
  readonly supersedeKey?: string;
  readonly controller: AbortController;
  readonly seq: number;
  grant?: (lease: Lease) => void;
  running: boolean;
  /** Aborted by preemption, slot not released yet. */
  yielding?: boolean;
}

export class RequestScheduler {
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Entry>();
  private seq = 0;

  constructor(private maxInFlight = 1) {}

  setMaxInFlight(n: number): void {
    this.maxInFlight = Math.max(1, n);
    this.pump();
  }

  get inFlight(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Waits for a slot. `controller` belongs to the request: the scheduler aborts it when a newer
   * request supersedes this one. Rejects with an 'aborted' ModelError if it is aborted while waiting.
   */
  acquire(opts: { priority: Priority; controller: AbortController; supersedeKey?: string }): Promise<Lease> {
    const { controller } = opts;
    if (opts.supersedeKey !== undefined) this.supersede(opts.supersedeKey);
    if (controller.signal.aborted) return Promise.reject(reasonOf(controller.signal));

    const entry: Entry = { priority: opts.priority, supersedeKey: opts.supersedeKey, controller, seq: this.seq++, running: false };
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          reject(reasonOf(controller.signal));
        }
      };
      controller.signal.addEventListener('abort', onAbort, { once: true });
      entry.grant = (lease) => {
        controller.signal.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      this.waiting.push(entry);
      this.pump();
    });
  }

  private supersede(key: string): void {
    for (const e of [...this.waiting, ...this.running]) {
      if (e.supersedeKey === key) e.controller.abort(abortedError('Superseded by a newer request.'));
    }
  }

  private pump(): void {
    while (this.running.size < this.maxInFlight && this.waiting.length > 0) {
      let best = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const a = this.waiting[i];
        const b = this.waiting[best];
        if ((a.priority === 'interactive' && b.priority !== 'interactive') || (a.priority === b.priority && a.seq < b.seq)) best = i;
      }
      const entry = this.waiting.splice(best, 1)[0];
      entry.running = true;
      this.running.add(entry);
      let released = false;
      entry.grant?.({
        release: () => {
          if (released) return;
          released = true;
          this.running.delete(entry);
          this.pump();
        },
      });
    }
    this.preemptForInteractive();
  }

  /** Each waiting interactive request takes the slot of one running review request, if there is one. */
  private preemptForInteractive(): void {
    let want = this.waiting.filter((e) => e.priority === 'interactive').length;
    for (const e of this.running) if (e.yielding) want--;
    for (const e of this.running) {
      if (want <= 0) return;
      if (e.priority !== 'review' || e.yielding) continue;
      e.yielding = true;
      want--;
      e.controller.abort(preemptedError());
    }
  }
}

/** Why a signal was aborted, as a ModelError: ours carry one, anything else is a plain cancellation. */
export function reasonOf(signal: AbortSignal): ModelError {
  return ModelError.is(signal.reason) ? signal.reason : abortedError();
}
