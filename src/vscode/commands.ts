// Hearth: Select Model, Pull Model, Show Log, Doctor — and the offer to pull a missing model.
import * as vscode from 'vscode';
import { FEATURE_TITLES, SETTINGS } from '../core/config';
import { formatDoctor, runDoctor } from '../core/doctor';
import { isSilent, ModelError } from '../core/errors';
import type { Logger } from '../core/log';
import type { ModelSummary } from '../core/model/backend';
import { COMMANDS } from './ids';
import type { ModelRuntime } from './runtime';

export function registerCommands(context: vscode.ExtensionContext, runtime: ModelRuntime, channel: vscode.LogOutputChannel, logger: Logger, pausedNow: () => boolean): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.showLog, () => channel.show(true)),
    vscode.commands.registerCommand(COMMANDS.selectModel, () => selectModel(runtime, logger)),
    vscode.commands.registerCommand(COMMANDS.pullModel, (model?: string) => pullModel(runtime, logger, typeof model === 'string' ? model : undefined)),
    vscode.commands.registerCommand(COMMANDS.doctor, () => doctor(runtime, channel)),
    vscode.commands.registerCommand(COMMANDS.statusMenu, () => statusMenu(runtime, pausedNow)),
  );

  // Offer a pull once per missing model per session; a notification the user can act on.
  const offered = new Set<string>();
  context.subscriptions.push(runtime.onDidChangeState(async (s) => {
    if (s.kind !== 'modelMissing' || offered.has(`${runtime.config.serverUrl} ${s.model}`)) return;
    offered.add(`${runtime.config.serverUrl} ${s.model}`);
    const pull = `Pull ${s.model}`;
    const pick = await vscode.window.showWarningMessage(`Hearth: ${s.error.message}`, pull, 'Select Model');
    if (pick === pull) await vscode.commands.executeCommand(COMMANDS.pullModel, s.model);
    else if (pick === 'Select Model') await vscode.commands.executeCommand(COMMANDS.selectModel);
  }));
}

/** What a click on the status bar item offers. */
async function statusMenu(runtime: ModelRuntime, pausedNow: () => boolean): Promise<void> {
  const s = runtime.stateFor('completion');
  const items: Array<vscode.QuickPickItem & { command: string; args?: unknown[] }> = [
    pausedNow()
      ? { label: '$(debug-start) Resume inline completions', command: COMMANDS.togglePause }
      : { label: '$(debug-pause) Pause inline completions', command: COMMANDS.togglePause },
    { label: '$(server) Select model…', description: runtime.config.model, command: COMMANDS.selectModel },
  ];
  for (const model of missingModels(runtime)) items.push({ label: `$(cloud-download) Pull ${model}`, command: COMMANDS.pullModel, args: [model] });
  items.push(
    { label: '$(pulse) Doctor', description: 'check the server, model, context window', command: COMMANDS.doctor },
    { label: '$(output) Show log', command: COMMANDS.showLog },
    { label: '$(gear) Settings', command: 'workbench.action.openSettings', args: ['hearth.'] },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'Hearth', placeHolder: s.kind === 'connected' ? `${s.model} on Ollama ${s.version}` : undefined });
  if (pick) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
}

/** The models of the editor's features that the server does not have, each once. */
function missingModels(runtime: ModelRuntime): string[] {
  return [...new Set(runtime.featureStates().filter((f) => f.state.kind === 'modelMissing').map((f) => f.state.model))];
}

interface ModelPick extends vscode.QuickPickItem {
  readonly model?: string;
  readonly pull?: boolean;
}

function describeSummary(m: ModelSummary, caps: readonly string[] | undefined, contextLength: number | undefined): string {
  const parts: string[] = [];
  if (m.parameterSize) parts.push(m.parameterSize);
  if (m.quantization) parts.push(m.quantization);
  if (contextLength) parts.push(`${Math.round(contextLength / 1024)}K context`);
  if (caps && caps.length) parts.push(caps.join(', '));
  return parts.join(' · ');
}

async function selectModel(runtime: ModelRuntime, logger: Logger): Promise<void> {
  const qp = vscode.window.createQuickPick<ModelPick>();
  qp.title = 'Hearth: Select Model';
  // hearth.model: features that name their own model keep it, and the placeholder says so.
  const own = runtime.features.filter((f) => runtime.config.features[f].modelSetting !== SETTINGS.model.key);
  qp.placeholder = own.length === 0
    ? `Model for all features on ${runtime.config.serverUrl}`
    : `Model for every feature without its own on ${runtime.config.serverUrl} (${own.map((f) => `${FEATURE_TITLES[f].toLowerCase()}: ${runtime.config.features[f].model}, from ${runtime.config.features[f].modelSetting}`).join('; ')})`;
  qp.busy = true;
  qp.show();
  try {
    const backend = runtime.service.backend;
    const list = await backend.list();
    const described = await Promise.all(list.map(async (m) => {
      try {
        const d = await backend.describe(m.name);
        return { m, caps: d.capabilities, ctx: d.contextLength ?? m.contextLength };
      } catch {
        return { m, caps: undefined, ctx: m.contextLength };
      }
    }));
    const current = runtime.config.model;
    qp.items = [
      ...described.map(({ m, caps, ctx }): ModelPick => ({
        label: m.name,
        description: describeSummary(m, caps, ctx),
        detail: m.name === current || `${current}:latest` === m.name ? 'current' : undefined,
        model: m.name,
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(cloud-download) Pull a model…', pull: true },
    ];
    qp.busy = false;
  } catch (e) {
    qp.hide();
    showModelError(e, logger);
    return;
  }
  const picked = await new Promise<ModelPick | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  if (!picked) return;
  if (picked.pull) {
    await pullModel(runtime, logger, undefined);
  } else if (picked.model) {
    await vscode.workspace.getConfiguration('hearth').update('model', picked.model, vscode.ConfigurationTarget.Global);
    logger.info(`Model set to ${picked.model}.`);
  }
}

async function pullModel(runtime: ModelRuntime, logger: Logger, model: string | undefined): Promise<void> {
  const name = model ?? (await vscode.window.showInputBox({
    title: 'Hearth: Pull Model',
    prompt: `Model to download to ${runtime.config.serverUrl}`,
    value: missingModels(runtime)[0] ?? runtime.config.model,
    validateInput: (v) => (/^[\w.\-/:]+$/.test(v.trim()) ? undefined : 'A model name such as gemma4:e4b'),
  }))?.trim();
  if (!name) return;
  const backend = runtime.service.backend;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling ${name}`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let lastPct = 0;
      try {
        for await (const p of backend.pull(name, controller.signal)) {
          if (p.total && p.completed !== undefined) {
            const pct = Math.floor((p.completed / p.total) * 100);
            progress.report({ message: `${p.status} ${pct}%`, increment: Math.max(0, pct - lastPct) });
            lastPct = pct;
          } else {
            progress.report({ message: p.status });
          }
        }
      } finally {
        sub.dispose();
      }
    });
    runtime.service.forget(name);
    logger.info(`Pulled ${name}.`);
    void vscode.window.showInformationMessage(`Hearth: ${name} is ready.`);
    await runtime.monitor.check();
  } catch (e) {
    if (isSilent(e)) {
      logger.info(`Pull of ${name} cancelled.`);
      return;
    }
    showModelError(e, logger);
  }
}

async function doctor(runtime: ModelRuntime, channel: vscode.LogOutputChannel): Promise<void> {
  void runtime.monitor.check();
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Hearth: Doctor' }, () => runDoctor(runtime.service.backend, runtime.config));
  channel.info(`\n${formatDoctor(report)}`);
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) {
    void vscode.window.showInformationMessage(`Hearth: healthy — Ollama ${report.version} at ${report.serverUrl}.`, 'Show Log').then((p) => p && channel.show(true));
    return;
  }
  const first = failed[0];
  const missing = report.models.find((m) => !m.description);
  const actions = missing && first.id.startsWith('model:') ? [`Pull ${missing.model}`, 'Show Log'] : ['Show Log'];
  const pick = await vscode.window.showErrorMessage(`Hearth: ${first.detail}. ${first.fix ?? ''}`, ...actions);
  if (pick === 'Show Log') channel.show(true);
  else if (pick && missing) await vscode.commands.executeCommand(COMMANDS.pullModel, missing.model);
}

function showModelError(e: unknown, logger: Logger): void {
  const msg = ModelError.is(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
  logger.error(msg);
  void vscode.window.showErrorMessage(`Hearth: ${msg}`);
}
