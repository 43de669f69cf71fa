// The repository context a completion carries in the editor: definitions from the index first (the
// stable part), then windows like the cursor's code from open tabs and recent edits in other files.
// The windows get a fixed share of the budget (more when the definitions leave some over), only
// when there is something to offer; both parts are chosen once per scope and kept while the cursor
// stays in it, so keystrokes do not change the prompt's context section.
import type { ContextProvider, ContextSnippet, CursorContext } from '../completion/types';
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
  readonly definitions: string;
  readonly budget: number;
  readonly windows: readonly ContextSnippet[];
}

export class EditorContextProvider implements ContextProvider {
  private readonly memo = new Map<string, Memo>();

  constructor(private readonly definitions: IndexContextProvider, private readonly similar: SimilarWindows) {}

  async contextFor(cursor: CursorContext, budgetTokens: number): Promise<readonly ContextSnippet[]> {
    return this.assemble(cursor, budgetTokens);
  }

  assemble(cursor: CursorContext, budgetTokens: number): readonly ContextSnippet[] {
    if (budgetTokens <= 0) return [];
    const reserve = this.similar.hasCandidates(cursor.path, cursor.languageId) ? Math.floor(budgetTokens * SIMILAR_SHARE) : 0;
    const definitions = this.definitions.assemble(cursor, budgetTokens - reserve);
    if (reserve === 0) return definitions;
    const scope = this.definitions.scopeOf(cursor);
    const hit = this.memo.get(scope.key);
    const chosen = definitions.map((d) => `${d.path}:${d.startLine}-${d.endLine}`).join('|');
    // Same definitions and no other open document changed.
    if (hit && hit.definitions === chosen && hit.budget === budgetTokens && [...this.similar.changedSince(hit.revision)].every((p) => p === cursor.path)) {
      return [...definitions, ...hit.windows];
    }
    const used = definitions.reduce((n, s) => n + s.tokens, 0);
    const windows = this.similar.find({
      path: cursor.path,
      languageId: cursor.languageId,
      text: linesOfScope(cursor, scope.line, Math.max(scope.from, scope.line - QUERY_BEFORE), Math.min(scope.to, scope.line + QUERY_AFTER)),
      taken: definitions,
    }, budgetTokens - used);
    if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(scope.key, { revision: this.similar.revision, definitions: chosen, budget: budgetTokens, windows });
    return [...definitions, ...windows];
  }
}
