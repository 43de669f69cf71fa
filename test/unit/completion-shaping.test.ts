// "The model streamed X with the cursor at Y → the user sees Z": the stream filter and the
// post-processor, row by row, in TypeScript, Python, Go and Rust. Every row runs five times, with
// the output in token-sized chunks, in 1-character chunks, in one chunk and in two seeded random
// chunkings: what the user sees and why the stream stopped must not depend on where chunks break.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionShape, CursorContext, ShapingContext } from '../../src/core/completion/types';
import { decideShape, shouldComplete } from '../../src/core/completion/prefilter';
import { StreamShaper, type ShaperOptions, type StopReason } from '../../src/core/completion/streamShaper';
import { postProcess, showableSoFar } from '../../src/core/completion/postprocess';
import { neutralize } from '../../src/core/prompt/neutralize';
import { CURSOR_MARKER, STOP_SEQUENCES, STOP_TOKEN_PREFIXES, STOP_TOKENS } from '../../src/core/completion/markers';

const CURSOR = '█';

const EXTENSIONS: Record<string, string> = { typescript: 'ts', python: 'py', go: 'go', rust: 'rs', ruby: 'rb', lua: 'lua' };

/**
 * A CursorContext from a document with one `█` in it. With `crlf` the document is written with
 * CRLF line ends, kept in prefix and suffix (the editor adapter normalizes them; the core must not
 * depend on it).
 */
function cursorIn(doc: string, languageId: string, opts: { crlf?: boolean } = {}): CursorContext {
  const at = doc.indexOf(CURSOR);
  assert.ok(at >= 0 && doc.indexOf(CURSOR, at + 1) < 0, 'exactly one cursor glyph');
  const text = opts.crlf ? doc.replace(/\n/g, '\r\n') : doc;
  const i = text.indexOf(CURSOR);
  const prefix = text.slice(0, i);
  const suffix = text.slice(i + CURSOR.length);
  const lineEnd = suffix.search(/\r?\n/);
  return {
    languageId,
    path: `src/example.${EXTENSIONS[languageId] ?? 'txt'}`,
    prefix,
    suffix,
    linePrefix: prefix.slice(prefix.lastIndexOf('\n') + 1),
    lineSuffix: lineEnd < 0 ? suffix : suffix.slice(0, lineEnd),
    indentUnit: guessIndentUnit(doc),
    eol: opts.crlf ? '\r\n' : '\n',
  };
}

/** Tab if any line is tab-indented, else the smallest space indent (4 when nothing is indented). */
function guessIndentUnit(doc: string): string {
  let smallest = Infinity;
  for (const line of doc.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) return '\t';
    const n = /^ */.exec(line)![0].length;
    if (n > 0 && n < smallest) smallest = n;
  }
  return smallest === Infinity ? '    ' : ' '.repeat(smallest);
}

/** Token-like pieces: words, runs of spaces, single punctuation; roughly what a tokenizer streams. */
function tokenChunks(out: string): string[] {
  return out.match(/[A-Za-z0-9_]+|[ \t]+|\n|[^A-Za-z0-9_ \t\n]{1,2}/g) ?? [];
}

/** Splits by UTF-16 code unit, as a stream may (a chunk can end inside a surrogate pair). */
function splitEvery(out: string, n: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < out.length; i += n) chunks.push(out.slice(i, i + n));
  return chunks;
}

/** Chunks of 1 to 8 characters at random (seeded) boundaries. */
function randomChunks(out: string, random: () => number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < out.length;) {
    const n = 1 + Math.floor(random() * 8);
    chunks.push(out.slice(i, i + n));
    i += n;
  }
  return chunks;
}

/** A small deterministic generator (mulberry32), so a failing chunking can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each character of `part`, in order, in `whole`: the diff from `part` to `whole` is insertions only. */
function keptInOrder(part: string, whole: string): boolean {
  let at = 0;
  for (const c of part) {
    at = whole.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

interface Run {
  shown: string | undefined;
  /** Characters right of the cursor the shown text replaces. */
  replaces: number;
  /** Characters at the end of the shown text the cursor stays in front of after Tab. */
  caretBack: number;
  reason: StopReason | undefined;
  consumed: number;
  total: number;
}

function runShaper(ctx: ShapingContext, chunks: readonly string[], opts: { shaper?: ShaperOptions; recent?: string[] } = {}): Run {
  const shaper = new StreamShaper(ctx, opts.shaper);
  let consumed = 0;
  for (const chunk of chunks) {
    consumed++;
    if (shaper.push(chunk).stop) break;
  }
  const shown = postProcess(shaper.finish(), ctx, { recent: opts.recent });
  return { shown: shown?.text, replaces: shown?.replaces ?? 0, caretBack: shown?.caretBack ?? 0, reason: shaper.stopReason, consumed, total: chunks.length };
}

interface Row {
  /** What the row shows. */
  name: string;
  lang: 'typescript' | 'python' | 'go' | 'rust';
  /** The document, with `█` at the cursor. */
  doc: string;
  /** The model's raw output. */
  out: string;
  /** How it arrives; token-like pieces when absent. */
  chunks?: readonly string[];
  /** What the user sees; null for nothing. */
  shows: string | null;
  /** Characters right of the cursor it is shown over (the closers it writes again); 0 when absent. */
  replaces?: number;
  /** The cursor's line after Tab. */
  line?: string;
  /** Characters at the end of what is shown that the cursor stays in front of after Tab; 0 when absent. */
  caretBack?: number;
  /** Why the stream stopped (undefined: it ran to its end). */
  stop?: StopReason;
  /** The stop fired before the whole output was consumed (checked with 1-character chunks). */
  early?: boolean;
  /** The shape decideShape gives at this cursor. */
  shape?: CompletionShape;
  crlf?: boolean;
  shaper?: ShaperOptions;
  recent?: string[];
}

const numbered = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i));

const TYPESCRIPT: Row[] = [
  {
    name: 'single line: the rest of the statement, then stop at the line end',
    lang: 'typescript', doc: 'function area(r: number): number {\n  return Math.PI * █\n}\n',
    out: 'r * r;\n}\n\nfunction other() {\n  return 1;\n}\n',
    shows: 'r * r;', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: '`)` right of the cursor: the model\'s `)` is not shown twice',
    lang: 'typescript', doc: 'console.log(█);\n',
    out: "'hello', name);\nconsole.log('bye');\n",
    shows: "'hello', name", stop: 'unmatched-closer', early: true, shape: 'single-line',
  },
  {
    name: '`"` right of the cursor inside a string: the closing quote is not doubled',
    lang: 'typescript', doc: 'const greeting = "Hello, █";\n',
    out: 'world!";\nconsole.log(greeting);\n',
    shows: 'world!', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'inside `${…}` of a template literal: the `}` and the backtick the line has are not repeated',
    lang: 'typescript', doc: 'const s = `hello ${█}`;\n',
    out: 'name}`;\nconsole.log(s);\n',
    shows: 'name', stop: 'unmatched-closer', early: true, shape: 'single-line',
  },
  {
    name: '`;` right of the cursor: trailing overlap trimmed',
    lang: 'typescript', doc: 'const n = █;\n',
    out: 'items.length;',
    shows: 'items.length',
  },
  {
    name: 'empty function body: multi-line, stops at the `}` the document already has',
    lang: 'typescript', doc: 'function sum(xs: number[]): number {\n  █\n}\n',
    out: 'let s = 0;\n  for (const x of xs) s += x;\n  return s;\n}\n\nexport function mean(xs: number[]) {\n',
    shows: 'let s = 0;\n  for (const x of xs) s += x;\n  return s;', stop: 'unmatched-closer', early: true, shape: 'multi-line',
  },
  {
    name: 'the class\'s `}` lies beyond the suffix window: the method\'s `}` is still not repeated',
    lang: 'typescript', doc: 'class Service {\n  start() {\n    █\n  }\n',
    out: 'this.running = true;\n  }\n\n  stop() {}\n}\n',
    shows: 'this.running = true;', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'a `)` in the code below closes an outer `(`, not the inner `{` the file lacks: the completion writes the `};`',
    lang: 'typescript',
    doc: 'return new Observable((destination) => {\n  const onError = (type: string) => {\n    xhr.addEventListener(type, () => {\n      destination.error(type);\n    });█\n\n  onError(\'timeout\');\n  return () => {\n    xhr.abort();\n  };\n});\n',
    out: '\n  };\n\n  onError(\'timeout\');\n',
    shows: '\n  };', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: 'the file lacks the inner `}` (indents tell): the completion writes it and stops',
    lang: 'typescript', doc: 'function outer(x: boolean) {\n  if (x) {█\n}\n',
    out: '\n    y();\n  }\n  z();\n}\n',
    shows: '\n    y();\n  }', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: '`{█}` on one line: the body gets lines of its own and the `}` its own line',
    lang: 'typescript', doc: 'const handlers = {\n  onClick() {█},\n};\n',
    out: "\n    console.log('click');\n  },\n  onHover() {}\n",
    shows: "\n    console.log('click');\n  ", stop: 'unmatched-closer', early: true, shape: 'multi-line',
  },
  {
    name: 'top level: a function and its `}`, then the next function is cut',
    lang: 'typescript', doc: 'export const a = {\n  x: 1,\n};\n\n█',
    out: 'export function f() {\n  return a;\n}\n\nexport function g() {}\n',
    shows: 'export function f() {\n  return a;\n}', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'the next line of the document, echoed: cut before it',
    lang: 'typescript', doc: 'function f(a: number) {\n  █\n  return b;\n}\n',
    out: 'const b = a * 2;\n  return b;\n}\n',
    shows: 'const b = a * 2;', stop: 'next-line-echo', early: true, shape: 'multi-line',
  },
  {
    name: 'the suffix echoed from the middle of a line',
    lang: 'typescript', doc: 'function f(a: number) {\n  █\n  return a + 1;\n}\n',
    out: 'a = a * 2; return a + 1;\n}\n\nfunction g() {}\n',
    shows: 'a = a * 2;', stop: 'suffix-echo', early: true,
  },
  {
    name: 'the same line over and over: one copy, stopped at the third',
    lang: 'typescript', doc: 'const xs: number[] = [];\n█\n',
    out: numbered(8, () => 'xs.push(1);').join('\n'),
    shows: 'xs.push(1);', stop: 'repetition', early: true, shape: 'multi-line',
  },
  {
    name: 'a cycle of two lines: the first round kept',
    lang: 'typescript', doc: 'class Stack {\n  private items: number[] = [];\n  █\n}\n',
    out: 'push(x: number) { this.items.push(x); }\n  pop() { return this.items.pop(); }\n  push(x: number) { this.items.push(x); }\n  pop() { return this.items.pop(); }\n  push(x: number) {',
    shows: 'push(x: number) { this.items.push(x); }\n  pop() { return this.items.pop(); }', stop: 'repetition', early: true, shape: 'multi-line',
  },
  {
    name: 'prose, a fence, code, the closing fence, more prose',
    lang: 'typescript', doc: 'export function isEven(n: number): boolean {\n  █\n}\n',
    out: 'Here is the completion:\n```typescript\nreturn n % 2 === 0;\n```\nThis returns true for even numbers.',
    shows: 'return n % 2 === 0;', stop: 'fence', early: true,
  },
  {
    name: 'a fence split across chunks',
    lang: 'typescript', doc: 'function one() {\n  █\n}\n',
    out: '```ts\nreturn 1;\n```\n', chunks: ['``', '`ts\nreturn', ' 1;\n``', '`\n'],
    shows: 'return 1;', stop: 'fence', early: true,
  },
  {
    name: 'Gemma thinking text split across chunks is skipped',
    lang: 'typescript', doc: 'const names = users.map((u) => █);\n',
    out: '<|channel>thought\nThe user wants names.<channel|>u.name);\n',
    chunks: ['<|chan', 'nel>thou', 'ght\nThe user', ' wants names.<chan', 'nel|>u.na', 'me);\n'],
    shows: 'u.name', stop: 'unmatched-closer',
  },
  {
    name: 'generics, comparisons and `<tags>` in strings are code, not markers',
    lang: 'typescript', doc: 'function f(xs: number[]) {\n  █\n}\n',
    out: 'const out: Array<string> = [];\n  for (let i = 0; i < xs.length; i++) out.push(`<${i}|>`);\n  return out;\n}\n',
    shows: 'const out: Array<string> = [];\n  for (let i = 0; i < xs.length; i++) out.push(`<${i}|>`);\n  return out;', stop: 'unmatched-closer',
  },
  {
    name: 'end-of-turn token split across chunks',
    lang: 'typescript', doc: 'const port = █\n',
    out: '8080;<turn|>\n<|turn>user\nmore', chunks: ['8080;', '<tu', 'rn|>', '\n<|turn>user\nmore'],
    shows: '8080;', stop: 'control-token', early: true, shape: 'single-line',
  },
  {
    name: 'the line before the cursor and the cursor marker echoed',
    lang: 'typescript', doc: 'const limit = █\n',
    out: `const limit = ${CURSOR_MARKER}100;\n`,
    shows: '100;', stop: 'single-line',
  },
  {
    name: 'several lines before the cursor copied, then the marker: only what follows it',
    lang: 'typescript', doc: 'class A {\n  m() {\n    █\n  }\n}\n',
    out: `Code before the cursor:\n<before>\nclass A {\n  m() {\n    ${CURSOR_MARKER}return 1;\n  }\n}\n</before>`,
    shows: 'return 1;', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'the line before the cursor echoed without a marker',
    lang: 'typescript', doc: 'function f() {\n  const total = █\n}\n',
    out: 'const total = price * qty;\n',
    shows: 'price * qty;', stop: 'single-line',
  },
  {
    name: 'prompt section tags echoed around the code',
    lang: 'typescript', doc: 'function double(n: number) {\n  █\n}\n',
    out: '<completion>\nreturn n * 2;\n</completion>\n<after>\n}\n',
    shows: 'return n * 2;', stop: 'prompt-echo', early: true,
  },
  {
    name: 'a prompt section header after the code: the model began echoing the prompt',
    lang: 'typescript', doc: 'function double(n: number) {\n  █\n}\n',
    out: 'return n * 2;\nCode after the cursor in src/example.ts (typescript):\n<after>\n}\n',
    shows: 'return n * 2;', stop: 'prompt-echo', early: true,
  },
  {
    name: 'CRLF document: the completion uses CRLF',
    lang: 'typescript', doc: 'if (ready) {\n  █\n}\n', crlf: true,
    out: "start();\n  log('started');\n}\n",
    shows: "start();\r\n  log('started');", stop: 'unmatched-closer',
  },
  {
    name: 'over-long output: capped at maxLines',
    lang: 'typescript', doc: 'const table = {\n  █\n};\n', shaper: { maxLines: 5 },
    out: numbered(30, (i) => `k${i}: ${i},`).join('\n  '),
    shows: numbered(5, (i) => `k${i}: ${i},`).join('\n  '), stop: 'max-lines', early: true,
  },
  {
    name: 'garbage: one unit repeated for a whole line shows nothing',
    lang: 'typescript', doc: 'const sep = █\n',
    out: `'${'ab'.repeat(60)}'\n`,
    shows: null, stop: 'repetition', early: true,
  },
  {
    name: 'whitespace only: nothing to show',
    lang: 'typescript', doc: 'let x = █\n',
    out: '   \n\n  \n',
    shows: null,
  },
  {
    name: 'a copy of the line above: nothing to show',
    lang: 'typescript', doc: "import { a } from './a';\n█\n",
    out: "import { a } from './a';\n",
    shows: null, shape: 'multi-line',
  },
  {
    name: 'the line as completed equals the next line: nothing to show',
    lang: 'typescript', doc: 'foo(█)\nfoo(x)\n',
    out: 'x',
    shows: null, shape: 'single-line',
  },
  {
    name: 'the suggestion shown a moment ago: not again',
    lang: 'typescript', doc: 'const x = █\n', recent: ['42;'],
    out: '42;\n',
    shows: null, stop: 'single-line',
  },
  {
    name: 'indentation: 4 spaces from the model in a 2-space file',
    lang: 'typescript', doc: 'function f() {█\n}\nfunction g() {\n  return 1;\n}\n',
    out: '\n    if (x) {\n        y();\n    }\n',
    shows: '\n  if (x) {\n    y();\n  }', shape: 'multi-line',
  },
  {
    name: 'in a comment, a sentence is what the user writes',
    lang: 'typescript', doc: '// █\nfunction f() {}\n',
    out: 'Here is the helper used by tests.\n',
    shows: 'Here is the helper used by tests.', stop: 'single-line',
  },
  {
    name: 'a refusal instead of code: nothing to show',
    lang: 'typescript', doc: 'function f() {\n  █\n}\n',
    out: 'I cannot complete this code.\n',
    shows: null,
  },
];

const PYTHON: Row[] = [
  {
    name: 'function body: stops where the next top-level definition starts',
    lang: 'python', doc: 'def area(r):\n    █\n\ndef perimeter(r):\n    return 2 * 3.14 * r\n',
    out: 'return 3.14 * r * r\n\ndef volume(r):\n    return 0\n',
    shows: 'return 3.14 * r * r', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'end of file at the top level: one definition, not the next one',
    lang: 'python', doc: 'import math\n\n█',
    out: 'def circle_area(r):\n    return math.pi * r * r\n\n\ndef square_area(s):\n    return s * s\n',
    shows: 'def circle_area(r):\n    return math.pi * r * r', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'after `if …:`: the `else:` branch continues the block, the next statement ends it',
    lang: 'python', doc: 'def sign(x):\n    if x < 0:█\n    return 1\n',
    out: "\n        return -1\n    else:\n        return 0\n    print('x')\n",
    shows: '\n        return -1\n    else:\n        return 0', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'a ```python fence',
    lang: 'python', doc: 'import os\n\ndef home():\n    █\n',
    out: "```python\nreturn os.path.expanduser('~')\n```\n",
    shows: "return os.path.expanduser('~')", stop: 'fence',
  },
  {
    name: '<think> text, then the code on the next line',
    lang: 'python', doc: 'def add(a, b):\n    █\n',
    out: '<think>\nSimple: add them.\n</think>\nreturn a + b\n',
    shows: 'return a + b',
  },
  {
    name: '"Sure! Here\'s…" without a fence',
    lang: 'python', doc: 'def square(x):\n    █\n',
    out: "Sure! Here's the completion:\nreturn x * x\n",
    shows: 'return x * x',
  },
  {
    name: 'the next line, echoed: nothing to show',
    lang: 'python', doc: 'def f(items):\n    total = 0\n    █\n    return total\n',
    out: 'return total\n',
    shows: null, stop: 'suffix-echo', shape: 'single-line',
  },
  {
    name: 'indentation: 2 spaces from the model in a 4-space file',
    lang: 'python', doc: "def greet(name):█\n\n\ndef main():\n    greet('x')\n",
    out: "\n  if name:\n    print('hi', name)\n  return name\n\ndef other():\n  pass\n",
    shows: "\n    if name:\n        print('hi', name)\n    return name", stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'CRLF document',
    lang: 'python', doc: 'def add(a, b):\n    █\n', crlf: true,
    out: 'c = a + b\n    return c\n',
    shows: 'c = a + b\r\n    return c',
  },
  {
    name: 'inside a string: the closing quote the document has is not doubled',
    lang: 'python', doc: 'greeting = "Hello, █"\n',
    out: 'world"\nprint(greeting)\n',
    shows: 'world', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'the same call repeated: one copy',
    lang: 'python', doc: 'def f():\n    █\n',
    out: numbered(6, () => "print('a')").join('\n    '),
    shows: "print('a')", stop: 'repetition', early: true,
  },
  {
    name: 'a docstring with an unbalanced `)` inside: brackets in strings are not counted',
    lang: 'python', doc: 'def parse(text):\n    █\n',
    out: '"""Parse key=value lines :)\n    into a dict.\n    """\n    return dict(line.split("=") for line in text.splitlines())\n',
    shows: '"""Parse key=value lines :)\n    into a dict.\n    """\n    return dict(line.split("=") for line in text.splitlines())',
  },
  {
    name: 'over-long output: capped at maxChars, whole lines only',
    lang: 'python', doc: 'CONFIG = {\n    █\n}\n', shaper: { maxChars: 60 },
    out: "'host': 'localhost',\n    'port': 8080,\n    'debug': True,\n    'workers': 4,\n    'timeout': 30,\n",
    shows: "'host': 'localhost',\n    'port': 8080,\n    'debug': True,", stop: 'max-chars', early: true,
  },
  {
    name: 'a call\'s `)` right of the cursor: arguments only',
    lang: 'python', doc: 'result = compute(█)\n',
    out: 'x, y=2)\n',
    shows: 'x, y=2', stop: 'unmatched-closer', shape: 'single-line',
  },
  {
    name: 'the file\'s path as a first line, and a stray cursor marker',
    lang: 'python', doc: 'def ident(x):\n    █\n',
    out: `# src/example.py\nreturn ${CURSOR_MARKER}x\n`,
    shows: 'return x',
  },
  {
    name: 'trailing spaces and blank lines trimmed',
    lang: 'python', doc: 'def f():\n    █\n',
    out: 'x = 1   \n    return x\t\n\n\n   \n',
    shows: 'x = 1\n    return x',
  },
  {
    name: 'a copy of a line before the cursor, then new code (no marker): both kept, in order',
    lang: 'python', doc: 'import os\n\n█\n',
    out: 'import os\nimport sys\n',
    shows: 'import os\nimport sys',
  },
  {
    name: 'an unclosed thought: nothing to show',
    lang: 'python', doc: 'def f():\n    █\n',
    out: '<think>Maybe I should return the sum of the',
    shows: null,
  },
];

const GO: Row[] = [
  {
    name: 'tabs: 4-space indentation from the model becomes tabs',
    lang: 'go', doc: 'func main() {\n\t█\n}\n',
    out: 'for i := 0; i < 3; i++ {\n        fmt.Println(i)\n    }\n}\n',
    shows: 'for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}', stop: 'unmatched-closer', shape: 'multi-line',
  },
  {
    name: 'after `if err != nil {`: its `}` is kept when the file lacks it, and the block ends there',
    lang: 'go', doc: 'func load(p string) ([]byte, error) {\n\tdata, err := os.ReadFile(p)\n\tif err != nil {█\n\treturn data, nil\n}\n',
    out: '\n\t\treturn nil, err\n\t}\n\treturn data, nil\n}\n',
    shows: '\n\t\treturn nil, err\n\t}', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'call arguments before `)`',
    lang: 'go', doc: 'func main() {\n\tfmt.Println(█)\n}\n',
    out: '"hello, world")\n\tos.Exit(0)\n',
    shows: '"hello, world"', stop: 'unmatched-closer', early: true, shape: 'single-line',
  },
  {
    name: 'a ```go fence',
    lang: 'go', doc: 'package main\n\nfunc add(a, b int) int {\n\t█\n}\n',
    out: '```go\nreturn a + b\n```',
    shows: 'return a + b', stop: 'fence',
  },
  {
    name: '<end_of_turn> and what follows it',
    lang: 'go', doc: 'var version = █\n',
    out: '"1.2.3"<end_of_turn>\n<start_of_turn>user\nthanks',
    shows: '"1.2.3"', stop: 'control-token', early: true,
  },
  {
    name: 'the next line echoed after a new one',
    lang: 'go', doc: 'func (s *Server) Start() error {\n\t█\n\treturn s.listen()\n}\n',
    out: 's.log.Info("starting")\n\treturn s.listen()\n}\n',
    shows: 's.log.Info("starting")', stop: 'next-line-echo', early: true,
  },
  {
    name: 'garbage: a run of `(` drops the line',
    lang: 'go', doc: 'func f() {\n\t█\n}\n',
    out: `fmt.Println${'('.repeat(80)}\n`,
    shows: null, stop: 'repetition', early: true,
  },
  {
    name: 'the line prefix echoed',
    lang: 'go', doc: 'func main() {\n\terr := █\n}\n',
    out: 'err := run()\n\tif err != nil {\n',
    shows: 'run()', stop: 'single-line', early: true,
  },
  {
    name: 'an unlisted token of the `<|name>` family (a tool call)',
    lang: 'go', doc: 'func main() {\n\t█\n}\n',
    out: 'x := 1\n\ty := 2<|tool_call>call:lookup{}<tool_call|>',
    shows: 'x := 1\n\ty := 2', stop: 'control-token', early: true,
  },
  {
    name: 'a path comment before the code',
    lang: 'go', doc: 'func add(a, b int) int {\n\t█\n}\n',
    out: '// src/example.go\nreturn a + b\n}\n',
    shows: 'return a + b', stop: 'unmatched-closer',
  },
  {
    name: 'CRLF document',
    lang: 'go', doc: 'func main() {\n\t█\n}\n', crlf: true,
    out: 'x := 1\n\ty := x + 1\n}\n',
    shows: 'x := 1\r\n\ty := x + 1', stop: 'unmatched-closer',
  },
  {
    name: 'over-long single line: nothing rather than a cut line',
    lang: 'go', doc: 'const msg = █\n',
    out: `"${'a rather long message '.repeat(100)}"`,
    shows: null, stop: 'max-chars', early: true,
  },
  {
    name: 'end of an unclosed function: the `}` is written, the next function is not',
    lang: 'go', doc: 'func a() {\n\tx := 1\n\t█\n',
    out: 'use(x)\n}\n\nfunc c() {}\n',
    shows: 'use(x)\n}', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'an unbalanced `}` inside a string does not end the block',
    lang: 'go', doc: 'func f() {\n\t█\n}\n',
    out: 'fmt.Println("}")\n\tfmt.Println(`a\n}`)\n}\n',
    shows: 'fmt.Println("}")\n\tfmt.Println(`a\n}`)', stop: 'unmatched-closer',
  },
];

const RUST: Row[] = [
  {
    name: 'a match arm: this arm only, the next arm ends it',
    lang: 'rust', doc: "fn name(c: Color) -> &'static str {\n    match c {\n        Color::Red => █\n    }\n}\n",
    out: '"red",\n        Color::Green => "green",\n        Color::Blue => "blue",\n    }\n}\n',
    shows: '"red",', stop: 'block-end', early: true, shape: 'multi-line',
  },
  {
    name: 'lifetimes are not quotes: brackets after them still count',
    lang: 'rust', doc: "fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {\n    █\n}\n",
    out: 'if a.len() > b.len() { a } else { b }\n}\n',
    shows: 'if a.len() > b.len() { a } else { b }', stop: 'unmatched-closer', shape: 'multi-line',
  },
  {
    name: 'a ```rust snippet written from column 0 gets the cursor\'s indentation',
    lang: 'rust', doc: 'fn main() {\n    let v = vec![1, 2, 3];\n    █\n}\n',
    out: '```rust\nlet sum: i32 = v.iter().sum();\nprintln!("{}", sum);\n```\n\nThis sums the vector.',
    shows: 'let sum: i32 = v.iter().sum();\n    println!("{}", sum);', stop: 'fence', early: true, shape: 'multi-line',
  },
  {
    name: 'the next line with different spacing: nothing to show',
    lang: 'rust', doc: 'fn main() {\n    let config = Config::load();\n    █\n    let server = Server::new(config);\n    server.run();\n}\n',
    out: 'let server=Server::new( config );\n',
    shows: null, stop: 'next-line-echo', shape: 'single-line',
  },
  {
    name: 'the next line with a one-character difference (long line): near-equal, cut',
    lang: 'rust', doc: 'fn main() {\n    █\n    let listener = TcpListener::bind(addr).unwrap();\n}\n',
    out: 'let addr = "127.0.0.1:8080";\n    let listner = TcpListener::bind(addr).unwrap();\n}\n',
    shows: 'let addr = "127.0.0.1:8080";', stop: 'next-line-echo', early: true,
  },
  {
    name: '<thought> text before the code',
    lang: 'rust', doc: 'fn is_empty(&self) -> bool {\n    █\n}\n',
    out: '<thought>check the length</thought>self.len() == 0\n}\n',
    shows: 'self.len() == 0', stop: 'unmatched-closer',
  },
  {
    name: 'a FIM token the model slipped into',
    lang: 'rust', doc: 'fn main() {\n    let x = █;\n}\n',
    out: 'compute();<|fim_middle|>junk',
    shows: 'compute()', stop: 'control-token', early: true, shape: 'single-line',
  },
  {
    name: 'one line in front of `)` that leaves its own `(` open: closed',
    lang: 'rust', doc: 'fn main() {\n    println!(█);\n}\n',
    out: '"{}", format(x\n',
    shows: '"{}", format(x)', stop: 'single-line', shape: 'single-line',
  },
  {
    name: '`]` right of the cursor',
    lang: 'rust', doc: 'fn main() {\n    let v = vec![█];\n}\n',
    out: '1, 2, 3];\n',
    shows: '1, 2, 3', stop: 'unmatched-closer', shape: 'single-line',
  },
  {
    name: 'over-long output: the default line cap',
    lang: 'rust', doc: 'fn main() {\n    █\n}\n',
    out: numbered(30, (i) => `println!("line {}", ${i});`).join('\n    '),
    shows: numbered(16, (i) => `println!("line {}", ${i});`).join('\n    '), stop: 'max-lines', early: true,
  },
  {
    name: 'CRLF document with the model writing CRLF too',
    lang: 'rust', doc: 'fn main() {\n    █\n}\n', crlf: true,
    out: 'let a = 1;\r\n    let b = 2;\r\n}\r\n',
    shows: 'let a = 1;\r\n    let b = 2;', stop: 'unmatched-closer',
  },
  {
    name: 'the prompt echoed: header, code before the cursor, the marker, then the completion',
    lang: 'rust', doc: 'fn main() {\n    █\n}\n',
    out: `Code before the cursor in src/example.rs (rust), ending at the cursor:\n<before>\nfn main() {\n    ${CURSOR_MARKER}println!("hi");\n}\n</before>`,
    shows: 'println!("hi");', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'an impl block: methods stop at the impl\'s `}`',
    lang: 'rust', doc: 'impl Point {\n    █\n}\n',
    out: 'fn norm(&self) -> f64 {\n        (self.x * self.x + self.y * self.y).sqrt()\n    }\n}\n\nfn main() {}\n',
    shows: 'fn norm(&self) -> f64 {\n        (self.x * self.x + self.y * self.y).sqrt()\n    }', stop: 'unmatched-closer', early: true,
  },
];

/**
 * Inside auto-closed brackets and quotes (`foo(` gives `foo(█)` in VS Code): the model writes the
 * rest of the line, closers included. Where the line it means is the document's line with text in
 * front of the closers, that text is inserted; where it adds something after them (a `;`, a second
 * argument), it is shown over the closers it writes again (`replaces`), so Tab leaves its line.
 */
const BRACKETS: Row[] = [
  {
    name: '`foo(█)`, the model closes the call: the arguments in front of the `)`',
    lang: 'typescript', doc: 'foo(█)\n',
    out: 'a, b)\nbar();\n',
    shows: 'a, b', line: 'foo(a, b)', stop: 'unmatched-closer', early: true, shape: 'single-line',
  },
  {
    name: '`foo(█)`, the model adds the `;` the line lacks: shown over the `)`',
    lang: 'typescript', doc: 'function f() {\n  foo(█)\n}\n',
    out: 'a, b);\n  bar();\n}\n',
    shows: 'a, b);', replaces: 1, line: '  foo(a, b);', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: '`foo(█);`: the `);` the line has is not repeated',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'a, b);',
    shows: 'a, b', line: 'foo(a, b);',
  },
  {
    name: '`["█"];`: a second string in front of the quote and bracket the line has',
    lang: 'typescript', doc: 'const xs = ["█"];\n',
    out: 'a", "b"];\nconsole.log(xs);\n',
    shows: 'a", "b', line: 'const xs = ["a", "b"];', stop: 'unmatched-closer', early: true, shape: 'single-line',
  },
  {
    name: '`["█"]` before no `;`: shown over the quote and bracket, with the `;`',
    lang: 'typescript', doc: 'const xs = ["█"]\n',
    out: 'a", "b"];\nconsole.log(xs);\n',
    shows: 'a", "b"];', replaces: 2, line: 'const xs = ["a", "b"];', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: '`"█"` before no `;`: the `;` after the closing quote',
    lang: 'typescript', doc: 'const s = "█"\n',
    out: 'hi";\n',
    shows: 'hi";', replaces: 1, line: 'const s = "hi";', stop: 'single-line',
  },
  {
    name: 'nested `foo(bar(█))`: a second argument between the two `)`',
    lang: 'typescript', doc: 'foo(bar(█))\n',
    out: 'x), y);\n',
    shows: 'x), y);', replaces: 2, line: 'foo(bar(x), y);', stop: 'single-line', shape: 'single-line',
  },
  {
    name: 'nested `foo(bar(█));`: the closers the line has are not repeated',
    lang: 'typescript', doc: 'foo(bar(█));\n',
    out: 'x));\nfoo(y);\n',
    shows: 'x', line: 'foo(bar(x));', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'object literal `{ █}`: the space before the `}` the model wrote is kept',
    lang: 'typescript', doc: 'const o = { █};\n',
    out: 'a: 1 };\nconst p = 2;\n',
    shows: 'a: 1 };', replaces: 2, line: 'const o = { a: 1 };', stop: 'unmatched-closer', early: true, shape: 'multi-line',
  },
  {
    name: 'object literal `{ a: █ }`: a value in front of the ` }`',
    lang: 'typescript', doc: 'const o = { a: █ };\n',
    out: '1, b: 2 };\n',
    shows: '1, b: 2', line: 'const o = { a: 1, b: 2 };', stop: 'unmatched-closer',
  },
  {
    name: 'what it would replace is not kept in its text (the space before `}`): inserted in front instead',
    lang: 'typescript', doc: 'const o = { a: █ };\n',
    out: '1}\n',
    shows: '1', line: 'const o = { a: 1 };', stop: 'unmatched-closer',
  },
  {
    name: '`if (█)`: the condition and the `{` that opens the block, not a `}` for it',
    lang: 'typescript', doc: 'function f(x: number) {\n  if (█)\n}\n',
    out: 'x > 0) {\n    return x;\n  }\n',
    shows: 'x > 0) {', replaces: 1, line: '  if (x > 0) {', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: 'a line ending in `{` inside the call\'s brackets: closed, with the cursor left between the braces as the editor would',
    lang: 'typescript', doc: 'function f(xhr: any) {\n  xhr.addEventListener(█)\n}\n',
    out: 'type, () => {\n    go();\n  });\n',
    shows: 'type, () => {}', caretBack: 1, line: '  xhr.addEventListener(type, () => {})', stop: 'single-line', early: true, shape: 'single-line',
  },
  {
    name: 'a line ending in `(` inside brackets: closed, the cursor inside for the arguments',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'bar(\n',
    shows: 'bar()', caretBack: 1, line: 'foo(bar());', stop: 'single-line',
  },
  {
    name: 'brackets the line opens and fills are closed with the cursor after them',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'bar(1\n',
    shows: 'bar(1)', line: 'foo(bar(1));', stop: 'single-line',
  },
  {
    name: 'a call chained after the `)`, before the `;` the line has: the `)` and `;` the line has end it',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'a).then(f);\n',
    shows: 'a).then(f', line: 'foo(a).then(f);', stop: 'unmatched-closer',
  },
  {
    name: 'a chained call after the merged `)`, before no `;`: shown over the `)`',
    lang: 'typescript', doc: 'foo(█)\n',
    out: 'a).then(f);\n',
    shows: 'a).then(f);', replaces: 1, line: 'foo(a).then(f);', stop: 'single-line',
  },
  {
    name: 'a chained call left open after the merged `)`: closed, in front of the `;` the line keeps',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'a).then(g\n',
    shows: 'a).then(g', line: 'foo(a).then(g);', stop: 'single-line',
  },
  {
    name: 'a chained call left open after the merged `)` at the line\'s end: left open, the user is typing it',
    lang: 'typescript', doc: 'foo(█)\n',
    out: 'a).then(g\n',
    shows: 'a).then(g', replaces: 1, line: 'foo(a).then(g', stop: 'single-line',
  },
  {
    name: 'a trailing comment would swallow the `;` the line keeps: the arguments only',
    lang: 'typescript', doc: 'foo(█);\n',
    out: 'a) // first\n',
    shows: 'a', line: 'foo(a);', stop: 'single-line',
  },
  {
    name: 'generics: `Map<█>` with the `;` the line lacks; the `>` of `=>` is not a closer',
    lang: 'typescript', doc: 'let m: Map<█>\n',
    out: 'string, (x: number) => void>;\n',
    shows: 'string, (x: number) => void>;', replaces: 1, line: 'let m: Map<string, (x: number) => void>;', stop: 'single-line',
  },
  {
    name: 'a closer of another kind than the one right of the cursor: cut there',
    lang: 'typescript', doc: 'foo(█)\n',
    out: 'a]);\n',
    shows: 'a', line: 'foo(a)', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'the merged line equals the next line: nothing to show',
    lang: 'typescript', doc: 'foo(█)\nfoo(x);\n',
    out: 'x);\n',
    shows: null, stop: 'next-line-echo',
  },
  {
    name: 'one-line body of `{█}`: shown over the `}`',
    lang: 'typescript', doc: 'function one() {█}\n',
    out: ' return 1; }\n\nfunction two() {}\n',
    shows: ' return 1; }', replaces: 1, line: 'function one() { return 1; }', stop: 'unmatched-closer', early: true, shape: 'multi-line',
  },
  {
    name: 'CRLF: `foo(█)` with the `;` the line lacks',
    lang: 'typescript', doc: 'foo(█)\nbar();\n', crlf: true,
    out: 'a, b);\r\nbar();\r\n',
    shows: 'a, b);', replaces: 1, line: 'foo(a, b);', stop: 'single-line', early: true,
  },
  {
    name: 'Python `[\'█\']`: a second string in the list',
    lang: 'python', doc: "names = ['█']\n",
    out: "ann', 'bob']\nprint(names)\n",
    shows: "ann', 'bob", line: "names = ['ann', 'bob']", stop: 'unmatched-closer', early: true,
  },
  {
    name: 'Python `print(█)`: keyword arguments in front of the `)`',
    lang: 'python', doc: 'print(█)\n',
    out: 'x, end="")\n',
    shows: 'x, end=""', line: 'print(x, end="")', stop: 'unmatched-closer',
  },
  {
    name: 'Go `append(█)`: a call in the arguments, then the `)`',
    lang: 'go', doc: 'func f() {\n\txs = append(█)\n}\n',
    out: 'xs, g(1))\n}\n',
    shows: 'xs, g(1)', line: '\txs = append(xs, g(1))', stop: 'unmatched-closer', early: true,
  },
  {
    name: 'Rust `vec![█]` with the `;` the line lacks',
    lang: 'rust', doc: 'fn main() {\n    let v = vec![█]\n}\n',
    out: '1, 2];\n}\n',
    shows: '1, 2];', replaces: 1, line: '    let v = vec![1, 2];', stop: 'single-line', early: true,
  },
];

const TABLE: Row[] = [...TYPESCRIPT, ...PYTHON, ...GO, ...RUST, ...BRACKETS];

function check(row: Row): void {
  const cursor = cursorIn(row.doc, row.lang, { crlf: row.crlf });
  const shape = decideShape(cursor);
  if (row.shape) assert.equal(shape, row.shape, 'decideShape');
  const ctx: ShapingContext = { cursor, shape };
  const opts = { shaper: row.shaper, recent: row.recent };
  const random = seededRandom(row.name.length * 7919 + row.out.length);
  const chunkings: Array<[string, readonly string[]]> = [
    ['token chunks', row.chunks ?? tokenChunks(row.out)],
    ['1-character chunks', splitEvery(row.out, 1)],
    ['one chunk', [row.out]],
    ['random chunks A', randomChunks(row.out, random)],
    ['random chunks B', randomChunks(row.out, random)],
  ];
  for (const [label, chunks] of chunkings) {
    assert.equal(chunks.join(''), row.out, 'chunks must add up to the output');
    const r = runShaper(ctx, chunks, opts);
    assert.equal(r.shown ?? null, row.shows, `${label}: shown text`);
    assert.equal(r.replaces, row.replaces ?? 0, `${label}: characters replaced right of the cursor`);
    assert.equal(r.caretBack, row.caretBack ?? 0, `${label}: where the cursor stays after Tab`);
    if (r.shown !== undefined) {
      const rest = cursor.lineSuffix.replace(/\r$/, '');
      // The editor shows an item over a range only if its diff with what the range covers is insertions only.
      assert.ok(keptInOrder(rest.slice(0, r.replaces), r.shown), `${label}: ${JSON.stringify(rest.slice(0, r.replaces))} is kept in the shown text`);
      if (row.line !== undefined) assert.equal(cursor.linePrefix + r.shown + rest.slice(r.replaces), row.line, `${label}: the line after Tab`);
    }
    assert.equal(r.reason, row.stop, `${label}: stop reason`);
    if (row.early && label === '1-character chunks') {
      assert.ok(r.consumed < r.total, `${label}: stopped after ${r.consumed} of ${r.total} chunks`);
    }
  }
}

describe('completion shaping: model output at a cursor → what the user sees', () => {
  for (const [lang, rows] of [['TypeScript', TYPESCRIPT], ['Python', PYTHON], ['Go', GO], ['Rust', RUST], ['Inside auto-closed brackets and quotes', BRACKETS]] as const) {
    describe(lang, () => {
      for (const row of rows) it(row.name, () => check(row));
    });
  }

  it('has at least 8 rows per language and 40 in all', () => {
    for (const rows of [TYPESCRIPT, PYTHON, GO, RUST]) assert.ok(rows.length >= 8);
    assert.ok(TABLE.length >= 40);
  });
});

describe('decideShape', () => {
  const rows: Array<{ name: string; lang: string; doc: string; shape: CompletionShape }> = [
    { name: 'after `{` at the end of a line', lang: 'typescript', doc: 'function f() {█\n', shape: 'multi-line' },
    { name: 'between `{` and `}`', lang: 'typescript', doc: 'if (x) {█}\n', shape: 'multi-line' },
    { name: 'after `=>`', lang: 'typescript', doc: 'const f = () =>█\n', shape: 'multi-line' },
    { name: 'after `(` at the end of a line', lang: 'typescript', doc: 'foo(█\n', shape: 'multi-line' },
    { name: 'inline argument list `foo(█)`', lang: 'typescript', doc: 'foo(█)\n', shape: 'single-line' },
    { name: 'mid-expression', lang: 'typescript', doc: 'const x = a + █\n', shape: 'single-line' },
    { name: 'after a complete statement', lang: 'typescript', doc: 'const x = 1;█\nconst y = 2;\n', shape: 'single-line' },
    { name: 'empty body on its own line', lang: 'typescript', doc: 'class A {\n  █\n}\n', shape: 'multi-line' },
    { name: 'blank line between siblings', lang: 'typescript', doc: 'function f() {\n  a();\n  █\n  b();\n}\n', shape: 'single-line' },
    { name: 'blank line at the end of a block', lang: 'typescript', doc: 'function f() {\n  a();\n  █\n}\n', shape: 'multi-line' },
    { name: 'blank line inside an argument list', lang: 'typescript', doc: 'call(\n  a,\n  █\n  b,\n);\n', shape: 'single-line' },
    { name: 'end of file', lang: 'typescript', doc: 'const a = 1;\n█', shape: 'multi-line' },
    { name: 'Python `def …:`', lang: 'python', doc: 'def f(x):█\n', shape: 'multi-line' },
    { name: 'Python: in the comment after `:`, the comment is completed', lang: 'python', doc: 'for x in xs:  # each█\n', shape: 'single-line' },
    { name: 'Python `:` then a space', lang: 'python', doc: 'class Point: █\n', shape: 'multi-line' },
    { name: 'inside a string that ends with `{`', lang: 'typescript', doc: 'const s = "{█";\n', shape: 'single-line' },
    { name: 'Python dict value is not a block', lang: 'python', doc: 'd = {"a": █}\n', shape: 'single-line' },
    { name: 'Python dedent after the cursor line', lang: 'python', doc: 'def f():\n    x = 1\n    █\nprint(f())\n', shape: 'multi-line' },
    { name: 'Go `case …:`', lang: 'go', doc: 'switch x {\ncase 1:█\n}\n', shape: 'multi-line' },
    { name: 'Ruby `do |x|`', lang: 'ruby', doc: 'items.each do |x|█\n', shape: 'multi-line' },
    { name: 'Ruby `def` without brackets', lang: 'ruby', doc: 'def greet█\n', shape: 'multi-line' },
    { name: 'Ruby modifier `if` is not a block', lang: 'ruby', doc: 'x = 1 if ready█\n', shape: 'single-line' },
    { name: 'Ruby one-line `def …; end`', lang: 'ruby', doc: 'def a; end█\n', shape: 'single-line' },
    { name: 'Lua `then`', lang: 'lua', doc: 'if x > 1 then█\n', shape: 'multi-line' },
    { name: 'Rust `=>` in a match', lang: 'rust', doc: 'match x {\n    1 =>█\n}\n', shape: 'multi-line' },
    { name: 'a `{` inside a string is not an opener', lang: 'typescript', doc: 'const s = "{"; █\n', shape: 'single-line' },
    { name: 'a `{` in a trailing comment is not an opener', lang: 'go', doc: 'x := 1 // {█\n', shape: 'single-line' },
  ];
  for (const r of rows) {
    it(`${r.name} → ${r.shape}`, () => assert.equal(decideShape(cursorIn(r.doc, r.lang)), r.shape));
  }
});

describe('shouldComplete', () => {
  const rows: Array<{ name: string; doc: string; ok: boolean; reason?: RegExp }> = [
    { name: 'end of a line', doc: 'const x = █\n', ok: true },
    { name: 'before `)`', doc: 'foo(█)\n', ok: true },
    { name: 'before `);`', doc: 'foo(a, █);\n', ok: true },
    { name: 'before `"]`', doc: 'x = ["a", "█"]\n', ok: true },
    { name: 'before `}` with spaces', doc: 'const o = { a: █ }\n', ok: true },
    { name: 'on a blank line', doc: 'a();\n█\nb();\n', ok: true },
    { name: 'middle of a word', doc: 'cons█t x = 1;\n', ok: false, reason: /word/ },
    { name: 'before an identifier after a space', doc: 'return █value;\n', ok: false, reason: /word/ },
    { name: 'before real text', doc: 'foo(█, b);\n', ok: false, reason: /text after/ },
    { name: 'before `)` and real code after it', doc: 'foo(█) + bar;\n', ok: false, reason: /text after/ },
    { name: 'before `"]` and a call after them', doc: 'x = ["█"].join();\n', ok: false, reason: /text after/ },
    { name: 'before `>;`', doc: 'let m: Map<█>;\n', ok: true },
    { name: 'before `))` and `;`', doc: 'foo(bar(█));\n', ok: true },
    { name: 'before an operator', doc: 'x = █+ 1\n', ok: false, reason: /text after/ },
    { name: 'empty document', doc: '█', ok: false, reason: /empty/ },
    { name: 'whitespace-only document', doc: '\n  █\n\n', ok: false, reason: /empty/ },
    { name: 'before a non-ASCII identifier', doc: 'let x = █é;\n', ok: false, reason: /word/ },
    { name: 'CRLF line with only `)` after', doc: 'foo(█)\n', ok: true },
    { name: 'in a comment at the end of a line', doc: '// explain █\nx();\n', ok: true },
  ];
  for (const r of rows) {
    it(`${r.name} → ${r.ok ? 'complete' : 'skip'}`, () => {
      const g = shouldComplete(cursorIn(r.doc, 'typescript', { crlf: r.name.startsWith('CRLF') }));
      assert.equal(g.ok, r.ok);
      if (!g.ok && r.reason) assert.match(g.reason, r.reason);
    });
  }
});

describe('StreamShaper details', () => {
  const ctxAt = (doc: string, lang: string): ShapingContext => {
    const cursor = cursorIn(doc, lang);
    return { cursor, shape: decideShape(cursor) };
  };

  it('holds back a possible marker start, then releases it when it is code', () => {
    const s = new StreamShaper(ctxAt('function f(a: number) {\n  █\n}\n', 'typescript'));
    s.push('return a <');
    assert.equal(s.text, 'return a ');
    s.push(' 2;');
    assert.equal(s.text, 'return a < 2;');
    assert.equal(s.finish(), 'return a < 2;');
  });

  it('a stopped shaper ignores further chunks', () => {
    const s = new StreamShaper(ctxAt('const x = █\n', 'typescript'));
    assert.equal(s.push('1;\nmore').stop, true);
    assert.equal(s.push('and more').stop, true);
    assert.equal(s.finish(), '1;');
    assert.equal(s.stopReason, 'single-line');
  });

  it('a closer without an opener means everything before was thinking', () => {
    const s = new StreamShaper(ctxAt('def f():\n    █\n', 'python'));
    s.push('let me think about this</think>return 1');
    assert.equal(s.finish(), 'return 1');
  });

  it('long thinking stops the stream', () => {
    const s = new StreamShaper(ctxAt('def f():\n    █\n', 'python'), { maxChars: 100 });
    assert.equal(s.push(`<think>${'hmm '.repeat(40)}`).stop, true);
    assert.equal(s.stopReason, 'thinking');
  });

  it('every control token stops the stream, wherever the chunks break it', () => {
    const ctx = ctxAt('function f() {\n  █\n}\n', 'typescript');
    for (const token of [...STOP_TOKENS, ...STOP_TOKEN_PREFIXES.map((p) => `${p}middle|>`)]) {
      const out = `return 1;${token}\nmore text`;
      for (let cut = 0; cut <= out.length; cut++) {
        const s = new StreamShaper(ctx);
        const stopped = s.push(out.slice(0, cut)).stop || s.push(out.slice(cut)).stop;
        assert.ok(stopped, `${token} cut at ${cut}`);
        assert.equal(s.finish(), 'return 1;', `${token} cut at ${cut}`);
        assert.equal(s.stopReason, 'control-token');
      }
    }
  });

  it('the server stop strings include the turn tokens and the prompt closing tags', () => {
    for (const t of ['<turn|>', '<end_of_turn>', '<|im_end|>', '</before>', '</after>']) assert.ok(STOP_SEQUENCES.includes(t), t);
    assert.ok(!STOP_SEQUENCES.includes('```'), 'a fence is salvageable, not a stop');
  });

  it('push is linear: 200 KB of output in small chunks is fast', () => {
    const s = new StreamShaper(ctxAt('function f() {\n  █\n}\n', 'typescript'), { maxLines: 1e9, maxChars: 1e9 });
    const line = (i: number) => `const v${i} = compute(${i}, "${'x'.repeat(i % 17)}");\n  `;
    const t0 = performance.now();
    for (let i = 0; i < 5000 && !s.push(line(i)).stop; i++);
    s.finish();
    assert.ok(performance.now() - t0 < 1500, `took ${Math.round(performance.now() - t0)} ms`);
    assert.equal(s.stopReason, undefined);
  });
});

describe('postProcess on its own (no streaming)', () => {
  const ctxAt = (doc: string, lang: string, crlf = false): ShapingContext => {
    const cursor = cursorIn(doc, lang, { crlf });
    return { cursor, shape: decideShape(cursor) };
  };

  it('applies the stream rules to raw text', () => {
    const ctx = ctxAt('function f() {\n  █\n}\n', 'typescript');
    assert.deepEqual(postProcess('<think>x</think>```ts\nreturn 1;\n}\n```', ctx), { text: 'return 1;', replaces: 0 });
  });

  it('keeps a matched `)` that the model wrote for its own `(`', () => {
    const ctx = ctxAt('foo(█)\n', 'typescript');
    assert.deepEqual(postProcess('bar(1)', ctx), { text: 'bar(1)', replaces: 0 });
  });

  it('returns undefined for an empty output', () => {
    assert.equal(postProcess('', ctxAt('const x = █\n', 'typescript')), undefined);
  });

  it('a neutralized control token the model copied from the prompt goes into the file as the source had it', () => {
    const ctx = ctxAt('const marker = █\n', 'typescript');
    assert.deepEqual(postProcess(`'${neutralize('<|turn>')}';`, ctx), { text: "'<|turn>';", replaces: 0 });
  });

  it('a next-line suggestion after a complete line keeps its line break', () => {
    const ctx = ctxAt('function f() {\n  a();█\n}\n', 'typescript');
    assert.deepEqual(postProcess('\n  b();', ctx), { text: '\n  b();', replaces: 0 });
  });
});

describe('showableSoFar: what of a completion still streaming is shown early', () => {
  const ctxAt = (doc: string): ShapingContext => {
    const cursor = cursorIn(doc, 'typescript');
    return { cursor, shape: decideShape(cursor) };
  };
  const rows: Array<{ what: string; doc: string; partial: string; shown: string | undefined }> = [
    { what: 'up to the last whole word', doc: 'function f(a: number) {\n  █\n}\n', partial: 'const total = compu', shown: 'const total =' },
    { what: 'a complete first line of a longer completion', doc: 'function f(a: number) {\n  █\n}\n', partial: 'const t = a * 2;\n  return t', shown: 'const t = a * 2;' },
    { what: 'brackets still open: the text so far, without closers', doc: 'function f(a: number) {\n  █\n}\n', partial: 'return scale(a, ', shown: 'return scale(a,' },
    { what: 'too little yet', doc: 'function f(a: number) {\n  █\n}\n', partial: 'if ', shown: undefined },
    { what: 'only a word being written', doc: 'function f(a: number) {\n  █\n}\n', partial: 'retu', shown: undefined },
    { what: 'a next-line suggestion: too little of its line yet', doc: 'function f(a: number) {\n  a();█\n}\n', partial: '\n  b(', shown: undefined },
    { what: 'a next-line suggestion: up to the last whole word of its line', doc: 'function f(a: number) {\n  a();█\n}\n', partial: '\n  const total = compu', shown: '\n  const total =' },
    { what: 'a next-line suggestion: its whole first line once complete', doc: 'function f(a: number) {\n  a();█\n}\n', partial: '\n  b(1);\n  c(', shown: '\n  b(1);' },
    { what: 'a next-line suggestion never shows the start of the line the document has next', doc: 'function f(a: number) {\n  a();█\n  return a * 2;\n}\n', partial: '\n  return a * ', shown: undefined },
    { what: 'never the start of the next line of the document (a copy the shaper cuts when complete)', doc: 'function f(a: number) {\n  █\n  return a * 2;\n}\n', partial: 'return a * ', shown: undefined },
    { what: 'never the start of the line above', doc: 'function f(a: number) {\n  console.log(a, "x");\n  █\n}\n', partial: 'console.log(a, ', shown: undefined },
  ];
  for (const r of rows) {
    it(r.what, () => {
      assert.equal(showableSoFar(r.partial, ctxAt(r.doc)), r.shown);
    });
  }

  it('what it shows is always a start of what the whole completion shows', () => {
    const cases = [
      { doc: 'function f(a: number) {\n  █\n}\n', whole: 'const total = compute(a, 2) + offset;' },
      { doc: 'function f(a: number) {\n  a();█\n}\n', whole: '\n  const total = compute(a, 2) + offset;' },
    ];
    for (const { doc, whole } of cases) {
      const ctx = ctxAt(doc);
      const final = postProcess(whole, ctx)?.text ?? '';
      let shownSome = false;
      for (let k = 1; k <= whole.length; k++) {
        const early = showableSoFar(whole.slice(0, k), ctx);
        if (early !== undefined) assert.ok(final.startsWith(early), `${JSON.stringify(early)} is not a start of ${JSON.stringify(final)}`);
        shownSome ||= early !== undefined && early.length < final.length;
      }
      assert.ok(shownSome, `something of ${JSON.stringify(whole)} is shown before it is whole`);
    }
  });
});
