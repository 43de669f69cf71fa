// One diagnosis for the CLI (`hearth doctor`) and the editor ("Hearth: Doctor"): each check says
// what it found and, when something is wrong, the fix.
import type { Feature, HearthConfig } from './config';
import { FEATURE_TITLES, FEATURES, modelsInUse } from './config';
import { ModelError } from './errors';
import type { ModelBackend, ModelDescription } from './model/backend';
import { decideNumCtx, type NumCtxDecision } from './model/numCtx';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorModelReport {
  readonly model: string;
  readonly features: readonly Feature[];
  readonly description?: ModelDescription;
  readonly numCtx?: NumCtxDecision;
}

/** One feature's model and whether it can be used: `unknown` when the server could not be asked. */
export interface DoctorFeatureReport {
  readonly feature: Feature;
  readonly model: string;
  /** The setting that chose the model (the feature's own, or hearth.model). */
  readonly modelSetting: string;
  readonly status: 'ready' | 'unusable' | 'unknown';
}

export interface DoctorReport {
  readonly serverUrl: string;
  readonly healthy: boolean;
  readonly version?: string;
  readonly features: readonly DoctorFeatureReport[];
  readonly models: readonly DoctorModelReport[];
  readonly checks: readonly DoctorCheck[];
}

export const MIN_OLLAMA_VERSION = '0.30.0';

export async function runDoctor(backend: ModelBackend, config: HearthConfig, signal?: AbortSignal): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => checks.push(c);
  const byModel = modelsInUse(config);
  const features = (usable: (model: string) => boolean | undefined): DoctorFeatureReport[] => FEATURES.map((feature) => {
    const { model, modelSetting } = config.features[feature];
    const ok = usable(model);
    return { feature, model, modelSetting, status: ok === undefined ? 'unknown' : ok ? 'ready' : 'unusable' };
  });

  let version: string | undefined;
  try {
    version = (await backend.version(signal)).version;
    add({ id: 'server', title: 'Server', status: 'ok', detail: `Ollama ${version} answers at ${backend.url}` });
    if (compareVersions(version, MIN_OLLAMA_VERSION) < 0) {
      add({ id: 'server-version', title: 'Server version', status: 'warn', detail: `Ollama ${version} is older than ${MIN_OLLAMA_VERSION}: context lengths and prompt-cache reuse are not reported reliably`, fix: 'Update Ollama (https://ollama.com/download).' });
    }
  } catch (e) {
    const err = asModelError(e);
    add({ id: 'server', title: 'Server', status: 'fail', detail: err.message, fix: err.fix });
    return { serverUrl: backend.url, healthy: false, features: features(() => undefined), models: [...byModel].map(([model, features]) => ({ model, features })), checks };
  }

  let loaded: Awaited<ReturnType<ModelBackend['loaded']>> = [];
  try { loaded = await backend.loaded(signal); } catch { /* optional: older servers */ }

  const models: DoctorModelReport[] = [];
  for (const [model, features] of byModel) {
    const used = `(${features.join(', ')})`;
    let d: ModelDescription;
    try {
      d = await backend.describe(model, signal);
    } catch (e) {
      const err = asModelError(e);
      add({ id: `model:${model}`, title: `Model ${model}`, status: 'fail', detail: `${err.message} ${used}`, fix: err.fix });
      models.push({ model, features });
      continue;
    }
    const numCtx = decideNumCtx(config.contextSize, d.contextLength);
    models.push({ model, features, description: d, numCtx });
    add({ id: `model:${model}`, title: `Model ${model}`, status: 'ok', detail: `installed ${used}; ${d.family}${d.parameterSize ? ` ${d.parameterSize}` : ''}${d.quantization ? ` ${d.quantization}` : ''}; capabilities: ${d.capabilities.join(', ') || 'none reported'}` });
    if (!d.capabilities.includes('completion')) {
      add({ id: `capability:${model}`, title: `Model ${model} generates text`, status: 'fail', detail: `${model} cannot generate text (capabilities: ${d.capabilities.join(', ') || 'none'})`, fix: 'Choose a chat or code model with "Hearth: Select Model".' });
    }
    const route = d.insert ? 'native fill-in-the-middle (suffix)' : d.promptFormat.startsWith('gemma4') ? `raw ${d.promptFormat} prompt with a cursor marker` : 'instruction prompt';
    add({ id: `route:${model}`, title: `Completion route for ${model}`, status: 'ok', detail: route });
    add({ id: `thinking:${model}`, title: `Thinking on ${model}`, status: 'ok', detail: d.thinking ? 'supported: Hearth sends think explicitly on every request (false for completions)' : 'not supported: Hearth never sends think to this model' });
    const ctxDetail = `num_ctx ${numCtx.numCtx} on every request (${numCtx.source === 'auto' ? 'auto' : 'hearth.contextSize'}; trained ${d.contextLength ?? 'unknown'})${numCtx.note ? `: ${numCtx.note}` : ''}`;
    add({ id: `context:${model}`, title: `Context window of ${model}`, status: numCtx.note ? 'warn' : 'ok', detail: ctxDetail, fix: numCtx.note ? 'Set hearth.contextSize to "auto" or a number within the trained length.' : undefined });
    const running = loaded.find((l) => l.name === model || l.name === `${model}:latest`);
    if (running?.contextLength !== undefined && running.contextLength !== numCtx.numCtx) {
      add({ id: `loaded:${model}`, title: `Loaded instance of ${model}`, status: 'warn', detail: `loaded with a ${running.contextLength}-token window by another client; Hearth's next request reloads it with ${numCtx.numCtx}`, fix: 'Give every client the same num_ctx (or set hearth.contextSize to match) to avoid reloads.' });
    }
  }
  const usable = (model: string) => !checks.some((c) => c.status === 'fail' && (c.id === `model:${model}` || c.id === `capability:${model}`));
  return { serverUrl: backend.url, healthy: !checks.some((c) => c.status === 'fail'), version, features: features(usable), models, checks };
}

export function formatDoctor(r: DoctorReport): string {
  const mark: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };
  const lines = [`Hearth doctor — ${r.serverUrl}`];
  for (const c of r.checks) {
    lines.push(`${mark[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`    fix: ${c.fix}`);
  }
  const word = { ready: 'ready', unusable: 'cannot run: see its model above', unknown: 'not checked: the server did not answer' } as const;
  lines.push('Features:');
  for (const f of r.features) lines.push(`  ${FEATURE_TITLES[f.feature]}: ${f.model} (${f.modelSetting}), ${word[f.status]}`);
  lines.push(r.healthy ? 'Healthy.' : 'Not healthy: see the fixes above.');
  return lines.join('\n');
}

function asModelError(e: unknown): ModelError {
  return ModelError.is(e) ? e : new ModelError('badResponse', e instanceof Error ? e.message : String(e), 'Please report this with the log.');
}

/** Compares dotted versions numerically; pre-release suffixes ("0.33.0-rc2") are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[-+]/)[0].split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.replace(/^v/, '').split(/[-+]/)[0].split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
