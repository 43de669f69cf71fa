// The model layer against the fake Ollama, asserted over the fake's request log: the invariants
// every feature relies on (one num_ctx and keep_alive per model, explicit think, prompts within the
// window, aborted streams closed at once) and the typed errors for each failure the server can show.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import { ModelError } from '../../src/core/errors';
import { AUTO_NUM_CTX_CAP } from '../../src/core/model/numCtx';
import type { ModelService } from '../../src/core/model/service';
import { serviceFor } from '../support/model';
import { useFakeOllama } from '../support/fake';

const isModelCall = (r: RecordedRequest) => r.path === '/api/generate' || r.path === '/api/chat';

describe('model layer invariants over the request log', () => {
  let fake: FakeOllama;
  let service: ModelService;

  before(async () => {
    fake = new FakeOllama();
    const url = await fake.start(0);
    ({ service } = serviceFor(url, { 'hearth.completion.model': 'gemma4:e2b', 'hearth.tests.model': 'qwen2.5-coder:1.5b' }));

    // A realistic mix: completions (raw, think off), review (chat, thinking), tests on a non-thinking
    // FIM model, repeated so that any drift between requests would show.
    const completion = await service.session('completion');
    const review = await service.session('review');
    const tests = await service.session('tests');
    for (let i = 0; i < 3; i++) {
      await completion.complete({ kind: 'generate', feature: 'completion', raw: true, prompt: `<|turn>user\nline ${i}<turn|>\n<|turn>model\n`, options: { num_predict: 64, temperature: 0.2 }, priority: 'interactive' });
      await review.complete({ kind: 'chat', feature: 'review', think: 'low', messages: [{ role: 'user', content: `Review hunk ${i}` }], options: { num_predict: 256 } });
      await review.complete({ kind: 'generate', feature: 'review', prompt: `Summarize ${i}`, think: false });
      await tests.complete({ kind: 'generate', feature: 'tests', prompt: 'def add(a, b):\n    return ', suffix: '\n', think: true, options: { num_predict: 32 } });
    }
  });
  after(() => fake.stop());

  it('sent a model request of every kind', () => {
    const calls = fake.requests.filter(isModelCall);
    assert.equal(calls.length, 12);
    assert.deepEqual(new Set(calls.map((r) => r.body.model)), new Set(['gemma4:e2b', 'gemma4:e4b', 'qwen2.5-coder:1.5b']));
  });

  it('every generate/chat for a model carries the same options.num_ctx and keep_alive', () => {
    const byModel = new Map<string, RecordedRequest[]>();
    for (const r of fake.requests.filter(isModelCall)) byModel.set(r.body.model, [...(byModel.get(r.body.model) ?? []), r]);
    for (const [model, reqs] of byModel) {
      const ctx = new Set(reqs.map((r) => r.body.options?.num_ctx));
      const keep = new Set(reqs.map((r) => r.body.keep_alive));
      assert.equal(ctx.size, 1, `${model}: num_ctx varied: ${[...ctx]}`);
      assert.ok(typeof [...ctx][0] === 'number', `${model}: num_ctx missing`);
      assert.deepEqual([...keep], ['30m'], `${model}: keep_alive`);
    }
    assert.equal(byModel.get('gemma4:e4b')?.[0].body.options.num_ctx, AUTO_NUM_CTX_CAP);
    assert.equal(byModel.get('qwen2.5-coder:1.5b')?.[0].body.options.num_ctx, 32768);
  });

  it('so each model was loaded once and never reloaded', () => {
    assert.equal(fake.reloads, 3);
    const reloadedAfterFirst = new Map<string, number>();
    for (const r of fake.requests.filter(isModelCall)) if (r.reloaded) reloadedAfterFirst.set(r.body.model, (reloadedAfterFirst.get(r.body.model) ?? 0) + 1);
    for (const [model, n] of reloadedAfterFirst) assert.equal(n, 1, `${model} loaded ${n} times`);
  });

  it('every request to a thinking-capable model carries think; none to a model without thinking', () => {
    for (const r of fake.requests.filter(isModelCall)) {
      if (r.body.model.startsWith('gemma4')) assert.ok('think' in r.body, `#${r.id} to ${r.body.model} has no think`);
      else assert.ok(!('think' in r.body), `#${r.id} to ${r.body.model} sent think`);
    }
    const completions = fake.requests.filter((r) => isModelCall(r) && r.body.model === 'gemma4:e2b');
    assert.equal(completions.length, 3);
    assert.ok(completions.every((r) => r.body.think === false), 'completions default to think:false');
  });

  it('no prompt exceeded the window: server counts within num_ctx − num_predict, nothing truncated', () => {
    for (const r of fake.requests.filter(isModelCall)) {
      assert.equal(r.truncated, false, `#${r.id} truncated`);
      assert.ok(r.promptTokens !== undefined && r.promptTokens + r.body.options.num_predict <= r.body.options.num_ctx, `#${r.id}: ${r.promptTokens} + ${r.body.options.num_predict} > ${r.body.options.num_ctx}`);
      assert.equal(r.body.truncate, false, 'overflow must be an error, never a silent cut');
    }
  });

  it('refuses, before sending, a prompt that does not fit num_ctx − num_predict', async () => {
    const s = await service.session('review');
    const before = fake.requests.length;
    const huge = 'x = 1\n'.repeat(40000);
    await assert.rejects(s.complete({ kind: 'generate', feature: 'review', prompt: huge }), (e: unknown) => ModelError.is(e, 'contextOverflow') && /do not fit/.test(e.message));
    assert.equal(fake.requests.length, before, 'nothing was sent');
  });
});

describe('cancellation closes the connection', () => {
  let fake: FakeOllama;
  let service: ModelService;
  before(async () => {
    fake = new FakeOllama({ latency: { decodeTokensPerSec: 40 } });
    ({ service } = serviceFor(await fake.start(0)));
  });
  after(() => fake.stop());
  beforeEach(() => fake.clearLog());

  const longReply = () => fake.reply({ response: 'token '.repeat(400) });

  it('an aborted stream is closed within 50 ms', async () => {
    const s = await service.sessionFor('gemma4:e4b');
    longReply();
    const controller = new AbortController();
    const stream = s.stream({ kind: 'generate', feature: 'completion', raw: true, prompt: 'abc', signal: controller.signal });
    let abortedAt = 0;
    await assert.rejects((async () => {
      for await (const ev of stream) {
        if (ev.type === 'text' && abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })(), (e: unknown) => ModelError.is(e, 'aborted'));
    const rec = await fake.waitForRequest((r) => r.path === '/api/generate');
    await fake.waitForClose(rec, 2000);
    assert.ok(rec.clientClosedAt !== undefined, 'the server saw the client close');
    assert.ok(rec.endedAt === undefined, 'the reply did not run to its end');
    const ms = rec.clientClosedAt - abortedAt;
    assert.ok(ms < 50, `closed ${ms.toFixed(1)} ms after the abort`);
  });

  it('a superseding request closes the older stream within 50 ms', async () => {
    const s = await service.sessionFor('gemma4:e4b');
    longReply();
    const first = s.stream({ kind: 'generate', feature: 'completion', raw: true, prompt: 'one', supersedeKey: 'doc-1', priority: 'interactive' });
    const it1 = first[Symbol.asyncIterator]();
    await it1.next();
    const rec1 = await fake.waitForRequest((r) => r.path === '/api/generate' && r.body.prompt === 'one');
    fake.reply({ response: 'second' });
    const t0 = performance.now();
    const second = s.complete({ kind: 'generate', feature: 'completion', raw: true, prompt: 'two', supersedeKey: 'doc-1', priority: 'interactive' });
    await fake.waitForClose(rec1, 2000);
    assert.ok(rec1.clientClosedAt !== undefined && rec1.clientClosedAt - t0 < 50, `closed after ${(rec1.clientClosedAt ?? NaN) - t0} ms`);
    await assert.rejects(it1.next(), (e: unknown) => ModelError.is(e, 'aborted'));
    assert.equal((await second).text, 'second');
  });

  it('leaving the loop early closes the stream too', async () => {
    const s = await service.sessionFor('gemma4:e4b');
    longReply();
    for await (const ev of s.stream({ kind: 'generate', feature: 'completion', raw: true, prompt: 'brk' })) {
      if (ev.type === 'text') break;
    }
    const t0 = performance.now();
    const rec = await fake.waitForRequest((r) => r.path === '/api/generate');
    await fake.waitForClose(rec, 2000);
    assert.ok(rec.clientClosedAt !== undefined && rec.clientClosedAt - t0 < 50);
    assert.equal(service.scheduler.inFlight, 0, 'the slot was released');
  });

  it('our own deadline replaces the 300 s header timeout: a silent server times out and is closed', async () => {
    const s = await service.sessionFor('gemma4:e4b');
    fake.reply({ hang: true });
    const t0 = performance.now();
    await assert.rejects(s.complete({ kind: 'generate', feature: 'review', prompt: 'hang', timeoutMs: 300 }), (e: unknown) => ModelError.is(e, 'timeout') && /within 0 s|within/.test(e.message));
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 290 && elapsed < 2000, `timed out after ${elapsed} ms`);
    const rec = await fake.waitForRequest((r) => r.path === '/api/generate');
    await fake.waitForClose(rec, 2000);
    assert.ok(rec.clientClosedAt !== undefined);
  });
});

describe('typed errors from the fake server', () => {
  const h = useFakeOllama();
  let fake: FakeOllama;
  let service: ModelService;
  before(() => ({ fake, service } = h));

  const gen = async (prompt = 'hi') => (await service.sessionFor('gemma4:e4b')).complete({ kind: 'generate', feature: 'review', prompt });

  it('unknown model → modelNotFound with the pull fix', async () => {
    await assert.rejects(service.sessionFor('gemma4:31b'), (e: unknown) => ModelError.is(e, 'modelNotFound') && /Pull Model/.test(e.fix));
  });
  it('queue full (503) → busy', async () => {
    fake.failNext('/api/generate', { status: 503, message: 'server busy, please try again.  maximum pending requests exceeded' });
    await assert.rejects(gen(), (e: unknown) => ModelError.is(e, 'busy'));
  });
  it('runner crash (500) → crashed', async () => {
    fake.failNext('/api/generate', { status: 500, message: 'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details' });
    await assert.rejects(gen(), (e: unknown) => ModelError.is(e, 'crashed'));
  });
  it('an {"error"} line mid-stream → crashed, after the text that came before it', async () => {
    fake.reply({ chunks: ['a', 'b', 'c'], midStreamError: { afterChunks: 2, message: 'model runner has unexpectedly stopped' } });
    const s = await service.sessionFor('gemma4:e4b');
    let got = '';
    await assert.rejects((async () => { for await (const e of s.stream({ kind: 'generate', feature: 'review', prompt: 'x' })) if (e.type === 'text') got += e.text; })(), (e: unknown) => ModelError.is(e, 'crashed'));
    assert.equal(got, 'ab');
  });
  it('an overflow the estimate missed is a contextOverflow error, not a silent cut', async () => {
    // Punctuation is one token per character: 3× more tokens than the estimator's prior assumes.
    const s = await service.sessionFor('gemma4:e4b');
    const dense = '!'.repeat(Math.floor(s.budget.maxPromptTokens(1024) * 2.4));
    await assert.rejects(s.complete({ kind: 'generate', feature: 'review', prompt: dense }), (e: unknown) => ModelError.is(e, 'contextOverflow'));
  });
  it('a refused connection → unreachable with the URL', async () => {
    const dead = new FakeOllama();
    const url = await dead.start(0);
    await dead.stop();
    const { service: s } = serviceFor(url);
    await assert.rejects(s.backend.version(), (e: unknown) => ModelError.is(e, 'unreachable') && e.message.includes(url));
  });
});

describe('server-side truncation is detected from the counters and reported', () => {
  it('a server that runs a smaller window than asked and cuts silently is caught, logged and reported', async () => {
    // An old server (ignores truncate:false) short of memory (loads 4096 when asked for 16384).
    const fake = new FakeOllama({ ignoreTruncateFlag: true, memoryNumCtx: 4096 });
    try {
      const { service, logger } = serviceFor(await fake.start(0), { 'hearth.contextSize': 16384 });
      const reported: boolean[] = [];
      service.onActivity({ onRequestEnd: (_id, o) => reported.push(o.metrics?.truncated ?? false) });
      const s = await service.sessionFor('gemma4:e4b');
      const code = 'export function add(left: number, right: number): number {\n  return left + right;\n}\n';
      await s.complete({ kind: 'generate', feature: 'review', raw: true, prompt: code.repeat(40), options: { num_predict: 64 } });
      const big = code.repeat(500);
      const r = await s.complete({ kind: 'generate', feature: 'review', raw: true, prompt: big, options: { num_predict: 256 } });
      const rec = fake.requests.filter((x) => x.path === '/api/generate').at(-1)!;
      assert.equal(rec.truncated, true, 'the fake did truncate');
      assert.equal(r.metrics.truncated, true, `client ${r.metrics.clientPromptTokens} vs server ${r.metrics.serverPromptTokens}`);
      assert.deepEqual(reported, [false, true]);
      assert.ok(logger.lines.some((l) => l.startsWith('warn') && /truncated the prompt/.test(l)), 'warned in the log');
    } finally {
      await fake.stop();
    }
  });

  it('a current server refuses the same overflow with an error instead (truncate:false)', async () => {
    const fake = new FakeOllama({ memoryNumCtx: 4096 });
    try {
      const { service } = serviceFor(await fake.start(0), { 'hearth.contextSize': 16384 });
      const s = await service.sessionFor('gemma4:e4b');
      const big = 'export function add(left: number, right: number): number {\n  return left + right;\n}\n'.repeat(500);
      await assert.rejects(s.complete({ kind: 'generate', feature: 'review', raw: true, prompt: big, options: { num_predict: 256 } }), (e: unknown) => ModelError.is(e, 'contextOverflow'));
    } finally {
      await fake.stop();
    }
  });
});
