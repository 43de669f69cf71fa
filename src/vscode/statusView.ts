// What the status bar item shows for each connection state. Pure (no vscode import), so it is
// tested in plain Node; statusBar.ts applies it to the real item.
import type { ConnectionState } from '../core/connection';
import { COMMANDS } from './ids';

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
