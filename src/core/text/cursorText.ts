// A CursorContext from plain text and a position: for the CLI, tests and benchmarks. The editor
// builds the same shape from its document (src/vscode/completion/cursor.ts).
import type { CursorContext } from '../context/types';
import { languageIdForPath } from './languages';

export { languageIdForPath };


/** How much of a document around the cursor the pipeline sees (the prompt windows are cut from it). */
export const SLICE_PREFIX_LINES = 1500;
export const SLICE_SUFFIX_LINES = 400;
/** The slice's first line is a multiple of this, so it stays put while the user types. */
export const SLICE_ANCHOR = 256;

export function sliceFirstLine(cursorLine: number): number {
  return Math.floor(Math.max(0, cursorLine - SLICE_PREFIX_LINES) / SLICE_ANCHOR) * SLICE_ANCHOR;
}

/**
 * A document's text with its line starts indexed once (as the editor's text model has them), so
 * that taking the editor's bounded slice around a cursor costs only the slice.
 */
export class TextLines {
  readonly text: string;
  readonly eol: '\n' | '\r\n';
  private readonly starts: number[] = [0];

  constructor(raw: string) {
    this.eol = raw.includes('\r\n') ? '\r\n' : '\n';
    this.text = this.eol === '\r\n' ? raw.replace(/\r\n/g, '\n') : raw;
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineText(line: number): string {
    return this.range(line, line);
  }

  /** Lines `from`..`to` (0-based, inclusive, within the document), joined by '\n'. */
  range(from: number, to: number): string {
    const end = to + 1 < this.starts.length ? this.starts[to + 1] - 1 : this.text.length;
    return this.text.slice(this.starts[from], end);
  }

  /** The same bounded slice the editor adapter takes from a document (src/vscode/completion/cursor.ts). */
  cursorSlice(line: number, column: number, path: string, languageId = languageIdForPath(path), indentUnit?: string): { cursor: CursorContext; prefixFirstLine: number } {
    if (line < 0 || line >= this.starts.length) throw new RangeError(`line ${line + 1} is past the end of ${path}`);
    const lineText = this.lineText(line);
    const col = Math.min(Math.max(0, column), lineText.length);
    const at = this.starts[line] + col;
    const first = sliceFirstLine(line);
    const last = Math.min(this.starts.length - 1, line + SLICE_SUFFIX_LINES);
    const end = last + 1 < this.starts.length ? this.starts[last + 1] - 1 : this.text.length;
    return {
      prefixFirstLine: first,
      cursor: {
        languageId, path,
        prefix: this.text.slice(this.starts[first], at),
        suffix: this.text.slice(at, end),
        linePrefix: lineText.slice(0, col),
        lineSuffix: lineText.slice(col),
        indentUnit: indentUnit ?? guessIndent(this.text.slice(0, 20000)),
        eol: this.eol,
        line,
      },
    };
  }
}

export function cursorSliceFromText(text: string, line: number, column: number, path: string, languageId = languageIdForPath(path)): { cursor: CursorContext; prefixFirstLine: number } {
  return new TextLines(text).cursorSlice(line, column, path, languageId);
}


/** `line` and `column` are 0-based; a column past the line's end means its end. */
export function cursorFromText(text: string, line: number, column: number, path: string, languageId = languageIdForPath(path), indentUnit?: string): CursorContext {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const norm = eol === '\r\n' ? text.replace(/\r\n/g, '\n') : text;
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = norm.indexOf('\n', offset);
    if (next < 0) throw new RangeError(`line ${line + 1} is past the end of ${path}`);
    offset = next + 1;
  }
  const lineEnd = norm.indexOf('\n', offset) < 0 ? norm.length : norm.indexOf('\n', offset);
  const at = Math.min(offset + column, lineEnd);
  return {
    languageId,
    path,
    prefix: norm.slice(0, at),
    suffix: norm.slice(at),
    linePrefix: norm.slice(offset, at),
    lineSuffix: norm.slice(at, lineEnd),
    indentUnit: indentUnit ?? guessIndent(norm),
    eol,
    line,
  };
}

/** The indentation unit a text mostly uses: a tab, two or four spaces. */
export function guessIndent(text: string): string {
  let tabs = 0;
  let two = 0;
  let four = 0;
  for (const m of text.slice(0, 20000).matchAll(/^([ \t]+)\S/gm)) {
    if (m[1][0] === '\t') tabs++;
    else if (m[1].length % 4 === 0) four++;
    else if (m[1].length % 2 === 0) two++;
  }
  if (tabs > two + four) return '\t';
  return two > 0 ? '  ' : '    ';
}
