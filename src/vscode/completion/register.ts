// Inline completions: the engine (rebuilt when the model setup changes), the provider for every
// language, pause/resume and manual trigger, and the figures the status bar shows.
import * as vscode from 'vscode';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../../core/completion/engine';
import type { Logger } from '../../core/log';
import { NO_CONTEXT, type ContextProvider } from '../../core/completion/types';
import { COMMANDS, CONTEXT_PAUSED } from '../ids';
import type { ModelRuntime } from '../runtime';
import type { CompletionStatus } from '../statusBar';
import { HearthInlineCompletionProvider } from './provider';
import { DocumentGate } from './documentGate';
import { EditTimes } from './editTimes';
import { WarmSchedule } from '../../core/completion/warmSchedule';
import type { Redactor } from '../../core/privacy/redactor';
import type { PrivacyGate } from '../../node/privacy/gate';

const PAUSED_KEY = 'hearth.completionsPaused';

export function registerInlineCompletions(
  context: vscode.ExtensionContext, runtime: ModelRuntime, logger: Logger, redactor: Redactor,
  repoContext: ContextProvider = NO_CONTEXT, indexGate: () => PrivacyGate | undefined = () => undefined,
): CompletionStatus {
  const changed = new vscode.EventEmitter<void>();
  let slowMs: number | undefined;
  let latencySub: { dispose(): void } | undefined;
  let engine: CompletionEngine;

  const build = () => {
    engine?.dispose();
    latencySub?.dispose();
    engine = new CompletionEngine({
      session: () => runtime.service.session('completion'),
      context: repoContext,
      redactor,
      logger,
      settings: { ...DEFAULT_COMPLETION_SETTINGS, contextTokens: runtime.config.features.completion.contextTokens },
    });
    latencySub = engine.onLatency((slow, median) => {
      const next = slow ? median : undefined;
      if (next !== slowMs) {
        if (slow && slowMs === undefined) logger.warn(`Completions are slow: median ${Math.round(median)} ms. A smaller hearth.completion.model or hearth.completion.contextTokens helps.`);
        slowMs = next;
        changed.fire();
      }
    });
    slowMs = undefined;
    changed.fire();
  };
  build();

  const gate = new DocumentGate(indexGate);
  const edits = new EditTimes();
  context.subscriptions.push(edits);
  const provider = new HearthInlineCompletionProvider(() => engine, runtime, logger, gate, (d) => edits.typedAt(d));
  // The server's prompt cache is prefilled for the cursor: where it comes to rest, and at once
  // when the first pause would otherwise prefill the whole prompt (see warmSchedule.ts).
  const warming = new WarmSchedule(async (why) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !runtime.config.features.completion.warmup) return 'skipped';
    return provider.warm(editor, why);
  });
  context.subscriptions.push(
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) warming.cursorMoved(engine.knows(e.textEditor.document.uri.toString()));
    }),
    vscode.window.onDidChangeActiveTextEditor(() => warming.editorChanged()),
    runtime.onDidChangeState((s) => { if (s.kind === 'connected' && runtime.stateFor('completion').kind === 'connected') warming.stale('the model is reachable'); }),
    repoContext.onDidChangeAll?.(() => warming.stale('the index finished building')) ?? { dispose() {} },
    { dispose: () => warming.dispose() },
  );
  warming.editorChanged();
  provider.paused = context.globalState.get<boolean>(PAUSED_KEY, false);
  void vscode.commands.executeCommand('setContext', CONTEXT_PAUSED, provider.paused);

  const setPaused = async (paused: boolean) => {
    provider.paused = paused;
    await context.globalState.update(PAUSED_KEY, paused);
    await vscode.commands.executeCommand('setContext', CONTEXT_PAUSED, paused);
    logger.info(paused ? 'Inline completions paused.' : 'Inline completions resumed.');
    changed.fire();
  };

  context.subscriptions.push(
    changed,
    gate,
    { dispose: () => { engine.dispose(); latencySub?.dispose(); } },
    runtime.onDidRebuild(build),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.commands.registerCommand(COMMANDS.togglePause, () => setPaused(!provider.paused)),
    vscode.commands.registerCommand(COMMANDS.triggerCompletion, () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
  );

  return {
    get paused() { return provider.paused; },
    get slowMs() { return slowMs; },
    onDidChange: changed.event,
  };
}
