// Each feature depends on its own model only. The bug this guards: with `hearth.model` naming a
// model the server does not have and `hearth.completion.model` one it has, the monitor watched only
// `hearth.model`, said "model missing", and the completion provider, which asked that monitor, never
// showed ghost text. A server in memory here: which models exist is all that matters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readConfig, type SettingValue } from '../../src/core/config';
import { ConnectionMonitor, type MonitorTimers } from '../../src/core/connection';
import { classifyServerError, unreachableError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import type { ModelBackend } from '../../src/core/model/backend';
import { describeFromShow } from '../../src/core/model/describe';
import { ModelService } from '../../src/core/model/service';

const URL = 'http://127.0.0.1:11434';
/** No polling: each test checks by hand. */
const NO_TIMERS: MonitorTimers = { setTimeout: () => 0, clearTimeout: () => undefined };

/** A server with these models; `describe` of any other fails as Ollama's 404 does. */
function serverWith(models: string[]): { backend: ModelBackend; described: string[]; down(): void } {
  const described: string[] = [];
  let up = true;
  const backend = {
    kind: 'ollama',
    url: URL,
    version: async () => {
      if (!up) throw unreachableError(URL, 'ECONNREFUSED');
      return { version: '0.33.0' };
    },
    describe: async (model: string) => {
      described.push(model);
      if (!up) throw unreachableError(URL, 'ECONNREFUSED');
      if (!models.includes(model)) throw classifyServerError({ status: 404, message: `model '${model}' not found`, url: URL, model });
      return describeFromShow(model, { capabilities: ['completion'], model_info: { 'general.architecture': 'gemma4', 'gemma4.context_length': 131072 } });
    },
  } as unknown as ModelBackend;
  return { backend, described, down: () => { up = false; } };
}

function serviceFor(backend: ModelBackend, settings: Record<string, unknown>): ModelService {
  const { config } = readConfig((key): SettingValue => ({ value: settings[key], isSet: key in settings }));
  return new ModelService(backend, config, new MemoryLogger());
}

describe('per-feature model state', () => {
  it('hearth.model missing, hearth.completion.model installed: completions are ready, and the missing model is never asked about', async () => {
    const server = serverWith(['gemma4:e2b']);
    const service = serviceFor(server.backend, { 'hearth.model': 'gemma4:31b', 'hearth.completion.model': 'gemma4:e2b' });
    const monitor = ConnectionMonitor.forFeatures(service, ['completion'], { timers: NO_TIMERS });
    await monitor.check();
    const state = monitor.stateFor('completion');
    assert.equal(state.kind, 'connected', `completions wait for their own model only; got ${state.kind} for ${state.model}`);
    assert.equal(state.model, 'gemma4:e2b');
    assert.deepEqual(monitor.models, ['gemma4:e2b'], 'the monitor watches the model each feature uses, and no other');
    assert.deepEqual(server.described, ['gemma4:e2b']);
    assert.deepEqual(monitor.featureStates().map((f) => [f.feature, f.state.model, f.modelSetting, f.state.kind]), [['completion', 'gemma4:e2b', 'hearth.completion.model', 'connected']]);
    monitor.dispose();
  });

  it('each feature gets its own model\'s state; a model two features share is watched once', async () => {
    const server = serverWith(['gemma4:e2b', 'gemma4:26b']);
    const service = serviceFor(server.backend, { 'hearth.model': 'gemma4:31b', 'hearth.completion.model': 'gemma4:e2b', 'hearth.tests.model': 'gemma4:e2b' });
    const monitor = ConnectionMonitor.forFeatures(service, ['completion', 'review', 'tests'], { timers: NO_TIMERS });
    await monitor.check();
    assert.deepEqual(monitor.models, ['gemma4:e2b', 'gemma4:31b']);
    assert.equal(monitor.stateFor('completion').kind, 'connected');
    assert.equal(monitor.stateFor('tests').kind, 'connected');
    const review = monitor.stateFor('review');
    assert.equal(review.kind, 'modelMissing');
    assert.equal(review.model, 'gemma4:31b');
    assert.deepEqual(monitor.featureStates().map((f) => `${f.feature} ${f.modelSetting} ${f.state.kind}`), [
      'completion hearth.completion.model connected',
      'review hearth.model modelMissing',
      'tests hearth.tests.model connected',
    ]);
    assert.equal(server.described.filter((m) => m === 'gemma4:e2b').length, 1, 'described once for both features');
    monitor.dispose();
  });

  it('a request that finds one model gone re-checks that model; the other feature stays ready', async () => {
    const models = ['gemma4:e2b', 'gemma4:26b'];
    const server = serverWith(models);
    const service = serviceFor(server.backend, { 'hearth.model': 'gemma4:26b', 'hearth.completion.model': 'gemma4:e2b' });
    const monitor = ConnectionMonitor.forFeatures(service, ['completion', 'review'], { timers: NO_TIMERS });
    await monitor.check();
    assert.equal(monitor.stateFor('review').kind, 'connected');
    const changes: string[] = [];
    monitor.onChange((s) => changes.push(`${s.model} ${s.kind}`));
    models.splice(models.indexOf('gemma4:26b'), 1); // removed behind Hearth's back
    monitor.report(classifyServerError({ status: 404, message: "model 'gemma4:26b' not found", url: URL, model: 'gemma4:26b' }));
    await monitor.check();
    assert.equal(monitor.stateFor('review').kind, 'modelMissing');
    assert.equal(monitor.stateFor('completion').kind, 'connected');
    assert.deepEqual(changes, ['gemma4:26b modelMissing'], 'only the model that changed is announced');
    monitor.dispose();
  });

  it('the server going away is every feature\'s problem', async () => {
    const server = serverWith(['gemma4:e2b', 'gemma4:26b']);
    const service = serviceFor(server.backend, { 'hearth.model': 'gemma4:26b', 'hearth.completion.model': 'gemma4:e2b' });
    const monitor = ConnectionMonitor.forFeatures(service, ['completion', 'review'], { timers: NO_TIMERS });
    await monitor.check();
    server.down();
    await monitor.check();
    assert.deepEqual(monitor.featureStates().map((f) => f.state.kind), ['unreachable', 'unreachable']);
    monitor.dispose();
  });
});
