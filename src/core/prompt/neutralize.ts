// Repository text goes into prompts that the server tokenizes with special tokens recognized: a
// source file containing `<|turn>` would open a turn (and is a prompt-injection vector). Every
// piece of text from the workspace passes through `neutralize` before it joins a prompt.

/**
 * Every literal control token Hearth neutralizes. The neutralizer's pattern and its table test are
 * both generated from this list, so a token added here is handled and tested at once.
 */
export const CONTROL_TOKENS: readonly string[] = [
  // Gemma 4: Google's prompt-format document and Ollama's gemma4 renderer.
  '<|turn>', '<turn|>', '<|think|>', '<|channel>', '<channel|>',
  '<|tool_call>', '<tool_call|>', '<|tool_response>', '<tool_response|>', '<|tool>', '<tool|>',
  '<|image>', '<image|>', '<|image|>', '<|audio>', '<audio|>', '<|audio|>',
  '<|"|>', // the string delimiter inside tool calls
  '<bos>', '<eos>', '<pad>',
  // Gemma 2/3 turns: not Gemma 4 tokens, but in old prompts and in code about them.
  '<start_of_turn>', '<end_of_turn>',
  // ChatML and plain end-of-text.
  '<|im_start|>', '<|im_end|>', '<|endoftext|>', '<|file_separator|>',
  // Llama 3.
  '<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>',
];

/**
 * Token families matched by shape rather than listed: fill-in-the-middle tokens of any FIM model
 * (`<|fim_prefix|>`, `<fim_middle>`, ...) and any other `<|word|>` special token.
 */
const CONTROL_FAMILIES = ['<\\|fim_[a-z_]+\\|>', '<fim_[a-z_]+>', '<\\|[a-z_]{1,24}\\|>'];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Longest first, so that no listed token is matched by a shorter one that starts it.
const CONTROL = new RegExp(
  [...[...CONTROL_TOKENS].sort((a, b) => b.length - a.length).map(escapeRegExp), ...CONTROL_FAMILIES].join('|'),
  'g',
);

/** Inserted after a token's first character: the text looks the same, the tokenizer sees no special token. */
export const ZERO_WIDTH_JOINER = '\u200d';

/**
 * Breaks every control sequence (and each of `extra`, Hearth's own section markers) with a
 * zero-width joiner after its first character. Every token starts with `<` and holds no other `<`,
 * so once each match's `<` is followed by the joiner no token can start anywhere in the result.
 */
export function neutralize(text: string, extra: readonly string[] = []): string {
  let out = text.replace(CONTROL, (m) => `${m[0]}${ZERO_WIDTH_JOINER}${m.slice(1)}`);
  for (const marker of extra) {
    if (marker && out.includes(marker)) out = out.split(marker).join(`${marker[0]}${ZERO_WIDTH_JOINER}${marker.slice(1)}`);
  }
  return out;
}
