// Watches one server and the configured model, for the status bar: polls while healthy, backs off
// while unreachable, and is re-checked at once after a failed request or on demand.
import { ModelError } from './errors';
import type { ModelDescription } from './model/backend';
import type { ModelService } from './model/service';

export type ConnectionState =
  | { readonly kind: 'checking'; readonly model: string }
  | { readonly kind: 'connected'; readonly model: string; readonly version: string; readonly description: ModelDescription; readonly numCtx: number }
  | { readonly kind: 'modelMissing'; readonly model: string; readonly version: string; readonly error: ModelError }
  | { readonly kind: 'unreachable'; readonly model: string; readonly error: ModelError }
  | { readonly kind: 'error'; readonly model: string; readonly error: ModelError };

export interface MonitorTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultTimers: MonitorTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class ConnectionMonitor {
  private current: ConnectionState;
  private timer: unknown;
  private failures = 0;
  private disposed = false;
  private running: Promise<ConnectionState> | undefined;
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  constructor(
    private readonly service: ModelService,
    readonly model: string,
    private readonly opts: { healthyIntervalMs?: number; minRetryMs?: number; maxRetryMs?: number; timers?: MonitorTimers } = {},
  ) {
    this.current = { kind: 'checking', model };
  }

  get state(): ConnectionState {
    return this.current;
  }

  onChange(fn: (s: ConnectionState) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  /** Checks now (joining a check already under way) and schedules the next one. */
  check(): Promise<ConnectionState> {
    if (this.disposed) return Promise.resolve(this.current);
    if (!this.running) {
      this.running = this.probe().finally(() => { this.running = undefined; });
    }
    return this.running;
  }

  /** A request failed: reflect it without waiting for the next poll. */
  report(error: unknown): void {
    if (!ModelError.is(error)) return;
    if (error.reason === 'unreachable') this.set({ kind: 'unreachable', model: this.model, error });
    else if (error.reason === 'modelNotFound' && (error.detail.model === undefined || error.detail.model === this.model)) {
      this.service.forget(this.model);
      void this.check();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.timers.clearTimeout(this.timer);
    this.listeners.clear();
  }

  private get timers(): MonitorTimers {
    return this.opts.timers ?? defaultTimers;
  }

  private async probe(): Promise<ConnectionState> {
    this.timers.clearTimeout(this.timer);
    let next: ConnectionState;
    try {
      const { version } = await this.service.backend.version();
      try {
        const session = await this.service.sessionFor(this.model);
        next = { kind: 'connected', model: this.model, version, description: session.description, numCtx: session.numCtx.numCtx };
      } catch (e) {
        const err = toModelError(e);
        next = err.reason === 'modelNotFound'
          ? { kind: 'modelMissing', model: this.model, version, error: err }
          : err.reason === 'unreachable' ? { kind: 'unreachable', model: this.model, error: err } : { kind: 'error', model: this.model, error: err };
      }
    } catch (e) {
      const err = toModelError(e);
      next = err.reason === 'unreachable' || err.reason === 'timeout'
        ? { kind: 'unreachable', model: this.model, error: err }
        : { kind: 'error', model: this.model, error: err };
    }
    if (this.disposed) return next;
    this.set(next);
    this.failures = next.kind === 'connected' || next.kind === 'modelMissing' ? 0 : this.failures + 1;
    const healthy = this.opts.healthyIntervalMs ?? 10_000;
    const min = this.opts.minRetryMs ?? 2_000;
    const max = this.opts.maxRetryMs ?? 30_000;
    const delay = this.failures === 0 ? healthy : Math.min(max, min * 2 ** (this.failures - 1));
    this.timer = this.timers.setTimeout(() => void this.check(), delay);
    return next;
  }

  private set(s: ConnectionState): void {
    const changed = s.kind !== this.current.kind || JSON.stringify(s) !== JSON.stringify(this.current);
    this.current = s;
    if (changed) for (const l of this.listeners) l(s);
  }
}

function toModelError(e: unknown): ModelError {
  return ModelError.is(e) ? e : new ModelError('badResponse', e instanceof Error ? e.message : String(e), 'Please report this with the log.');
}
