// The text the simulated user re-types and what the fake model answers. A real TypeScript file from
// node_modules (ollama-js's own source, always installed) is cut at a line end mid-file; the user
// inserts the region back: the document is the file up to the typed position plus the file after the
// region, so the text after the cursor is a constant suffix and the line after the cursor is empty.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cursorSliceFromText } from '../../src/core/text/cursorText';
import type { CursorContext } from '../../src/core/completion/types';
import { between, draw } from './random';
import { cursorPositionIn } from './promptPosition';

/** ollama-js's HTTP helpers: eight functions with JSDoc, 392 lines. */
export const SOURCE_FILE = fileURLToPath(new URL('../../node_modules/ollama/src/utils.ts', import.meta.url));
/** Workspace-relative path the prompt shows. */
export const SOURCE_PATH = 'src/utils.ts';
/** First and last line (1-based) of the region the user re-types: `get`, `head`, `post`, `del`, `parseJSON`. */
export const REGION_FIRST_LINE = 212;
export const REGION_LAST_LINE = 340;

/** Share of requests the fake model answers with the file's true continuation. */
export const TRUE_REPLY_SHARE = 0.7;
/** Share of true answers that go on to the next line too. */
export const NEXT_LINE_SHARE = 0.35;

export interface Key {
  readonly kind: 'char' | 'enter';
  /** What the key inserts: one character, or a newline plus the next line's indentation (auto-indent). */
  readonly text: string;
}

export interface Reply {
  readonly text: string;
  readonly correct: boolean;
}

export class TypingScript {
  readonly text: string;
  /** Offset of the region's start: the end of the line before REGION_FIRST_LINE (the region begins with its newline). */
  readonly regionStart: number;
  readonly regionEnd: number;
  readonly region: string;
  private readonly otherLines: string[];

  constructor(readonly seed: number, file = SOURCE_FILE) {
    this.text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    const lineStart = (n: number) => {
      let at = 0;
      for (let i = 1; i < n; i++) at = this.text.indexOf('\n', at) + 1;
      return at;
    };
    this.regionStart = lineStart(REGION_FIRST_LINE) - 1;
    this.regionEnd = lineStart(REGION_LAST_LINE + 1) - 1;
    if (this.regionStart <= 0 || this.regionEnd <= this.regionStart) throw new Error(`${file} is shorter than the benchmark's region`);
    this.region = this.text.slice(this.regionStart, this.regionEnd);
    this.otherLines = this.text.split('\n').map((l) => l.trim()).filter((l) => /\w/.test(l) && l.length >= 6);
  }

  /** The whole document when `p` characters of the region are typed. */
  documentAt(p: number): string {
    return this.text.slice(0, this.regionStart + p) + this.text.slice(this.regionEnd);
  }

  /** What the editor adapter hands the engine at that point (the same slice, from plain text). */
  cursorAt(p: number): { cursor: CursorContext; prefixFirstLine: number } {
    const before = this.text.slice(0, this.regionStart + p);
    const line = countLines(before);
    const column = before.length - (before.lastIndexOf('\n') + 1);
    return cursorSliceFromText(this.documentAt(p), line, column, SOURCE_PATH);
  }

  /** What the user will type from `p` on. */
  upcoming(p: number): string {
    return this.region.slice(p);
  }

  /** The next key at `p`. Enter inserts the next line's own indentation, as the editor's auto-indent would. */
  keyAt(p: number): Key {
    const c = this.region[p];
    if (c !== '\n') return { kind: 'char', text: c };
    const indent = /^[ \t]*/.exec(this.region.slice(p + 1))?.[0] ?? '';
    return { kind: 'enter', text: '\n' + indent };
  }

  /**
   * Milliseconds the user waits before pressing the key at `p`: 70-180 inside words, longer after a space
   * or punctuation and at a line's first character, a thinking pause (600-1500) before most Enters and at
   * some word starts. `reading`: the user types what the ghost text shows, at word speed without pauses.
   */
  delayBefore(p: number, reading: boolean): number {
    const u = (what: string) => draw(this.seed, what, p);
    const key = this.keyAt(p);
    const prev = p > 0 ? this.region[p - 1] : this.text[this.regionStart - 1];
    if (reading) return between(u('read'), 70, 180);
    if (key.kind === 'enter') return u('pause') < 0.55 ? between(u('think'), 600, 1500) : between(u('enter'), 180, 400);
    const word = /\w/.test(key.text);
    const lineStart = /^[ \t]*$/.test(this.lineBefore(p));
    if (lineStart) return u('pause') < 0.1 ? between(u('think'), 600, 1500) : between(u('line'), 150, 350);
    if (word && !/\w/.test(prev)) return u('pause') < 0.07 ? between(u('think'), 600, 1500) : between(u('boundary'), 130, 320);
    if (!word) return between(u('punct'), 100, 250);
    return between(u('word'), 70, 180);
  }

  /** Time from seeing a ghost text to pressing Tab, and from Tab to the next key. */
  tabReaction(p: number): number {
    return between(draw(this.seed, 'tab', p), 200, 450);
  }

  afterTab(p: number): number {
    return between(draw(this.seed, 'after-tab', p), 200, 450);
  }

  /** What the user does with a ghost text that matches the file: accept (Tab), type through it, or ignore it. */
  choice(p: number): 'accept' | 'type-through' | 'ignore' {
    const u = draw(this.seed, 'choice', p);
    return u < 0.4 ? 'accept' : u < 0.8 ? 'type-through' : 'ignore';
  }

  /** Text on the region's line before `p` (the whole line prefix, for lines started before the region). */
  private lineBefore(p: number): string {
    const before = this.text.slice(0, this.regionStart + p);
    return before.slice(before.lastIndexOf('\n') + 1);
  }

  /**
   * Where a request's cursor was, read back from the raw Gemma prompt: the text inside
   * the text between `<before>\n` and `<CURSOR>` is the end of the document before the cursor.
   */
  positionOf(prompt: string): number | undefined {
    return cursorPositionIn(prompt, this.text, this.regionStart, this.region.length);
  }

  /**
   * The fake model's answer at `p` (what it writes after the seeded line prefix): with probability 0.7
   * the file's own continuation (the rest of the line, sometimes plus the next line; the next line when
   * the cursor ends a line), else a plausible wrong one: the same start, then, from a word boundary,
   * the text of another line of the file. Keyed by position, so a place gets the same answer each time.
   */
  replyAt(p: number): Reply {
    const rest = this.upcoming(p);
    if (rest === '') return { text: '', correct: true };
    const nl = rest.indexOf('\n');
    const lineEnd = nl < 0 ? rest.length : nl;
    let truth: string;
    if (lineEnd === 0) {
      // At a line's end: the next non-blank line, with the newlines before it.
      truth = /^\n(?:[ \t]*\n)*[^\n]*/.exec(rest)?.[0] ?? rest;
    } else {
      const next = rest.indexOf('\n', lineEnd + 1);
      const withNext = draw(this.seed, 'next-line', p) < NEXT_LINE_SHARE && nl >= 0;
      truth = rest.slice(0, withNext ? (next < 0 ? rest.length : next) : lineEnd);
    }
    if (draw(this.seed, 'correct', p) < TRUE_REPLY_SHARE) return { text: truth, correct: true };
    return { text: this.wrongContinuation(p, truth), correct: false };
  }

  private wrongContinuation(p: number, truth: string): string {
    // Cut points: the start, or the start of a word inside the true text (not inside its indentation).
    const cuts = [0];
    for (let i = 1; i < truth.length; i++) if (/\w/.test(truth[i]) && !/\w/.test(truth[i - 1]) && /\S/.test(truth.slice(0, i).replace(/^\n/, ''))) cuts.push(i);
    const cut = cuts[Math.floor(draw(this.seed, 'cut', p) * cuts.length)];
    const head = truth.slice(0, cut);
    const lead = /^\n[ \t]*/.exec(truth.slice(cut))?.[0] ?? '';
    for (let attempt = 0; attempt < 20; attempt++) {
      const line = this.otherLines[Math.floor(draw(this.seed, 'other', p, attempt) * this.otherLines.length)];
      const words = [...line.matchAll(/\w+/g)].map((m) => m.index ?? 0);
      const from = cut === 0 || lead !== '' ? 0 : words[Math.floor(draw(this.seed, 'from', p, attempt) * words.length)] ?? 0;
      const tail = line.slice(from);
      const wrong = head + lead + tail;
      if (tail !== '' && !truth.startsWith(wrong) && wrong[cut + lead.length] !== truth[cut + lead.length]) return wrong;
    }
    return head + lead + 'undefined';
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
