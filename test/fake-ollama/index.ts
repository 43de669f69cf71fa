// Public API of the fake Ollama server used by every test tier.
export { FakeOllama } from './server';
export {
  type FakeModel, GEMMA4_E2B, GEMMA4_E4B, GEMMA4_26B, GEMMA4_31B, QWEN25_CODER_1_5B, LLAMA32_1B,
  DEFAULT_MODELS, ALL_MODELS, normalizeName, fullName,
} from './models';
export type { LatencyModel, ScriptedReply, RecordedRequest, FakeOllamaOptions, ReplySource } from './types';
export { INSTANT } from './types';
export { countTokens, tokenize, CONTROL_TOKENS } from './tokens';
export { renderTurns, renderInsert, type PromptTurn } from './template';
export { truncatePrompt, reusableTokens } from './window';
export { DEFAULT_REPLY_TEXT, DEFAULT_THINKING_TEXT } from './reply';
export {
  SERVER_BUSY, RUNNER_STOPPED, RAW_MODE_UNSUPPORTED, PROMPT_TOO_LONG, PULL_UNKNOWN, NOT_FOUND_PAGE,
} from './errors';

/**
 * Whether a recorded request is one of Hearth's cache warm-ups (the completion prompt for one
 * token, sent where the cursor came to rest) rather than a completion: tests that count
 * completions leave them out.
 */
export function isWarmup(r: { readonly body?: { readonly options?: { readonly num_predict?: unknown } } }): boolean {
  return r.body?.options?.num_predict === 1;
}
