// The typed accessor: VS Code's configuration read through the one declaration in core/config.
// Who may set what is enforced here too, not only by the manifest's scopes: the server address and
// headers always come from the user's own settings, and in Restricted Mode so do models and sizes,
// whatever VS Code itself filters.
import * as vscode from 'vscode';
import { readConfig, type ConfigWarning, type HearthConfig, type SettingValue } from '../core/config';
import { MACHINE_SETTINGS, RESTRICTED_SETTINGS } from './ids';

export function readHearthConfig(
  env: { OLLAMA_HOST?: string } = { OLLAMA_HOST: process.env.OLLAMA_HOST },
  trusted: boolean = vscode.workspace.isTrusted,
): { config: HearthConfig; warnings: ConfigWarning[] } {
  const cfg = vscode.workspace.getConfiguration();
  return readConfig((key) => {
    const i = cfg.inspect(key);
    if (MACHINE_SETTINGS.includes(key) || (!trusted && RESTRICTED_SETTINGS.includes(key))) return userValue(i);
    const isSet = i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].some((v) => v !== undefined);
    return { value: cfg.get(key), isSet };
  }, env);
}

/** The user's (or remote machine's) own value over the default, never a workspace or folder one. */
function userValue(i: { defaultValue?: unknown; globalValue?: unknown } | undefined): SettingValue {
  const user = i?.globalValue;
  if (user === undefined) return { value: i?.defaultValue, isSet: false };
  // Objects merge over the default, as VS Code's own get() does.
  const value = isRecord(user) && isRecord(i?.defaultValue) ? { ...i.defaultValue, ...user } : user;
  return { value, isSet: true };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
