// The one language table every room reads: for each VS Code language id, the file extensions
// (and names) that have it, the tree-sitter grammar Hearth indexes it with (when it has one), and
// its syntax as the completion shaper and prompts need it (comments, quotes, how blocks open).
// Pure data: the grammar files themselves are found by src/node/treesitter/languages.ts.
import type { LanguageId } from '../index/tags';

export interface LanguageSyntax {
  /** Line comment tokens, one or two characters: '//', '#', '--'. */
  readonly lineComments: readonly string[];
  readonly blockComments: boolean;
  /** Characters that open a string. */
  readonly quotes: string;
  /** Quotes whose strings may span lines (JS template literals, Go raw strings). */
  readonly multilineQuotes: string;
  /** Python-style `"""` strings. */
  readonly tripleQuotes: boolean;
  /** A line ending with ':' opens a block (Python, YAML). */
  readonly colonBlocks: boolean;
  /** Words that open a block when they end a line (`do`, `then`). */
  readonly openerWords: readonly string[];
  /** Keywords that open a block when they start a line without a bracket (Ruby `def`, Lua `function`). */
  readonly openerLineStarts: readonly string[];
  /** HTML-like languages, where a line holding only a tag is real code. */
  readonly markup: boolean;
}

const C_LIKE: LanguageSyntax = {
  lineComments: ['//'],
  blockComments: true,
  quotes: '"\'`',
  multilineQuotes: '`',
  tripleQuotes: false,
  colonBlocks: false,
  openerWords: [],
  openerLineStarts: [],
  markup: false,
};

const SYNTAX: Record<string, LanguageSyntax> = {
  typescript: C_LIKE,
  javascript: C_LIKE,
  typescriptreact: { ...C_LIKE, markup: true },
  javascriptreact: { ...C_LIKE, markup: true },
  vue: { ...C_LIKE, markup: true },
  svelte: { ...C_LIKE, markup: true },
  go: C_LIKE,
  // A Rust `'` is usually a lifetime (`&'a str`), not a string: only `"` opens strings there.
  rust: { ...C_LIKE, quotes: '"', multilineQuotes: '"' },
  java: { ...C_LIKE, quotes: '"\'', multilineQuotes: '' },
  c: { ...C_LIKE, quotes: '"\'', multilineQuotes: '' },
  cpp: { ...C_LIKE, quotes: '"\'', multilineQuotes: '' },
  csharp: { ...C_LIKE, quotes: '"\'', multilineQuotes: '' },
  kotlin: { ...C_LIKE, quotes: '"\'', multilineQuotes: '', tripleQuotes: true },
  swift: { ...C_LIKE, quotes: '"\'', multilineQuotes: '', tripleQuotes: true },
  scala: { ...C_LIKE, quotes: '"\'', multilineQuotes: '', tripleQuotes: true },
  dart: { ...C_LIKE, quotes: '"\'', multilineQuotes: '', tripleQuotes: true },
  php: { ...C_LIKE, lineComments: ['//', '#'], quotes: '"\'', multilineQuotes: '"\'', markup: true },
  python: {
    lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: true,
    colonBlocks: true, openerWords: [], openerLineStarts: [], markup: false,
  },
  yaml: {
    lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: false,
    colonBlocks: true, openerWords: [], openerLineStarts: [], markup: false,
  },
  ruby: {
    lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: false,
    colonBlocks: false, openerWords: ['do', 'then', 'begin', 'else'],
    openerLineStarts: ['def', 'class', 'module', 'if', 'unless', 'while', 'until', 'case', 'for', 'begin'],
    markup: false,
  },
  lua: {
    lineComments: ['--'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: false,
    colonBlocks: false, openerWords: ['do', 'then', 'else', 'repeat'],
    openerLineStarts: ['function', 'local function'], markup: false,
  },
  shellscript: {
    lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '"\'', tripleQuotes: false,
    colonBlocks: false, openerWords: ['then', 'do', 'else'], openerLineStarts: [], markup: false,
  },
  elixir: {
    lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: true,
    colonBlocks: false, openerWords: ['do', '->', 'fn', 'else'], openerLineStarts: [], markup: false,
  },
  sql: { ...C_LIKE, lineComments: ['--'], quotes: '"\'', multilineQuotes: '\'', openerWords: ['begin'] },
  haskell: {
    lineComments: ['--'], blockComments: false, quotes: '"', multilineQuotes: '', tripleQuotes: false,
    colonBlocks: false, openerWords: ['where', 'do', 'of'], openerLineStarts: [], markup: false,
  },
  html: { ...C_LIKE, lineComments: [], blockComments: false, quotes: '"\'', multilineQuotes: '', markup: true },
  xml: { ...C_LIKE, lineComments: [], blockComments: false, quotes: '"\'', multilineQuotes: '', markup: true },
  markdown: { ...C_LIKE, lineComments: [], blockComments: false, quotes: '', multilineQuotes: '', markup: true },
};

/** Line comments with `#`, no block comments: shell-like languages without their own entry above. */
const HASH_LIKE: LanguageSyntax = {
  lineComments: ['#'], blockComments: false, quotes: '"\'', multilineQuotes: '', tripleQuotes: false,
  colonBlocks: false, openerWords: [], openerLineStarts: [], markup: false,
};

export interface LanguageEntry {
  /** VS Code's language id. */
  readonly id: string;
  readonly extensions: readonly string[];
  /** Files known by name rather than extension. */
  readonly fileNames?: readonly string[];
  /** The tree-sitter grammar the index reads it with; absent: not indexed. */
  readonly grammar?: LanguageId;
  readonly syntax: LanguageSyntax;
}

const entry = (id: string, extensions: string[], grammar?: LanguageId, fileNames?: string[]): LanguageEntry =>
  ({ id, extensions, grammar, fileNames, syntax: SYNTAX[id] ?? (HASH_IDS.has(id) ? HASH_LIKE : C_LIKE) });
const HASH_IDS = new Set(['perl', 'r', 'toml', 'dockerfile', 'makefile', 'powershell', 'julia', 'nim', 'coffeescript']);

export const LANGUAGES: readonly LanguageEntry[] = [
  entry('typescript', ['ts', 'mts', 'cts'], 'typescript'),
  // The typescript grammar turns JSX into ERROR nodes: .tsx needs its own grammar.
  entry('typescriptreact', ['tsx'], 'tsx'),
  entry('javascript', ['js', 'mjs', 'cjs'], 'javascript'),
  entry('javascriptreact', ['jsx'], 'javascript'),
  entry('python', ['py', 'pyi', 'pyw'], 'python'),
  entry('go', ['go'], 'go'),
  entry('rust', ['rs'], 'rust'),
  entry('java', ['java'], 'java'),
  // .h is shared by C and C++; the C grammar reads what both have in common, the C++ one would
  // turn a C header using `class`/`new` as identifiers into errors.
  entry('c', ['c', 'h'], 'c'),
  entry('cpp', ['cc', 'cpp', 'cxx', 'c++', 'hh', 'hpp', 'hxx', 'h++', 'ipp', 'tpp', 'inl'], 'cpp'),
  entry('csharp', ['cs'], 'csharp'),
  entry('ruby', ['rb', 'rake', 'gemspec', 'ru'], 'ruby', ['Rakefile', 'Gemfile', 'Guardfile', 'Vagrantfile']),
  entry('php', ['php', 'phtml'], 'php'),
  entry('kotlin', ['kt', 'kts']),
  entry('swift', ['swift']),
  entry('scala', ['scala']),
  entry('dart', ['dart']),
  entry('lua', ['lua']),
  entry('shellscript', ['sh', 'bash', 'zsh']),
  entry('elixir', ['ex', 'exs']),
  entry('haskell', ['hs']),
  entry('sql', ['sql']),
  entry('yaml', ['yaml', 'yml']),
  entry('toml', ['toml']),
  entry('json', ['json']),
  entry('markdown', ['md']),
  entry('html', ['html', 'htm']),
  entry('xml', ['xml']),
  entry('css', ['css']),
  entry('scss', ['scss']),
  entry('vue', ['vue']),
  entry('svelte', ['svelte']),
  entry('zig', ['zig']),
  entry('perl', ['pl', 'pm']),
  entry('r', ['r']),
  entry('powershell', ['ps1', 'psm1']),
  entry('julia', ['jl']),
  entry('nim', ['nim']),
  entry('coffeescript', ['coffee']),
  entry('dockerfile', [], undefined, ['Dockerfile']),
  entry('makefile', ['mk'], undefined, ['Makefile', 'makefile', 'GNUmakefile']),
];

const BY_ID = new Map(LANGUAGES.map((l) => [l.id, l]));
const BY_EXTENSION = new Map(LANGUAGES.flatMap((l) => l.extensions.map((e) => [e, l] as const)));
const BY_FILE_NAME = new Map(LANGUAGES.flatMap((l) => (l.fileNames ?? []).map((n) => [n, l] as const)));

/** The table's entry for a path (either separator), by file name first, then extension (any case). */
export function languageOfPath(path: string): LanguageEntry | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  const byName = BY_FILE_NAME.get(base);
  if (byName) return byName;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = base.slice(dot + 1);
  return BY_EXTENSION.get(ext) ?? BY_EXTENSION.get(ext.toLowerCase());
}

/** VS Code's language id for a path; 'plaintext' when the table does not know it. */
export function languageIdForPath(path: string): string {
  return languageOfPath(path)?.id ?? 'plaintext';
}

/** The syntax of a VS Code language id (C-like when the table does not know it). */
export function syntaxFor(languageId: string): LanguageSyntax {
  return BY_ID.get(languageId)?.syntax ?? C_LIKE;
}

/** How a line comment starts in a language: for naming a file above a snippet of it. */
export function lineCommentFor(languageId: string): string {
  return syntaxFor(languageId).lineComments[0] ?? '//';
}
