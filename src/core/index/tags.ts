// What the parser extracts from one file: the symbols it defines and the names it uses. Pure data,
// produced in src/node (tree-sitter in worker threads) and consumed by the index and the context
// packer in src/core.

export type LanguageId =
  | 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'c' | 'cpp' | 'csharp' | 'ruby' | 'php';

export type DefinitionKind =
  | 'function' | 'method' | 'class' | 'interface' | 'type' | 'enum' | 'constant' | 'variable'
  | 'field' | 'module' | 'namespace' | 'macro' | 'trait' | 'struct' | 'constructor';

export interface Definition {
  readonly name: string;
  readonly kind: DefinitionKind;
  /** 0-based line of the name. */
  readonly line: number;
  /** 0-based lines of the whole definition (body included). */
  readonly startLine: number;
  readonly endLine: number;
  /** 0-based last line of the signature: the declaration up to its body (= endLine when there is no body). */
  readonly signatureEndLine: number;
  /** Name of the enclosing class/module/impl, when nested. */
  readonly container?: string;
  /** Where its prompt text lies in the file, when the parser could tell. */
  readonly span?: SnippetSpan;
}

/**
 * Where a definition's prompt text (the snippet rule of snippets.ts) lies in its file, so that it
 * can be read alone rather than cut from the whole file. Set by the parse worker from the bytes it
 * parsed; absent when it could not tell (an unsaved buffer, a file that is not valid UTF-8).
 */
export interface SnippetSpan {
  /**
   * UTF-8 byte offset in the file (a BOM included) of the snippet's first line, and the length
   * in bytes of its lines as they stand in the file (CRLF kept), up to the cut when it is cut.
   */
  readonly byteStart: number;
  readonly byteLength: number;
  /** The snippet's last line; its first is the definition's startLine. */
  readonly endLine: number;
  readonly whole: boolean;
  readonly cut: boolean;
}

export type ReferenceKind = 'call' | 'type' | 'import' | 'other';

export interface Reference {
  readonly name: string;
  readonly kind: ReferenceKind;
  /** 0-based line. */
  readonly line: number;
}

export interface ImportSpec {
  /** The module as written: './util', 'node:fs', 'github.com/x/y', 'os.path', 'crate::a::b'. */
  readonly source: string;
  /** Names brought in ('default' for a default import, '*' for a namespace / wildcard). */
  readonly names: readonly string[];
  readonly line: number;
}

export interface FileTags {
  readonly language: LanguageId;
  readonly definitions: readonly Definition[];
  readonly references: readonly Reference[];
  readonly imports: readonly ImportSpec[];
}
