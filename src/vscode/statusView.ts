// What the status bar item shows for each connection state, and for the features the editor runs
// (each with its own model). Pure (no vscode import), so it is tested in plain Node; statusBar.ts
// applies it to the real item.
import { FEATURE_TITLES } from '../core/config';
import type { ConnectionState, FeatureState } from '../core/connection';
import { COMMANDS } from './ids';

export interface StatusView {
  readonly text: string;
  readonly label: string;
  readonly tooltip: string;
  readonly command?: string;
  readonly warning: boolean;
}

export interface ActivityFlags {
  /** A model request is in flight. */
  readonly busy: boolean;
  /** Inline completions paused by the user. */
  readonly paused?: boolean;
  /** Median completion latency, when it is over the "slow" limit. */
  readonly slowMs?: number;
  /** The workspace is not trusted (Restricted Mode). */
  readonly restricted?: boolean;
}

/** What Restricted Mode turns off, in the words the status bar and the log use. */
export const RESTRICTED_MODE_NOTE = 'Restricted Mode: no repository index or git, this workspace\'s settings for models and sizes ignored (the server and headers come only from your user settings), generated code never runs. Trust the folder to turn them on.';

/** Pure: what the item shows for a state (tested without an editor). */
export function statusView(s: ConnectionState, serverUrl: string, flags: ActivityFlags): StatusView {
  return withRestrictedNote(connectionView(s, serverUrl, flags), flags);
}

/**
 * Pure: what the item shows for the features the editor runs. The feature whose model needs
 * attention most leads (the first feature when all are well); the tooltip lists each feature's
 * model and its state.
 */
export function featuresStatusView(features: readonly FeatureState[], serverUrl: string, flags: ActivityFlags): StatusView {
  if (features.length === 0) throw new Error('featuresStatusView: no feature');
  const lead = features.reduce((a, b) => (URGENCY[b.state.kind] > URGENCY[a.state.kind] ? b : a));
  const v = connectionView(lead.state, serverUrl, flags);
  const line = (f: FeatureState) => `${FEATURE_TITLES[f.feature]}: ${f.state.model} (${f.modelSetting}), ${STATE_WORDS[f.state.kind]}`;
  const models = features.map(line).join('\n');
  // One model: the label already names it. Several: say what each feature has.
  const label = new Set(features.map((f) => f.state.model)).size === 1 ? v.label : `${v.label}${/[.!?]$/.test(v.label) ? '' : '.'} ${features.map(line).join('; ')}.`;
  return withRestrictedNote({ ...v, label, tooltip: `${v.tooltip}\n\n${models}` }, flags);
}

/** How much a model's state needs the user: the most urgent one leads the item. */
const URGENCY: Record<ConnectionState['kind'], number> = { connected: 0, checking: 1, modelMissing: 2, error: 3, unreachable: 4 };
const STATE_WORDS: Record<ConnectionState['kind'], string> = { connected: 'ready', checking: 'checking', modelMissing: 'not installed', error: 'failing', unreachable: 'server unreachable' };

function withRestrictedNote(v: StatusView, flags: ActivityFlags): StatusView {
  if (!flags.restricted) return v;
  // The shield stays in every state: what is off does not depend on the connection.
  return { ...v, text: `$(shield) ${v.text}`, label: `${v.label}${/[.!?]$/.test(v.label) ? '' : '.'} ${RESTRICTED_MODE_NOTE}`, tooltip: `${v.tooltip}\n\n${RESTRICTED_MODE_NOTE}` };
}

function connectionView(s: ConnectionState, serverUrl: string, flags: ActivityFlags): StatusView {
  const { busy } = flags;
  switch (s.kind) {
    case 'checking':
      return { text: '$(loading~spin) Hearth', label: `Hearth: connecting to ${serverUrl}`, tooltip: `Connecting to Ollama at ${serverUrl}…`, warning: false };
    case 'connected': {
      const d = s.description;
      const tip = `Hearth — ${s.model} on Ollama ${s.version} at ${serverUrl}\n\nnum_ctx ${s.numCtx} · ${d.capabilities.join(', ')}\n\nClick for the menu (pause completions, choose a model, doctor).`;
      const menu = COMMANDS.statusMenu;
      if (flags.paused) {
        return { text: `$(debug-pause) ${s.model}`, label: `Hearth: inline completions paused, model ${s.model}`, tooltip: `Inline completions are paused.\n\n${tip}`, command: menu, warning: false };
      }
      if (busy) return { text: `$(sync~spin) ${s.model}`, label: `Hearth: working, model ${s.model}`, tooltip: tip, command: menu, warning: false };
      if (flags.slowMs !== undefined) {
        const hint = `Completions take ${Math.round(flags.slowMs)} ms (median). A smaller model (hearth.completion.model, e.g. gemma4:e2b) or less context (hearth.completion.contextTokens) makes them faster.`;
        return { text: `$(watch) ${s.model}`, label: `Hearth: slow completions, model ${s.model}. ${hint}`, tooltip: `${hint}\n\n${tip}`, command: menu, warning: false };
      }
      return { text: `$(check) ${s.model}`, label: `Hearth: connected to ${serverUrl}, model ${s.model}`, tooltip: tip, command: menu, warning: false };
    }
    case 'modelMissing':
      return { text: `$(warning) ${s.model} missing`, label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to pull it.`, command: COMMANDS.pullModel, warning: true };
    case 'unreachable':
      return { text: '$(debug-disconnect) Hearth: unreachable', label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to run Hearth: Doctor.`, command: COMMANDS.doctor, warning: true };
    case 'error':
      return { text: '$(error) Hearth', label: `Hearth: ${s.error.userMessage}`, tooltip: `${s.error.message}\n\n${s.error.fix}\n\nClick to run Hearth: Doctor.`, command: COMMANDS.doctor, warning: true };
  }
}
