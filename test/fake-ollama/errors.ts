// Ollama's error statuses and messages, word for word where the reference gives them.
import { fullName } from './models';

/** An error answered before any output: HTTP status + {"error": message}. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const SERVER_BUSY = 'server busy, please try again.  maximum pending requests exceeded';
export const RUNNER_STOPPED =
  'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details';
export const RAW_MODE_UNSUPPORTED = 'raw mode does not support template, system, or context';
/** Prefix of the overflow error (truncate:false or options.shift:false). */
export const PROMPT_TOO_LONG = 'the prompt is longer than the context length';
export const PULL_UNKNOWN = 'pull model manifest: file does not exist';
export const NOT_FOUND_PAGE = '404 page not found';

export const modelNotFound = (requested: string): HttpError => new HttpError(404, `model '${requested}' not found`);

export const unsupportedCapability = (requested: string, capability: string): HttpError =>
  new HttpError(400, `${fullName(requested)} does not support ${capability}`);

export const thinkingUnsupported = (requested: string): HttpError =>
  new HttpError(400, `${JSON.stringify(requested)} does not support thinking`);

export const promptTooLong = (tokens: number, numCtx: number): HttpError =>
  new HttpError(400, `${PROMPT_TOO_LONG} (${tokens} tokens, num_ctx ${numCtx})`);

export const badRequest = (message: string): HttpError => new HttpError(400, message);

/** Thrown by sleeps and queue waits when the client has gone away. */
export class ClientGone extends Error {
  constructor() {
    super('client closed the connection');
    this.name = 'AbortError';
  }
}
