// The post-processor: turns what the stream filter accepted (or any raw model output) into the text
// shown at the cursor, or nothing. It first runs the stream filter's rules over the whole text, so a
// caller without streaming gets the same cleaning (control tokens, thinking, fences, echoed markers
// and prompt tags, brackets, echoes, repetition, block end); then the fix-ups that need the whole
// completion: the echoed line prefix, the closers right of the cursor written again (merged, see
// merge.ts) or other overlap with the text after the cursor, indentation, brackets a single line
// leaves open, trimming, duplicates, and the document's line ends.
import type { CursorContext, ShapingContext } from './types';
import { ZERO_WIDTH_JOINER } from '../prompt/neutralize';
import { isSignificantLine, nearEqual, normalizeLine } from './lineCompare';
import { StreamShaper } from './streamShaper';
import { asInsertion, isSubsequence, lineRest, replacedRest, type ShownCompletion } from './merge';
import {
  analyzeCursor, CLOSER_FOR, CodeLexer, endsWithBlockOpener, indentOf, indentWidth, isClosingLine, OPENER_FOR,
  tabWidthOf,
} from './cursorAnalysis';

export interface PostProcessOptions {
  /** Completions shown recently at this place; showing one again is noise. */
  recent?: readonly string[];
}

/** Brackets a single-line completion may leave open and still get closed here. */
const MAX_AUTO_CLOSE = 3;
/** Non-blank characters an overlap spanning lines needs before it counts as echoed suffix. */
const MIN_MULTILINE_OVERLAP = 6;
/** Longest line-prefix echo looked for. */
const MAX_ECHO = 300;

/**
 * What to show at the cursor, in the document's line ends, and how many characters right of the
 * cursor it replaces (the closers it writes again); undefined for nothing.
 */
export function postProcess(raw: string, ctx: ShapingContext, opts: PostProcessOptions = {}): ShownCompletion | undefined {
  // A merge that cannot be shown over what it replaces: the completion as it was before the merge.
  const merged = finish(raw, ctx, opts, true);
  return merged === null ? finish(raw, ctx, opts, false) ?? undefined : merged;
}

/** null: the completion merges with the rest of the line but cannot be shown over it. */
function finish(raw: string, ctx: ShapingContext, opts: PostProcessOptions, merge: boolean): ShownCompletion | undefined | null {
  const cursor = ctx.cursor;
  let text = applyStreamRules(raw, ctx, merge);
  const unechoed = removeLinePrefixEcho(text, cursor.linePrefix);
  // Without the echo, the bracket and line rules see the completion as it will stand in the line.
  if (unechoed !== text) text = applyStreamRules(unechoed, ctx, merge);
  text = trimLines(text);
  let replaces = merge ? replacedRest(text, cursor) : 0;
  if (replaces === undefined) return null;
  if (replaces === 0) text = removeSuffixOverlap(text, ctx);
  // A line ending in a bracket or quote it opened gets it closed with the cursor left inside, as
  // the editor itself closes one typed there (`on(█)` → `on(type, () => {█})`).
  let inside = '';
  if (ctx.shape === 'single-line') {
    const closed = closeOpenedBrackets(text, ctx, replaces);
    inside = closesLastCharacter(text, closed.slice(text.length)) ? closed.slice(text.length) : '';
    text = closed;
  }
  ({ text, replaces } = asInsertion({ text, replaces }, cursor));
  text = dropLeadingBlankLines(text, cursor);
  text = normalizeIndentation(text, ctx);
  text = trimLines(text);
  if (text.trim() === '') return undefined;
  // The editor shows an item over a range only if the text keeps what the range covers, in order.
  if (replaces > 0 && !isSubsequence(lineRest(cursor).slice(0, replaces), text)) return null;
  if (duplicatesNeighbours(text, ctx, replaces) || repeatsRecent(text, opts.recent)) return undefined;
  text = leaveClosingSuffixOnItsLine(text, ctx);
  // The prompt broke control tokens of the source with a joiner (neutralize.ts); a copy of one in
  // the answer goes into the file as the source had it, not with an invisible character inside.
  text = text.split(`<${ZERO_WIDTH_JOINER}`).join('<');
  const caretBack = inside && text.endsWith(inside) ? { caretBack: inside.length } : {};
  return { text: cursor.eol === '\r\n' ? text.replace(/\n/g, '\r\n') : text, replaces, ...caretBack };
}

/** Non-blank characters a completion still streaming must have before any of it is shown. */
const MIN_EARLY_CHARS = 3;
const IDENT_END = /[\p{L}\p{N}_$]/u;

/**
 * What of a completion still streaming can be shown now, so that ghost text appears when the first
 * words are decoded rather than when the line is: its first line once complete, else up to the end
 * of its last whole word (an identifier the model is still writing may change). Only text that the
 * post-processor would show as it is, at most with brackets it closes after it (those are left to
 * the line's end), and never the start of a line the document already has next to the cursor (a
 * copy the shaper cuts once the line is complete). A suggestion for the next line is shown from
 * its first words too. Undefined: nothing yet.
 */
export function showableSoFar(partial: string, ctx: ShapingContext): string | undefined {
  // A suggestion for the next line (at a line end) starts with its line break: judged by that line.
  const start = partial.startsWith('\n') ? 1 : 0;
  const nl = partial.indexOf('\n', start);
  let candidate: string;
  if (nl >= 0) {
    candidate = partial.slice(0, nl);
  } else {
    let end = partial.length;
    while (end > start && IDENT_END.test(partial[end - 1])) end--;
    candidate = partial.slice(0, end);
  }
  candidate = candidate.trimEnd();
  if (candidate.replace(/\s/g, '').length < MIN_EARLY_CHARS) return undefined;
  const shown = postProcess(candidate, ctx);
  if (!shown || shown.replaces || !shown.text.startsWith(candidate)) return undefined;
  const a = analyzeCursor(ctx.cursor);
  const norm = normalizeLine(start ? candidate.slice(1) : ctx.cursor.linePrefix + candidate);
  const near = start ? [a.nextLines[0]] : [a.nextLines[0], a.prevLine];
  for (const line of near) {
    if (line !== undefined && normalizeLine(line).startsWith(norm)) return undefined;
  }
  return candidate;
}

/** Whether `closing` (added by closeOpenedBrackets) begins with the closer of the bracket or quote that ends `text`. */
function closesLastCharacter(text: string, closing: string): boolean {
  if (closing === '' || text === '') return false;
  const last = text[text.length - 1];
  return CLOSER_FOR[last] === closing[0] || (`'"\``.includes(last) && closing[0] === last);
}

/** The stream filter over the whole text at once, without caps (the stream applied the caller's). */
function applyStreamRules(text: string, ctx: ShapingContext, mergeRest: boolean): string {
  const shaper = new StreamShaper(ctx, { maxLines: Infinity, maxChars: Infinity, mergeRest });
  shaper.push(text);
  return shaper.finish();
}

/**
 * The model repeated the text before the cursor on the current line: `const x = ` → `const x = 5`.
 * Either the whole line (perhaps re-indented) or, at a token boundary, its last 4+ visible characters.
 */
export function removeLinePrefixEcho(text: string, linePrefix: string): string {
  const core = linePrefix.trimStart();
  if (core.trim() === '' || text === '') return text;
  const body = text.replace(/^[ \t\n]+/, '');
  if (body.startsWith(core)) return body.slice(core.length);
  const max = Math.min(core.length - 1, text.length, MAX_ECHO);
  for (let k = max; k >= 1; k--) {
    const piece = text.slice(0, k);
    if (!linePrefix.endsWith(piece)) continue;
    if (piece.replace(/\s/g, '').length < 4) return text;
    const before = linePrefix[linePrefix.length - k - 1];
    const boundary = before === undefined || !isWordChar(before) || !isWordChar(piece[0]);
    return boundary ? text.slice(k) : text;
  }
  return text;
}

function isWordChar(c: string): boolean {
  return /[\p{L}\p{N}_$]/u.test(c);
}

/** Trailing whitespace on each line, and trailing blank lines. */
function trimLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/**
 * The completion ends with what already follows the cursor (`;` typed by the user, `}` of a
 * template literal, or the next lines): trim it. Within the line, a tail holding brackets or
 * quotes that pair up inside the completion (`bar(1)` before `)`) is the completion's own and
 * stays; a tail spanning lines must be a real line.
 */
export function removeSuffixOverlap(text: string, ctx: ShapingContext): string {
  const head = analyzeCursor(ctx.cursor).suffixHead;
  const n = Math.min(text.length, head.length, 2000);
  if (n === 0) return text;
  const borders = prefixFunction(`${head.slice(0, n)}\u0000${text.slice(text.length - n)}`);
  let ownPairs: number | undefined;
  for (let k = borders[borders.length - 1]; k > 0; k = borders[k - 1]) {
    const overlap = head.slice(0, k);
    if (overlap.trim() === '') continue;
    let acceptable: boolean;
    if (overlap.includes('\n')) {
      acceptable = overlap.replace(/\s/g, '').length >= MIN_MULTILINE_OVERLAP;
    } else {
      ownPairs ??= lastPairedChar(text, ctx);
      acceptable = ownPairs < text.length - k;
    }
    if (acceptable) return text.slice(0, text.length - k).trimEnd();
  }
  return text;
}

/**
 * Index of the last character that opens a bracket or string, or closes one opened inside the
 * completion (the lexer starting from the cursor's state); -1 when there is none.
 */
function lastPairedChar(text: string, ctx: ShapingContext): number {
  const a = analyzeCursor(ctx.cursor);
  const lexer = new CodeLexer(a.syntax, a.lexState);
  const own: string[] = [];
  let ownString = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const wasString = lexer.state.mode === 'string';
    const ev = lexer.step(text[i]);
    const isString = lexer.state.mode === 'string';
    if (ev === 'open') {
      own.push(text[i]);
      last = i;
    } else if (ev === 'close') {
      const j = own.lastIndexOf(OPENER_FOR[text[i]]);
      if (j >= 0) {
        own.length = j;
        last = i;
      }
    }
    if (!wasString && isString) {
      ownString = true;
      last = i;
    } else if (wasString && !isString) {
      if (ownString) last = i;
      ownString = false;
    }
  }
  return last;
}

/** Knuth–Morris–Pratt prefix function: for each position, the longest proper border. */
function prefixFunction(s: string): number[] {
  const pi = new Array<number>(s.length).fill(0);
  for (let i = 1, k = 0; i < s.length; i++) {
    while (k > 0 && s[i] !== s[k]) k = pi[k - 1];
    if (s[i] === s[k]) k++;
    pi[i] = k;
  }
  return pi;
}

/**
 * A single line written in front of closers (`foo(█)`) that leaves its own brackets or string open
 * (`bar(1`) would break the line; closing them (`bar(1)`) is what the model meant. With nothing
 * right of it (nothing right of the cursor, or only what it `replaces`: `if (x) {` over `)`) the
 * user is still typing, so it is left alone.
 */
export function closeOpenedBrackets(text: string, ctx: ShapingContext, replaces = 0): string {
  const cursor = ctx.cursor;
  if (lineRest(cursor).slice(replaces).trim() === '' || text.includes('\n')) return text;
  const a = analyzeCursor(cursor);
  const lexer = new CodeLexer(a.syntax, a.lexState);
  const own: string[] = [];
  let openedString = false;
  for (let i = 0; i < text.length; i++) {
    const wasString = lexer.state.mode === 'string';
    const ev = lexer.step(text[i]);
    if (!wasString && lexer.state.mode === 'string') openedString = true;
    else if (wasString && lexer.state.mode !== 'string') openedString = false;
    if (ev === 'open') own.push(text[i]);
    else if (ev === 'close') {
      const j = own.lastIndexOf(OPENER_FOR[text[i]]);
      if (j >= 0) own.length = j;
    }
  }
  const mode = lexer.state.mode;
  if (mode === 'line-comment' || mode === 'block-comment') return text;
  if (mode === 'string' && (!openedString || lexer.state.triple)) return text;
  if (own.length > MAX_AUTO_CLOSE) return text;
  let closing = mode === 'string' ? lexer.state.quote : '';
  for (let j = own.length - 1; j >= 0; j--) closing += CLOSER_FOR[own[j]];
  return text + closing;
}

/** On a blank line the completion starts where the cursor is: no leading blank lines or indent. */
function dropLeadingBlankLines(text: string, cursor: CursorContext): string {
  if (cursor.linePrefix.trim() !== '') return text;
  let out = text.replace(/^([ \t]*\n)+/, '');
  if (cursor.linePrefix.length > 0) out = out.replace(/^[ \t]+/, '');
  return out;
}

/**
 * Re-indents lines the model indented in another style: spaces in a tab-indented file, tabs or
 * another number of spaces per level in a space-indented one. The model's unit is the document's
 * when every width fits it; otherwise it is read from the first indented line and the level that
 * line should have, or from the common divisor of the widths.
 */
export function normalizeIndentation(text: string, ctx: ShapingContext): string {
  const cursor = ctx.cursor;
  const unit = cursor.indentUnit === '' ? '    ' : cursor.indentUnit;
  const docWidth = tabWidthOf(unit);
  const lines = text.split('\n');
  const first = cursor.linePrefix === '' ? 0 : 1;
  const firstContent = lines.findIndex((l, i) => i >= first && l.trim() !== '');
  if (firstContent < 0) return text;

  const spaceIndented = (l: string) => /^ +(?:[^ \t]|$)/.test(l) && l.trim() !== '';
  const expectedLevel = expectedFirstLevel(lines, firstContent, first, ctx, docWidth);

  if (unit === '\t') {
    const widths = lines.slice(first).filter(spaceIndented).map((l) => indentOf(l).length);
    if (widths.length === 0) return text;
    const w1 = spaceIndented(lines[firstContent]) ? indentOf(lines[firstContent]).length : undefined;
    const u = detectUnit(widths, docWidth, expectedLevel, w1);
    return lines.map((l, i) => (i >= first && spaceIndented(l) ? reindent(l, indentOf(l).length, u, '\t') : l)).join('\n');
  }

  // Space-indented document: leading tabs become units first.
  const expanded = lines.map((l, i) => {
    if (i < first || !l.startsWith('\t')) return l;
    const ws = indentOf(l);
    return ' '.repeat(indentWidth(ws, docWidth)) + l.slice(ws.length);
  });
  const widths = expanded.slice(first).filter(spaceIndented).map((l) => indentOf(l).length);
  if (widths.length === 0) return expanded.join('\n');
  const w1 = spaceIndented(expanded[firstContent]) ? indentOf(expanded[firstContent]).length : undefined;
  const u = detectUnit(widths, docWidth, expectedLevel, w1);
  if (u === docWidth) return expanded.join('\n');
  return expanded.map((l, i) => (i >= first && spaceIndented(l) ? reindent(l, indentOf(l).length, u, unit) : l)).join('\n');
}

/** The indent level (in document units) the completion's first content line should have. */
function expectedFirstLevel(lines: readonly string[], firstContent: number, first: number, ctx: ShapingContext, docWidth: number): number {
  const cursor = ctx.cursor;
  const a = analyzeCursor(cursor);
  let width: number;
  if (first === 0) {
    width = a.bodyIndent;
  } else {
    width = indentWidth(indentOf(cursor.linePrefix), docWidth);
    if (endsWithBlockOpener(cursor.linePrefix + lines[0], a.syntax)) width += docWidth;
  }
  if (isClosingLine(lines[firstContent].trim())) width -= docWidth;
  return Math.max(0, Math.round(width / docWidth));
}

const PLAUSIBLE_UNITS = [2, 3, 4, 8];

/**
 * The model's spaces per level. Evidence first: the first indented line at the level it should
 * have, confirmed by a second distinct width (one line alone may be a continuation indent). Then
 * the document's own unit if every width fits it, then the widths' common divisor.
 */
function detectUnit(widths: readonly number[], docWidth: number, expectedLevel: number, w1: number | undefined): number {
  if (w1 !== undefined && expectedLevel >= 1 && w1 % expectedLevel === 0) {
    const u = w1 / expectedLevel;
    if (u !== docWidth && PLAUSIBLE_UNITS.includes(u) && new Set(widths).size >= 2 && widths.every((w) => w % u === 0)) return u;
  }
  if (widths.every((w) => w % docWidth === 0)) return docWidth;
  const g = widths.reduce(gcd);
  return PLAUSIBLE_UNITS.includes(g) ? g : docWidth;
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}

/** `width` columns of model indentation at `modelUnit` per level, written in the document's unit. */
function reindent(line: string, width: number, modelUnit: number, docUnit: string): string {
  const level = Math.floor(width / modelUnit);
  const rest = width % modelUnit;
  return docUnit.repeat(level) + ' '.repeat(rest) + line.slice(width);
}

/**
 * The completion, as it would stand in the document, merely repeats the next line(s) or the line
 * above: showing it would duplicate code.
 */
function duplicatesNeighbours(text: string, ctx: ShapingContext, replaces: number): boolean {
  const cursor = ctx.cursor;
  const a = analyzeCursor(cursor);
  const parts = text.split('\n');
  const full: string[] = [];
  parts.forEach((p, i) => {
    let line = i === 0 ? cursor.linePrefix + p : p;
    if (i === parts.length - 1) line += lineRest(cursor).slice(replaces);
    // A completion starting with a line break adds nothing to the cursor's line.
    if (i === 0 && p.trim() === '') return;
    if (line.trim() !== '') full.push(normalizeLine(line));
  });
  if (full.length === 0 || !full.some(isSignificantLine)) return false;
  if (full.length <= a.nextLines.length && full.every((n, i) => nearEqual(n, normalizeLine(a.nextLines[i])))) return true;
  return full.length === 1 && a.prevLine !== undefined && nearEqual(full[0], normalizeLine(a.prevLine));
}

function repeatsRecent(text: string, recent: readonly string[] | undefined): boolean {
  if (!recent || recent.length === 0) return false;
  const t = text.trim();
  return recent.some((r) => r.replace(/\r/g, '').trim() === t);
}

/**
 * `{█}` completed over several lines: end with a line break and the cursor line's indent so that
 * the `}` right of the cursor lands on a line of its own.
 */
function leaveClosingSuffixOnItsLine(text: string, ctx: ShapingContext): string {
  const rest = ctx.cursor.lineSuffix.replace(/\r$/, '').trim();
  if (ctx.shape !== 'multi-line' || !text.includes('\n') || rest === '' || !isClosingLine(rest)) return text;
  return `${text}\n${analyzeCursor(ctx.cursor).cursorIndent}`;
}
