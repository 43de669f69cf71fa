// The text of a definition that goes into a prompt: its signature, or the whole thing when it is
// small (types, interfaces, enums and short functions are most useful whole). Cut from the file's
// text when context first needs it (the index itself keeps only names, line ranges and, when the
// parser could tell, where that text lies in the file: see SnippetSpan). The rule is split in two,
// planSnippet (which lines, whole or not, cut or not) and cutSnippet (the text), so that the node
// layer can locate the text once, at parse time, and later read just those bytes, with the same
// outcome as cutting it from the whole file.
import type { Definition, FileTags } from './tags';

/** Whole-definition text up to this size; larger ones contribute their signature only. */
export const MAX_WHOLE_LINES = 30;
export const MAX_WHOLE_CHARS = 1600;
export const MAX_SIGNATURE_CHARS = 400;

/** A definition and the file it is in: what the index keeps in memory. */
export interface LocatedDefinition extends Definition {
  readonly path: string;
}

/** A definition with its prompt-ready text, cut from the file when context needs it. */
export interface IndexedDefinition extends LocatedDefinition {
  /** Signature or whole definition, as it stands in the file. */
  readonly text: string;
  /** First and last line of `text`. */
  readonly textStartLine: number;
  readonly textEndLine: number;
  readonly whole: boolean;
}

export function definitionSnippets(path: string, text: string, tags: FileTags): IndexedDefinition[] {
  const lines = text.split(/\r?\n/);
  const slice = (from: number, to: number) => lines.slice(from, to + 1).join('\n');
  return tags.definitions.map((d) => snippetOf({ ...d, path }, lines.length, slice));
}

/** Which lines of a file give a definition's prompt text, and how. */
export interface SnippetPlan {
  /** First and last line (0-based, inclusive). */
  readonly start: number;
  readonly end: number;
  /** The whole definition, not just its signature. */
  readonly whole: boolean;
  /** The lines' text is longer than MAX_SIGNATURE_CHARS: only that much of it is kept, then `…`. */
  readonly cut: boolean;
}

/**
 * The snippet rule: the whole definition when it is at most MAX_WHOLE_LINES lines and
 * MAX_WHOLE_CHARS characters, else its signature (up to MAX_WHOLE_LINES + 1 lines), cut after
 * MAX_SIGNATURE_CHARS. `rangeLength(from, to)` is the length of lines from..to joined by '\n'.
 */
export function planSnippet(def: Definition, lineCount: number, rangeLength: (from: number, to: number) => number): SnippetPlan {
  const start = Math.max(0, Math.min(def.startLine, lineCount - 1));
  const end = Math.max(start, Math.min(def.endLine, lineCount - 1));
  if (end - start + 1 <= MAX_WHOLE_LINES && rangeLength(start, end) <= MAX_WHOLE_CHARS) return { start, end, whole: true, cut: false };
  const sigEnd = Math.max(start, Math.min(def.signatureEndLine, end, start + MAX_WHOLE_LINES));
  return { start, end: sigEnd, whole: false, cut: rangeLength(start, sigEnd) > MAX_SIGNATURE_CHARS };
}

/**
 * The prompt text of a plan, from the text of its lines joined by '\n' (or, for a cut plan, from
 * at least the first MAX_SIGNATURE_CHARS code units of it).
 */
export function cutSnippet(def: LocatedDefinition, plan: SnippetPlan, text: string): IndexedDefinition {
  return {
    ...def, text: plan.cut ? `${text.slice(0, MAX_SIGNATURE_CHARS)}…` : text, textStartLine: plan.start, textEndLine: plan.end, whole: plan.whole,
  };
}

/** Cuts one definition's prompt text from a file's lines: whole when small, else its signature. */
export function snippetOf(def: LocatedDefinition, lineCount: number, lines: (from: number, to: number) => string): IndexedDefinition {
  const plan = planSnippet(def, lineCount, (from, to) => lines(from, to).length);
  return cutSnippet(def, plan, lines(plan.start, plan.end));
}

/** Lines of a definition's compact form: from its name line to its signature's end, at most this many. */
export const COMPACT_LINES = 3;

/**
 * A definition in a few lines, for context that goes on past the definitions the scope names: its
 * signature from the first line of its text to the end of its declaration, at most `maxLines`
 * lines from its name line (Infinity: the whole signature; a long run of decorators or comments
 * before the name is left out). Undefined when the text does not reach the name line (a cut
 * signature).
 */
export function compactSnippet(def: IndexedDefinition, maxLines = COMPACT_LINES): { text: string; startLine: number; endLine: number } | undefined {
  const lines = def.text.split('\n');
  const last = def.textStartLine + lines.length - 1;
  if (def.line < def.textStartLine || def.line > last) return undefined;
  const start = def.line - def.textStartLine >= COMPACT_LINES ? def.line : def.textStartLine;
  const end = Math.min(last, def.textEndLine, Math.max(def.line, def.signatureEndLine), def.line + maxLines - 1);
  if (start === def.textStartLine && end === last) return { text: def.text, startLine: start, endLine: end };
  return { text: lines.slice(start - def.textStartLine, end - def.textStartLine + 1).join('\n'), startLine: start, endLine: end };
}
