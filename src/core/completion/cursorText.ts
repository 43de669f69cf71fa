// A CursorContext from plain text and a position: for the CLI, tests and benchmarks. The editor
// builds the same shape from its document (src/vscode/completion/cursor.ts).
import type { CursorContext } from './types';

const LANGUAGES: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact',
  py: 'python', go: 'go', rs: 'rust', java: 'java', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', cs: 'csharp', rb: 'ruby', php: 'php',
  kt: 'kotlin', swift: 'swift', scala: 'scala', lua: 'lua', sh: 'shellscript', bash: 'shellscript', json: 'json', md: 'markdown', yaml: 'yaml', yml: 'yaml', toml: 'toml',
  html: 'html', css: 'css', scss: 'scss', sql: 'sql', vue: 'vue', svelte: 'svelte', dart: 'dart', ex: 'elixir', exs: 'elixir', hs: 'haskell', zig: 'zig',
};

export function languageIdForPath(path: string): string {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  return LANGUAGES[ext] ?? 'plaintext';
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
