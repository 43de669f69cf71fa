// What the scripted person re-types and what the fake model answers. A block of a real file of the
// benchmark repository is removed from the workspace copy; the person puts it back, word by word,
// in the editor. The original file is the truth: it tells the person what to type next, tells the
// bench whether a ghost text is right, and gives the fake model the file's real continuation.
import { between, draw } from '../typing/random';
import { cursorPositionIn } from '../typing/promptPosition';

export interface TypingTarget {
  /** Workspace-relative path of the file. */
  readonly path: string;
  /** First and last line (1-based, inclusive) of the block the person re-types. */
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * rxjs src/internal/ajax/ajax.ts, lines 415-421: an arrow function with typed parameters whose body
 * registers a listener through a callback. Calls with arguments (typed inside auto-closed
 * brackets), two blocks opened at a line end (VS Code auto-closes them), and closing lines the
 * person completes on the lines VS Code inserted.
 */
export const AJAX_ERROR_EVENT: TypingTarget = { path: 'src/internal/ajax/ajax.ts', firstLine: 415, lastLine: 421 };

/**
 * The first three lines of AJAX_ERROR_EVENT, for the short slice of the benchmark CI runs: a call's
 * arguments inside auto-closed brackets, a block opened at a line end inside a call, and a line
 * typed in the block the editor opened.
 */
export const AJAX_ERROR_EVENT_SHORT: TypingTarget = { path: 'src/internal/ajax/ajax.ts', firstLine: 415, lastLine: 417 };

/** Share of requests the fake model answers with the file's true continuation. */
export const TRUE_REPLY_SHARE = 0.8;
/** Share of mid-line true answers that go on to the next line too. */
export const NEXT_LINE_SHARE = 0.35;

/** One stretch typed without a pause; a pause follows its last key. */
export interface Chunk {
  /** Region offsets: typed from `from` to `to`. */
  readonly from: number;
  readonly to: number;
}

export interface Reply {
  readonly text: string;
  readonly correct: boolean;
}

export class EditorScript {
  readonly original: string;
  readonly lines: readonly string[];
  /** Offset of the newline that ends the line before the block: the region starts with it. */
  readonly regionStart: number;
  /** Offset of the newline that ends the block's last line. */
  readonly regionEnd: number;
  readonly region: string;
  readonly chunks: readonly Chunk[];
  private readonly lineStarts: number[] = [];
  private readonly otherLines: string[];

  constructor(original: string, readonly target: TypingTarget, readonly seed = 1) {
    this.original = original.replace(/\r\n/g, '\n');
    this.lines = this.original.split('\n');
    for (let at = 0, i = 0; i < this.lines.length; i++) {
      this.lineStarts.push(at);
      at += this.lines[i].length + 1;
    }
    this.regionStart = this.lineStarts[target.firstLine - 1] - 1;
    this.regionEnd = this.lineStarts[target.lastLine - 1] + this.lines[target.lastLine - 1].length;
    if (this.regionStart <= 0 || target.lastLine >= this.lines.length) throw new Error(`${target.path} is shorter than the block to type`);
    this.region = this.original.slice(this.regionStart, this.regionEnd);
    this.chunks = cutChunks(this.region);
    this.otherLines = this.lines.map((l) => l.trim()).filter((l) => /\w/.test(l) && l.length >= 8 && !l.startsWith('*') && !l.startsWith('//'));
  }

  /** The workspace copy of the file: the block removed, the cursor's line (firstLine - 1) kept. */
  documentBefore(): string {
    return this.original.slice(0, this.regionStart) + this.original.slice(this.regionEnd);
  }

  /** Text of original line `n` (1-based). */
  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  /** Region offset of (1-based line, 0-based column) of the original file. */
  regionOffset(line: number, column: number): number {
    return this.lineStarts[line - 1] + column - this.regionStart;
  }

  /** 1-based line and 0-based column of a region offset. */
  lineColumn(p: number): { line: number; column: number } {
    const at = this.regionStart + p;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo] };
  }

  /** The first line after the block that is not blank: it marks where the untouched rest of the file starts. */
  anchorLine(): number {
    let n = this.target.lastLine + 1;
    while (n < this.lines.length && this.line(n).trim() === '') n++;
    return n;
  }

  /** The next chunk to type from region offset `p` (undefined at the end). */
  chunkAfter(p: number): Chunk | undefined {
    const c = this.chunks.find((k) => k.to > p);
    return c && { from: p, to: c.to };
  }

  /**
   * Milliseconds before the key that types region[p]: 70-180 inside a word, 100-250 before
   * punctuation, 130-320 at a word's start. `reading`: typing what a ghost text shows, 70-180.
   */
  delayBefore(p: number, reading: boolean): number {
    const u = (what: string) => draw(this.seed, what, p);
    const c = this.region[p];
    const prev = this.region[p - 1] ?? '\n';
    if (reading) return between(u('read'), 70, 180);
    if (!/\w/.test(c)) return between(u('punct'), 100, 250);
    if (!/\w/.test(prev)) return between(u('boundary'), 130, 320);
    return between(u('word'), 70, 180);
  }

  /** Milliseconds between the pause's end and Enter (the pause itself is the person's thinking). */
  enterDelay(p: number): number {
    return between(draw(this.seed, 'enter', p), 180, 400);
  }

  /**
   * Where a request's cursor was, read back from the raw Gemma prompt: the text inside
   * the text between `<before>\n` and `<CURSOR>` is the end of the document before the cursor, which is the
   * original file up to the typed position as long as the person typed what the file holds.
   */
  positionOf(prompt: string): number | undefined {
    return cursorPositionIn(prompt, this.original, this.regionStart, this.region.length);
  }

  /**
   * The fake model's answer at `p`, after the seeded line prefix: mostly the file's own continuation
   * (the rest of the line, sometimes with the next line; at a line's end, the next non-blank line),
   * otherwise another line of the file. Keyed by position: a place gets the same answer each time.
   */
  replyAt(p: number): Reply {
    const rest = this.original.slice(this.regionStart + p);
    const nl = rest.indexOf('\n');
    let truth: string;
    if (nl === 0) {
      truth = /^\n(?:[ \t]*\n)*[^\n]*/.exec(rest)?.[0] ?? '';
    } else {
      const lineEnd = nl < 0 ? rest.length : nl;
      const next = rest.indexOf('\n', lineEnd + 1);
      const withNext = nl >= 0 && draw(this.seed, 'next-line', p) < NEXT_LINE_SHARE;
      truth = rest.slice(0, withNext ? (next < 0 ? rest.length : next) : lineEnd);
    }
    if (draw(this.seed, 'correct', p) < TRUE_REPLY_SHARE) return { text: truth, correct: true };
    const other = this.otherLines[Math.floor(draw(this.seed, 'other', p) * this.otherLines.length)] ?? 'return undefined;';
    const lead = nl === 0 ? `\n${/^\n(?:[ \t]*\n)*([ \t]*)/.exec(rest)?.[1] ?? ''}` : '';
    const text = lead + other;
    return text === truth ? { text: `${lead}return;`, correct: false } : { text, correct: false };
  }
}

/**
 * Pause points of the region: after a space that follows a word or symbol, after an opening bracket
 * that is not closed at once (`fn(` but not `()`), and at each line's end. The newline and the next
 * line's indentation start the following chunk.
 */
export function cutChunks(region: string): Chunk[] {
  const ends: number[] = [];
  for (let i = 0; i < region.length; i++) {
    const c = region[i];
    const next = region[i + 1];
    if (c === '\n' || /^[ \t]*$/.test(region.slice(region.lastIndexOf('\n', i) + 1, i + 1))) continue;
    const lineEnd = next === undefined || next === '\n';
    const afterSpace = c === ' ' && next !== ' ';
    const opens = '([{'.includes(c) && next !== undefined && !')]}([{'.includes(next) && next !== '\n';
    if (lineEnd || afterSpace || opens) ends.push(i + 1);
  }
  const chunks: Chunk[] = [];
  let from = 0;
  for (const to of ends) {
    chunks.push({ from, to });
    from = to;
  }
  return chunks;
}

/** The leading whitespace of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}
