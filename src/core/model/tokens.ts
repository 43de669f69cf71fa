// Token counting without the model's tokenizer: a characters-per-token ratio that starts
// conservative and is calibrated by the server's own prompt_eval_count. Estimates carry a safety
// margin so that a prompt the budget accepts never overflows the window.
import type { ChatMessage } from './backend';

const INITIAL_CHARS_PER_TOKEN = 3.0;
const MIN_CHARS_PER_TOKEN = 1.5;
const MAX_CHARS_PER_TOKEN = 6.0;
const SAFETY = 1.08;
/** Turn markers and role names the template adds around each chat message. */
const PER_MESSAGE_OVERHEAD = 6;

export class TokenEstimator {
  private charsPerToken = INITIAL_CHARS_PER_TOKEN;
  private samples = 0;

  /** Upper estimate of the tokens in `text`. */
  estimate(text: string): number {
    if (text.length === 0) return 0;
    return Math.ceil((text.length / this.charsPerToken) * SAFETY) + 1;
  }

  estimateChat(messages: readonly ChatMessage[], system?: string): number {
    let n = system ? this.estimate(system) + PER_MESSAGE_OVERHEAD : 0;
    for (const m of messages) n += this.estimate(m.content) + PER_MESSAGE_OVERHEAD;
    return n + PER_MESSAGE_OVERHEAD;
  }

  /**
   * Learns from a finished request whose prompt the server did not truncate. Small prompts say
   * little about the ratio and are skipped; the moving average keeps one odd file from swinging it.
   */
  calibrate(promptChars: number, serverTokens: number): void {
    if (promptChars < 400 || serverTokens <= 0) return;
    const observed = Math.min(MAX_CHARS_PER_TOKEN, Math.max(MIN_CHARS_PER_TOKEN, promptChars / serverTokens));
    const alpha = this.samples < 3 ? 0.5 : 0.2;
    this.charsPerToken = this.charsPerToken + alpha * (observed - this.charsPerToken);
    this.samples++;
  }

  get ratio(): number {
    return this.charsPerToken;
  }
}

/** The budget of one model's window: what a feature may put in a prompt. */
export class PromptBudget {
  constructor(readonly numCtx: number, private readonly estimator: TokenEstimator) {}

  /** Most prompt tokens that still leave room for `numPredict` tokens of output. */
  maxPromptTokens(numPredict: number): number {
    return Math.max(0, this.numCtx - numPredict);
  }

  estimate(text: string): number {
    return this.estimator.estimate(text);
  }

  fits(promptTokens: number, numPredict: number): boolean {
    return promptTokens <= this.maxPromptTokens(numPredict);
  }
}
