// The first step of a completion, before anything is sent: whether to ask the model at all here
// (shouldComplete) and how much it may write (decideShape). Heuristics on text, no parser:
// tree-sitter may replace decideShape's insides later, behind the same signature.
import type { CompletionShape, CursorContext } from './types';
import {
  analyzeCursor, CONTINUATION_WORDS, endsWithBlockOpener, IDENT_CHAR, indentOf, indentWidth, isClosingLine,
  isTrivialRest, leadingWord,
} from './cursorAnalysis';

/**
 * Single- or multi-line. Multi-line where a block is being started or finished: right after a block
 * opener with nothing but closers after the cursor (`{█}`, `def f():█`, `do█`), on a blank line
 * that starts an empty body, at the end of a block (the next line is less indented or closes it),
 * and at the end of the file. Single-line elsewhere: text after the cursor, inside an argument list
 * or array literal, on a line that already has content which does not open a block, and on a blank
 * line between siblings.
 */
export function decideShape(cursor: CursorContext): CompletionShape {
  const rest = cursor.lineSuffix.replace(/\r$/, '');
  if (!isTrivialRest(rest)) return 'single-line';
  const a = analyzeCursor(cursor);
  if (cursor.linePrefix.trim() !== '') {
    if (!a.opensBlock) return 'single-line';
    // `foo(█)` is an argument list written inline; `foo(█` at a line's end may span lines.
    const last = cursor.linePrefix.trimEnd().slice(-1);
    if ((last === '(' || last === '[') && rest.trim() !== '') return 'single-line';
    return 'multi-line';
  }
  // A blank line, or only indentation before the cursor.
  if (a.prevLine !== undefined && endsWithBlockOpener(a.prevLine, a.syntax)) return 'multi-line';
  const innermost = a.openAtCursor[a.openAtCursor.length - 1];
  if (innermost === '(' || innermost === '[') return 'single-line';
  if (a.lexState.mode !== 'code') return 'single-line';
  const next = a.nextLines[0];
  if (next === undefined) return 'multi-line';
  const cursorWidth = cursor.linePrefix.length > 0 ? indentWidth(cursor.linePrefix, a.tabWidth) : a.bodyIndent;
  if (indentWidth(indentOf(next), a.tabWidth) < cursorWidth) return 'multi-line';
  if (isClosingLine(next.trim()) && !CONTINUATION_WORDS.has(leadingWord(next.trim()))) return 'multi-line';
  return 'single-line';
}

export type CompletionGate = { ok: true } | { ok: false; reason: string };

/**
 * The prefilter: whether a completion can make sense here at all. No suggestion in an empty
 * document, in the middle of a word, or with real text right of the cursor (only whitespace and
 * closing brackets, quotes, `;` and `,` may follow, which the completion can sit in front of).
 */
export function shouldComplete(cursor: CursorContext): CompletionGate {
  if (!/\S/.test(cursor.prefix) && !/\S/.test(cursor.suffix)) return { ok: false, reason: 'empty document' };
  const rest = cursor.lineSuffix.replace(/\r$/, '');
  if (rest.length > 0 && IDENT_CHAR.test(rest[0])) return { ok: false, reason: 'middle of a word' };
  if (!isTrivialRest(rest)) return { ok: false, reason: 'text after the cursor' };
  return { ok: true };
}
