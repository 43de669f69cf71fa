// Repetition and echo detectors of the stream's content checks (streamContent.ts), each fed one
// character or line at a time in O(1) or O(period): a run of characters repeating, lines or cycles
// of lines repeating, and the model starting to write the text after the cursor.
import { isSignificantLine } from './lineCompare';

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

/** Finds a unit of up to MAX_RUN_PERIOD characters repeated back to back, one character at a time. */
export class RunDetector {
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
export class LineHistory {
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
export class SuffixEchoMatcher {
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
