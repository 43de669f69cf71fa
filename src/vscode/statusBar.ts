// The one status bar item: the model and whether Hearth can use it, with the fix in the tooltip
// and in the accessible label; in Restricted Mode, a shield and what that mode turned off.
import * as vscode from 'vscode';
import { STATUS_ITEM_ID } from './ids';
import type { ModelRuntime } from './runtime';
import { featuresStatusView } from './statusView';

/** What the status bar needs to know beyond the connection: pause and slowness of completions. */
export interface CompletionStatus {
  readonly paused: boolean;
  readonly slowMs: number | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export function registerStatusBar(context: vscode.ExtensionContext, runtime: ModelRuntime, completions: CompletionStatus): void {
  const item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
  item.name = 'Hearth';
  const render = () => {
    const v = featuresStatusView(runtime.featureStates(), runtime.config.serverUrl, { busy: runtime.busy, paused: completions.paused, slowMs: completions.slowMs, restricted: !vscode.workspace.isTrusted });
    item.text = v.text;
    item.tooltip = v.tooltip;
    item.accessibilityInformation = { label: v.label, role: 'button' };
    item.command = v.command;
    item.backgroundColor = v.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  render();
  item.show();
  context.subscriptions.push(
    item,
    runtime.onDidChangeState(render),
    runtime.onDidChangeActivity(render),
    runtime.onDidRebuild(render),
    completions.onDidChange(render),
    vscode.workspace.onDidGrantWorkspaceTrust(render),
  );
}
