// Which tree-sitter grammar reads which file: the language table (src/core/text/languages.ts) says
// which grammar a path has; here each grammar's wasm file as tree-sitter-wasms names it.
import type { LanguageId } from '../../core/index/tags';
import { languageOfPath } from '../../core/text/languages';

export const LANGUAGE_IDS: readonly LanguageId[] = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php',
];

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

/** The grammar language of a file by its path (either separator), or undefined when Hearth has no grammar for it. */
export function languageForPath(path: string): LanguageId | undefined {
  return languageOfPath(path)?.grammar;
}

/** The grammar's file name, e.g. `tree-sitter-c_sharp.wasm` for 'csharp'. */
export function wasmFileFor(lang: LanguageId): string {
  return WASM_NAME[lang];
}
