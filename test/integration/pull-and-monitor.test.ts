// Pulling a missing model and watching the connection: what the status bar and the "Pull Model"
// notification are built on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOllama } from '../fake-ollama/index';
import { ConnectionMonitor, type ConnectionState } from '../../src/core/connection';
import { ModelError } from '../../src/core/errors';
import { serviceFor } from '../support/model';
import { useFakeOllama } from '../support/fake';

describe('pull', () => {
  const h = useFakeOllama();

  it('streams progress to success, and the model is then usable', async () => {
    const { service } = serviceFor(h.url, { 'hearth.model': 'gemma4:31b' });
    await assert.rejects(service.session('review'), (e: unknown) => ModelError.is(e, 'modelNotFound'));
    const seen: Array<{ status: string; completed?: number; total?: number }> = [];
    for await (const p of service.backend.pull('gemma4:31b', new AbortController().signal)) seen.push(p);
    assert.equal(seen[0].status, 'pulling manifest');
    assert.equal(seen.at(-1)?.status, 'success');
    const withBytes = seen.filter((p) => p.total && p.completed !== undefined);
    assert.ok(withBytes.length >= 5, 'byte progress for the progress bar');
    assert.ok(withBytes.some((p) => p.completed === p.total));
    const session = await service.session('review');
    assert.equal(session.model, 'gemma4:31b');
    assert.equal(session.description.promptFormat, 'gemma4-large');
  });

  it('an unknown name fails as modelNotFound with the registry message', async () => {
    const { service } = serviceFor(h.url);
    await assert.rejects((async () => { for await (const _ of service.backend.pull('no-such-model:7b', new AbortController().signal)) { /* drain */ } })(),
      (e: unknown) => ModelError.is(e, 'modelNotFound') && /registry has no model/.test(e.message));
  });

  it('cancelling a pull closes the connection', async () => {
    h.fake.removeModel('gemma4:26b');
    const { service } = serviceFor(h.url);
    const controller = new AbortController();
    await assert.rejects((async () => {
      for await (const p of service.backend.pull('gemma4:26b', controller.signal)) if (p.completed) controller.abort();
    })(), (e: unknown) => ModelError.is(e, 'aborted'));
    const rec = h.fake.requests.filter((r) => r.path === '/api/pull').at(-1)!;
    await h.fake.waitForClose(rec, 2000);
    assert.ok(rec.clientClosedAt !== undefined);
    const tags = await service.backend.list();
    assert.ok(!tags.some((m) => m.name === 'gemma4:26b'), 'a cancelled pull installs nothing');
  });
});

describe('ConnectionMonitor', () => {
  it('connected → unreachable when the server stops → connected when it is back', async () => {
    const fake = new FakeOllama();
    const url = await fake.start(0);
    const port = Number(new URL(url).port);
    const { service } = serviceFor(url);
    const monitor = new ConnectionMonitor(service, 'gemma4:e4b', { healthyIntervalMs: 60_000 });
    const states: ConnectionState['kind'][] = [];
    monitor.onChange((s) => states.push(s.kind));
    try {
      const s1 = await monitor.check();
      assert.equal(s1.kind, 'connected');
      if (s1.kind === 'connected') {
        assert.equal(s1.numCtx, 32768);
        assert.equal(s1.version, '0.33.0');
      }
      await fake.stop();
      const s2 = await monitor.check();
      assert.equal(s2.kind, 'unreachable');
      if (s2.kind === 'unreachable') assert.match(s2.error.userMessage, new RegExp(`Cannot reach Ollama at ${url.replace(/[.]/g, '\\.')}.*ollama serve`));
      const again = new FakeOllama();
      await again.start(port);
      try {
        assert.equal((await monitor.check()).kind, 'connected');
      } finally {
        await again.stop();
      }
      assert.deepEqual(states, ['connected', 'unreachable', 'connected']);
    } finally {
      monitor.dispose();
      await fake.stop().catch(() => undefined);
    }
  });

  it('reports a missing model as modelMissing, not as an outage', async () => {
    const fake = new FakeOllama();
    const { service } = serviceFor(await fake.start(0), { 'hearth.model': 'gemma4:31b' });
    const monitor = new ConnectionMonitor(service, 'gemma4:31b', { healthyIntervalMs: 60_000 });
    try {
      const s = await monitor.check();
      assert.equal(s.kind, 'modelMissing');
    } finally {
      monitor.dispose();
      await fake.stop();
    }
  });

  it('per feature: a missing hearth.model does not hold back completions on their own installed model', async () => {
    const fake = new FakeOllama();
    const { service } = serviceFor(await fake.start(0), { 'hearth.model': 'gemma4:31b', 'hearth.completion.model': 'gemma4:e2b' });
    const monitor = ConnectionMonitor.forFeatures(service, ['completion', 'review'], { healthyIntervalMs: 60_000 });
    try {
      await monitor.check();
      assert.equal(monitor.stateFor('completion').kind, 'connected');
      assert.equal(monitor.stateFor('review').kind, 'modelMissing');
      // Pulled elsewhere (`ollama pull`): the next check finds it.
      for await (const _ of service.backend.pull('gemma4:31b', new AbortController().signal)) { /* drain */ }
      await monitor.check();
      assert.deepEqual(monitor.featureStates().map((f) => f.state.kind), ['connected', 'connected']);
    } finally {
      monitor.dispose();
      await fake.stop();
    }
  });

  it('backs off while unreachable (2 s, 4 s, 8 s … up to 30 s)', async () => {
    const dead = new FakeOllama();
    const url = await dead.start(0);
    await dead.stop();
    const delays: number[] = [];
    const timers = { setTimeout: (_fn: () => void, ms: number) => { delays.push(ms); return 0; }, clearTimeout: () => undefined };
    const { service } = serviceFor(url);
    const monitor = new ConnectionMonitor(service, 'gemma4:e4b', { timers });
    for (let i = 0; i < 6; i++) await monitor.check();
    monitor.dispose();
    assert.deepEqual(delays, [2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
