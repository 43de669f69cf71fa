// Watches one server and every model its features use, for the status bar and for each feature to
// know whether its own model can be asked: polls while healthy, backs off while the server is
// unreachable, and is re-checked at once after a failed request or on demand.
import { modelFor, modelsInUse, type Feature } from './config';
import { ModelError } from './errors';
import type { ModelDescription } from './model/backend';
import type { ModelService } from './model/service';

/** What is known of one model on the server. */
export type ConnectionState =
  | { readonly kind: 'checking'; readonly model: string }
  | { readonly kind: 'connected'; readonly model: string; readonly version: string; readonly description: ModelDescription; readonly numCtx: number }
  | { readonly kind: 'modelMissing'; readonly model: string; readonly version: string; readonly error: ModelError }
  | { readonly kind: 'unreachable'; readonly model: string; readonly error: ModelError }
  | { readonly kind: 'error'; readonly model: string; readonly error: ModelError };

/** One feature, the setting that chose its model, and that model's state. */
export interface FeatureState {
  readonly feature: Feature;
  readonly modelSetting: string;
  readonly state: ConnectionState;
}

export interface MonitorTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MonitorOptions {
  readonly healthyIntervalMs?: number;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  readonly timers?: MonitorTimers;
}

const defaultTimers: MonitorTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class ConnectionMonitor {
  /** The models watched, without repeats, in the order given. */
  readonly models: readonly string[];
  private readonly states = new Map<string, ConnectionState>();
  private timer: unknown;
  private failures = 0;
  private disposed = false;
  private running: Promise<void> | undefined;
  private readonly listeners = new Set<(s: ConnectionState) => void>();
  private watchedFeatures: readonly Feature[] = [];

  /**
   * The monitor of these features: it watches the model each one uses (its own, else hearth.model)
   * and no other, so a feature is never held back by a model it does not use.
   */
  static forFeatures(service: ModelService, features: readonly Feature[], opts: MonitorOptions = {}): ConnectionMonitor {
    const monitor = new ConnectionMonitor(service, [...modelsInUse(service.config, features).keys()], opts);
    monitor.watchedFeatures = [...features];
    return monitor;
  }

  constructor(
    private readonly service: ModelService,
    models: string | readonly string[],
    private readonly opts: MonitorOptions = {},
  ) {
    this.models = [...new Set(typeof models === 'string' ? [models] : models)];
    if (this.models.length === 0) throw new Error('ConnectionMonitor: no model to watch');
    for (const model of this.models) this.states.set(model, { kind: 'checking', model });
  }

  /** The state of a watched model (the first one by default); `checking` for a model not watched. */
  stateOf(model: string = this.models[0]): ConnectionState {
    return this.states.get(model) ?? { kind: 'checking', model };
  }

  /** The state of the model a feature uses: whether that feature can ask its model now. */
  stateFor(feature: Feature): ConnectionState {
    return this.stateOf(modelFor(this.service.config, feature));
  }

  /** Each watched feature with its model's state. */
  featureStates(): FeatureState[] {
    return this.watchedFeatures.map((feature) => ({ feature, modelSetting: this.service.config.features[feature].modelSetting, state: this.stateFor(feature) }));
  }

  /** Called with a model's new state whenever one changes. */
  onChange(fn: (s: ConnectionState) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  /**
   * Checks the server and every watched model now (joining a check already under way), schedules
   * the next check, and resolves with the state of `model` (the first watched by default).
   */
  async check(model: string = this.models[0]): Promise<ConnectionState> {
    if (!this.disposed) {
      if (!this.running) this.running = this.probe().finally(() => { this.running = undefined; });
      await this.running;
    }
    return this.stateOf(model);
  }

  /** A request failed: reflect it without waiting for the next poll. */
  report(error: unknown): void {
    if (!ModelError.is(error)) return;
    if (error.reason === 'unreachable') {
      for (const model of this.models) this.set({ kind: 'unreachable', model, error });
    } else if (error.reason === 'modelNotFound') {
      const gone = error.detail.model === undefined ? this.models : this.models.filter((m) => m === error.detail.model);
      if (gone.length === 0) return;
      for (const model of gone) this.service.forget(model);
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

  private async probe(): Promise<void> {
    this.timers.clearTimeout(this.timer);
    let next: ConnectionState[];
    try {
      const { version } = await this.service.backend.version();
      next = await Promise.all(this.models.map((model) => this.probeModel(model, version)));
    } catch (e) {
      const err = toModelError(e);
      const down = err.reason === 'unreachable' || err.reason === 'timeout';
      next = this.models.map((model) => (down ? { kind: 'unreachable', model, error: err } : { kind: 'error', model, error: err }));
    }
    if (this.disposed) return;
    for (const s of next) this.set(s);
    // A missing model is a healthy server: polled at the healthy pace, so a pull elsewhere is seen.
    const healthy = next.every((s) => s.kind === 'connected' || s.kind === 'modelMissing');
    this.failures = healthy ? 0 : this.failures + 1;
    const healthyMs = this.opts.healthyIntervalMs ?? 10_000;
    const min = this.opts.minRetryMs ?? 2_000;
    const max = this.opts.maxRetryMs ?? 30_000;
    const delay = this.failures === 0 ? healthyMs : Math.min(max, min * 2 ** (this.failures - 1));
    this.timer = this.timers.setTimeout(() => void this.check(), delay);
  }

  private async probeModel(model: string, version: string): Promise<ConnectionState> {
    try {
      const session = await this.service.sessionFor(model);
      return { kind: 'connected', model, version, description: session.description, numCtx: session.numCtx.numCtx };
    } catch (e) {
      const err = toModelError(e);
      return err.reason === 'modelNotFound'
        ? { kind: 'modelMissing', model, version, error: err }
        : err.reason === 'unreachable' ? { kind: 'unreachable', model, error: err } : { kind: 'error', model, error: err };
    }
  }

  private set(s: ConnectionState): void {
    const current = this.states.get(s.model);
    if (current === undefined) return;
    const changed = s.kind !== current.kind || JSON.stringify(s) !== JSON.stringify(current);
    this.states.set(s.model, s);
    if (changed) for (const l of this.listeners) l(s);
  }
}

function toModelError(e: unknown): ModelError {
  return ModelError.is(e) ? e : new ModelError('badResponse', e instanceof Error ? e.message : String(e), 'Please report this with the log.');
}
