// `hearth doctor` and `hearth models` against a healthy fake, a fake without the model, and a
// refused connection — through the same runCli the bundled binary runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FakeOllama, GEMMA4_E4B } from '../fake-ollama/index';
import { runCli } from '../../src/cli/main';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('hearth doctor', () => {
  let fake: FakeOllama;
  let url: string;
  before(async () => {
    fake = new FakeOllama();
    url = await fake.start(0);
  });
  after(() => fake.stop());

  it('a healthy server: exit 0, version, model, capabilities, num_ctx, thinking', async () => {
    const r = await cli(['--host', url, 'doctor']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /✓ Server: Ollama 0\.33\.0 answers at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.out, /✓ Model gemma4:e4b: installed \(completion, review, tests\); gemma4 8\.0B Q4_K_M; capabilities: .*thinking/);
    assert.match(r.out, /✓ Context window of gemma4:e4b: num_ctx 32768 on every request \(auto; trained 131072\)/);
    assert.match(r.out, /✓ Thinking on gemma4:e4b: supported: Hearth sends think explicitly/);
    assert.match(r.out, /Completion route for gemma4:e4b: raw gemma4-small prompt/);
    assert.match(r.out, /Healthy\./);
  });

  it('OLLAMA_HOST is honoured when --host is absent', async () => {
    const r = await cli(['doctor'], { OLLAMA_HOST: url.replace('http://', '') });
    assert.equal(r.code, 0, r.out);
  });

  it('a missing model: exit 1 with the pull fix', async () => {
    const r = await cli(['--host', url, '--model', 'gemma4:31b', 'doctor']);
    assert.equal(r.code, 1);
    assert.match(r.out, /✗ Model gemma4:31b: The model gemma4:31b is not installed/);
    assert.match(r.out, /fix: Pull it with "Hearth: Pull Model" \(or `ollama pull gemma4:31b`\)/);
  });

  it('a context size above the trained length: a warning, capped', async () => {
    const r = await cli(['--host', url, '--context', '300000', 'doctor', '--json']);
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
  });
});

describe('hearth models', () => {
  let fake: FakeOllama;
  let url: string;
  before(async () => {
    fake = new FakeOllama();
    url = await fake.start(0);
  });
  after(() => fake.stop());

  it('lists each model with capabilities, trained context and the num_ctx Hearth would send', async () => {
    const r = await cli(['--host', url, 'models', '--json']);
    assert.equal(r.code, 0);
    const { models } = JSON.parse(r.out);
    const e4b = models.find((m: { name: string }) => m.name === 'gemma4:e4b');
    assert.deepEqual(e4b.capabilities.includes('thinking'), true);
    assert.equal(e4b.capabilities.includes('insert'), false);
    assert.equal(e4b.contextLength, 131072);
    assert.equal(e4b.numCtx, 32768);
    const qwen = models.find((m: { name: string }) => m.name === 'qwen2.5-coder:1.5b');
    assert.ok(qwen.capabilities.includes('insert'));
    const table = await cli(['--host', url, 'models']);
    assert.match(table.out, /^MODEL\s+SIZE\s+TRAINED CTX\s+NUM_CTX\s+CAPABILITIES/);
    assert.match(table.out, /gemma4:26b\s+25\.8B\s+262144\s+32768\s+/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['--nope', 'models'])).code, 2);
    assert.equal((await cli(['--help'])).code, 0);
  });

  it('the bundled binary (dist/cli.js, built by npm test) behaves the same', async () => {
    const r = await promisify(execFile)(process.execPath, ['dist/cli.js', '--host', url, 'doctor'], { encoding: 'utf8', timeout: 20_000 });
    assert.match(r.stdout, /Healthy\./);
    await assert.rejects(promisify(execFile)(process.execPath, ['dist/cli.js', '--host', url, '--model', 'nope:1b', 'doctor'], { timeout: 20_000 }), (e: { code?: number }) => e.code === 1);
  });
});
