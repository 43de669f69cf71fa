// Typed errors for everything that can go wrong between Hearth and a model server. Each carries a
// reason (for code), a message (what happened) and a fix (what the user can do), so that the status
// bar, notifications, the Doctor and the CLI all say the same actionable thing.
import { excerpt } from './text/sanitize';

export type ModelErrorReason =
  | 'unreachable'
  | 'modelNotFound'
  | 'unsupported'
  | 'contextOverflow'
  | 'busy'
  | 'crashed'
  | 'badResponse'
  | 'aborted'
  | 'timeout'
  // Structured output: the answer ran into the output limit, or was not usable JSON of the right shape.
  | 'outputCut'
  | 'unreadableOutput';

export interface ModelErrorDetail {
  readonly status?: number;
  readonly serverMessage?: string;
  readonly url?: string;
  readonly model?: string;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly reason: ModelErrorReason,
    message: string,
    readonly fix: string,
    readonly detail: ModelErrorDetail = {},
  ) {
    super(message);
  }

  /** The message and the fix in one line, for notifications, tooltips and the CLI. */
  get userMessage(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message;
  }

  static is(e: unknown, reason?: ModelErrorReason): e is ModelError {
    return e instanceof ModelError && (reason === undefined || e.reason === reason);
  }
}

/** Expected noise: the user typed on, or a newer request replaced this one. Never shown. */
export function isSilent(e: unknown): boolean {
  return ModelError.is(e, 'aborted');
}

export function abortedError(why = 'The request was cancelled.'): ModelError {
  return new ModelError('aborted', why, '');
}

/** The most of a server's own words any message quotes; the server may send megabytes. */
export const SERVER_MESSAGE_MAX_CHARS = 300;

/** What a server said, as it may appear in a message: one line, no control characters, clipped. */
export function serverWords(text: string): string {
  return excerpt(text, SERVER_MESSAGE_MAX_CHARS);
}

export interface ServerErrorFacts {
  /** HTTP status; 200 for an `{"error"}` line that arrived mid-stream. */
  readonly status: number;
  /** The `error` field of Ollama's JSON body, or the raw body text (any length, any bytes). */
  readonly message: string;
  readonly url: string;
  readonly model?: string;
}

/**
 * Maps an error reply of an Ollama server (status + `{"error": "..."}`) to a typed error. The
 * patterns are Ollama's real error texts (see the reference's error table); the fixes are written
 * for a person who has never read Ollama's source.
 */
export function classifyServerError(f: ServerErrorFacts): ModelError {
  const m = serverWords(f.message);
  const detail: ModelErrorDetail = { status: f.status, serverMessage: m, url: f.url, model: f.model };
  const model = f.model ?? 'the model';
  const lower = m.toLowerCase();
  const said = m ? `: ${m}` : '';

  if (f.status < 200 || f.status > 599) return unexpectedStatusError(f.url, f.status, m, f.model);
  if (f.status >= 300 && f.status < 400) {
    return new ModelError('badResponse', `The server at ${f.url} answered with HTTP status ${f.status}, a redirect, where Ollama answers directly${said}.`,
      'Check hearth.serverUrl (http or https, host and port): it should point at Ollama itself, e.g. http://127.0.0.1:11434.', detail);
  }

  if (/model ['"]?[^'"]*['"]? not found/.test(lower) || (f.status === 404 && lower.includes('not found') && !lower.includes('page'))) {
    return new ModelError('modelNotFound', `The model ${model} is not installed on ${f.url}.`,
      `Pull it with "Hearth: Pull Model" (or \`ollama pull ${f.model ?? '<model>'}\`), or pick an installed one with "Hearth: Select Model".`, detail);
  }
  if (lower.includes('pull model manifest') || lower.includes('file does not exist')) {
    return new ModelError('modelNotFound', `The registry has no model named ${model}.`,
      'Check the name and tag (for example gemma4:e4b) at the Ollama library.', detail);
  }
  if (lower.includes('does not support insert')) {
    return new ModelError('unsupported', `${model} has no fill-in-the-middle (insert) support.`,
      'Hearth should have used its instruction prompt for this model; please report this with the log ("Hearth: Show Log").', detail);
  }
  if (lower.includes('does not support thinking')) {
    return new ModelError('unsupported', `${model} does not support thinking.`,
      'Hearth should not have asked for thinking on this model; please report this with the log ("Hearth: Show Log").', detail);
  }
  if (lower.includes('raw mode does not support')) {
    return new ModelError('unsupported', 'The server refused a raw prompt combined with a system prompt or template.',
      'This is a Hearth bug; please report it with the log ("Hearth: Show Log").', detail);
  }
  if (lower.includes('does not support')) {
    return new ModelError('unsupported', `${model} does not support this request: ${m}.`,
      'Choose another model with "Hearth: Select Model".', detail);
  }
  if (lower.includes('longer than the context length') || lower.includes('exceeds the context length') || lower.includes('context length exceeded')) {
    return new ModelError('contextOverflow', `The prompt did not fit the context window of ${model}.`,
      'Raise hearth.contextSize, or reduce the context budget of the feature.', detail);
  }
  if (f.status === 503 || lower.includes('server busy') || lower.includes('maximum pending requests')) {
    return new ModelError('busy', `Ollama at ${f.url} is busy: its request queue is full.`,
      'Wait for running requests to finish, or raise OLLAMA_MAX_QUEUE / OLLAMA_NUM_PARALLEL on the server.', detail);
  }
  if (lower.includes('requires more system memory') || lower.includes('out of memory') || lower.includes('cudamalloc failed')) {
    return new ModelError('crashed', `${model} does not fit in the memory available to Ollama.`,
      'Choose a smaller model, or set a smaller hearth.contextSize (a smaller window needs less memory).', detail);
  }
  if (lower.includes('runner has unexpectedly stopped') || lower.includes('runner process has terminated') || lower.includes('llama runner process')) {
    return new ModelError('crashed', `Ollama's model runner stopped while serving ${model}.`,
      'This is usually memory: try a smaller model or a smaller hearth.contextSize, and check the `ollama serve` log.', detail);
  }
  if (f.status === 401 || f.status === 403) {
    return new ModelError('unreachable', `The server at ${f.url} refused the request (HTTP ${f.status}).`,
      'If it needs a token, add it to hearth.requestHeaders (for example {"Authorization": "Bearer ..."}).', detail);
  }
  if (f.status === 404) {
    return new ModelError('badResponse', `The server at ${f.url} does not look like Ollama (HTTP 404 for an Ollama API path).`,
      'Check hearth.serverUrl: it should point at Ollama, e.g. http://127.0.0.1:11434.', detail);
  }
  if (f.status >= 500) {
    return new ModelError('crashed', `Ollama failed: ${m || `HTTP ${f.status}`}.`,
      'Check the `ollama serve` log; restarting Ollama usually helps.', detail);
  }
  if (f.status < 300) {
    // An {"error"} line after the reply had started: the server gave up on this request midway.
    return new ModelError('crashed', `Ollama stopped the reply of ${model} with an error${said || ' and no explanation'}.`,
      'Try again; if it happens again, the `ollama serve` log says more (a model that does not fit in memory is the usual cause).', detail);
  }
  return new ModelError('badResponse', `Ollama refused the request (HTTP ${f.status})${said}.`,
    'Please report this with the log ("Hearth: Show Log").', detail);
}

/**
 * A status no Ollama sends: an informational 1xx (including 101, a protocol switch), or anything
 * outside 100–599. Usually another service, or a proxy in between, answers at that address.
 */
export function unexpectedStatusError(url: string, status: number, serverMessage = '', model?: string): ModelError {
  const words = serverWords(serverMessage);
  const what = status === 101 ? ' (a switch to another protocol)' : status >= 100 && status < 200 ? ' (an interim reply)' : '';
  return new ModelError('badResponse', `The server at ${url} answered with HTTP status ${status}${what}, which Ollama never sends${words ? `: ${words}` : ''}.`,
    'Check that hearth.serverUrl points at Ollama (≥ 0.30), not another service or a proxy that rewrites replies.',
    { status, serverMessage: words || undefined, url, model });
}

/** The reply started, then no complete line came for a while: a stalled server or a hostile one. */
export function stalledStreamError(url: string, idleMs: number, model?: string): ModelError {
  const seconds = idleMs >= 10_000 ? String(Math.round(idleMs / 1000)) : String(Math.round(idleMs / 100) / 10);
  return new ModelError('timeout', `The server at ${url} stopped sending${model ? ` the reply of ${model}` : ''}: no complete line for ${seconds} s.`,
    'Check that Ollama is still running and responsive (`ollama ps`), then try again; restarting it usually helps.', { url, model });
}

export function unreachableError(url: string, cause?: string): ModelError {
  const why = cause ? ` (${cause})` : '';
  return new ModelError('unreachable', `Cannot reach Ollama at ${url}${why}.`,
    'Start Ollama (`ollama serve`), or point Hearth at it: the hearth.serverUrl setting (CLI: --host or OLLAMA_HOST).', { url });
}

export function timeoutError(url: string, seconds: number, model?: string): ModelError {
  return new ModelError('timeout', `${model ?? 'The model'} at ${url} gave no answer within ${seconds} s.`,
    'The model may still be loading or the machine is overloaded: try again, choose a smaller model, or raise hearth.requestTimeoutSeconds.', { url, model });
}

export function badResponseError(url: string, what: string): ModelError {
  return new ModelError('badResponse', `The server at ${url} sent a reply Hearth could not read: ${serverWords(what)}.`,
    'Check that hearth.serverUrl points at Ollama (≥ 0.30), not another service.', { url });
}

/** The server stopped the answer at the request's output limit (`done_reason: "length"`). */
export function outputCutError(model: string, numPredict: number, thought: boolean): ModelError {
  return new ModelError('outputCut',
    `The answer of ${model} was cut off at its output limit of ${numPredict} tokens before it was complete${thought ? ' (its thinking counts against the same limit)' : ''}.`,
    `Ask for less at once (a smaller change, fewer files)${thought ? ', or use less thinking' : ''}. If it keeps happening, please report it with the log ("Hearth: Show Log"): the limit may be too low for this task.`,
    { model });
}

/** The model's answer could not be used (not JSON, or not of the required shape), also when asked again. */
export function unreadableOutputError(model: string, problems: readonly string[]): ModelError {
  const last = excerpt(problems[problems.length - 1] ?? 'no answer', SERVER_MESSAGE_MAX_CHARS);
  const tries = problems.length === 1 ? 'once' : `${problems.length} times`;
  return new ModelError('unreadableOutput',
    `${model} did not give a usable answer (asked ${tries}): ${last}.`,
    'Try again, or choose a larger model with "Hearth: Select Model": small models keep to a required JSON shape less reliably.',
    { model });
}
