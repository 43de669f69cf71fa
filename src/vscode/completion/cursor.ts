// Builds the core's CursorContext from a VS Code document without copying whole large files on
// every keystroke: a bounded slice around the cursor whose start is anchored to fixed lines, so
// the slice (and the prompt built from it) only changes at its end while the user types.
import * as vscode from 'vscode';
import { guessIndent, sliceFirstLine, SLICE_SUFFIX_LINES } from '../../core/text/cursorText';
import type { CursorContext } from '../../core/completion/types';


export interface CursorSlice {
  readonly cursor: CursorContext;
  readonly prefixFirstLine: number;
}

export function cursorSlice(document: vscode.TextDocument, position: vscode.Position, indentUnit: string): CursorSlice {
  const firstLine = sliceFirstLine(position.line);
  const lastLine = Math.min(document.lineCount - 1, position.line + SLICE_SUFFIX_LINES);
  const crlf = document.eol === vscode.EndOfLine.CRLF;
  const norm = (t: string) => (crlf ? t.replace(/\r\n/g, '\n') : t);
  const prefix = norm(document.getText(new vscode.Range(firstLine, 0, position.line, position.character)));
  const suffix = norm(document.getText(new vscode.Range(position, document.lineAt(lastLine).range.end)));
  const line = document.lineAt(position.line).text;
  return {
    prefixFirstLine: firstLine,
    cursor: {
      languageId: document.languageId,
      path: vscode.workspace.asRelativePath(document.uri, false).replace(/\\/g, '/'),
      prefix,
      suffix,
      linePrefix: line.slice(0, position.character),
      lineSuffix: line.slice(position.character),
      indentUnit,
      eol: crlf ? '\r\n' : '\n',
      line: position.line,
    },
  };
}

/** The indentation unit of the editor showing the document, else guessed from its text. */
export function indentUnitFor(document: vscode.TextDocument): string {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const o = editor?.options;
  if (o && typeof o.insertSpaces === 'boolean' && typeof o.tabSize === 'number') return o.insertSpaces ? ' '.repeat(o.tabSize) : '\t';
  return guessIndent(document.getText(new vscode.Range(0, 0, Math.min(document.lineCount, 400), 0)));
}
