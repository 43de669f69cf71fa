// How long to wait after a keystroke before asking the model. A request should go out when the
// user has paused, not between two keys of a word: so the wait is a little longer than most of the
// user's own recent gaps between keys (their 95th percentile), which follows each person's rhythm.
// A slow model makes every wasted request costly, so the wait also grows with observed latency.
// Clamped so it never feels dead or jittery.

export const MIN_DEBOUNCE_MS = 50;
export const MAX_DEBOUNCE_MS = 400;
/** Gaps longer than this are pauses, not rhythm. */
const KEY_GAP_IGNORED_MS = 1500;
const GAPS_KEPT = 24;
const GAPS_NEEDED = 6;
const RHYTHM_PERCENTILE = 0.95;
const RHYTHM_MARGIN = 1.2;
const LATENCY_SHARE = 0.1;
/** Before enough keys are seen: a typical typist's rhythm. */
const INITIAL_GAP_MS = 180;

export class AdaptiveDebounce {
  private lastKeyAt: number | undefined;
  private readonly gaps: number[] = [];
  private latency = 400;

  constructor(private readonly fixedMs?: number) {}

  /** Call on every keystroke-driven request. */
  keystroke(now: number): void {
    if (this.lastKeyAt !== undefined) {
      const gap = now - this.lastKeyAt;
      if (gap > 0 && gap < KEY_GAP_IGNORED_MS) {
        this.gaps.push(gap);
        if (this.gaps.length > GAPS_KEPT) this.gaps.shift();
      }
    }
    this.lastKeyAt = now;
  }

  /** Call with the time from request to final result of each model completion. */
  observeLatency(ms: number): void {
    if (ms > 0 && Number.isFinite(ms)) this.latency += 0.3 * (ms - this.latency);
  }

  get delayMs(): number {
    if (this.fixedMs !== undefined) return this.fixedMs;
    const d = RHYTHM_MARGIN * this.typingGapMs + LATENCY_SHARE * this.latency;
    return Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, d)));
  }

  /** The user's long-but-still-typing gap: the 95th percentile of recent gaps between keys. */
  get typingGapMs(): number {
    if (this.gaps.length < GAPS_NEEDED) return INITIAL_GAP_MS;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(RHYTHM_PERCENTILE * sorted.length))];
  }

  get latencyMs(): number {
    return this.latency;
  }
}
