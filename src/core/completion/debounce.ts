// How long to wait after a keystroke before asking the model. Fast typists pause briefly, so the
// wait follows the user's own inter-key interval; a slow model makes every wasted request costly,
// so the wait grows with observed latency. Clamped so it never feels dead or jittery.

export const MIN_DEBOUNCE_MS = 50;
export const MAX_DEBOUNCE_MS = 400;
const KEY_GAP_IGNORED_MS = 1500;

export class AdaptiveDebounce {
  private lastKeyAt: number | undefined;
  private keyInterval = 110;
  private latency = 400;

  constructor(private readonly fixedMs?: number) {}

  /** Call on every keystroke-driven request. */
  keystroke(now: number): void {
    if (this.lastKeyAt !== undefined) {
      const gap = now - this.lastKeyAt;
      if (gap > 0 && gap < KEY_GAP_IGNORED_MS) this.keyInterval += 0.25 * (gap - this.keyInterval);
    }
    this.lastKeyAt = now;
  }

  /** Call with the time from request to final result of each model completion. */
  observeLatency(ms: number): void {
    if (ms > 0 && Number.isFinite(ms)) this.latency += 0.3 * (ms - this.latency);
  }

  get delayMs(): number {
    if (this.fixedMs !== undefined) return this.fixedMs;
    const d = 1.3 * this.keyInterval + 0.1 * this.latency;
    return Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, d)));
  }

  get typingIntervalMs(): number {
    return this.keyInterval;
  }

  get latencyMs(): number {
    return this.latency;
  }
}
