// The one status bar item: the model and whether Hearth can use it, with the fix in the tooltip
// and in the accessible label.
import * as vscode from 'vscode';
import { STATUS_ITEM_ID } from './ids';
import type { ModelRuntime } from './runtime';
import { statusView } from './statusView';

export function registerStatusBar(context: vscode.ExtensionContext, runtime: ModelRuntime): void {
  const item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
  item.name = 'Hearth';
  const render = () => {
    const v = statusView(runtime.monitor.state, runtime.config.serverUrl, runtime.busy);
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
  );
}
