// Prefix and suffix windows, sized in tokens and cut so that consecutive requests in one file
// differ only in their tail: typing moves the cursor, not the windows' outer edges. The prefix
// start is anchored to document lines that are multiples of ANCHOR_LINES, so it moves (and the
// server re-processes the prompt) once every few dozen lines rather than on every keystroke.

export const ANCHOR_LINES = 32;

export interface Windows {
  /** Text from an anchored line start up to the cursor. */
  readonly prefix: string;
  /** Text from the cursor up to an anchored line end. */
  readonly suffix: string;
  /** Document line where the prefix window starts (0-based). */
  readonly prefixStartLine: number;
  readonly prefixTokens: number;
  readonly suffixTokens: number;
}

/**
 * `prefix`/`suffix` are the document text before/after the cursor (or large slices of it ending /
 * starting at the cursor, with `prefixFirstLine` the document line of the slice's first line).
 */
export function cutWindows(a: {
  prefix: string;
  suffix: string;
  prefixFirstLine?: number;
  prefixBudget: number;
  suffixBudget: number;
  estimate: (text: string) => number;
}): Windows {
  const { estimate } = a;
  const firstLine = a.prefixFirstLine ?? 0;

  // Prefix: line starts, newest first, until the budget is spent; then snap the start forward
  // to an anchor so that it does not drift with the cursor.
  const starts: number[] = [0];
  for (let i = a.prefix.indexOf('\n'); i >= 0; i = a.prefix.indexOf('\n', i + 1)) starts.push(i + 1);
  let startIdx = 0;
  if (estimate(a.prefix) > a.prefixBudget) {
    // Binary search for the earliest line start whose tail fits.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (estimate(a.prefix.slice(starts[mid])) <= a.prefixBudget) hi = mid;
      else lo = mid + 1;
    }
    startIdx = lo;
    const docLine = firstLine + startIdx;
    const anchored = Math.ceil(docLine / ANCHOR_LINES) * ANCHOR_LINES - firstLine;
    if (anchored < starts.length) startIdx = Math.max(startIdx, anchored);
  }
  const prefix = a.prefix.slice(starts[startIdx]);

  // Suffix: as many whole lines as fit. Typing before the cursor (Enter included) does not change
  // the text after it, so this cut is stable while the user types; no anchor is needed.
  let suffix = a.suffix;
  if (estimate(suffix) > a.suffixBudget) {
    const ends: number[] = [];
    for (let i = suffix.indexOf('\n'); i >= 0; i = suffix.indexOf('\n', i + 1)) ends.push(i + 1);
    let lo = -1;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (estimate(suffix.slice(0, ends[mid])) <= a.suffixBudget) lo = mid;
      else hi = mid - 1;
    }
    suffix = lo >= 0 ? suffix.slice(0, ends[lo]) : '';
  }
  return { prefix, suffix, prefixStartLine: firstLine + startIdx, prefixTokens: estimate(prefix), suffixTokens: estimate(suffix) };
}
