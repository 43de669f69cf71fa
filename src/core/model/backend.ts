// The seam between features and model servers. Features never see HTTP: they describe a request,
// a ModelSession adds the per-model invariants (num_ctx, keep_alive, think), and a ModelBackend
// speaks one server's protocol. Ollama is the first backend; an OpenAI-compatible one (vLLM,
// llama.cpp server, SGLang) implements the same interface.

export type ThinkSetting = boolean | 'low' | 'medium' | 'high' | 'max';

export interface ServerInfo {
  readonly version: string;
}

export interface ModelSummary {
  readonly name: string;
  readonly sizeBytes?: number;
  readonly family?: string;
  readonly parameterSize?: string;
  readonly quantization?: string;
  /** Trained context length, where the list reply carries it. */
  readonly contextLength?: number;
}

export interface LoadedModel {
  readonly name: string;
  /** Context the server actually allocated. */
  readonly contextLength?: number;
  readonly expiresAt?: string;
  readonly sizeVramBytes?: number;
}

/** Prompt formats Hearth knows how to write by hand for a raw prompt. */
export type PromptFormat = 'gemma4-small' | 'gemma4-large' | 'generic';

export interface ModelDescription {
  readonly name: string;
  readonly family: string;
  readonly capabilities: readonly string[];
  /** Trained context length from the model's metadata; undefined when the server does not say. */
  readonly contextLength: number | undefined;
  readonly parameterCount?: number;
  readonly parameterSize?: string;
  readonly quantization?: string;
  /** Sliding attention window, when the architecture has one (limits prefix-cache reuse). */
  readonly slidingWindow?: number;
  readonly promptFormat: PromptFormat;
  readonly thinking: boolean;
  readonly insert: boolean;
}

export interface SamplingOptions {
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly num_predict?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  readonly num_keep?: number;
}

/** A request as it goes on the wire: everything decided, nothing left to the server's defaults. */
export interface WireCommon {
  readonly model: string;
  readonly think?: ThinkSetting;
  readonly keepAlive: string;
  readonly numCtx: number;
  readonly options: SamplingOptions;
  /** Ollama `format`: "json" or a JSON schema (constrained decoding). */
  readonly format?: 'json' | Record<string, unknown>;
}

export interface WireGenerateRequest extends WireCommon {
  readonly prompt: string;
  readonly raw?: boolean;
  readonly system?: string;
  readonly suffix?: string;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface WireChatRequest extends WireCommon {
  readonly messages: readonly ChatMessage[];
}

/** The server's own figures for a finished request (milliseconds, tokens). */
export interface ServerStats {
  readonly doneReason?: string;
  readonly promptEvalCount?: number;
  readonly promptEvalMs?: number;
  readonly evalCount?: number;
  readonly evalMs?: number;
  readonly loadMs?: number;
  readonly totalMs?: number;
}

export type StreamEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly text: string }
  | { readonly type: 'done'; readonly stats: ServerStats };

export interface PullProgress {
  readonly status: string;
  readonly digest?: string;
  readonly total?: number;
  readonly completed?: number;
}

export interface ModelBackend {
  readonly kind: 'ollama' | 'openai';
  /** Normalized base URL, for messages. */
  readonly url: string;
  version(signal?: AbortSignal): Promise<ServerInfo>;
  list(signal?: AbortSignal): Promise<ModelSummary[]>;
  /** Throws ModelError('modelNotFound') for a model the server does not have. */
  describe(model: string, signal?: AbortSignal): Promise<ModelDescription>;
  loaded(signal?: AbortSignal): Promise<LoadedModel[]>;
  /** Streams until done; aborting the signal closes the connection at once. */
  generate(req: WireGenerateRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  chat(req: WireChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  pull(model: string, signal: AbortSignal): AsyncIterable<PullProgress>;
}
