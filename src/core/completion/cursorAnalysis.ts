// Where the cursor sits in the code's structure, computed once per cursor and read by the prefilter,
// the stream shaper's stages and the post-processor; and the small syntax helpers they share: a
// bracket lexer that skips strings and comments, block openers and closers, indentation widths.
// Heuristics on text, no parser.
import { syntaxFor, type LanguageSyntax } from '../text/languages';
import type { CursorContext } from './types';


// ---------------------------------------------------------------------------------------------
// Bracket lexer: counts brackets in code, skipping strings and comments, one character at a time
// so that the stream filter can run it as chunks arrive. Lookahead-free: two-character tokens
// (`//`, `/*`, `--`, `"""`) are recognised with a pending state.

export type LexMode = 'code' | 'line-comment' | 'block-comment' | 'string';

export interface LexState {
  mode: LexMode;
  /** In a string: its quote character, and whether it is a triple-quoted one. */
  quote: string;
  triple: boolean;
  /** 1 right after an opening quote, 2 after an empty pair `""` that may start a triple quote. */
  opening: 0 | 1 | 2;
  /** Consecutive closing quotes seen inside a triple-quoted string. */
  closeRun: number;
  escape: boolean;
  /** The first character of a possible two-character comment token, or '*' in a block comment. */
  pending: string;
}

export type LexEvent = 'open' | 'close' | 'string-end' | undefined;

export const OPENERS = '([{';
export const CLOSERS = ')]}';
export const OPENER_FOR: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
export const CLOSER_FOR: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

export function initialLexState(): LexState {
  return { mode: 'code', quote: '', triple: false, opening: 0, closeRun: 0, escape: false, pending: '' };
}

export class CodeLexer {
  readonly state: LexState;

  constructor(private readonly syntax: LanguageSyntax, from?: LexState) {
    this.state = from ? { ...from } : initialLexState();
  }

  /** Feeds one character; says whether it opened or closed a bracket in code, or ended a string. */
  step(c: string): LexEvent {
    const s = this.state;
    switch (s.mode) {
      case 'line-comment':
        if (c === '\n') s.mode = 'code';
        return undefined;
      case 'block-comment':
        if (s.pending === '*' && c === '/') {
          s.mode = 'code';
          s.pending = '';
        } else {
          s.pending = c === '*' ? '*' : '';
        }
        return undefined;
      case 'string':
        return this.stepString(c);
      default:
        return this.stepCode(c);
    }
  }

  private stepCode(c: string): LexEvent {
    const s = this.state;
    const syn = this.syntax;
    if (s.pending !== '') {
      const two = s.pending + c;
      s.pending = '';
      if (syn.lineComments.includes(two)) {
        s.mode = 'line-comment';
        return undefined;
      }
      if (two === '/*' && syn.blockComments) {
        s.mode = 'block-comment';
        return undefined;
      }
      // Not a comment after all: `c` is ordinary code.
    }
    if ((c === '/' && (syn.blockComments || syn.lineComments.includes('//'))) || (c === '-' && syn.lineComments.includes('--'))) {
      s.pending = c;
      return undefined;
    }
    if (c === '#' && syn.lineComments.includes('#')) {
      s.mode = 'line-comment';
      return undefined;
    }
    if (syn.quotes.includes(c)) {
      s.mode = 'string';
      s.quote = c;
      s.triple = false;
      s.opening = 1;
      s.closeRun = 0;
      s.escape = false;
      return undefined;
    }
    if (OPENERS.includes(c)) return 'open';
    if (CLOSERS.includes(c)) return 'close';
    return undefined;
  }

  private stepString(c: string): LexEvent {
    const s = this.state;
    if (s.opening === 1) {
      s.opening = 0;
      if (c === s.quote && this.syntax.tripleQuotes) {
        s.opening = 2;
        return undefined;
      }
    } else if (s.opening === 2) {
      s.opening = 0;
      if (c === s.quote) {
        s.triple = true;
        return undefined;
      }
      // It was an empty string `""`; `c` is code again.
      s.mode = 'code';
      return this.stepCode(c);
    }
    if (s.escape) {
      s.escape = false;
      return undefined;
    }
    if (c === '\\') {
      s.escape = true;
      s.closeRun = 0;
      return undefined;
    }
    if (s.triple) {
      if (c !== s.quote) {
        s.closeRun = 0;
        return undefined;
      }
      if (++s.closeRun < 3) return undefined;
      s.mode = 'code';
      s.triple = false;
      s.closeRun = 0;
      return 'string-end';
    }
    if (c === s.quote) {
      s.mode = 'code';
      return 'string-end';
    }
    // An unterminated one-line string ends with its line, so one stray quote does not hide the rest.
    if (c === '\n' && !this.syntax.multilineQuotes.includes(s.quote)) s.mode = 'code';
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and indentation

/** Words that start a line closing a block (besides closing brackets). */
const CLOSING_WORDS = new Set(['end', 'fi', 'done', 'esac', 'endif', 'endfor', 'endwhile', 'endfunction', 'until']);
/** Words that start a line continuing the statement whose block just ended (`} else {`, `except:`). */
export const CONTINUATION_WORDS = new Set(['else', 'elif', 'elsif', 'except', 'finally', 'catch', 'rescue', 'ensure', 'when', 'case', 'default']);

export function indentOf(line: string): string {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(0, i);
}

/** Width of leading whitespace in columns, a tab counting as one indent unit. */
export function indentWidth(ws: string, tabWidth: number): number {
  let w = 0;
  for (const c of ws) w += c === '\t' ? tabWidth : 1;
  return w;
}

/** Columns a tab stands for in this document: its indent unit, or 4 in a tab-indented one. */
export function tabWidthOf(indentUnit: string): number {
  return indentUnit === '\t' || indentUnit.length === 0 ? 4 : indentUnit.length;
}

export function leadingWord(trimmed: string): string {
  const m = /^[A-Za-z_]+/.exec(trimmed);
  return m ? m[0] : '';
}

/** A line that closes a block: starts with a closing bracket or `end`, or continues it (`else`). */
export function isClosingLine(trimmed: string): boolean {
  if (trimmed.length === 0) return false;
  if (CLOSERS.includes(trimmed[0])) return true;
  const w = leadingWord(trimmed);
  return CLOSING_WORDS.has(w) || CONTINUATION_WORDS.has(w);
}

/** The line without a trailing line comment (found with the lexer, so `"http://x"` survives). */
export function stripTrailingComment(line: string, syntax: LanguageSyntax): string {
  if (syntax.lineComments.length === 0) return line;
  const lexer = new CodeLexer(syntax);
  for (let i = 0; i < line.length; i++) {
    const before = lexer.state.mode;
    lexer.step(line[i]);
    if (before === 'code' && lexer.state.mode === 'line-comment') return line.slice(0, line[i] === '#' ? i : i - 1);
  }
  return line;
}

/** Brackets a line leaves open (strings and comments skipped). */
function openBracketsIn(line: string, syntax: LanguageSyntax): number {
  const lexer = new CodeLexer(syntax);
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ev = lexer.step(line[i]);
    if (ev === 'open') depth++;
    else if (ev === 'close' && depth > 0) depth--;
  }
  return depth;
}

/** Whether a line ends by opening a block, so that what follows belongs to a new, deeper block. */
export function endsWithBlockOpener(line: string, syntax: LanguageSyntax): boolean {
  const t = stripTrailingComment(line, syntax).trimEnd();
  if (t.length === 0) return false;
  const last = t[t.length - 1];
  if (OPENERS.includes(last)) return true;
  if (t.endsWith('=>')) return true;
  const trimmed = t.trimStart();
  if (last === ':') {
    // `d = {"a":` is a dict value, not a block: the colon opens one only outside brackets.
    if (syntax.colonBlocks) return openBracketsIn(t, syntax) === 0;
    // C-like switch labels: the case body follows.
    if (/^(case\b|default\s*:)/.test(trimmed)) return true;
  }
  const lastWord = /(?:^|[^A-Za-z_])([A-Za-z_]+|->)$/.exec(t);
  if (lastWord && syntax.openerWords.includes(lastWord[1])) return true;
  if (syntax.openerWords.includes('do') && /\bdo\s*\|[^|]*\|$/.test(t)) return true;
  for (const start of syntax.openerLineStarts) {
    if (trimmed.startsWith(start) && (trimmed.length === start.length || /[\s(]/.test(trimmed[start.length]))) {
      // A one-liner such as `def f; end` opens nothing.
      return !/(?:^|[^A-Za-z_])end$/.test(t);
    }
  }
  return false;
}

/** Characters allowed right of the cursor: nothing the completion would have to flow around. */
const TRIVIAL_REST = /^[\s)\]}>"'`;,]*$/;

export function isTrivialRest(lineSuffix: string): boolean {
  return TRIVIAL_REST.test(lineSuffix);
}

export const IDENT_CHAR = /[\p{L}\p{N}_$]/u;

// ---------------------------------------------------------------------------------------------
// Per-cursor analysis, computed once per cursor and shared by the shape decision, the stream
// filter and the post-processor.

/** How far from the cursor the bracket scan looks, each way; enough for any enclosing function. */
const SCAN_WINDOW = 20_000;
/** Lines examined above and below the cursor for the neighbouring non-blank lines. */
const NEIGHBOUR_SCAN_LINES = 200;
const NEXT_LINES_KEPT = 8;

export interface CursorAnalysis {
  readonly syntax: LanguageSyntax;
  readonly tabWidth: number;
  /** Lexer state at the cursor: inside a string or comment, or in code. */
  readonly lexState: LexState;
  /** Brackets opened before the cursor and still open there, outermost first. */
  readonly openAtCursor: readonly string[];
  /** How many of the innermost `openAtCursor` the completion may close (see closableScopes). */
  readonly allowedCloses: number;
  /** The cursor is inside a string that the rest of its line closes. */
  readonly suffixClosesString: boolean;
  /** Nearest non-blank line above the cursor's line. */
  readonly prevLine: string | undefined;
  /** Non-blank lines below the cursor's line, nearest first (a few). */
  readonly nextLines: readonly string[];
  /** The cursor's line ends, before the cursor, with a block opener. */
  readonly opensBlock: boolean;
  /** Leading whitespace of the cursor's line. */
  readonly cursorIndent: string;
  /** Indentation width of the block the completion writes into. */
  readonly bodyIndent: number;
  /** A completion line indented less than this has left the block the cursor is in. */
  readonly dedentBelow: number;
  /** The document text before the cursor, without carriage returns, last few KB (for echo checks). */
  readonly prefixTail: string;
  /** The document text after the cursor, without carriage returns, first few KB. */
  readonly suffixHead: string;
}

const analyses = new WeakMap<CursorContext, CursorAnalysis>();

export function analyzeCursor(cursor: CursorContext): CursorAnalysis {
  const cached = analyses.get(cursor);
  if (cached) return cached;
  const a = computeAnalysis(cursor);
  analyses.set(cursor, a);
  return a;
}

function computeAnalysis(cursor: CursorContext): CursorAnalysis {
  const syntax = syntaxFor(cursor.languageId);
  const tabWidth = tabWidthOf(cursor.indentUnit);
  const prefixTail = stripCr(windowBefore(cursor.prefix));
  const suffixHead = stripCr(cursor.suffix.slice(0, SCAN_WINDOW));

  // Brackets still open at the cursor (with the indent of the line that opened each), and the
  // lexer state there.
  const lexer = new CodeLexer(syntax);
  const open: OpenScope[] = [];
  const prefixLines = new LineTracker(tabWidth);
  for (let i = 0; i < prefixTail.length; i++) {
    const c = prefixTail[i];
    prefixLines.see(c);
    const ev = lexer.step(c);
    if (ev === 'open') open.push({ kind: c, indent: prefixLines.indent });
    else if (ev === 'close') popMatchingScope(open, c);
  }
  const lexState = { ...lexer.state };

  // Closers in the suffix with no opener in the suffix close scopes opened before the cursor.
  const after = new CodeLexer(syntax, lexState);
  const own: string[] = [];
  const suffixClosers: SuffixCloser[] = [];
  let suffixClosesString = false;
  let inString = lexState.mode === 'string';
  const suffixLines = new LineTracker(tabWidth, cursor.linePrefix);
  for (let i = 0; i < suffixHead.length; i++) {
    const c = suffixHead[i];
    const first = suffixLines.see(c);
    const ev = after.step(c);
    if (inString) {
      // An unterminated one-line string ends at the line's end without a 'string-end'.
      if (ev === 'string-end') suffixClosesString = true;
      if (after.state.mode !== 'string') inString = false;
    }
    if (ev === 'open') own.push(c);
    else if (ev === 'close' && !popMatching(own, c)) suffixClosers.push({ kind: c, indent: suffixLines.indent, lineStart: first });
  }
  const allowedCloses = closableScopes(open, suffixClosers);

  const prevLine = previousNonBlankLine(prefixTail);
  const nextLines = nextNonBlankLines(suffixHead);
  // Inside a string or comment (`${█}` in a template literal) nothing opens a block.
  const opensBlock = cursor.linePrefix.trim() !== '' && lexState.mode === 'code' && endsWithBlockOpener(cursor.linePrefix, syntax);
  const cursorIndent = indentOf(cursor.linePrefix);
  const blankBefore = cursor.linePrefix.trim() === '';
  const cursorWidth = indentWidth(cursorIndent, tabWidth);

  let bodyIndent: number;
  let dedentBelow: number;
  if (opensBlock) {
    bodyIndent = cursorWidth + tabWidth;
    dedentBelow = cursorWidth + 1;
  } else if (blankBefore && cursor.linePrefix.length > 0) {
    bodyIndent = cursorWidth;
    dedentBelow = cursorWidth;
  } else if (blankBefore) {
    bodyIndent = inferBlankLineIndent(prevLine, nextLines[0], syntax, tabWidth);
    dedentBelow = bodyIndent;
  } else {
    bodyIndent = cursorWidth;
    dedentBelow = cursorWidth;
  }

  return {
    syntax, tabWidth, lexState, openAtCursor: open.map((o) => o.kind), allowedCloses, suffixClosesString, prevLine, nextLines,
    opensBlock, cursorIndent, bodyIndent, dedentBelow, prefixTail, suffixHead,
  };
}

/** The last SCAN_WINDOW characters of the prefix, starting at a line start so strings line up. */
function windowBefore(prefix: string): string {
  if (prefix.length <= SCAN_WINDOW) return prefix;
  const start = prefix.length - SCAN_WINDOW;
  const nl = prefix.indexOf('\n', start);
  return nl < 0 ? prefix.slice(start) : prefix.slice(nl + 1);
}

function stripCr(s: string): string {
  return s.includes('\r') ? s.replace(/\r/g, '') : s;
}

interface OpenScope {
  readonly kind: string;
  /** Indent width of the line holding the opener. */
  readonly indent: number;
}

interface SuffixCloser {
  readonly kind: string;
  readonly indent: number;
  /** The closer is the first visible character of its line, so its indent says which scope it ends. */
  readonly lineStart: boolean;
}

/** Follows line starts and indents while text is scanned one character at a time. */
class LineTracker {
  indent = 0;
  private inIndent: boolean;

  /** `linePrefix`: the text of the current line before the scan starts (for the suffix). */
  constructor(private readonly tabWidth: number, linePrefix = '') {
    this.inIndent = linePrefix.trim() === '';
    this.indent = this.inIndent ? indentWidth(linePrefix, tabWidth) : indentWidth(indentOf(linePrefix), tabWidth);
  }

  /** Feeds one character; returns whether it is the first visible character of its line. */
  see(c: string): boolean {
    if (c === '\n') {
      this.indent = 0;
      this.inIndent = true;
      return false;
    }
    if (!this.inIndent) return false;
    if (c === ' ' || c === '\t') {
      this.indent += c === '\t' ? this.tabWidth : 1;
      return false;
    }
    this.inIndent = false;
    return true;
  }
}

/**
 * How many of the innermost scopes open at the cursor the completion may close: those the suffix
 * does not. A closer starting a line ends the innermost open scope of its kind whose opening line
 * has its indent (so a file missing an inner `}` is told from one whose outer `}` lies beyond the
 * suffix window); any other closer ends the innermost open scope of its kind (a `)` after the
 * file's missing `}` closes the call around it, not the block); one that matches no open scope
 * ends the innermost scope still open.
 */
function closableScopes(open: readonly OpenScope[], closers: readonly SuffixCloser[]): number {
  const closed = new Array<boolean>(open.length).fill(false);
  let top = open.length - 1;
  const innermost = (ok: (s: OpenScope) => boolean): number => {
    for (let j = top; j >= 0; j--) if (!closed[j] && ok(open[j])) return j;
    return -1;
  };
  for (const c of closers) {
    while (top >= 0 && closed[top]) top--;
    if (top < 0) break;
    const kind = OPENER_FOR[c.kind];
    let target = c.lineStart ? innermost((s) => s.kind === kind && s.indent === c.indent) : -1;
    if (target < 0) target = innermost((s) => s.kind === kind);
    closed[target < 0 ? top : target] = true;
  }
  let n = 0;
  for (let j = open.length - 1; j >= 0 && !closed[j]; j--) n++;
  return n;
}

function popMatchingScope(stack: OpenScope[], closer: string): void {
  const want = OPENER_FOR[closer];
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i].kind === want) {
      stack.length = i;
      return;
    }
  }
}

/** Pops up to and including the innermost opener that `closer` matches; false when none does. */
function popMatching(stack: string[], closer: string): boolean {
  const i = stack.lastIndexOf(OPENER_FOR[closer]);
  if (i < 0) return false;
  stack.length = i;
  return true;
}

function previousNonBlankLine(prefix: string): string | undefined {
  let end = prefix.lastIndexOf('\n');
  for (let n = 0; end >= 0 && n < NEIGHBOUR_SCAN_LINES; n++) {
    const start = end > 0 ? prefix.lastIndexOf('\n', end - 1) + 1 : 0;
    const line = prefix.slice(start, end);
    if (line.trim() !== '') return line;
    end = start - 1;
  }
  return undefined;
}

function nextNonBlankLines(suffix: string): string[] {
  const out: string[] = [];
  let start = suffix.indexOf('\n');
  if (start < 0) return out;
  start++;
  for (let n = 0; n < NEIGHBOUR_SCAN_LINES && out.length < NEXT_LINES_KEPT && start <= suffix.length; n++) {
    let end = suffix.indexOf('\n', start);
    if (end < 0) end = suffix.length;
    const line = suffix.slice(start, end);
    if (line.trim() !== '') out.push(line);
    start = end + 1;
  }
  return out;
}

/** A cursor at column 0 of a blank line belongs to the block around it, not to the top level. */
function inferBlankLineIndent(prev: string | undefined, next: string | undefined, syntax: LanguageSyntax, tabWidth: number): number {
  if (prev === undefined) return 0;
  const prevWidth = indentWidth(indentOf(prev), tabWidth);
  if (endsWithBlockOpener(prev, syntax)) return prevWidth + tabWidth;
  if (next === undefined) return prevWidth;
  return Math.min(prevWidth, indentWidth(indentOf(next), tabWidth));
}
