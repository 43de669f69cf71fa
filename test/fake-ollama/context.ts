// What request handlers share with the server: state, settings and the per-request exchange.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedModels } from './cache';
import type { ModelCatalog } from './models';
import type { SlotQueue } from './queue';
import type { Vocabulary } from './tokens';
import type { LatencyModel, RecordedRequest, ScriptedReply } from './types';

export interface ServerState {
  readonly catalog: ModelCatalog;
  readonly registry: ModelCatalog;
  readonly loaded: LoadedModels;
  readonly vocab: Vocabulary;
  readonly version: string;
  readonly defaultNumCtx: number;
  readonly maxQueue: number;
  readonly pullStepMs: number;
  readonly ignoreTruncateFlag: boolean;
  readonly memoryNumCtx: number | undefined;
  latency(): LatencyModel;
  queueFor(model: string): SlotQueue;
  /** Requests waiting for a slot, over all models. */
  totalWaiting(): number;
  /** The scripted (or default) reply for a generation request, taken in arrival order. */
  takeReply(rec: RecordedRequest): ScriptedReply;
  countReload(): void;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly rec: RecordedRequest;
  /** Aborts when the client closes the connection before the response is complete. */
  readonly signal: AbortSignal;
  /** Tells waiters that `rec` changed. */
  touch(): void;
}
