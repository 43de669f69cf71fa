// One context window per (server, model), decided once and sent on every request of every feature.
// Ollama reloads a model whenever num_ctx changes, and silently truncates to its own default (4096
// on most laptop GPUs) when num_ctx is omitted; both are what this module exists to prevent.
import type { ContextSizeSetting } from '../config';
import { MIN_NUM_CTX } from '../config';

/**
 * "auto" takes the trained length but no more than this. 32K tokens holds a review of several
 * files or a test-generation pack, while the KV cache stays within a laptop GPU's spare memory;
 * Gemma 4's sliding-window layers keep only the last 512 tokens each, so most of its KV cost does
 * not grow with the window. A bigger window is one setting away (hearth.contextSize).
 */
export const AUTO_NUM_CTX_CAP = 32768;
/** When the server does not report a trained length, "auto" picks this conservative window. */
export const UNKNOWN_TRAINED_NUM_CTX = 8192;

export interface NumCtxDecision {
  readonly numCtx: number;
  readonly source: 'auto' | 'setting';
  readonly trained: number | undefined;
  /** Why the window differs from what was asked, if it does. */
  readonly note?: string;
}

export function decideNumCtx(setting: ContextSizeSetting, trained: number | undefined): NumCtxDecision {
  if (setting === 'auto') {
    if (trained === undefined) {
      return { numCtx: UNKNOWN_TRAINED_NUM_CTX, source: 'auto', trained, note: `the server does not report the model's trained context length; using ${UNKNOWN_TRAINED_NUM_CTX}` };
    }
    return { numCtx: Math.max(Math.min(trained, AUTO_NUM_CTX_CAP), Math.min(trained, MIN_NUM_CTX)), source: 'auto', trained };
  }
  const asked = Math.max(MIN_NUM_CTX, Math.floor(setting));
  if (trained !== undefined && asked > trained) {
    return { numCtx: trained, source: 'setting', trained, note: `hearth.contextSize ${setting} is above the model's trained length; using ${trained}` };
  }
  return { numCtx: asked, source: 'setting', trained, note: asked !== setting ? `hearth.contextSize is below ${MIN_NUM_CTX}; using ${MIN_NUM_CTX}` : undefined };
}
