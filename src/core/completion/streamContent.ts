// Stage 3 of the stream shaper: the accepted text, checked character by character (brackets, an echo
// of the text after the cursor, repeated runs, size) and line by line (an echo of the next line, the
// end of the block, repeated lines, the single-line limit, the line cap). Every check is incremental:
// a character costs O(1) amortized, never a rescan of the accepted text.
import type { ShapingContext } from './types';
import type { ShaperHost } from './streamShaper';
import {
  CodeLexer, endsWithBlockOpener, indentOf, indentWidth, isClosingLine, OPENER_FOR, type CursorAnalysis,
} from './cursorAnalysis';
import { RestMerge } from './merge';
import { isSignificantLine, nearEqual, normalizeLine } from './lineCompare';
import { LineHistory, RunDetector, SuffixEchoMatcher } from './repetition';

export interface ContentLimits {
  readonly maxLines: number;
  readonly maxChars: number;
  /** The rest of the cursor's line when the first line may merge with it (see merge.ts). */
  readonly mergeableRest: string | undefined;
}

export class ContentChecks {
  private readonly linePrefix: string;
  private readonly nextLineNorm: string | undefined;
  private lines: string[] = [];
  private lineStarts: number[] = [0];
  private cur = '';
  private len = 0;
  private readonly lexer: CodeLexer;
  private readonly own: string[] = [];
  private prefixClosed = 0;
  private inheritedString: boolean;
  private readonly merge: RestMerge | undefined;
  private readonly runs = new RunDetector();
  private readonly echo: SuffixEchoMatcher | undefined;
  private readonly history = new LineHistory();
  /** The current line started in code (not inside a string or comment), so its indent means something. */
  private lineInCode: boolean;
  /** The block-end check of the current line is settled. */
  private lineSettled = false;
  /** At the top level: an indented line was written, and a blank line came after one. */
  private sawIndented = false;
  private topLevelPause = false;

  constructor(
    private readonly ctx: ShapingContext,
    private readonly a: CursorAnalysis,
    private readonly limits: ContentLimits,
    private readonly host: ShaperHost,
  ) {
    this.linePrefix = ctx.cursor.linePrefix;
    const next = a.nextLines[0];
    this.nextLineNorm = next === undefined ? undefined : normalizeLine(next);
    this.lexer = new CodeLexer(a.syntax, a.lexState);
    this.inheritedString = a.lexState.mode === 'string';
    this.merge = limits.mergeableRest === undefined ? undefined : new RestMerge(a, limits.mergeableRest);
    this.echo = SuffixEchoMatcher.forSuffix(a.suffixHead);
    this.lineInCode = this.lexer.state.mode === 'code';
    // The line above a fresh line counts as the first copy when the model repeats it.
    if (this.linePrefix.trim() === '' && a.prevLine !== undefined) this.history.add(normalizeLine(a.prevLine), -1);
  }

  /** The text accepted so far, lines joined with '\n'. */
  get text(): string {
    return this.lines.length === 0 ? this.cur : `${this.lines.join('\n')}\n${this.cur}`;
  }

  /** Its length: the offset the next character gets, and where a stop with nothing to cut cuts. */
  get length(): number {
    return this.len;
  }

  /** Whether the lexer is in code (not a string or a comment) after the text so far. */
  get inCode(): boolean {
    return this.lexer.state.mode === 'code';
  }

  /** The stream ended: a last line without a line break gets the line checks too. */
  finish(): void {
    if (this.cur.trim() !== '') this.endLine(true);
  }

  char(c: string): void {
    if (c === '\n') {
      this.endLine(false);
      return;
    }
    const offset = this.len;
    if (this.echo && c !== ' ' && c !== '\t') {
      const start = this.echo.feed(c, offset);
      if (start >= 0) {
        this.host.stop('suffix-echo', start);
        return;
      }
    }
    if (!this.bracketAllowed(c)) {
      this.host.stop('unmatched-closer', offset);
      return;
    }
    this.cur += c;
    this.len++;
    if (this.len > this.limits.maxChars) {
      // Keep whole lines only: a line cut at an arbitrary character is worse than none.
      this.host.stop('max-chars', this.lines.length > 0 ? this.lineStarts[this.lines.length] - 1 : 0);
      return;
    }
    const runStart = this.runs.feed(c, offset);
    // A line of garbage is dropped whole: its start before the run is rarely worth showing.
    if (runStart >= 0) {
      this.host.stop('repetition', this.lineStartCut(this.lineOf(runStart)));
      return;
    }
    // The check can only change its mind at a character that ends the line's first word (a space
    // does too, but waiting for the next visible character keeps long indents linear).
    if (!this.lineSettled && this.lines.length >= 1 && this.ctx.shape === 'multi-line' && !/[A-Za-z_\s]/.test(c)) {
      this.settleBlockEarly();
    }
  }

  /** Cuts the accepted text back to `offset` (the host stopped). */
  cutAt(offset: number): void {
    if (offset >= this.len) return;
    const k = this.lineOf(offset);
    const line = k === this.lines.length ? this.cur : this.lines[k];
    this.cur = line.slice(0, offset - this.lineStarts[k]);
    this.lines.length = k;
    this.lineStarts.length = k + 1;
    this.len = offset;
  }

  /**
   * The block-end check as soon as a line's first word is known, so that the model is stopped at
   * `def` of the next function rather than after the whole line. Closing lines (`}`, `end`,
   * `else:`) are judged when complete, in `leavesBlock`.
   */
  private settleBlockEarly(): void {
    const cur = this.cur;
    const ws = indentOf(cur);
    if (ws.length === cur.length) return;
    if (!this.lineInCode || !this.isDedent(indentWidth(ws, this.a.tabWidth))) {
      this.lineSettled = true;
      return;
    }
    const t = cur.slice(ws.length);
    this.lineSettled = true;
    if (!isClosingLine(t)) this.host.stop('block-end', this.lineStartCut(this.lines.length));
  }

  /** Index of the completion line holding `offset`. */
  private lineOf(offset: number): number {
    let k = this.lineStarts.length - 1;
    while (k > 0 && this.lineStarts[k] > offset) k--;
    return k;
  }

  /**
   * Bracket counting from the lexer state at the cursor. A closer with no opener in the completion
   * closes a scope opened before the cursor: allowed only for scopes the suffix leaves open, or, on
   * the first line, as the next closer right of the cursor written again (merged, see merge.ts).
   * Likewise the quote ending a string the cursor is in, when the rest of the line ends it already.
   */
  private bracketAllowed(c: string): boolean {
    const ev = this.lexer.step(c);
    const merged = this.lines.length === 0 && this.merge !== undefined && this.merge.feed(c);
    if (this.inheritedString && this.lexer.state.mode !== 'string') {
      this.inheritedString = false;
      if (ev === 'string-end' && this.a.suffixClosesString && !merged) return false;
    }
    if (ev === 'open') {
      this.own.push(c);
    } else if (ev === 'close') {
      const i = this.own.lastIndexOf(OPENER_FOR[c]);
      if (i >= 0) {
        this.own.length = i;
      } else if (!merged) {
        if (this.prefixClosed >= this.a.allowedCloses) return false;
        this.prefixClosed++;
      }
    }
    return true;
  }

  /** A line ended (or, with `final`, the stream ended inside one): line-level checks. */
  private endLine(final: boolean): void {
    const idx = this.lines.length;
    const line = this.cur;
    const blank = line.trim() === '';
    if (!blank) {
      const full = idx === 0 ? this.linePrefix + line : line;
      const norm = normalizeLine(full);
      if (this.nextLineNorm !== undefined && isSignificantLine(norm) && nearEqual(norm, this.nextLineNorm)) {
        this.host.stop('next-line-echo', this.lineStartCut(idx));
        return;
      }
      if (this.ctx.shape === 'multi-line' && idx >= 1 && this.lineInCode && this.leavesBlock(line)) return;
      this.history.add(norm, idx);
      const repeat = this.history.repetitionStart();
      if (repeat !== undefined) {
        this.host.stop('repetition', this.lineStartCut(repeat));
        return;
      }
    }
    if (final) return;
    if (idx === 0 && this.merge?.merged) {
      // The line wrote the closers right of the cursor again: it is the whole line, in any shape.
      this.host.stop(this.merge.writtenAfter ? 'single-line' : 'unmatched-closer', this.len);
      return;
    }
    this.trackTopLevel(line, idx);
    if (this.ctx.shape === 'single-line') {
      if (!blank) {
        this.host.stop('single-line', this.len);
        return;
      }
      // One leading line break is allowed (a suggestion for the next line); more is drift.
      if (idx >= 1) {
        this.host.stop('single-line', 0);
        return;
      }
    }
    if (idx + 1 >= this.limits.maxLines) {
      this.host.stop('max-lines', this.len);
      return;
    }
    this.lines.push(line);
    this.cur = '';
    this.len++;
    this.lineStarts.push(this.len);
    this.lexer.step('\n');
    this.lineInCode = this.lexer.state.mode === 'code';
    this.lineSettled = false;
    const runStart = this.runs.feed('\n', this.len - 1);
    // A line of garbage is dropped whole: its start before the run is rarely worth showing.
    if (runStart >= 0) this.host.stop('repetition', this.lineStartCut(this.lineOf(runStart)));
  }

  /**
   * Multi-line block end: a line indented less than the block the cursor is in. A closing line
   * (`}`, `end`) is kept and ends the completion; one that reopens (`} else {`, `else:`) continues it;
   * anything else (the next function) is cut. Returns whether the completion stopped.
   */
  private leavesBlock(line: string): boolean {
    if (!this.isDedent(indentWidth(indentOf(line), this.a.tabWidth))) return false;
    const t = line.trim();
    if (!isClosingLine(t)) {
      this.host.stop('block-end', this.lineStartCut(this.lines.length));
      return true;
    }
    if (endsWithBlockOpener(t, this.a.syntax)) return false;
    this.host.stop('block-end', this.len);
    return true;
  }

  /**
   * Whether a line indented `width` columns leaves the cursor's block. At the top level nothing is
   * less indented, so there the end of a definition is an unindented line after a blank line that
   * follows indented ones: the next function, class or statement.
   */
  private isDedent(width: number): boolean {
    if (this.a.dedentBelow > 0) return width < this.a.dedentBelow;
    return width === 0 && this.topLevelPause;
  }

  /** Tracks indented lines and the blank lines after them, for the top-level block end. */
  private trackTopLevel(line: string, idx: number): void {
    if (this.a.dedentBelow > 0 || (idx === 0 && this.linePrefix !== '')) return;
    if (line.trim() === '') {
      if (this.sawIndented) this.topLevelPause = true;
    } else if (indentWidth(indentOf(line), this.a.tabWidth) > 0) {
      this.sawIndented = true;
      this.topLevelPause = false;
    } else {
      this.topLevelPause = false;
    }
  }

  /** Offset that cuts completion line `idx` and the line break before it. */
  private lineStartCut(idx: number): number {
    return idx <= 0 ? 0 : this.lineStarts[idx] - 1;
  }
}
