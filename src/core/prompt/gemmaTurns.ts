// Gemma 4's turn format, for prompts sent raw (Ollama's template skipped): a system and a user turn,
// then the model's turn opened — on the large models with an empty thought block, which is how the
// template turns thinking off. Shared by every feature that writes raw Gemma prompts.
import type { ModelDescription } from '../model/backend';

export const GEMMA_TURN_OPEN = '<|turn>';
export const GEMMA_TURN_CLOSE = '<turn|>';

/** One whole turn: `<|turn>role\n…<turn|>\n`. */
export function gemmaTurn(role: 'system' | 'user' | 'model', text: string): string {
  return `${GEMMA_TURN_OPEN}${role}\n${text}${GEMMA_TURN_CLOSE}\n`;
}

/** What opens the model's turn with thinking off (the large models need the empty thought block). */
export function gemmaModelOpener(format: ModelDescription['promptFormat']): string {
  return format === 'gemma4-large' ? `${GEMMA_TURN_OPEN}model\n<|channel>thought\n<channel|>` : `${GEMMA_TURN_OPEN}model\n`;
}

/** A raw prompt: system and user turns, then the model's turn opened and seeded with `seed`. */
export function gemmaRawPrompt(a: { system: string; user: string; format: ModelDescription['promptFormat']; seed?: string }): string {
  return `${gemmaTurn('system', a.system)}${gemmaTurn('user', a.user)}${gemmaModelOpener(a.format)}${a.seed ?? ''}`;
}
