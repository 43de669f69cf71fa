// Renders requests into the prompt text a model sees, so token counts, truncation and the prefix
// cache behave like the real server's. Gemma 4 follows Google's prompt format (Ollama's built-in
// renderer trims message whitespace); qwen2 uses ChatML plus its FIM tokens; anything else Llama 3.
import type { FakeModel } from './models';

export interface PromptTurn {
  role: string;
  content: string;
}

export function renderTurns(model: FakeModel, turns: PromptTurn[], thinking: boolean): string {
  if (model.family === 'gemma4') return renderGemma4(model, turns, thinking);
  if (model.family === 'qwen2') return renderChatMl(turns);
  return renderLlama3(turns);
}

/** Native fill-in-the-middle prompt (only for models with the insert capability). */
export function renderInsert(prefix: string, suffix: string): string {
  return `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`;
}

/** Tokens that end generation when the model emits them. */
export function endOfTurnTokens(model: FakeModel): string[] {
  if (model.family === 'gemma4') return ['<turn|>', '<eos>'];
  if (model.family === 'qwen2') return ['<|im_end|>', '<|endoftext|>'];
  return ['<|eot_id|>'];
}

function renderGemma4(model: FakeModel, turns: PromptTurn[], thinking: boolean): string {
  const system = turns.filter((t) => t.role === 'system').map((t) => t.content.trim()).join('\n\n');
  let out = '';
  if (thinking || system !== '') out += `<|turn>system\n${thinking ? '<|think|>' : ''}${system}<turn|>\n`;
  for (const t of turns) {
    if (t.role === 'system') continue;
    const role = t.role === 'assistant' ? 'model' : t.role;
    out += `<|turn>${role}\n${t.content.trim()}<turn|>\n`;
  }
  out += '<|turn>model\n';
  if (model.largePromptFormat && !thinking) out += '<|channel>thought\n<channel|>';
  return out;
}

function renderChatMl(turns: PromptTurn[]): string {
  let out = '';
  if (!turns.some((t) => t.role === 'system')) {
    out += '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n';
  }
  for (const t of turns) out += `<|im_start|>${t.role}\n${t.content}<|im_end|>\n`;
  return `${out}<|im_start|>assistant\n`;
}

function renderLlama3(turns: PromptTurn[]): string {
  let out = '';
  for (const t of turns) out += `<|start_header_id|>${t.role}<|end_header_id|>\n\n${t.content.trim()}<|eot_id|>`;
  return `${out}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}
