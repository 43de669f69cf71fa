// When the server's prompt cache is prefilled for the cursor (CompletionEngine.warm), so that the
// next pause re-reads only the prompt's tail instead of the whole prompt:
// - where the cursor comes to rest (a click, a file opened): after it has rested REST_MS;
// - at once, while the user types on, when the first pause would otherwise prefill everything:
//   typing started in a document no prompt was made for yet, the model became reachable, the index
//   finished building (the context held while it ran is chosen anew). A warm-up that meets a
//   completion in flight is tried again a few times, since that completion may have used the old
//   context.
// Editor-independent: the editor adapter feeds it events and does the warming.

/** What a warm-up did: the engine's answer, or 'skipped' (paused, off for the language, no model, refused). */
export type WarmResult = 'sent' | 'unchanged' | 'busy' | 'failed' | 'cancelled' | 'skipped';

export interface WarmTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WarmScheduleOptions {
  /** How long the cursor rests before its cache is warmed (a typing pause is shorter). */
  readonly restMs: number;
  /** A warm-up that met a completion in flight is tried again this often, this many times. */
  readonly busyRetryMs: number;
  readonly busyRetries: number;
}

export const DEFAULT_WARM_SCHEDULE: WarmScheduleOptions = { restMs: 600, busyRetryMs: 250, busyRetries: 8 };

const NODE_TIMERS: WarmTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class WarmSchedule {
  private restTimer: unknown;
  /** The latest urgent warm-up; an older one stops retrying when a newer one starts. */
  private urgent: { timer?: unknown; running: boolean } | undefined;
  private disposed = false;

  constructor(
    /** Warms the cursor of the active editor; `why` is for the log. */
    private readonly warm: (why: string) => Promise<WarmResult>,
    private readonly options: WarmScheduleOptions = DEFAULT_WARM_SCHEDULE,
    private readonly timers: WarmTimers = NODE_TIMERS,
  ) {}

  /**
   * The cursor moved in the active editor (typing moves it too). `known`: a prompt was already made
   * for its document (or a warm-up for it is under way).
   */
  cursorMoved(known: boolean): void {
    if (!known && !this.urgent?.running) this.now('first prompt for this file');
    this.whenResting();
  }

  /** Another editor became active. */
  editorChanged(): void {
    this.whenResting();
  }

  /** What was prefilled is stale for every cursor (`why`: the model became reachable, the index was built). */
  stale(why: string): void {
    this.now(why);
  }

  dispose(): void {
    this.disposed = true;
    this.timers.clearTimeout(this.restTimer);
    if (this.urgent) this.timers.clearTimeout(this.urgent.timer);
    this.urgent = undefined;
  }

  private whenResting(): void {
    if (this.disposed) return;
    this.timers.clearTimeout(this.restTimer);
    this.restTimer = this.timers.setTimeout(() => { void this.warm('the cursor rests'); }, this.options.restMs);
  }

  private now(why: string): void {
    if (this.disposed) return;
    if (this.urgent) this.timers.clearTimeout(this.urgent.timer);
    const mine: { timer?: unknown; running: boolean } = { running: false };
    this.urgent = mine;
    const attempt = async (retries: number): Promise<void> => {
      if (this.urgent !== mine) return;
      mine.running = true;
      let result: WarmResult;
      try {
        result = await this.warm(why);
      } finally {
        mine.running = false;
      }
      if (result === 'busy' && retries > 0 && this.urgent === mine) {
        mine.timer = this.timers.setTimeout(() => { void attempt(retries - 1); }, this.options.busyRetryMs);
      }
    };
    void attempt(this.options.busyRetries).catch(() => undefined);
  }
}
