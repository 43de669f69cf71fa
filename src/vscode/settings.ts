// The typed accessor: VS Code's configuration read through the one declaration in core/config.
import * as vscode from 'vscode';
import { readConfig, type ConfigWarning, type HearthConfig } from '../core/config';

export function readHearthConfig(env: { OLLAMA_HOST?: string } = { OLLAMA_HOST: process.env.OLLAMA_HOST }): { config: HearthConfig; warnings: ConfigWarning[] } {
  const cfg = vscode.workspace.getConfiguration();
  return readConfig((key) => {
    const i = cfg.inspect(key);
    const isSet = i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].some((v) => v !== undefined);
    return { value: cfg.get(key), isSet };
  }, env);
}
