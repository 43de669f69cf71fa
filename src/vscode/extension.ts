// The composition root: build the services once, register each feature, and hand every
// disposable to VS Code. Each feature starts in isolation: one failing must not stop the others.
import * as vscode from 'vscode';
import type { Feature } from '../core/config';
import type { Logger } from '../core/log';
import { registerCommands } from './commands';
import { OUTPUT_CHANNEL } from './ids';
import { channelLogger } from './logger';
import { ModelRuntime } from './runtime';
import { registerInlineCompletions } from './completion/register';
import { registerIndex } from './index/register';
import { registerReview } from './review/register';
import { registerTestGen } from './testgen/register';
import { SecretlintRedactor } from '../node/privacy/redact';
import { registerStatusBar, type CompletionStatus } from './statusBar';
import { RESTRICTED_MODE_NOTE } from './statusView';

/**
 * The features whose model the runtime watches (the status bar). Review is not one: it runs when
 * asked, and a review model that is missing or unreachable is said then, in the review's own
 * notification, rather than on the status bar of someone who only uses completions.
 */
const FEATURES: readonly Feature[] = ['completion'];

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  context.subscriptions.push(channel);
  const logger = channelLogger(channel);
  let runtime: ModelRuntime;
  try {
    runtime = new ModelRuntime(logger, FEATURES);
  } catch (e) {
    logger.error(`Activation failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage('Hearth could not start. See "Hearth: Show Log".');
    return;
  }
  context.subscriptions.push(
    runtime,
    vscode.workspace.onDidChangeConfiguration((e) => runtime.onConfigurationChanged(e)),
    // The workspace's own settings apply from now on; the index starts by itself (index/register).
    vscode.workspace.onDidGrantWorkspaceTrust(() => runtime.reload('Workspace trusted: indexing the repository, and reading the workspace settings again.')),
  );

  const index = startFeature('repository index', logger, () => registerIndex(context, logger));
  // One redactor (and its cache) for every prompt of this window.
  const redactor = new SecretlintRedactor();
  const completions = startFeature('inline completions', logger, () => registerInlineCompletions(context, runtime, logger, redactor, index?.context, () => index?.gate())) ?? NO_COMPLETIONS;
  startFeature('review', logger, () => registerReview(context, { runtime, logger, redactor, workspace: () => index?.workspace() }));
  startFeature('test generation', logger, () => registerTestGen(context, { runtime, logger, redactor, workspace: () => index?.workspace() }));
  startFeature('status bar', logger, () => registerStatusBar(context, runtime, completions));
  startFeature('commands', logger, () => registerCommands(context, runtime, channel, logger, () => completions.paused));
  logger.info(`Hearth ${String(context.extension.packageJSON.version)} activated in ${Math.round(performance.now() - started)} ms.`);
  if (!vscode.workspace.isTrusted) logger.info(RESTRICTED_MODE_NOTE);
}

function startFeature<T>(name: string, logger: Logger, start: () => T): T | undefined {
  try {
    return start();
  } catch (e) {
    logger.error(`Could not start ${name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return undefined;
  }
}

const NO_COMPLETIONS: CompletionStatus = { paused: false, slowMs: undefined, onDidChange: () => ({ dispose() {} }) };

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
