// Public shapes of the fake: latency model, scripted replies and the request log.
import type { FakeModel } from './models';

/** How slow the fake model is. Defaults are instant; tests set realistic figures. */
export interface LatencyModel {
  loadMs: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

export const INSTANT: LatencyModel = { loadMs: 0, prefillTokensPerSec: Infinity, decodeTokensPerSec: Infinity };

/** What the next /api/generate or /api/chat answers. */
export interface ScriptedReply {
  /** Full text to stream; split into token-sized chunks by the fake's tokenizer. */
  response?: string;
  /** Or explicit chunks, one NDJSON line each. */
  chunks?: string[];
  /** Thinking text; only sent when thinking is on and shown (see think semantics). */
  thinking?: string;
  doneReason?: 'stop' | 'length';
  /** HTTP error before any output. */
  error?: { status: number; message: string };
  /** Status 200, `afterChunks` lines, then one {"error"} line and the end of the stream. */
  midStreamError?: { afterChunks: number; message: string };
  /** Extra delay between chunks, on top of the decode latency. */
  chunkDelayMs?: number;
  /** Send the status line and headers, then nothing until the client disconnects. */
  hang?: boolean;
  /** Delay before the status line and headers are sent (they are then sent ahead of the first chunk). */
  headersDelayMs?: number;
}

export type ReplySource = ScriptedReply | ((req: RecordedRequest) => ScriptedReply | undefined);

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  // The request body is whatever JSON the client sent; tests read it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** When the first body byte was written. */
  firstByteAt?: number;
  /** When the response finished normally (any status). */
  endedAt?: number;
  /** When the client closed the connection before the response finished. */
  clientClosedAt?: number;
  status?: number;
  model?: string;
  /** Prompt tokens after truncation (= prompt_eval_count). */
  promptTokens?: number;
  /** Prompt tokens served from the prefix cache. */
  cachedTokens?: number;
  truncated?: boolean;
  reloaded?: boolean;
  numCtx?: number;
  evalCount?: number;
}

export interface FakeOllamaOptions {
  models?: FakeModel[];
  /** Models the fake registry knows, for /api/pull. Defaults to every model defined in models.ts. */
  pullable?: FakeModel[];
  latency?: Partial<LatencyModel>;
  version?: string;
  /** Waiting generate/chat requests allowed before 503 (Ollama: OLLAMA_MAX_QUEUE, 512). */
  maxQueue?: number;
  /** num_ctx used when a request omits it (Ollama on a GPU below ~23 GiB: 4096). */
  defaultNumCtx?: number;
  /** Delay between pull progress lines, ms (default 20). */
  pullStepMs?: number;
  /** Behave like a server older than the `truncate` request field: overflow is always cut silently. */
  ignoreTruncateFlag?: boolean;
  /** Largest window the machine's memory allows: a bigger num_ctx is silently lowered to this. */
  memoryNumCtx?: number;
}
