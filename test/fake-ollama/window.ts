// What happens to a prompt in the context window: llama.cpp's middle truncation and its prefix-cache
// reuse (limited to the last num_batch tokens on sliding-window models).

/**
 * llama.cpp server truncation: keep the first `numKeep` tokens, drop whole blocks of half the
 * remaining window from the middle until the prompt fits; the result keeps about the last half.
 */
export function truncatePrompt<T>(tokens: T[], numCtx: number, numKeep: number): T[] {
  if (tokens.length <= numCtx) return tokens;
  const limit = Math.max(0, numCtx - 4);
  const keep = numKeep < 0 ? limit : Math.min(numKeep, limit);
  const block = Math.max(1, Math.floor((numCtx - keep) / 2));
  const erased = Math.floor((tokens.length - keep - block) / block);
  return [...tokens.slice(0, keep), ...tokens.slice(keep + erased * block)];
}

export function commonPrefix<T>(a: T[], b: T[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Prompt tokens served from the cache. At least one token is always evaluated. With sliding-window
 * attention llama.cpp can only resume from a checkpoint near the end of the previous prompt, so a
 * change earlier than its last `numBatch` tokens costs a full re-prefill.
 */
export function reusableTokens<T>(previous: T[], next: T[], slidingWindow: number | undefined, numBatch: number): number {
  let lcp = commonPrefix(previous, next);
  if (slidingWindow !== undefined && slidingWindow > 0 && lcp < previous.length - numBatch) lcp = 0;
  return Math.min(lcp, Math.max(0, next.length - 1));
}
