// Which tree-sitter grammar reads which file: extensions to Hearth's language ids, and each id to
// the grammar's wasm file as tree-sitter-wasms names it.
import type { LanguageId } from '../../core/index/tags';

export const LANGUAGE_IDS: readonly LanguageId[] = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php',
];

const BY_EXTENSION: ReadonlyMap<string, LanguageId> = new Map<string, LanguageId>([
  ['ts', 'typescript'], ['mts', 'typescript'], ['cts', 'typescript'],
  // The typescript grammar turns JSX into ERROR nodes: .tsx needs its own grammar.
  ['tsx', 'tsx'],
  ['js', 'javascript'], ['jsx', 'javascript'], ['mjs', 'javascript'], ['cjs', 'javascript'],
  ['py', 'python'], ['pyi', 'python'], ['pyw', 'python'],
  ['go', 'go'],
  ['rs', 'rust'],
  ['java', 'java'],
  // .h is shared by C and C++; the C grammar reads what both have in common, the C++ one would
  // turn a C header using `class`/`new` as identifiers into errors.
  ['c', 'c'], ['h', 'c'],
  ['cc', 'cpp'], ['cpp', 'cpp'], ['cxx', 'cpp'], ['c++', 'cpp'], ['hh', 'cpp'], ['hpp', 'cpp'], ['hxx', 'cpp'],
  ['h++', 'cpp'], ['ipp', 'cpp'], ['tpp', 'cpp'], ['inl', 'cpp'],
  ['cs', 'csharp'],
  ['rb', 'ruby'], ['rake', 'ruby'], ['gemspec', 'ruby'], ['ru', 'ruby'],
  ['php', 'php'], ['phtml', 'php'],
]);

/** Ruby files known by name rather than extension. */
const BY_FILE_NAME: ReadonlyMap<string, LanguageId> = new Map<string, LanguageId>([
  ['Rakefile', 'ruby'], ['Gemfile', 'ruby'], ['Guardfile', 'ruby'], ['Vagrantfile', 'ruby'],
]);

const WASM_NAME: Readonly<Record<LanguageId, string>> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  rust: 'tree-sitter-rust.wasm',
  java: 'tree-sitter-java.wasm',
  c: 'tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp.wasm',
  csharp: 'tree-sitter-c_sharp.wasm',
  ruby: 'tree-sitter-ruby.wasm',
  php: 'tree-sitter-php.wasm',
};

/** The language of a file by its path (either separator), or undefined when Hearth has no grammar for it. */
export function languageForPath(path: string): LanguageId | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  const byName = BY_FILE_NAME.get(base);
  if (byName) return byName;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = base.slice(dot + 1);
  return BY_EXTENSION.get(ext) ?? BY_EXTENSION.get(ext.toLowerCase());
}

/** The grammar's file name, e.g. `tree-sitter-c_sharp.wasm` for 'csharp'. */
export function wasmFileFor(lang: LanguageId): string {
  return WASM_NAME[lang];
}
