// Turns a scripted reply into the exact sequence of chunks the fake model emits, applying what the
// real runner applies while decoding: the token budget (num_predict, a full context with shift off),
// end-of-turn tokens and stop strings (output cut before them).
import { countTokens, tokenize } from './tokens';
import type { ScriptedReply } from './types';

export const DEFAULT_REPLY_TEXT = 'Hello from the fake Ollama server.';
export const DEFAULT_THINKING_TEXT =
  'The user wants a short answer. I will check the request, consider the context given, and reply briefly and precisely.';

export interface PlannedChunk {
  kind: 'thinking' | 'content';
  text: string;
  /** Tokens this chunk costs (decode time and eval_count). */
  tokens: number;
  /** False for thinking that Ollama's parser drops (think omitted on /api/generate). */
  visible: boolean;
}

export interface ReplyPlan {
  chunks: PlannedChunk[];
  doneReason: 'stop' | 'length';
  evalCount: number;
  content: string;
  thinking: string;
}

export interface PlanOptions {
  thinking: boolean;
  showThinking: boolean;
  /** Max generated tokens; undefined = unlimited. */
  budget?: number;
  stop: string[];
  endOfTurn: string[];
}

export function planReply(reply: ScriptedReply, opts: PlanOptions): ReplyPlan {
  let budget = opts.budget ?? Infinity;
  let hitBudget = false;
  const chunks: PlannedChunk[] = [];

  const take = (kind: PlannedChunk['kind'], pieces: string[], visible: boolean): void => {
    for (const piece of pieces) {
      if (hitBudget) return;
      const tokens = tokenize(piece);
      if (tokens.length > budget) {
        hitBudget = true;
        const kept = tokens.slice(0, budget);
        if (kept.length > 0) chunks.push({ kind, text: kept.join(''), tokens: kept.length, visible });
        budget = 0;
        return;
      }
      budget -= tokens.length;
      chunks.push({ kind, text: piece, tokens: tokens.length, visible });
    }
  };

  if (opts.thinking) take('thinking', tokenize(reply.thinking ?? DEFAULT_THINKING_TEXT), opts.showThinking);
  const contentPieces = reply.chunks ?? tokenize(reply.response ?? '');
  take('content', contentPieces, true);

  const stopped = cutAtStop(chunks, opts.stop, opts.endOfTurn);
  const doneReason = stopped ? 'stop' : hitBudget ? 'length' : reply.doneReason ?? 'stop';
  const evalCount = chunks.reduce((n, c) => n + c.tokens, 0) + (stopped?.extraTokens ?? 0);
  return {
    chunks,
    doneReason,
    evalCount: Math.min(evalCount, opts.budget ?? Infinity),
    content: chunks.filter((c) => c.kind === 'content').map((c) => c.text).join(''),
    thinking: chunks.filter((c) => c.kind === 'thinking' && c.visible).map((c) => c.text).join(''),
  };
}

/**
 * Finds the earliest stop string or end-of-turn token in the content and cuts the chunks before it.
 * Returns the tokens the model spent on the stop sequence itself, or undefined if nothing matched.
 */
function cutAtStop(chunks: PlannedChunk[], stop: string[], endOfTurn: string[]): { extraTokens: number } | undefined {
  const firstContent = chunks.findIndex((c) => c.kind === 'content');
  if (firstContent < 0) return undefined;
  const content = chunks.slice(firstContent).map((c) => c.text).join('');
  let at = -1;
  let matched = '';
  for (const s of [...endOfTurn, ...stop]) {
    if (s === '') continue;
    const i = content.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      matched = s;
    }
  }
  if (at < 0) return undefined;

  let offset = 0;
  const kept: PlannedChunk[] = [];
  for (const c of chunks.slice(firstContent)) {
    if (offset + c.text.length <= at) kept.push(c);
    else if (offset < at) {
      const text = c.text.slice(0, at - offset);
      kept.push({ ...c, text, tokens: countTokens(text) });
    }
    offset += c.text.length;
  }
  chunks.splice(firstContent, chunks.length - firstContent, ...kept);
  return { extraTokens: endOfTurn.includes(matched) ? 1 : countTokens(matched) };
}
