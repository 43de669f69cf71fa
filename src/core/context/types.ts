// What every feature shares about code around a cursor and the repository context chosen for it:
// the cursor as plain text (built by the editor adapter, the CLI or a test), a piece of context
// with its place and token count, and the provider that chooses context within a budget. Completion
// uses them today; review and test generation will. Imports no feature folder.

/** Where the cursor is, as plain text; built by the editor adapter or the CLI from a document. */
export interface CursorContext {
  readonly languageId: string;
  /** Workspace-relative path with forward slashes, for the prompt and for logs. */
  readonly path: string;
  /** Whole document text before the cursor. */
  readonly prefix: string;
  /** Whole document text after the cursor. */
  readonly suffix: string;
  /** Text on the cursor's line before the cursor (a suffix of `prefix`). */
  readonly linePrefix: string;
  /** Text on the cursor's line after the cursor (a prefix of `suffix`). */
  readonly lineSuffix: string;
  /** One level of indentation in this document: '\t', '  ', '    '. */
  readonly indentUnit: string;
  /** The document's end-of-line sequence. */
  readonly eol: '\n' | '\r\n';
  /** 0-based document line of the cursor, when known (the prefix may be a slice). */
  readonly line?: number;
}

/** A piece of repository context, ranked and counted by the index (issue 4 fills these in). */
export interface ContextSnippet {
  readonly kind: 'definition' | 'type' | 'similar' | 'recent' | 'outline' | 'import';
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol?: string;
  readonly text: string;
  readonly tokens: number;
}

/** Supplies repository context for a cursor within a token budget. Must be fast (< 10 ms p99). */
export interface ContextProvider {
  contextFor(cursor: CursorContext, budgetTokens: number, signal?: AbortSignal): Promise<readonly ContextSnippet[]>;
  /**
   * Why the context was last chosen anew (the cursor entered a scope, the index finished building,
   * another file changed): logged when the prompt's context section changes.
   */
  changeReason?(): string | undefined;
  /**
   * Calls `listener` when the context of every scope may have changed at once (the index finished
   * building): what a client prepared for the cursor, such as the server's prompt cache, is stale.
   */
  onDidChangeAll?(listener: () => void): { dispose(): void };
}

export const NO_CONTEXT: ContextProvider = { contextFor: async () => [] };
