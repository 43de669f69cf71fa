// The text of a definition that goes into a prompt: its signature, or the whole thing when it is
// small (types, interfaces, enums and short functions are most useful whole). Cut from the file's
// text when context first needs it (the index itself keeps only names and line ranges).
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

/** Cuts one definition's prompt text from a file's lines: whole when small, else its signature. */
export function snippetOf(def: LocatedDefinition, lineCount: number, lines: (from: number, to: number) => string): IndexedDefinition {
  const start = Math.max(0, Math.min(def.startLine, lineCount - 1));
  const end = Math.max(start, Math.min(def.endLine, lineCount - 1));
  if (end - start + 1 <= MAX_WHOLE_LINES) {
    const whole = lines(start, end);
    if (whole.length <= MAX_WHOLE_CHARS) return { ...def, text: whole, textStartLine: start, textEndLine: end, whole: true };
  }
  const sigEnd = Math.max(start, Math.min(def.signatureEndLine, end, start + MAX_WHOLE_LINES));
  let sig = lines(start, sigEnd);
  if (sig.length > MAX_SIGNATURE_CHARS) sig = `${sig.slice(0, MAX_SIGNATURE_CHARS)}…`;
  return { ...def, text: sig, textStartLine: start, textEndLine: sigEnd, whole: false };
}
