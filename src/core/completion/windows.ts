// Prefix and suffix windows, sized in tokens and cut so that consecutive requests in one file
// differ only in their tail: typing moves the cursor, not the windows' outer edges. The prefix
// start is anchored to document lines that are multiples of ANCHOR_LINES, so it moves (and the
// server re-processes the prompt) once every few dozen lines rather than on every keystroke.
// A line longer than the whole budget (minified code: one line of hundreds of KB) is cut by
// characters instead: the prefix then starts at a multiple of ANCHOR_CHARS from the start of the
// cursor's line, which typing on that line does not move, so the start again moves only once
// every ANCHOR_CHARS typed characters. The suffix is the rest of the cursor's line and whole lines
// below it, budgeted apart: the prompt shows the lines below first and the rest of the line at its
// very end (completionPrompt.ts), so the brackets the editor closes as the user types change only
// the prompt's last tokens.

export const ANCHOR_LINES = 32;
export const ANCHOR_CHARS = 1024;
/** How far past its budget a prefix window may grow before it moves on (see `keepStartLine`). */
export const KEEP_SLACK = 1.25;

export interface Windows {
  /** Text from an anchored line start (or, on a line longer than the budget, an anchored column) up to the cursor. */
  readonly prefix: string;
  /** Text from the cursor up to an anchored line end (or, when the cursor's line is too long, as much of it as fits). */
  readonly suffix: string;
  /** Document line where the prefix window starts (0-based). */
  readonly prefixStartLine: number;
  /** Column of that line where the prefix window starts: 0 unless the line was cut by characters. */
  readonly prefixStartColumn: number;
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
  /**
   * Document line where the document's previous prompt started its prefix window: kept while the
   * text from it to the cursor fits the budget with KEEP_SLACK to spare, so that a window which
   * was nearly full when the user began typing does not move to the next anchor after a few keys.
   */
  keepStartLine?: number;
}): Windows {
  const { estimate } = a;
  const firstLine = a.prefixFirstLine ?? 0;

  // Prefix: line starts, newest first, until the budget is spent; then snap the start forward
  // to an anchor so that it does not drift with the cursor.
  const starts: number[] = [0];
  for (let i = a.prefix.indexOf('\n'); i >= 0; i = a.prefix.indexOf('\n', i + 1)) starts.push(i + 1);
  let startIdx = 0;
  let start = 0;
  const kept = a.keepStartLine === undefined ? -1 : a.keepStartLine - firstLine;
  if (kept > 0 && kept < starts.length && estimate(a.prefix.slice(starts[kept])) <= a.prefixBudget * KEEP_SLACK) {
    startIdx = kept;
    start = starts[kept];
  } else if (estimate(a.prefix) > a.prefixBudget) {
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
    start = starts[startIdx];
    // Not even the cursor's line alone fits: cut it by characters.
    if (estimate(a.prefix.slice(start)) > a.prefixBudget) {
      startIdx = starts.length - 1;
      start = starts[startIdx] + anchoredColumn(a.prefix.slice(starts[startIdx]), a.prefixBudget, estimate);
    }
  }
  const prefix = a.prefix.slice(start);

  // Suffix: the rest of the cursor's line (with any lines of closers right below it, see
  // suffixParts), then as many whole lines below as fit. The two are budgeted apart, so that what
  // the editor puts right of the cursor (auto-closed brackets and quotes) never changes how many
  // lines below are kept: typing before the cursor, Enter included, leaves the lines below as they
  // were. A rest longer than its share (minified code) gets the whole budget, as much of it as
  // fits, and nothing below.
  const { rest, below } = suffixParts(a.suffix);
  const restBudget = restOfLineBudget(a.suffixBudget);
  let suffix: string;
  if (estimate(rest) > restBudget) {
    suffix = rest.slice(0, longestHead(rest, a.suffixBudget, estimate));
  } else {
    suffix = below === undefined ? rest : `${rest}\n${wholeLinesThatFit(below, a.suffixBudget - restBudget, estimate)}`;
  }
  return {
    prefix, suffix,
    prefixStartLine: firstLine + startIdx,
    prefixStartColumn: start - starts[startIdx],
    prefixTokens: estimate(prefix),
    suffixTokens: estimate(suffix),
  };
}

/** Tokens the rest of the cursor's line may take of the suffix budget; the lines below get the remainder. */
export function restOfLineBudget(suffixBudget: number): number {
  return Math.min(128, Math.floor(suffixBudget / 4));
}

/** Lines below the cursor's line that go with it to the prompt's tail when they hold only closers or nothing. */
export const MAX_CLOSER_LINES = 8;
/** A line of closing brackets (`})`, `]);`, `},`) or a blank one (one character class: linear on any line). */
const CLOSERS_ONLY = /^[ \t)\]};,]*\r?$/;

/**
 * The text after the cursor split where the stable part begins: `rest` is the rest of the cursor's
 * line, with the lines right below it that hold only closing brackets or nothing (at most
 * MAX_CLOSER_LINES); `below` is everything after that (undefined when nothing is left). The editor
 * changes `rest` as the user types — it closes brackets and quotes on the line, and Enter between
 * `{` and `}` moves the `}` to a line of its own — while `below` stays as it was.
 */
export function suffixParts(suffix: string): { rest: string; below: string | undefined } {
  let end = suffix.indexOf('\n');
  if (end < 0) return { rest: suffix, below: undefined };
  for (let n = 0; n < MAX_CLOSER_LINES; n++) {
    const next = suffix.indexOf('\n', end + 1);
    if (next < 0) break;
    if (!CLOSERS_ONLY.test(suffix.slice(end + 1, next))) break;
    end = next;
  }
  return { rest: suffix.slice(0, end), below: suffix.slice(end + 1) };
}

/** The longest head of `text` made of whole lines (each with its line break) that fits the budget. */
function wholeLinesThatFit(text: string, budget: number, estimate: (text: string) => number): string {
  if (estimate(text) <= budget) return text;
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) ends.push(i + 1);
  let lo = -1;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (estimate(text.slice(0, ends[mid])) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo >= 0 ? text.slice(0, ends[lo]) : '';
}

/**
 * Where to start a window on a line too long for the budget: the first multiple of ANCHOR_CHARS
 * from which the rest of the line fits (of a finer step when the budget holds less than four
 * blocks, so that snapping forward never wastes more than a quarter of it). The result depends on
 * the line's length before the cursor, not on what was typed, so it moves once every `step`
 * typed characters.
 */
function anchoredColumn(line: string, budget: number, estimate: (text: string) => number): number {
  // The earliest column whose tail fits.
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (estimate(line.slice(mid)) <= budget) hi = mid;
    else lo = mid + 1;
  }
  const fits = line.length - lo;
  if (fits === 0) return line.length;
  const step = [ANCHOR_CHARS, 256, 64, 16].find((s) => s * 4 <= fits) ?? 1;
  return keepPair(line, Math.ceil(lo / step) * step);
}

/** Length of the longest head of `text` that fits the budget. */
function longestHead(text: string, budget: number, estimate: (text: string) => number): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (estimate(text.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  // Never end between the two halves of a surrogate pair.
  return lo > 0 && lo < text.length && isLowSurrogate(text.charCodeAt(lo)) ? lo - 1 : lo;
}

/** A start that would fall between the halves of a surrogate pair moves past the pair. */
function keepPair(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at + 1 : at;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
