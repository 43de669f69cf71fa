// The repository context a completion carries in the editor: definitions from the index first (the
// stable part), then windows like the cursor's code from open tabs and recent edits in other files.
// The windows get a fixed share of the budget (more when the definitions leave some over), only
// when there is something to offer; both parts are chosen once per scope and kept while the cursor
// stays in it, so keystrokes do not change the prompt's context section.
import type { ContextProvider, ContextSnippet, CursorContext } from '../context/types';
import { linesOfScope, type IndexContextProvider } from './contextProvider';
import type { SimilarWindows } from './similar';

/** Share of the budget set aside for similar windows when any could be offered (Copilot gives its volatile context 15 %). */
export const SIMILAR_SHARE = 0.2;
/** Lines of the scope around the cursor that the windows should resemble. */
const QUERY_BEFORE = 30;
const QUERY_AFTER = 10;
const MEMO_SIZE = 64;

interface Memo {
  readonly revision: number;
  /** The definitions' array the windows were chosen after (the index returns the same one while they hold). */
  readonly definitions: readonly ContextSnippet[];
  readonly budget: number;
  readonly windows: readonly ContextSnippet[];
}

export class EditorContextProvider implements ContextProvider {
  private readonly memo = new Map<string, Memo>();
  private lastChange: string | undefined;

  constructor(private readonly definitions: IndexContextProvider, readonly similar: SimilarWindows) {}

  async contextFor(cursor: CursorContext, budgetTokens: number): Promise<readonly ContextSnippet[]> {
    return this.assemble(cursor, budgetTokens);
  }

  /** Why the context was chosen anew the last time it was (for the log of prompt changes). */
  changeReason(): string | undefined {
    return this.lastChange;
  }

  assemble(cursor: CursorContext, budgetTokens: number): readonly ContextSnippet[] {
    if (budgetTokens <= 0) return [];
    const scope = this.definitions.scopeOf(cursor);
    const reserve = this.similar.hasCandidates(cursor.path, cursor.languageId) ? Math.floor(budgetTokens * SIMILAR_SHARE) : 0;
    const definitions = this.definitions.assemble(cursor, budgetTokens - reserve, scope);
    const hit = this.memo.get(scope.key);
    if (!hit || hit.definitions !== definitions) this.lastChange = this.definitions.changeReason();
    if (reserve === 0) return definitions;
    // Same definitions and no other open document changed.
    const tabs = hit ? [...this.similar.changedSince(hit.revision)].filter((p) => p !== cursor.path) : [];
    if (hit && hit.definitions === definitions && hit.budget === budgetTokens && tabs.length === 0) {
      return [...definitions, ...hit.windows];
    }
    if (hit && hit.definitions === definitions) this.lastChange = tabs.length > 0 ? `open tabs changed (${tabs.slice(0, 3).join(', ')})` : 'the context budget changed';
    const used = definitions.reduce((n, s) => n + s.tokens, 0);
    const windows = this.similar.find({
      path: cursor.path,
      languageId: cursor.languageId,
      text: linesOfScope(cursor, scope.line, Math.max(scope.from, scope.line - QUERY_BEFORE), Math.min(scope.to, scope.line + QUERY_AFTER)),
      taken: definitions,
    }, budgetTokens - used);
    if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(scope.key, { revision: this.similar.revision, definitions, budget: budgetTokens, windows });
    return [...definitions, ...windows];
  }
}
