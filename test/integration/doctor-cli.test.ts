// `hearth doctor` and `hearth models` against a healthy fake, a fake without the model, and a
// refused connection — through the same runCli the bundled binary runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOllama, GEMMA4_E4B } from '../fake-ollama/index';
import { useFakeOllama } from '../support/fake';
import { runCli } from '../../src/cli/main';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('hearth doctor', () => {
  const h = useFakeOllama();

  it('a healthy server: exit 0, version, model, capabilities, num_ctx, thinking', async () => {
    const r = await cli(['--host', h.url, 'doctor']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /✓ Server: Ollama 0\.33\.0 answers at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.out, /✓ Model gemma4:e4b: installed \(completion, review, tests\); gemma4 8\.0B Q4_K_M; capabilities: .*thinking/);
    assert.match(r.out, /✓ Context window of gemma4:e4b: num_ctx 32768 on every request \(auto; trained 131072\)/);
    assert.match(r.out, /✓ Thinking on gemma4:e4b: supported: Hearth sends think explicitly/);
    assert.match(r.out, /Completion route for gemma4:e4b: raw gemma4-small prompt/);
    assert.match(r.out, /Healthy\./);
  });

  it('OLLAMA_HOST is honoured when --host is absent', async () => {
    const r = await cli(['doctor'], { OLLAMA_HOST: h.url.replace('http://', '') });
    assert.equal(r.code, 0, r.out);
  });

  it('a missing model: exit 1 with the pull fix', async () => {
    const r = await cli(['--host', h.url, '--model', 'gemma4:31b', 'doctor']);
    assert.equal(r.code, 1);
    assert.match(r.out, /✗ Model gemma4:31b: The model gemma4:31b is not installed/);
    assert.match(r.out, /fix: Pull it with "Hearth: Pull Model" \(or `ollama pull gemma4:31b`\)/);
  });

  it('each feature\'s model: completions on their own installed model, review and tests on a missing hearth.model', async () => {
    const r = await cli(['--host', h.url, '--model', 'gemma4:31b', '--completion-model', 'gemma4:e2b', 'doctor']);
    assert.equal(r.code, 1, 'a feature whose model is missing is a problem');
    assert.match(r.out, /✓ Model gemma4:e2b: installed \(completion\)/);
    assert.match(r.out, /✗ Model gemma4:31b: The model gemma4:31b is not installed.* \(review, tests\)/);
    assert.match(r.out, /Features:\n {2}Inline completions: gemma4:e2b \(hearth\.completion\.model\), ready\n {2}Review: gemma4:31b \(hearth\.model\), cannot run: see its model above\n {2}Test generation: gemma4:31b \(hearth\.model\), cannot run/);
    const report = JSON.parse((await cli(['--host', h.url, '--model', 'gemma4:31b', '--completion-model', 'gemma4:e2b', '--tests-model', 'gemma4:26b', 'doctor', '--json'])).out);
    assert.deepEqual(report.features, [
      { feature: 'completion', model: 'gemma4:e2b', modelSetting: 'hearth.completion.model', status: 'ready' },
      { feature: 'review', model: 'gemma4:31b', modelSetting: 'hearth.model', status: 'unusable' },
      { feature: 'tests', model: 'gemma4:26b', modelSetting: 'hearth.tests.model', status: 'ready' },
    ]);
  });

  it('every feature on one healthy model: each is listed ready', async () => {
    const r = await cli(['--host', h.url, 'doctor']);
    assert.match(r.out, /Features:\n {2}Inline completions: gemma4:e4b \(hearth\.model\), ready\n {2}Review: gemma4:e4b \(hearth\.model\), ready\n {2}Test generation: gemma4:e4b \(hearth\.model\), ready\nHealthy\./);
  });

  it('a context size above the trained length: a warning, capped', async () => {
    const r = await cli(['--host', h.url, '--context', '300000', 'doctor', '--json']);
    const report = JSON.parse(r.out);
    const ctx = report.checks.find((c: { id: string }) => c.id === 'context:gemma4:e4b');
    assert.equal(ctx.status, 'warn');
    assert.equal(report.models[0].numCtx.numCtx, GEMMA4_E4B.contextLength);
  });

  it('a refused connection: exit 1, unreachable, with the fix', async () => {
    const dead = new FakeOllama();
    const deadUrl = await dead.start(0);
    await dead.stop();
    const r = await cli(['--host', deadUrl, 'doctor', '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    assert.equal(report.healthy, false);
    assert.equal(report.checks[0].id, 'server');
    assert.equal(report.checks[0].status, 'fail');
    assert.match(report.checks[0].detail, /Cannot reach Ollama at .*ECONNREFUSED/);
    assert.match(report.checks[0].fix, /ollama serve/);
    assert.deepEqual(report.features.map((f: { status: string }) => f.status), ['unknown', 'unknown', 'unknown'], 'no feature is called ready or broken unasked');
  });
});

describe('hearth models', () => {
  const h = useFakeOllama();

  it('lists each model with capabilities, trained context and the num_ctx Hearth would send', async () => {
    const r = await cli(['--host', h.url, 'models', '--json']);
    assert.equal(r.code, 0);
    const { models } = JSON.parse(r.out);
    const e4b = models.find((m: { name: string }) => m.name === 'gemma4:e4b');
    assert.deepEqual(e4b.capabilities.includes('thinking'), true);
    assert.equal(e4b.capabilities.includes('insert'), false);
    assert.equal(e4b.contextLength, 131072);
    assert.equal(e4b.numCtx, 32768);
    const qwen = models.find((m: { name: string }) => m.name === 'qwen2.5-coder:1.5b');
    assert.ok(qwen.capabilities.includes('insert'));
    const table = await cli(['--host', h.url, 'models']);
    assert.match(table.out, /^MODEL\s+SIZE\s+TRAINED CTX\s+NUM_CTX\s+CAPABILITIES/);
    assert.match(table.out, /gemma4:26b\s+25\.8B\s+262144\s+32768\s+/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['--nope', 'models'])).code, 2);
    assert.equal((await cli(['--help'])).code, 0);
  });

  it('the bundled binary (dist/cli.js, built by npm test) behaves the same', async () => {
    const r = await promisify(execFile)(process.execPath, ['dist/cli.js', '--host', h.url, 'doctor'], { encoding: 'utf8', timeout: 20_000 });
    assert.match(r.stdout, /Healthy\./);
    await assert.rejects(promisify(execFile)(process.execPath, ['dist/cli.js', '--host', h.url, '--model', 'nope:1b', 'doctor'], { timeout: 20_000 }), (e: { code?: number }) => e.code === 1);
  });
});

describe('hearth complete', () => {
  const h = useFakeOllama();
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
    await writeFile(join(dir, 'add.py'), 'def add(a, b):\n    return \n');
    await writeFile(join(dir, 'blob.bin'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('completes through the editor\'s pipeline and reports route, tokens and timings', async () => {
    h.fake.reply({ response: 'a + b' });
    const r = await cli(['--host', h.url, 'complete', `${join(dir, 'add.py')}:2:12`, '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.completion, 'a + b');
    assert.equal(out.route, 'gemma-raw');
    assert.equal(out.shape, 'single-line');
    assert.equal(out.model, 'gemma4:e4b');
    assert.ok(out.promptTokens > 50, 'our estimate');
    assert.ok(out.serverPromptTokens > 50, 'the server\'s count (the reply ran to its end)');
    assert.ok(out.timings.total >= out.timings.toRequest && out.timings.toRequest >= 0);
    assert.ok(out.timings.timeToFirstToken >= 0);
    const req = h.fake.requests.filter((x) => x.path === '/api/generate').at(-1)!;
    assert.ok(req.body.prompt.endsWith('<|turn>model\n    return '));
  });

  it('--completion-model: completes with that model even when hearth.model is not installed', async () => {
    h.fake.reply({ response: 'a + b' });
    const r = await cli(['--host', h.url, '--model', 'gemma4:31b', '--completion-model', 'gemma4:e2b', 'complete', `${join(dir, 'add.py')}:2:12`, '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.model, 'gemma4:e2b');
    assert.equal(out.completion, 'a + b');
    assert.equal(h.fake.requests.filter((x) => x.path === '/api/generate').at(-1)!.body.model, 'gemma4:e2b');
  });

  it('a reply the filters cut short still reports our figures; the server\'s never arrived', async () => {
    h.fake.reply({ response: 'a + b\nprint("more")\n' });
    const r = await cli(['--host', h.url, 'complete', `${join(dir, 'add.py')}:2:12`, '--json']);
    const out = JSON.parse(r.out);
    assert.equal(out.completion, 'a + b');
    assert.equal(out.stopReason, 'single-line');
    assert.ok(out.promptTokens > 50);
    assert.equal(out.serverPromptTokens, null);
    assert.equal(out.metrics.doneReason, 'stopped-by-client');
    h.fake.reply({ response: 'a + b' });
    const plain = await cli(['--host', h.url, 'complete', `${join(dir, 'add.py')}:2:12`]);
    assert.equal(plain.out, 'a + b');
  });

  it('inside brackets the editor closed: --json says how many characters after the cursor the completion replaces', async () => {
    await writeFile(join(dir, 'call.py'), 'print(add())\n');
    h.fake.reply({ response: '1, 2), "done")' });
    const r = await cli(['--host', h.url, 'complete', `${join(dir, 'call.py')}:1:11`, '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.completion, '1, 2), "done")');
    assert.equal(out.replaces, 2, 'it is shown over the `))` after the cursor');
    h.fake.reply({ response: '1, 2))' });
    const inFront = JSON.parse((await cli(['--host', h.url, 'complete', `${join(dir, 'call.py')}:1:11`, '--json'])).out);
    assert.deepEqual([inFront.completion, inFront.replaces], ['1, 2', 0]);
  });

  it('says why when there is nothing to complete, and fails clearly on bad input', async () => {
    const mid = await cli(['--host', h.url, 'complete', `${join(dir, 'add.py')}:1:5`]);
    assert.equal(mid.code, 0);
    assert.match(mid.err, /no completion: .*word/i);
    const bin = await cli(['--host', h.url, 'complete', `${join(dir, 'blob.bin')}:1:1`]);
    assert.equal(bin.code, 1);
    assert.match(bin.err, /looks binary/);
    const missing = await cli(['--host', h.url, 'complete', `${join(dir, 'nope.py')}:1:1`]);
    assert.equal(missing.code, 1);
    assert.equal((await cli(['--host', h.url, 'complete', 'add.py'])).code, 2);
    const past = await cli(['--host', h.url, 'complete', `${join(dir, 'add.py')}:99:1`]);
    assert.equal(past.code, 2);
    assert.match(past.err, /past the end/);
  });

  it('a server that is down: exit 1 with the fix', async () => {
    const dead = new FakeOllama();
    const deadUrl = await dead.start(0);
    await dead.stop();
    const r = await cli(['--host', deadUrl, 'complete', `${join(dir, 'add.py')}:2:12`]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Cannot reach Ollama.*ollama serve/);
  });
});
