// Watches the parts of consecutive completion prompts in one document that the server's prefix
// cache depends on: the context section, the code below the cursor's line and where the window
// before the cursor starts. Typing within a scope must change none of them; when one changes, the
// change is logged once with its reason, so a prompt that re-reads thousands of tokens can be
// traced to its cause in the log.

/** The stable parts of one prompt. */
export interface PromptLayout {
  readonly document: string;
  /** The context section exactly as sent. */
  readonly context: string;
  /** The code below the cursor's line, as sent. */
  readonly below: string;
  /** Document line and column where the window before the cursor starts. */
  readonly prefixStart: { readonly line: number; readonly column: number };
  /** Document line of the cursor. */
  readonly cursorLine: number;
}

const DOCUMENTS = 16;

export class LayoutWatch {
  private readonly last = new Map<string, PromptLayout>();

  /** The stable parts of the document's last prompt. */
  lastOf(document: string): PromptLayout | undefined {
    return this.last.get(document);
  }

  /** Whether the document's last prompt had these stable parts (the cursor's line aside). */
  matches(next: PromptLayout): boolean {
    const prev = this.last.get(next.document);
    return prev !== undefined && prev.context === next.context && prev.below === next.below
      && prev.prefixStart.line === next.prefixStart.line && prev.prefixStart.column === next.prefixStart.column;
  }

  /**
   * Records `next` and returns a sentence per stable part that changed since the previous prompt
   * of the same document (none for a document's first prompt). `contextReason` is the context
   * provider's account of why it chose anew.
   */
  observe(next: PromptLayout, contextReason?: string): string[] {
    const prev = this.last.get(next.document);
    this.last.delete(next.document);
    if (this.last.size >= DOCUMENTS) this.last.delete(this.last.keys().next().value as string);
    this.last.set(next.document, next);
    if (!prev) return [];
    const out: string[] = [];
    if (prev.context !== next.context) out.push(`context section changed: ${contextReason ?? 'no reason given'}`);
    const moved = next.cursorLine !== prev.cursorLine;
    if (prev.below !== next.below) {
      out.push(`code below the cursor's line changed: ${moved ? `the cursor moved from line ${prev.cursorLine + 1} to ${next.cursorLine + 1}` : 'the text below the cursor was edited'}`);
    }
    const a = prev.prefixStart;
    const b = next.prefixStart;
    if (a.line !== b.line || a.column !== b.column) {
      const why = b.line < a.line || (b.line === a.line && b.column < a.column)
        ? 'the cursor moved above the old start, or the text above it shrank'
        : b.line === a.line ? 'the cursor\'s long line outgrew the window (a column anchor was crossed)' : 'the window outgrew its budget (a line anchor was crossed)';
      out.push(`window before the cursor now starts at line ${b.line + 1}${b.column ? `:${b.column + 1}` : ''} (was ${a.line + 1}${a.column ? `:${a.column + 1}` : ''}): ${why}`);
    }
    return out;
  }
}
