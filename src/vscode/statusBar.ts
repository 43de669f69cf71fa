// The one status bar item: the model and whether Hearth can use it, with the fix in the tooltip
// and in the accessible label.
import * as vscode from 'vscode';
import type { ConnectionState } from '../core/connection';
import { COMMANDS, STATUS_ITEM_ID } from './ids';
import type { ModelRuntime } from './runtime';

export interface StatusView {
  readonly text: string;
  readonly label: string;
  readonly tooltip: string;
  readonly command?: string;
  readonly warning: boolean;
}

/** Pure: what the item shows for a state (tested without an editor). */
export function statusView(s: ConnectionState, serverUrl: string, busy: boolean): StatusView {
  switch (s.kind) {
    case 'checking':
      return { text: '$(loading~spin) Hearth', label: `Hearth: connecting to ${serverUrl}`, tooltip: `Connecting to Ollama at ${serverUrl}…`, warning: false };
    case 'connected': {
      const d = s.description;
      const tip = `Hearth — ${s.model} on Ollama ${s.version} at ${serverUrl}\n\nnum_ctx ${s.numCtx} · ${d.capabilities.join(', ')}\n\nClick to choose another model.`;
      return busy
        ? { text: `$(sync~spin) ${s.model}`, label: `Hearth: working, model ${s.model}`, tooltip: tip, command: COMMANDS.selectModel, warning: false }
        : { text: `$(check) ${s.model}`, label: `Hearth: connected to ${serverUrl}, model ${s.model}`, tooltip: tip, command: COMMANDS.selectModel, warning: false };
    }
    case 'modelMissing':
      return { text: `$(warning) ${s.model} missing`, label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to pull it.`, command: COMMANDS.pullModel, warning: true };
    case 'unreachable':
      return { text: '$(debug-disconnect) Hearth: unreachable', label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to run Hearth: Doctor.`, command: COMMANDS.doctor, warning: true };
    case 'error':
      return { text: '$(error) Hearth', label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to run Hearth: Doctor.`, command: COMMANDS.doctor, warning: true };
  }
}

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
