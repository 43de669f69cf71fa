// Repository text goes into prompts that the server tokenizes with special tokens recognized: a
// source file containing `<|turn>` would open a turn (and is a prompt-injection vector). Every
// piece of text from the workspace passes through `neutralize` before it joins a prompt.

/** Control sequences of the prompt formats Hearth writes or that FIM models react to. */
const CONTROL = /<\|turn>|<turn\|>|<\|channel>|<channel\|>|<\|think\|>|<start_of_turn>|<end_of_turn>|<\|im_start\|>|<\|im_end\|>|<\|endoftext\|>|<\|file_separator\|>|<\|fim_[a-z_]+\|>|<fim_[a-z_]+>|<\|(?:begin|end)_of_text\|>|<\|eot_id\|>|<\|start_header_id\|>|<\|end_header_id\|>|<\|[a-z_]{1,24}\|>/g;

/** Breaks a control sequence with a zero-width joiner after its first character: same look, no special token. */
export function neutralize(text: string, extra: readonly string[] = []): string {
  let out = text.replace(CONTROL, (m) => `${m[0]}\u200d${m.slice(1)}`);
  for (const marker of extra) {
    if (marker && out.includes(marker)) out = out.split(marker).join(`${marker[0]}\u200d${marker.slice(1)}`);
  }
  return out;
}
