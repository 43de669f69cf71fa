// Merging a one-line completion with the closers already right of the cursor. Inside auto-closed
// brackets (`foo(█)`) the model writes the rest of the line, `a, b);`, closers included. Shown in
// front of the `)` that is there, Tab would leave `foo(a, b);)`; cut at the model's `)`, it would
// lose the `;`. So the completion replaces the characters of the line it writes again: the editor
// shows it over them (an item whose range covers them, as Copilot does) and Tab leaves `foo(a, b);`.
//
// What may be merged is what the prefilter lets stand right of the cursor (isTrivialRest):
// - a closer or quote that ends a scope opened before the cursor (or the string the cursor is in),
//   when it is the next visible character of the rest of the line;
// - after one such, a `;` or `,` at the completion's own top level that is the rest's next visible
//   character (`foo(█);` completed as `a);`);
// - a `>` that no `<` of the completion opened, not part of `=>` or `->` (`Map<█>;`): the lexer does
//   not count angle brackets, comparisons look the same, so only this narrow form.
// The editor shows an item over a range only if what the range covers is kept, in order, in the new
// text (its diff must be insertions only); `isSubsequence` is that check.
import type { CursorContext } from './types';
import { analyzeCursor, CodeLexer, OPENER_FOR, type CursorAnalysis } from './cursorAnalysis';

/** The text and how many characters right of the cursor, on its line, it replaces (0: none). */
export interface ShownCompletion {
  readonly text: string;
  readonly replaces: number;
  /**
   * Characters at the end of `text` the cursor stays in front of once it is accepted: the closers
   * of a bracket or quote the completion ends by opening (`() => {` shown as `() => {}`, accepted
   * with the cursor between the braces, as the editor's own auto-closing leaves it). Absent: none.
   */
  readonly caretBack?: number;
}

/** The cursor's line right of the cursor, without a carriage return. */
export function lineRest(cursor: CursorContext): string {
  return cursor.lineSuffix.replace(/\r$/, '');
}

/**
 * Follows a completion's first line, one character at a time (so the stream filter can run it as
 * chunks arrive), against the rest of the cursor's line.
 */
export class RestMerge {
  /** Characters of the rest the completion writes again: up to and including the last merged one. */
  end = 0;
  /** A closer or quote of the rest was merged. */
  merged = false;
  /** Visible characters were written after the last merged one. */
  writtenAfter = false;
  private readonly lexer: CodeLexer;
  private readonly own: string[] = [];
  private angles = 0;
  private inheritedString: boolean;
  private prev = '';

  constructor(a: CursorAnalysis, private readonly rest: string) {
    this.lexer = new CodeLexer(a.syntax, a.lexState);
    this.inheritedString = a.lexState.mode === 'string';
  }

  /** The completion ends inside a comment, which would swallow what the line keeps after it. */
  get inComment(): boolean {
    const mode = this.lexer.state.mode;
    return mode === 'line-comment' || mode === 'block-comment';
  }

  /** Feeds one character; true when it writes the rest's next character again. */
  feed(c: string): boolean {
    const wasCode = this.lexer.state.mode === 'code';
    const ev = this.lexer.step(c);
    const prev = this.prev;
    this.prev = c;
    let candidate = false;
    if (this.inheritedString && this.lexer.state.mode !== 'string') {
      this.inheritedString = false;
      candidate = ev === 'string-end';
    } else if (ev === 'open') {
      this.own.push(c);
    } else if (ev === 'close') {
      const i = this.own.lastIndexOf(OPENER_FOR[c]);
      if (i >= 0) this.own.length = i;
      else candidate = true;
    } else if (wasCode && this.lexer.state.mode === 'code') {
      if (c === '<') this.angles++;
      else if (c === '>' && prev !== '=' && prev !== '-') {
        if (this.angles > 0) this.angles--;
        else candidate = this.own.length === 0;
      } else if ((c === ';' || c === ',') && this.merged) {
        candidate = this.own.length === 0 && this.angles === 0;
      }
    }
    if (candidate) {
      const k = this.nextVisible();
      if (k >= 0 && this.rest[k] === c) {
        this.end = k + 1;
        this.merged = true;
        this.writtenAfter = false;
        return true;
      }
    }
    if (this.merged && c !== ' ' && c !== '\t') this.writtenAfter = true;
    return false;
  }

  private nextVisible(): number {
    for (let k = this.end; k < this.rest.length; k++) {
      const r = this.rest[k];
      if (r !== ' ' && r !== '\t') return k;
    }
    return -1;
  }
}

/**
 * How many characters right of the cursor a finished one-line completion replaces: 0 when it
 * merges nothing, undefined when it merges but cannot be shown over them (what it replaces is not
 * kept in order in it, or a trailing comment would swallow what the line keeps after it).
 */
export function replacedRest(text: string, cursor: CursorContext): number | undefined {
  const rest = lineRest(cursor);
  if (rest.trim() === '' || text.includes('\n')) return 0;
  const m = new RestMerge(analyzeCursor(cursor), rest);
  for (let i = 0; i < text.length; i++) m.feed(text[i]);
  if (!m.merged) return 0;
  if (m.inComment && rest.slice(m.end).trim() !== '') return undefined;
  return isSubsequence(rest.slice(0, m.end), text) ? m.end : undefined;
}

/**
 * The same line as an insertion when there is one: `a, b);` over `);` is `a, b` in front of them.
 * Plain insertions are what the editor shows most simply and what the cache extends most often.
 */
export function asInsertion(c: ShownCompletion, cursor: CursorContext): ShownCompletion {
  if (c.replaces === 0) return c;
  const rest = lineRest(cursor);
  const replaced = rest.slice(0, c.replaces);
  if (!c.text.endsWith(replaced)) return c;
  const before = c.text.slice(0, c.text.length - replaced.length).trimEnd();
  return before + rest === c.text + rest.slice(c.replaces) ? { text: before, replaces: 0 } : c;
}

/** Whether `part` is `whole` with characters left out (each of its characters, in order). */
export function isSubsequence(part: string, whole: string): boolean {
  let j = 0;
  for (let i = 0; i < whole.length && j < part.length; i++) if (whole[i] === part[j]) j++;
  return j === part.length;
}
