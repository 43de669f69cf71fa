// One ModelService per server: its backend, its scheduler (shared by every feature, so completions
// overtake queued review work), and one ModelSession per model with the num_ctx decided once.
import type { Feature, HearthConfig } from '../config';
import { modelFor } from '../config';
import type { Logger } from '../log';
import type { ModelBackend, ModelDescription } from './backend';
import type { RequestMetrics } from './metrics';
import { decideNumCtx } from './numCtx';
import { RequestScheduler } from './scheduler';
import { ModelSession } from './session';
import { TokenEstimator } from './tokens';

export interface ActivityListener {
  onRequestStart?(id: number, feature: string): void;
  onRequestEnd?(id: number, outcome: { metrics?: RequestMetrics; error?: unknown }): void;
}

export class ModelService {
  readonly scheduler: RequestScheduler;
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  private readonly estimators = new Map<string, TokenEstimator>();
  private seq = 0;
  private readonly listeners = new Set<ActivityListener>();

  constructor(
    readonly backend: ModelBackend,
    readonly config: HearthConfig,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.scheduler = new RequestScheduler(config.parallelRequests);
  }

  onActivity(l: ActivityListener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  modelFor(feature: Feature): string {
    return modelFor(this.config, feature);
  }

  session(feature: Feature): Promise<ModelSession> {
    return this.sessionFor(this.modelFor(feature));
  }

  /** The session for a model; described once. A failed description is not cached, so a pull fixes it. */
  sessionFor(model: string): Promise<ModelSession> {
    let s = this.sessions.get(model);
    if (!s) {
      s = this.backend.describe(model).then((d) => this.createSession(d));
      this.sessions.set(model, s);
      s.catch(() => this.sessions.delete(model));
    }
    return s;
  }

  /** Drop what is known of a model (after a pull, or when the server says it is gone). */
  forget(model: string): void {
    this.sessions.delete(model);
  }

  private createSession(d: ModelDescription): ModelSession {
    const numCtx = decideNumCtx(this.config.contextSize, d.contextLength);
    if (numCtx.note) this.logger.warn(`${d.name}: ${numCtx.note}`);
    this.logger.info(`${d.name} on ${this.backend.url}: num_ctx=${numCtx.numCtx} (${numCtx.source}; trained ${d.contextLength ?? 'unknown'}), keep_alive=${this.config.keepAlive}, capabilities=${d.capabilities.join(',') || 'none'}, prompt format=${d.promptFormat}`);
    let estimator = this.estimators.get(d.name);
    if (!estimator) {
      estimator = new TokenEstimator();
      this.estimators.set(d.name, estimator);
    }
    return new ModelSession(d, numCtx, {
      backend: this.backend,
      scheduler: this.scheduler,
      estimator,
      logger: this.logger,
      keepAlive: this.config.keepAlive,
      timeoutMs: this.config.requestTimeoutSeconds * 1000,
      now: this.now,
      nextId: () => ++this.seq,
      onRequestStart: (id, feature) => { for (const l of this.listeners) l.onRequestStart?.(id, feature); },
      onRequestEnd: (id, outcome) => { for (const l of this.listeners) l.onRequestEnd?.(id, outcome); },
    });
  }
}
