// The InlineCompletionItemProvider: turns VS Code's request into the engine's, and the engine's
// text into one item. The keystroke path never throws: anything unexpected is logged and the
// user simply sees no suggestion.
import * as vscode from 'vscode';
import { completionEnabledFor } from '../../core/config';
import type { CompletionEngine, CompletionOutcome } from '../../core/completion/engine';
import type { Logger } from '../../core/log';
import type { WarmResult } from '../../core/completion/warmSchedule';
import type { ModelRuntime } from '../runtime';
import { cursorSlice, indentUnitFor } from './cursor';
import type { DocumentGate } from './documentGate';

export class HearthInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  paused = false;

  constructor(
    private readonly engine: () => CompletionEngine,
    private readonly runtime: ModelRuntime,
    private readonly logger: Logger,
    private readonly gate: DocumentGate,
    /** When the document's current version was typed (EditTimes), for the debounce; undefined: unknown. */
    private readonly typedAt: (document: vscode.TextDocument) => number | undefined = () => undefined,
  ) {}

  /** Documents whose refusal was logged already (once each, not per keystroke). */
  private readonly refusedLogged = new Set<string>();

  /**
   * The cursor came to rest (a file opened, a click elsewhere): let the engine prefill the server's
   * cache for it, under the same conditions as a completion there. Never throws.
   */
  async warm(editor: vscode.TextEditor, why: string): Promise<WarmResult> {
    try {
      const document = editor.document;
      if (this.paused || !completionEnabledFor(this.runtime.config, document.languageId)) return 'skipped';
      // Its own model only: another feature's missing model never holds completions back.
      if (this.runtime.stateFor('completion').kind !== 'connected') return 'skipped';
      if (!(await this.gate.admit(document)).admitted) return 'skipped';
      const position = editor.selection.active;
      const { cursor, prefixFirstLine } = cursorSlice(document, position, indentUnitFor(document));
      const result = await this.engine().warm({ document: document.uri.toString(), cursor, prefixFirstLine });
      this.logger.trace(`completion warm-up (${why}) ${document.uri.path.split('/').pop()}:${position.line + 1}:${position.character + 1} ${result}`);
      return result;
    } catch (e) {
      this.logger.debug(`completion warm-up failed: ${e instanceof Error ? e.message : String(e)}`);
      return 'failed';
    }
  }

  /**
   * The first words were shown while the line still streams: once it is whole, the editor is asked
   * to show it instead (the engine answers from its cache), if the user is still where it was asked
   * for or has only typed the start of it since.
   */
  private askAgainWhenWhole(document: vscode.TextDocument, position: vscode.Position, outcome: CompletionOutcome): void {
    void outcome.final?.then((whole) => {
      if (!whole.text || whole.text === outcome.text) return;
      const editor = vscode.window.activeTextEditor;
      if (editor?.document !== document || document.isClosed) return;
      const cursor = editor.selection.active;
      if (!editor.selection.isEmpty || cursor.isBefore(position)) return;
      const typed = document.getText(new vscode.Range(position, cursor));
      if (typed.length >= whole.text.length || !whole.text.startsWith(typed)) return;
      // VS Code keeps a shown suggestion through a re-query (it is put first in the new list, to
      // avoid flicker), so the re-query steps to the next item: the whole answer, which the engine
      // gives from its cache at once. Hiding first would leave a moment where Tab inserts a tab.
      void vscode.commands.executeCommand('editor.action.inlineSuggest.showNext');
    });
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    try {
      const manual = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
      if (!manual && (this.paused || !completionEnabledFor(this.runtime.config, document.languageId))) return undefined;
      // While the suggest widget is open its item wins; a second suggestion would fight it.
      if (context.selectedCompletionInfo) return undefined;
      const state = this.runtime.stateFor('completion').kind;
      if (state === 'unreachable' || state === 'modelMissing') return undefined;
      // The privacy gate: a secret-looking, ignored or linked-out file never enters a prompt.
      const verdict = await this.gate.admit(document);
      if (!verdict.admitted) {
        const key = document.uri.toString();
        if (!this.refusedLogged.has(key)) {
          if (this.refusedLogged.size >= 256) this.refusedLogged.clear();
          this.refusedLogged.add(key);
          this.logger.info(`No completions in ${verdict.message}`);
        }
        if (manual) vscode.window.setStatusBarMessage(`Hearth: no completion here. ${verdict.message}`, 8000);
        return undefined;
      }
      if (token.isCancellationRequested) return undefined;

      const typedAt = this.typedAt(document);
      const calledAt = performance.now();
      const { cursor, prefixFirstLine } = cursorSlice(document, position, indentUnitFor(document));
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const outcome = await this.engine().complete({
          document: document.uri.toString(), cursor, prefixFirstLine, trigger: manual ? 'manual' : 'automatic', signal: controller.signal, typedAt,
          early: this.runtime.config.features.completion.earlyGhostText,
        });
        this.logger.trace(`completion ${document.uri.path.split('/').pop()}:${position.line + 1}:${position.character + 1} ${outcome.source ?? '-'}${outcome.partial ? '(early)' : ''} ${outcome.text ? `${outcome.text.length} chars` : `none (${outcome.reason})`}${outcome.stopReason ? ` stop=${outcome.stopReason}` : ''}${sentNote(outcome, typedAt, calledAt)} ${Math.round(outcome.timings?.total ?? 0)}ms${token.isCancellationRequested && outcome.text ? ' (not shown: the editor had cancelled the call)' : ''}`);
        if (token.isCancellationRequested || !outcome.text) return undefined;
        if (outcome.partial) this.askAgainWhenWhole(document, position, outcome);
        // Over the closers it writes again (`a, b);` over `)`), so that Tab leaves the line it shows.
        const end = document.validatePosition(position.translate(0, outcome.replaces ?? 0));
        const range = new vscode.Range(position, end);
        const back = outcome.caretBack ?? 0;
        if (back === 0) return [new vscode.InlineCompletionItem(outcome.text, range)];
        // `() => {}` accepted with the cursor between the braces, as the editor's own auto-closing leaves it.
        const cut = outcome.text.length - back;
        const snippet = new vscode.SnippetString().appendText(outcome.text.slice(0, cut)).appendTabstop(0).appendText(outcome.text.slice(cut));
        return [new vscode.InlineCompletionItem(snippet, range)];
      } finally {
        sub.dispose();
      }
    } catch (e) {
      this.logger.error(`inline completion failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return undefined;
    }
  }
}

/** For the trace: when the request left, counted from the edit (the debounce's origin) and from VS Code's call. */
function sentNote(outcome: CompletionOutcome, typedAt: number | undefined, calledAt: number): string {
  const toRequest = outcome.timings?.toRequest;
  if (toRequest === undefined) return '';
  const afterEdit = typedAt === undefined ? '' : `${Math.round(calledAt - typedAt + toRequest)}ms after the edit, `;
  return ` (sent ${afterEdit}${Math.round(toRequest)}ms after the call; debounce ${outcome.debounceMs ?? '-'}ms)`;
}
