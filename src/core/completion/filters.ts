// The stream filter: shapes what the model streams into what may be shown, and says when to stop so
// the caller can abort the HTTP stream and free the GPU. Three stages, each fed incrementally:
//   1. markers   control tokens stop, thinking text is skipped, an echoed cursor marker is removed;
//                a chunk may end inside a marker (`<|tu` + `rn>`), so a possible marker start is held.
//   2. lines     at each line start, text that may be a fence, a prompt tag or header, or (before
//                any code) a "Here is…" or file-path line is held until the line shows what it is.
//   3. content   the accepted text, checked character by character (brackets, suffix echo,
//                repeated runs, size) and line by line (next-line echo, block end, repeated lines,
//                the single-line limit, the line cap).
// Every check is incremental: a push costs O(chunk length), never a rescan of the accepted text.
import type { ShapingContext } from './types';
import {
  CURSOR_MARKER, PROMPT_SECTION_HEADERS, PROMPT_SECTION_TAGS, STOP_TOKENS, STOP_TOKEN_PREFIXES, THOUGHT_DELIMITERS,
} from './markers';
import {
  analyzeCursor, CodeLexer, endsWithBlockOpener, indentOf, indentWidth, isClosingLine, OPENER_FOR,
  type CursorAnalysis,
} from './shape';
import { lineRest, RestMerge } from './merge';

export type StopReason =
  | 'control-token' // an end-of-turn or other control token
  | 'thinking' // thinking text that went on too long
  | 'fence' // the closing markdown fence, or a fence after code
  | 'prompt-echo' // a prompt section tag or header after the completion started
  | 'suffix-echo' // the model began writing the text after the cursor
  | 'next-line-echo' // a line equal or near-equal to the next line of the document
  | 'repetition' // a line, a cycle of lines, or a run of characters repeating
  | 'unmatched-closer' // a bracket or quote closing a scope the text after the cursor already closes, or
  //                    the end of a line that wrote the closers right of the cursor again and nothing after
  | 'single-line' // end of the one line a single-line completion may have
  | 'block-end' // a multi-line completion left the block it started in
  | 'max-lines'
  | 'max-chars';

export interface ShaperOptions {
  maxLines?: number;
  maxChars?: number;
  /**
   * Let the first line write the closers right of the cursor again, to be shown over them (see
   * merge.ts); false: stop at the first of them, as where they cannot be merged. Default true.
   */
  mergeRest?: boolean;
}

export const DEFAULT_MAX_LINES = 16;
export const DEFAULT_MAX_CHARS = 1500;

/** A line repeated this many times in a row ends the completion (one copy is kept). */
const REPEATED_LINE_LIMIT = 3;
/** Longest cycle of lines looked for ("a, b, a, b"); one repetition of the cycle ends it. */
const MAX_LINE_CYCLE = 6;
/** Character runs: a unit of 1..MAX_RUN_PERIOD characters repeated back to back. */
const MAX_RUN_PERIOD = 12;
const MIN_RUN_REPEATS = 10;
const MIN_RUN_CHARS = 40;
const SEPARATOR_CHARS = '-=*#_~/.+ \t\n';
/** How many non-blank characters of the suffix must be written before it counts as echoed. */
const SUFFIX_ECHO_MIN = 8;
const SUFFIX_ECHO_MAX = 32;
/** A line start held longer than this is released as ordinary text. */
const MAX_HELD = 200;

// ---------------------------------------------------------------------------------------------
// Line comparison, shared with the post-processor

/**
 * The form in which two lines are compared: without whitespace, without a trailing `;` or `,`,
 * with one quote style. `return a+b;` and `  return a + b` compare equal.
 */
export function normalizeLine(line: string): string {
  let s = line.replace(/\s+/g, '');
  while (s.endsWith(';') || s.endsWith(',')) s = s.slice(0, -1);
  return s.replace(/['`]/g, '"');
}

/** Lines worth comparing: some word character, at least 3 characters, not just `end` or `}`. */
export function isSignificantLine(norm: string): boolean {
  if (norm.length < 3 || !/[A-Za-z0-9_]/.test(norm)) return false;
  return !/^(end|fi|done|esac|endif|else|pass|break|continue)[)\]};,.]*$/.test(norm);
}

/**
 * Near-equal normalized lines: equal, or for lines of 24+ characters at most one edit per 24
 * characters. Short lines must match exactly, so `push(1)` above an existing `push(2)` survives.
 */
export function nearEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const longer = Math.max(a.length, b.length);
  if (Math.min(a.length, b.length) < 24 || longer > 400) return false;
  const budget = Math.floor(longer / 24);
  return Math.abs(a.length - b.length) <= budget && editDistanceWithin(a, b, budget);
}

/** Levenshtein distance ≤ k, computed in a band of width 2k+1: O(n·k). */
function editDistanceWithin(a: string, b: string, k: number): boolean {
  const inf = k + 1;
  let prev = new Array<number>(b.length + 1).fill(inf);
  let cur = new Array<number>(b.length + 1).fill(inf);
  for (let j = 0; j <= Math.min(b.length, k); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(b.length, i + k);
    cur.fill(inf);
    cur[0] = i <= k ? i : inf;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1, inf);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > k) return false;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] <= k;
}

// ---------------------------------------------------------------------------------------------
// Stage 1 helpers: markers

type MarkerKind = 'stop' | 'cursor' | 'thought-open' | 'thought-close';
interface Marker {
  readonly text: string;
  readonly kind: MarkerKind;
  /** For a thought opener, its closer. */
  readonly close?: string;
}

const MARKERS: readonly Marker[] = [
  ...STOP_TOKENS.map((text): Marker => ({ text, kind: 'stop' })),
  ...STOP_TOKEN_PREFIXES.map((text): Marker => ({ text, kind: 'stop' })),
  { text: CURSOR_MARKER, kind: 'cursor' },
  ...THOUGHT_DELIMITERS.map((d): Marker => ({ text: d.open, kind: 'thought-open', close: d.close })),
  ...THOUGHT_DELIMITERS.map((d): Marker => ({ text: d.close, kind: 'thought-close' })),
];

/** The marker starting at `s[i]` (always a '<'), 'partial' if `s` ends inside one, else undefined. */
function markerAt(s: string, i: number): Marker | 'partial' | undefined {
  const avail = s.length - i;
  let best: Marker | undefined;
  let partial = false;
  for (const m of MARKERS) {
    if (avail >= m.text.length) {
      if (s.startsWith(m.text, i) && (!best || m.text.length > best.text.length)) best = m;
    } else if (!partial && m.text.startsWith(s.slice(i))) {
      partial = true;
    }
  }
  if (best) return best;
  // Tokens of the `<|name|>`, `<|name>`, `<name|>` families that the list does not name (Gemma 4's
  // tool and channel tokens, other templates' roles): no code looks like that.
  const tail = s.slice(i, i + GENERIC_TOKEN_MAX);
  const generic = GENERIC_TOKEN.exec(tail);
  if (generic) return { text: generic[0], kind: 'stop' };
  return partial || (i + tail.length === s.length && GENERIC_TOKEN_START.test(tail)) ? 'partial' : undefined;
}

const GENERIC_TOKEN_MAX = 28;
const GENERIC_TOKEN = /^<(?:\|[a-z_]{1,24}\|?|[a-z_]{1,24}\|)>/;
/** What a generic token looks like before it is complete; only at the end of what has arrived. */
const GENERIC_TOKEN_START = /^<\|?[a-z_]{0,24}\|?$/;

// ---------------------------------------------------------------------------------------------
// Stage 2 helpers: special lines

const FENCE = /^\s*(```|~~~)/;
const PROSE_STARTERS = [
  'here', 'sure', 'certainly', 'of course', 'okay', 'ok', 'below', 'the ', 'this ', 'i ', "i'", 'completion',
  'output', 'answer', 'sorry', 'unfortunately', 'note',
];
/** An introduction or refusal a chat model writes instead of code: "Sure! Here's the completion:". */
const PROSE_LINE = /^\s*(?:here(?:'s| is| are)|sure|certainly|of course|okay|ok|below|the (?:following|completed?|completion|code|rest|missing)|this (?:is|completes|code)|i(?:'ll|'m| will| have| cannot| can't| can| don't| am)|completion|output|answer|sorry|unfortunately|note)\b[^=;{}()[\]<>]*[:.!]\s*$/i;

function isTagLine(line: string): boolean {
  const m = /^\s*<\/?([A-Za-z_]+)(?:\s[^<>]*)?\/?>\s*$/.exec(line);
  return m !== null && PROMPT_SECTION_TAGS.includes(m[1].toLowerCase());
}

/** Whether a line start may still turn into a prompt tag line. */
function couldBeTagLine(t: string): boolean {
  const m = /^<\/?([A-Za-z_]*)(.*)$/s.exec(t);
  if (!m) return false;
  const name = m[1].toLowerCase();
  if (m[2] === '') return PROMPT_SECTION_TAGS.some((tag) => tag.startsWith(name));
  return PROMPT_SECTION_TAGS.includes(name) && /^[\s/>]/.test(m[2]);
}

function isHeaderLine(line: string): boolean {
  const t = line.trimStart();
  return PROMPT_SECTION_HEADERS.some((h) => t.startsWith(h));
}

function couldBeHeaderLine(t: string): boolean {
  return PROMPT_SECTION_HEADERS.some((h) => h.startsWith(t) || t.startsWith(h));
}

/** Lines a model writes to name the file before the code: `// src/a.ts`, `File: src/a.ts`. */
function pathLines(path: string): string[] {
  if (path === '') return [];
  const base = path.slice(path.lastIndexOf('/') + 1);
  const names = base === path ? [path] : [path, base];
  return names.flatMap((p) => [`// ${p}`, `# ${p}`, `-- ${p}`, `File: ${p}`, `file: ${p}`, `Path: ${p}`, p]);
}

// ---------------------------------------------------------------------------------------------
// Stage 3 helpers: repetition

/** Finds a unit of up to MAX_RUN_PERIOD characters repeated back to back, one character at a time. */
class RunDetector {
  private readonly recent = new Array<string>(MAX_RUN_PERIOD + 1).fill('');
  private readonly runs = new Array<number>(MAX_RUN_PERIOD + 1).fill(0);
  private count = 0;
  /** Consecutive separator characters (`-=*#_~/.+` and whitespace) up to the last one fed. */
  private separatorRun = 0;

  /** Feeds the character at `offset`; returns where the repetition began, or -1. */
  feed(c: string, offset: number): number {
    const size = MAX_RUN_PERIOD + 1;
    for (let q = 1; q <= MAX_RUN_PERIOD; q++) {
      if (this.count >= q && this.recent[(this.count - q) % size] === c) this.runs[q]++;
      else this.runs[q] = 0;
    }
    this.recent[this.count % size] = c;
    this.count++;
    this.separatorRun = SEPARATOR_CHARS.includes(c) ? this.separatorRun + 1 : 0;
    for (let q = 1; q <= MAX_RUN_PERIOD; q++) {
      const run = this.runs[q];
      // `-----` or `=====` comment rules and indentation are legitimate runs.
      if (run >= MIN_RUN_CHARS && run >= q * (MIN_RUN_REPEATS - 1) && this.separatorRun < q) return offset - run - q + 1;
    }
    return -1;
  }
}

/** Completed lines, for repeated lines and repeated cycles of lines. */
class LineHistory {
  private readonly norms: string[] = [];
  /** Completion line index of each entry; -1 for the document line above the cursor. */
  private readonly lines: number[] = [];
  private readonly significant: boolean[] = [];

  add(norm: string, line: number): void {
    this.norms.push(norm);
    this.lines.push(line);
    this.significant.push(isSignificantLine(norm));
  }

  /** After adding a line: the completion line where the repetition starts (cut before it), if any. */
  repetitionStart(): number | undefined {
    const n = this.norms.length;
    const last = this.norms[n - 1];
    let same = 1;
    while (same < n && this.norms[n - 1 - same] === last) same++;
    if (same >= REPEATED_LINE_LIMIT && this.significant[n - 1]) return this.lines[n - same + 1];
    for (let p = 2; p <= MAX_LINE_CYCLE && 2 * p <= n; p++) {
      let equal = true;
      let meaningful = false;
      for (let i = 0; i < p && equal; i++) {
        equal = this.norms[n - 2 * p + i] === this.norms[n - p + i];
        meaningful ||= this.significant[n - p + i];
      }
      if (equal && meaningful && this.lines[n - p] >= 0) return this.lines[n - p];
    }
    return undefined;
  }
}

/** Whitespace-insensitive matcher of the suffix's first characters (Knuth–Morris–Pratt). */
class SuffixEchoMatcher {
  private readonly fail: number[];
  private readonly offsets: number[];
  private matched = 0;
  private count = 0;

  constructor(private readonly pattern: string) {
    this.fail = new Array<number>(pattern.length).fill(0);
    for (let i = 1, k = 0; i < pattern.length; i++) {
      while (k > 0 && pattern[i] !== pattern[k]) k = this.fail[k - 1];
      if (pattern[i] === pattern[k]) k++;
      this.fail[i] = k;
    }
    this.offsets = new Array<number>(pattern.length).fill(0);
  }

  static forSuffix(suffix: string): SuffixEchoMatcher | undefined {
    let p = '';
    for (let i = 0; i < suffix.length && p.length < SUFFIX_ECHO_MAX; i++) {
      const c = suffix[i];
      if (c !== ' ' && c !== '\t' && c !== '\n') p += c;
    }
    return p.length >= SUFFIX_ECHO_MIN ? new SuffixEchoMatcher(p) : undefined;
  }

  /** Feeds a non-blank character at `offset`; returns the offset where the echo began, or -1. */
  feed(c: string, offset: number): number {
    const m = this.pattern.length;
    this.offsets[this.count % m] = offset;
    this.count++;
    while (this.matched > 0 && c !== this.pattern[this.matched]) this.matched = this.fail[this.matched - 1];
    if (c === this.pattern[this.matched]) this.matched++;
    if (this.matched < m) return -1;
    return this.offsets[(this.count - m) % m];
  }
}

// ---------------------------------------------------------------------------------------------
// The shaper

export class StreamShaper {
  private readonly a: CursorAnalysis;
  private readonly maxLines: number;
  private readonly maxChars: number;
  private readonly linePrefix: string;
  private readonly nextLineNorm: string | undefined;
  private readonly prevLineNorm: string | undefined;
  private readonly proseAllowed: boolean;
  private readonly tagsAllowed: boolean;
  private readonly pathLines: readonly string[];
  /** The rest of the cursor's line when the first line may merge with it. */
  private readonly mergeableRest: string | undefined;

  private stopped = false;
  private reason: StopReason | undefined;

  // Stage 1
  private pending = '';
  private thoughtClose: string | undefined;
  private thoughtChars = 0;

  // Stage 2
  private holding = true;
  private held = '';
  private preamble = true;
  private preambleBlankLines = 0;
  private fenced = false;
  /** Indentation added to fenced lines written as a snippet from column 0 (see `release`). */
  private fenceShift = '';
  /**
   * Whole lines held because they copy the code before the cursor, line for line, as a model does
   * when it echoes the prompt up to the cursor marker. Dropped at the marker; passed on as soon as
   * a line departs from the prefix.
   */
  private echoLines: string[] = [];
  /** Where in `prefixTail` the next echoed line would start. */
  private echoPos = 0;
  /** Starts of the prefix lines that the line being held still copies. */
  private echoCandidates: number[] = [];
  private echoChars = 0;
  private prefixLineStartsCache: number[] | undefined;

  // Stage 3
  private lines: string[] = [];
  private lineStarts: number[] = [0];
  private cur = '';
  private length = 0;
  private lexer!: CodeLexer;
  private own: string[] = [];
  private prefixClosed = 0;
  private inheritedString = false;
  private merge: RestMerge | undefined;
  private runs!: RunDetector;
  private echo: SuffixEchoMatcher | undefined;
  private history!: LineHistory;
  /** The current line started in code (not inside a string or comment), so its indent means something. */
  private lineInCode = true;
  /** The block-end check of the current line is settled. */
  private lineSettled = false;
  /** At the top level: an indented line was written, and a blank line came after one. */
  private sawIndented = false;
  private topLevelPause = false;

  constructor(private readonly ctx: ShapingContext, opts: ShaperOptions = {}) {
    this.a = analyzeCursor(ctx.cursor);
    this.maxLines = Math.max(1, opts.maxLines ?? DEFAULT_MAX_LINES);
    this.maxChars = Math.max(1, opts.maxChars ?? DEFAULT_MAX_CHARS);
    this.linePrefix = ctx.cursor.linePrefix;
    const next = this.a.nextLines[0];
    this.nextLineNorm = next === undefined ? undefined : normalizeLine(next);
    this.prevLineNorm = this.a.prevLine === undefined ? undefined : normalizeLine(this.a.prevLine);
    // "Here is…" lines and path lines are chat noise only where code is expected; in a comment or a
    // string they are what the user is writing.
    this.proseAllowed = this.a.lexState.mode === 'code';
    this.tagsAllowed = !this.a.syntax.markup;
    this.pathLines = pathLines(ctx.cursor.path);
    const rest = lineRest(ctx.cursor);
    this.mergeableRest = opts.mergeRest !== false && rest.trim() !== '' ? rest : undefined;
    this.resetContent();
  }

  /** The text accepted so far (without what is held back pending a decision). */
  get text(): string {
    return this.lines.length === 0 ? this.cur : `${this.lines.join('\n')}\n${this.cur}`;
  }

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  /** Feeds a raw chunk of model output; `stop: true` means abort the stream, nothing more is needed. */
  push(chunk: string): { stop: boolean } {
    if (!this.stopped && chunk.length > 0) {
      this.pending += chunk;
      this.scanMarkers(false);
    }
    return { stop: this.stopped };
  }

  /** The stream ended (or was stopped): the accepted text, lines joined with '\n'. */
  finish(): string {
    if (!this.stopped) {
      this.scanMarkers(true);
      if (!this.stopped) this.flushHeld();
      if (!this.stopped && this.cur.trim() !== '') this.endLine(true);
    }
    return this.text;
  }

  private stop(reason: StopReason, cut: number): void {
    this.cutAt(cut);
    this.stopped = true;
    this.reason = reason;
  }

  // ---- Stage 1: markers

  private scanMarkers(final: boolean): void {
    const s = this.pending;
    let i = 0;
    while (i < s.length && !this.stopped) {
      const lt = s.indexOf('<', i);
      const end = lt < 0 ? s.length : lt;
      if (end > i) this.emit(s.slice(i, end));
      if (lt < 0 || this.stopped) {
        i = s.length;
        break;
      }
      i = lt;
      const m = markerAt(s, lt);
      if (m === 'partial') {
        if (!final) break;
        this.emit(s.slice(lt));
        i = s.length;
        break;
      }
      if (m === undefined) {
        this.emit('<');
        i = lt + 1;
        continue;
      }
      i = lt + m.text.length;
      this.onMarker(m);
    }
    this.pending = this.stopped ? '' : s.slice(i);
  }

  private onMarker(m: Marker): void {
    if (m.kind === 'stop') {
      this.flushHeld();
      if (!this.stopped) this.stop('control-token', this.length);
      return;
    }
    if (this.thoughtClose !== undefined) {
      if (m.text === this.thoughtClose) this.thoughtClose = undefined;
      return;
    }
    if (m.kind === 'thought-open') {
      this.thoughtClose = m.close;
      this.thoughtChars = 0;
    } else if (m.kind === 'thought-close') {
      // A closer without an opener: the template opened the thought, so all so far was thinking.
      this.resetContent();
    } else if (this.echoLines.length > 0 || this.isPrefixEcho()) {
      // `const x = <CURSOR>5`: the model copied the code before the cursor, then the marker.
      this.resetContent();
    }
  }

  /** Whether everything accepted so far repeats the end of the text before the cursor. */
  private isPrefixEcho(): boolean {
    const sofar = (this.text + this.held).trimStart();
    return sofar.trim() !== '' && this.a.prefixTail.endsWith(sofar);
  }

  /** Plain text from stage 1: dropped inside thinking, otherwise passed on without '\r'. */
  private emit(piece: string): void {
    if (this.thoughtClose !== undefined) {
      this.thoughtChars += piece.length;
      if (this.thoughtChars > this.maxChars) this.stop('thinking', this.length);
      return;
    }
    for (let i = 0; i < piece.length && !this.stopped; i++) {
      const c = piece[i];
      if (c !== '\r') this.lineChar(c);
    }
  }

  // ---- Stage 2: line starts

  private lineChar(c: string): void {
    if (!this.holding) {
      this.contentChar(c);
      if (c === '\n') {
        this.holding = true;
        this.held = '';
      }
      return;
    }
    if (c === '\n') {
      this.heldLineDone(true);
      return;
    }
    this.held += c;
    // A closing fence is known at its third backtick; the rest of its line does not matter.
    if ((!this.preamble || this.fenced) && this.lexer.state.mode === 'code' && FENCE.test(this.held)) {
      this.stop('fence', this.length);
      return;
    }
    const echo = this.mayBeEcho(this.held);
    if (!echo && !this.mayBeSpecial(this.held)) this.release();
  }

  /**
   * Whether the line being held (one character longer than at the last call) still copies a line
   * of the prefix: before any code, on a fresh line, the first echoed line may be any line of the
   * prefix, each later one only the prefix's next line. Candidates shrink with each character.
   */
  private mayBeEcho(held: string): boolean {
    if (!this.preamble || this.linePrefix.trim() !== '') return false;
    const k = held.length - 1;
    if (k === 0) this.echoCandidates = this.echoLines.length > 0 ? [this.echoPos] : this.prefixLineStarts();
    if (this.echoCandidates.length === 0) return false;
    const tail = this.a.prefixTail;
    const c = held[k];
    this.echoCandidates = this.echoCandidates.filter((p) => tail[p + k] === c);
    return this.echoCandidates.length > 0;
  }

  private prefixLineStarts(): number[] {
    if (this.prefixLineStartsCache === undefined) {
      const tail = this.a.prefixTail;
      const starts = [0];
      for (let i = tail.indexOf('\n'); i >= 0; i = tail.indexOf('\n', i + 1)) starts.push(i + 1);
      this.prefixLineStartsCache = starts;
    }
    return this.prefixLineStartsCache;
  }

  /**
   * Whether the start of a line may still be a fence, a prompt tag or header, or (first) a preamble
   * line. Only lines that start in code: inside a docstring or block comment they are text.
   */
  private mayBeSpecial(held: string): boolean {
    if (held.length > MAX_HELD || this.lexer.state.mode !== 'code') return false;
    const t = held.trimStart();
    if (t === '') return true;
    if (t[0] === '`' || t[0] === '~') return '```'.startsWith(t) || '~~~'.startsWith(t) || FENCE.test(t);
    if (t[0] === '<') return this.tagsAllowed && couldBeTagLine(t);
    if (couldBeHeaderLine(t)) return true;
    if (!this.preamble) return false;
    if (this.proseAllowed) {
      const lower = t.toLowerCase();
      if (PROSE_STARTERS.some((w) => w.startsWith(lower) || lower.startsWith(w))) return true;
    }
    return this.pathLines.some((p) => p.startsWith(t));
  }

  /** The held line start is ordinary text: pass it on and stop holding until the next line. */
  private release(): void {
    if (this.echoLines.length > 0) {
      // Lines held as a possible copy of the prefix come first.
      const pending = this.held;
      this.held = '';
      this.replayEcho();
      if (this.stopped) return;
      this.held = pending;
    }
    let held = this.held;
    if (this.preamble) {
      this.preamble = false;
      for (; this.preambleBlankLines > 0 && !this.stopped; this.preambleBlankLines--) this.contentChar('\n');
      // A chat model's fenced snippet starts at column 0 however deep the cursor is: when its first
      // line has no indent, the lines after it get the cursor line's indent.
      if (this.fenced && indentOf(held) === '') this.fenceShift = indentOf(this.linePrefix);
    } else if (this.fenceShift !== '' && held.trim() !== '') {
      held = this.fenceShift + held;
    }
    this.held = '';
    this.holding = false;
    for (let i = 0; i < held.length && !this.stopped; i++) this.contentChar(held[i]);
  }

  /** A whole line was held: drop it, stop at it, or pass it on. */
  private heldLineDone(newline: boolean): void {
    const line = this.held;
    const trimmed = line.trim();
    this.held = '';
    if (this.lexer.state.mode !== 'code') {
      this.releaseLine(line, newline);
      return;
    }
    if (FENCE.test(line)) {
      if (this.preamble && !this.fenced) {
        this.fenced = true;
        this.preambleBlankLines = 0;
        this.echoLines = [];
        return;
      }
      this.stop('fence', this.length);
      return;
    }
    if ((this.tagsAllowed && isTagLine(line)) || isHeaderLine(line)) {
      if (this.preamble) return;
      this.stop('prompt-echo', this.length);
      return;
    }
    if (this.preamble && newline && this.holdsAsEcho(line)) return;
    this.replayEcho();
    if (this.preamble) {
      if (this.proseAllowed && PROSE_LINE.test(line)) return;
      if (this.pathLines.includes(trimmed) || this.pathLines.includes(trimmed.replace(/:$/, ''))) return;
      if (trimmed === '' && newline) {
        // On a fresh line the completion starts where the cursor is; after `{█` a break is meaningful.
        if (this.linePrefix.trim() !== '') this.preambleBlankLines++;
        return;
      }
    }
    this.releaseLine(line, newline);
  }

  private releaseLine(line: string, newline: boolean): void {
    this.held = line;
    this.release();
    if (newline && !this.stopped) {
      this.contentChar('\n');
      this.holding = true;
    }
  }

  /** End of stream: a held partial line is judged as a whole line; held echo lines were code. */
  private flushHeld(): void {
    if (this.holding && this.held !== '') this.heldLineDone(false);
    if (!this.stopped) this.replayEcho();
  }

  /**
   * Whether a complete line before any code continues a copy of the prefix (see `mayBeEcho`); the
   * first echoed line must be a significant one, not a `}` that is everywhere.
   */
  private holdsAsEcho(line: string): boolean {
    if (this.linePrefix.trim() !== '') return false;
    const tail = this.a.prefixTail;
    if (this.echoLines.length > 0) {
      if (!tail.startsWith(`${line}\n`, this.echoPos)) return false;
    } else {
      if (!isSignificantLine(normalizeLine(line))) return false;
      const whole = this.echoCandidates.filter((p) => tail[p + line.length] === '\n');
      if (line === '' || whole.length === 0) return false;
      // The copy most likely ends at the cursor: prefer the latest occurrence.
      this.echoPos = whole[whole.length - 1];
    }
    this.echoPos += line.length + 1;
    this.echoLines.push(line);
    this.echoChars += line.length + 1;
    // A copy longer than the cap is not going anywhere useful.
    if (this.echoChars > this.maxChars) this.stop('prompt-echo', this.length);
    return true;
  }

  /** The held copy of the prefix turned out to be code after all: pass it on, in order. */
  private replayEcho(): void {
    const lines = this.echoLines;
    if (lines.length === 0) return;
    this.echoLines = [];
    for (const line of lines) {
      if (this.stopped) return;
      this.releaseLine(line, true);
    }
  }

  // ---- Stage 3: content

  private resetContent(): void {
    this.holding = true;
    this.held = '';
    this.preamble = true;
    this.preambleBlankLines = 0;
    this.echoLines = [];
    this.echoChars = 0;
    this.lines = [];
    this.lineStarts = [0];
    this.cur = '';
    this.length = 0;
    this.lexer = new CodeLexer(this.a.syntax, this.a.lexState);
    this.own = [];
    this.prefixClosed = 0;
    this.inheritedString = this.a.lexState.mode === 'string';
    this.merge = this.mergeableRest === undefined ? undefined : new RestMerge(this.a, this.mergeableRest);
    this.runs = new RunDetector();
    this.echo = SuffixEchoMatcher.forSuffix(this.a.suffixHead);
    this.history = new LineHistory();
    this.lineInCode = this.lexer.state.mode === 'code';
    this.lineSettled = false;
    this.sawIndented = false;
    this.topLevelPause = false;
    // The line above a fresh line counts as the first copy when the model repeats it.
    if (this.linePrefix.trim() === '' && this.prevLineNorm !== undefined) this.history.add(this.prevLineNorm, -1);
  }

  private contentChar(c: string): void {
    if (c === '\n') {
      this.endLine(false);
      return;
    }
    const offset = this.length;
    if (this.echo && c !== ' ' && c !== '\t') {
      const start = this.echo.feed(c, offset);
      if (start >= 0) {
        this.stop('suffix-echo', start);
        return;
      }
    }
    if (!this.bracketAllowed(c)) {
      this.stop('unmatched-closer', offset);
      return;
    }
    this.cur += c;
    this.length++;
    if (this.length > this.maxChars) {
      // Keep whole lines only: a line cut at an arbitrary character is worse than none.
      this.stop('max-chars', this.lines.length > 0 ? this.lineStarts[this.lines.length] - 1 : 0);
      return;
    }
    const runStart = this.runs.feed(c, offset);
    // A line of garbage is dropped whole: its start before the run is rarely worth showing.
    if (runStart >= 0) {
      this.stop('repetition', this.lineStartCut(this.lineOf(runStart)));
      return;
    }
    // The check can only change its mind at a character that ends the line's first word (a space
    // does too, but waiting for the next visible character keeps long indents linear).
    if (!this.lineSettled && this.lines.length >= 1 && this.ctx.shape === 'multi-line' && !/[A-Za-z_\s]/.test(c)) {
      this.settleBlockEarly();
    }
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
    if (!isClosingLine(t)) this.stop('block-end', this.lineStartCut(this.lines.length));
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
        this.stop('next-line-echo', this.lineStartCut(idx));
        return;
      }
      if (this.ctx.shape === 'multi-line' && idx >= 1 && this.lineInCode && this.leavesBlock(line)) return;
      this.history.add(norm, idx);
      const repeat = this.history.repetitionStart();
      if (repeat !== undefined) {
        this.stop('repetition', this.lineStartCut(repeat));
        return;
      }
    }
    if (final) return;
    if (idx === 0 && this.merge?.merged) {
      // The line wrote the closers right of the cursor again: it is the whole line, in any shape.
      this.stop(this.merge.writtenAfter ? 'single-line' : 'unmatched-closer', this.length);
      return;
    }
    this.trackTopLevel(line, idx);
    if (this.ctx.shape === 'single-line') {
      if (!blank) {
        this.stop('single-line', this.length);
        return;
      }
      // One leading line break is allowed (a suggestion for the next line); more is drift.
      if (idx >= 1) {
        this.stop('single-line', 0);
        return;
      }
    }
    if (idx + 1 >= this.maxLines) {
      this.stop('max-lines', this.length);
      return;
    }
    this.lines.push(line);
    this.cur = '';
    this.length++;
    this.lineStarts.push(this.length);
    this.lexer.step('\n');
    this.lineInCode = this.lexer.state.mode === 'code';
    this.lineSettled = false;
    const runStart = this.runs.feed('\n', this.length - 1);
    // A line of garbage is dropped whole: its start before the run is rarely worth showing.
    if (runStart >= 0) this.stop('repetition', this.lineStartCut(this.lineOf(runStart)));
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
      this.stop('block-end', this.lineStartCut(this.lines.length));
      return true;
    }
    if (endsWithBlockOpener(t, this.a.syntax)) return false;
    this.stop('block-end', this.length);
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

  private cutAt(offset: number): void {
    if (offset >= this.length) return;
    const k = this.lineOf(offset);
    const line = k === this.lines.length ? this.cur : this.lines[k];
    this.cur = line.slice(0, offset - this.lineStarts[k]);
    this.lines.length = k;
    this.lineStarts.length = k + 1;
    this.length = offset;
  }
}
