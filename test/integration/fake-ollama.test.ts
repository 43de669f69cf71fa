// The fake Ollama server speaks the real wire protocol: checked with the official client and raw fetch.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { type TestContext, describe, it } from 'node:test';
import { Ollama } from 'ollama';
import {
  DEFAULT_REPLY_TEXT, FakeOllama, type FakeOllamaOptions, GEMMA4_E2B, GEMMA4_E4B, LLAMA32_1B, PROMPT_TOO_LONG, QWEN25_CODER_1_5B,
  RUNNER_STOPPED, SERVER_BUSY, countTokens, renderInsert, renderTurns, tokenize,
} from '../fake-ollama/index';

interface Started {
  fake: FakeOllama;
  client: Ollama;
  url: string;
  post(path: string, body: unknown, init?: RequestInit): Promise<Response>;
}

async function startFake(t: TestContext, opts: FakeOllamaOptions = {}): Promise<Started> {
  const fake = new FakeOllama(opts);
  const url = await fake.start();
  t.after(() => fake.stop());
  const post = (path: string, body: unknown, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
  return { fake, client: new Ollama({ host: url }), url, post };
}

/** Reads an NDJSON body into objects. */
async function ndjson(res: Response): Promise<Array<Record<string, unknown>>> {
  const text = await res.text();
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function expectError(res: Response, status: number, error: string): Promise<void> {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(await res.json(), { error });
}

async function rejectsWithResponseError(p: Promise<unknown>, status: number, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name: string; status_code: number; error: string };
    assert.equal(err.name, 'ResponseError');
    assert.equal(err.status_code, status);
    if (typeof message === 'string') assert.equal(err.error, message);
    else assert.match(err.error, message);
    return true;
  });
}

/** A raw prompt of numbered lines, ~5 tokens each. */
function linesPrompt(count: number, mark = ''): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `line ${i}${i === 0 ? mark : ''} value\n`;
  return out;
}

describe('metadata endpoints', () => {
  it('answers version, tags, show and ps in Ollama shapes', async (t) => {
    const { client, post, url, fake } = await startFake(t);
    assert.deepEqual(await client.version(), { version: '0.33.0' });

    const tags = await client.list();
    assert.deepEqual(tags.models.map((m) => m.name), ['gemma4:e4b', 'gemma4:e2b', 'gemma4:26b', 'qwen2.5-coder:1.5b']);
    const e4b = tags.models[0] as unknown as Record<string, unknown>;
    assert.equal(e4b.model, 'gemma4:e4b');
    assert.match(e4b.digest as string, /^[0-9a-f]{64}$/);
    assert.equal(typeof e4b.size, 'number');
    assert.equal(typeof e4b.modified_at, 'string');
    assert.equal(e4b.context_length, 131072);
    assert.deepEqual(e4b.details, {
      parent_model: '', format: 'gguf', family: 'gemma4', families: ['gemma4'], parameter_size: '8.0B', quantization_level: 'Q4_K_M',
    });

    const show = await client.show({ model: 'gemma4:e4b' });
    const info = show.model_info as unknown as Record<string, unknown>;
    assert.equal(info['general.architecture'], 'gemma4');
    assert.equal(info[`${info['general.architecture'] as string}.context_length`], 131072);
    assert.equal(info['general.parameter_count'], 8e9);
    assert.deepEqual(show.capabilities, ['completion', 'tools', 'thinking', 'vision', 'audio']);
    assert.ok(!show.capabilities.includes('insert'));
    assert.ok((await client.show({ model: 'qwen2.5-coder:1.5b' })).capabilities.includes('insert'));
    for (const key of ['license', 'modelfile', 'parameters', 'template', 'details', 'modified_at']) assert.ok(key in show, key);
    // 'gemma4' means gemma4:latest, an alias of gemma4:e4b here.
    assert.equal(((await client.show({ model: 'gemma4' })).details as { parameter_size: string }).parameter_size, '8.0B');
    await expectError(await post('/api/show', { model: 'nope:1b' }), 404, "model 'nope:1b' not found");

    assert.deepEqual(await client.ps(), { models: [] });
    await client.generate({ model: 'gemma4:e4b', prompt: 'hi', think: false, options: { num_ctx: 8192 } });
    const ps = (await client.ps()).models as unknown as Array<Record<string, unknown>>;
    assert.equal(ps.length, 1);
    assert.equal(ps[0].name, 'gemma4:e4b');
    assert.equal(ps[0].context_length, 8192);
    assert.ok(Date.parse(ps[0].expires_at as string) > Date.now() + 4 * 60_000);
    for (const key of ['model', 'size', 'digest', 'details', 'size_vram']) assert.ok(key in ps[0], key);

    const root = await fetch(url);
    assert.equal(await root.text(), 'Ollama is running');
    assert.deepEqual(fake.requests.map((r) => r.path), ['/api/version', '/api/tags', '/api/show', '/api/show', '/api/show', '/api/show', '/api/ps', '/api/generate', '/api/ps', '/']);
    assert.deepEqual(fake.requests[2].body, { model: 'gemma4:e4b' });
  });

  it('answers unknown paths with 404 text and bad JSON with a Go-style 400', async (t) => {
    const { url, post } = await startFake(t);
    const missing = await fetch(`${url}/api/nothing`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '404 page not found');
    const wrongMethod = await fetch(`${url}/api/generate`);
    assert.equal(wrongMethod.status, 404);
    await expectError(await post('/api/generate', '{"model": x}'), 400, "invalid character 'x' looking for beginning of value");
    await expectError(await post('/api/generate', ''), 400, 'missing request body');
    await expectError(await post('/api/generate', { prompt: 'hi' }), 400, 'model is required');
  });
});

describe('generate', () => {
  it('streams NDJSON chunks with headers on the first chunk and final stats in nanoseconds', async (t) => {
    const { client, post, fake } = await startFake(t);
    fake.reply({ response: 'function add(a, b) {\n  return a + b;\n}' });
    const parts = [];
    for await (const part of await client.generate({ model: 'gemma4:e4b', prompt: 'write add', stream: true, think: false })) parts.push(part);
    const last = parts.at(-1)!;
    assert.ok(parts.length > 5);
    assert.equal(parts.slice(0, -1).map((p) => p.response).join(''), 'function add(a, b) {\n  return a + b;\n}');
    assert.ok(parts.slice(0, -1).every((p) => p.done === false && p.model === 'gemma4:e4b' && typeof p.created_at === 'string'));
    assert.equal(last.done, true);
    assert.equal(last.done_reason, 'stop');
    assert.equal(last.response, '');
    assert.equal(last.eval_count, parts.length - 1);
    const expectedPrompt = countTokens(renderTurns(GEMMA4_E4B, [{ role: 'user', content: 'write add' }], false));
    assert.equal(last.prompt_eval_count, expectedPrompt);
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const) {
      assert.ok(Number.isInteger(last[k]) && last[k] > 0, k);
    }
    assert.ok(last.total_duration >= last.load_duration + last.prompt_eval_duration + last.eval_duration);
    assert.ok(Array.isArray(last.context) && last.context.length >= expectedPrompt && last.context.every(Number.isInteger));
    const rec = fake.requests.at(-1)!;
    assert.equal(rec.promptTokens, expectedPrompt);
    assert.equal(rec.evalCount, last.eval_count);
    assert.equal(rec.status, 200);
    assert.ok(rec.endedAt! >= rec.firstByteAt! && rec.firstByteAt! >= rec.receivedAt);

    const raw = await post('/api/generate', { model: 'gemma4:e4b', prompt: '<|turn>user\nhi<turn|>\n<|turn>model\n', raw: true, think: false });
    assert.equal(raw.headers.get('content-type'), 'application/x-ndjson');
    const lines = await ndjson(raw);
    assert.equal(lines.at(-1)!.done, true);
    assert.ok(!('context' in lines.at(-1)!), 'raw replies carry no context');
    assert.equal(lines.at(-1)!.prompt_eval_count, countTokens('<|turn>user\nhi<turn|>\n<|turn>model\n'));
    assert.deepEqual(tokenize('<|turn>user\nhi<turn|>\n<|turn>model\n'), ['<|turn>', 'user', '\n', 'hi', '<turn|>', '\n', '<|turn>', 'model', '\n']);
  });

  it('answers stream:false with one JSON object', async (t) => {
    const { client, post } = await startFake(t);
    const res = await client.generate({ model: 'gemma4:e4b', prompt: 'hi', think: false });
    assert.equal(res.response, DEFAULT_REPLY_TEXT);
    assert.equal(res.done, true);
    assert.equal(res.eval_count, countTokens(DEFAULT_REPLY_TEXT));
    const r = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'hi', think: false, stream: false });
    assert.match(r.headers.get('content-type')!, /^application\/json/);
    assert.ok(r.headers.get('content-length'));
    assert.equal(((await r.json()) as { response: string }).response, DEFAULT_REPLY_TEXT);
  });

  it('honours num_predict, stop strings and the end-of-turn token', async (t) => {
    const { client, fake } = await startFake(t);
    fake.reply({ response: 'alpha beta gamma delta epsilon' });
    const limited = await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, options: { num_predict: 3 } });
    assert.equal(limited.response, tokenize('alpha beta gamma delta epsilon').slice(0, 3).join(''));
    assert.equal(limited.done_reason, 'length');
    assert.equal(limited.eval_count, 3);

    fake.reply({ response: 'const x = 1;\n\nconst y = 2;' });
    const stopped = await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, options: { stop: ['\n\n'] } });
    assert.equal(stopped.response, 'const x = 1;');
    assert.equal(stopped.done_reason, 'stop');

    fake.reply({ response: 'return a + b;<turn|>ignored text' });
    const parts = [];
    const prompt = '<|turn>user\ncomplete<turn|>\n<|turn>model\n';
    for await (const p of await client.generate({ model: 'gemma4:e4b', prompt, raw: true, stream: true })) parts.push(p);
    assert.equal(parts.map((p) => p.response).join(''), 'return a + b;');
    assert.equal(parts.at(-1)!.done_reason, 'stop');

    fake.reply({ response: 'cut off', doneReason: 'length' });
    assert.equal((await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false })).done_reason, 'length');
  });

  it('sends explicit chunks one line each and uses a custom default reply', async (t) => {
    const { post, fake } = await startFake(t);
    fake.reply({ chunks: ['foo', 'bar baz', '\n'] });
    const lines = await ndjson(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', think: false }));
    assert.deepEqual(lines.slice(0, -1).map((l) => l.response), ['foo', 'bar baz', '\n']);
    fake.setDefaultReply((r) => ({ response: `echo ${(r.body as { prompt: string }).prompt}` }));
    fake.reply(() => undefined);
    const one = (await (await post('/api/generate', { model: 'gemma4:e4b', prompt: 'p1', think: false, stream: false })).json()) as { response: string };
    assert.equal(one.response, 'echo p1');
  });

  it('uses native suffix on qwen coder and refuses it on gemma4', async (t) => {
    const { client, post, fake } = await startFake(t);
    const res = await client.generate({ model: 'qwen2.5-coder:1.5b', prompt: 'def f(x):\n    ', suffix: '\n    return y\n' });
    assert.equal(res.done, true);
    assert.equal(res.prompt_eval_count, countTokens(renderInsert('def f(x):\n    ', '\n    return y\n')));
    await expectError(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'a', suffix: 'b' }), 400,
      'registry.ollama.ai/library/gemma4:e4b does not support insert');
    await rejectsWithResponseError(client.generate({ model: 'gemma4:e2b', prompt: 'a', suffix: 'b' }), 400,
      'registry.ollama.ai/library/gemma4:e2b does not support insert');
    assert.equal(fake.requests.at(-1)!.status, 400);
  });
});

describe('errors', () => {
  it('returns the reference status and body for each request error', async (t) => {
    const { post, client } = await startFake(t, { models: [GEMMA4_E4B, LLAMA32_1B] });
    await expectError(await post('/api/generate', { model: 'nope:1b', prompt: 'x' }), 404, "model 'nope:1b' not found");
    await rejectsWithResponseError(client.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }), 404, "model 'nope' not found");
    await expectError(await post('/api/generate', { model: 'llama3.2:1b', prompt: 'x', think: true }), 400, '"llama3.2:1b" does not support thinking');
    await expectError(await post('/api/chat', { model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }], think: 'high' }), 400,
      '"llama3.2:1b" does not support thinking');
    const noThink = await post('/api/generate', { model: 'llama3.2:1b', prompt: 'x', think: false, stream: false });
    assert.equal(noThink.status, 200);
    await expectError(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', think: 'extreme' }), 400,
      'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)');
    assert.equal((await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', think: 'max', stream: false })).status, 200);
    await expectError(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', raw: true, system: 'be nice' }), 400,
      'raw mode does not support template, system, or context');
    await rejectsWithResponseError(client.generate({ model: 'gemma4:e4b', prompt: 'x', raw: true, context: [1, 2] }), 400,
      'raw mode does not support template, system, or context');
    await expectError(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', keep_alive: '300' }), 400, 'time: missing unit in duration "300"');
  });

  it('rejects an overflowing prompt when truncation is off', async (t) => {
    const { post, fake } = await startFake(t);
    const prompt = linesPrompt(400);
    for (const extra of [{ truncate: false }, { options: { num_ctx: 1024, shift: false } }]) {
      const res = await post('/api/generate', { model: 'gemma4:e4b', prompt, raw: true, options: { num_ctx: 1024 }, ...extra });
      assert.equal(res.status, 400);
      assert.ok(((await res.json()) as { error: string }).error.startsWith(PROMPT_TOO_LONG));
    }
    assert.equal(fake.requests.at(-1)!.truncated, undefined);
  });

  it('injects failures with failNext and streams mid-stream errors as a 200 with an error line', async (t) => {
    const { post, client, fake } = await startFake(t);
    fake.failNext('/api/generate', { status: 500, message: RUNNER_STOPPED });
    await rejectsWithResponseError(client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false }), 500, RUNNER_STOPPED);
    assert.equal((await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false })).done, true);
    fake.failNext('/api/tags', { status: 503, message: 'down' });
    await rejectsWithResponseError(client.list(), 503, 'down');

    fake.reply({ error: { status: 500, message: RUNNER_STOPPED } });
    await expectError(await post('/api/chat', { model: 'gemma4:e4b', messages: [{ role: 'user', content: 'x' }] }), 500, RUNNER_STOPPED);

    fake.reply({ response: 'one two three four', midStreamError: { afterChunks: 2, message: 'boom' } });
    const res = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', think: false });
    assert.equal(res.status, 200);
    assert.deepEqual(await ndjson(res).then((l) => l.map((x) => x.response ?? x.error)), ['one', ' two', 'boom']);

    fake.reply({ response: 'one two three four', midStreamError: { afterChunks: 2, message: 'boom' } });
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const p of await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, stream: true })) seen.push(p.response!);
    }, (e: unknown) => (e as Error).name === 'Error' && (e as Error).message === 'boom');
    assert.deepEqual(seen, ['one', ' two']);
  });
});

describe('thinking', () => {
  it('drops thinking on /api/generate when think is omitted, shows it when asked, skips it with false', async (t) => {
    const { client, fake } = await startFake(t);
    const script = { response: 'Answer.', thinking: 'Let me consider the question carefully first.' };
    const thoughtTokens = countTokens(script.thinking);
    const answerTokens = countTokens(script.response);

    fake.reply(script);
    const omitted = [];
    for await (const p of await client.generate({ model: 'gemma4:e4b', prompt: 'q', stream: true })) omitted.push(p);
    assert.ok(omitted.every((p) => p.thinking === undefined));
    assert.equal(omitted.map((p) => p.response).join(''), 'Answer.');
    assert.equal(omitted.at(-1)!.eval_count, thoughtTokens + answerTokens, 'dropped thinking still costs tokens');

    fake.reply(script);
    const off = await client.generate({ model: 'gemma4:e4b', prompt: 'q', think: false });
    assert.equal(off.thinking, undefined);
    assert.equal(off.eval_count, answerTokens);
    // Toggling think changes the first prompt tokens: at most the leading <|turn> is reused.
    assert.ok(fake.requests.at(-1)!.cachedTokens! <= 1);

    fake.reply(script);
    const on = [];
    for await (const p of await client.generate({ model: 'gemma4:e4b', prompt: 'q', think: true, stream: true })) on.push(p);
    const firstAnswer = on.findIndex((p) => p.response !== '');
    assert.equal(on.slice(0, firstAnswer).map((p) => p.thinking).join(''), script.thinking);
    assert.ok(on.slice(firstAnswer).every((p) => p.thinking === undefined));
    assert.equal(on.at(-1)!.eval_count, thoughtTokens + answerTokens);

    const defaultThinking = await client.generate({ model: 'gemma4:e4b', prompt: 'q', think: 'low' });
    assert.ok(defaultThinking.thinking && defaultThinking.thinking.length > 20);
  });

  it('shows thinking in message.thinking on /api/chat when think is omitted or on', async (t) => {
    const { client, fake } = await startFake(t);
    fake.reply({ response: 'Hi!', thinking: 'Greet back.' });
    const chat = await client.chat({ model: 'gemma4:e4b', messages: [{ role: 'user', content: 'hello' }] });
    assert.deepEqual(chat.message, { role: 'assistant', content: 'Hi!', thinking: 'Greet back.' });

    fake.reply({ response: 'Hi!', thinking: 'Greet back.' });
    const parts = [];
    for await (const p of await client.chat({ model: 'gemma4:e4b', messages: [{ role: 'user', content: 'hello' }], think: true, stream: true })) parts.push(p);
    assert.equal(parts.map((p) => p.message.thinking ?? '').join(''), 'Greet back.');
    assert.equal(parts.map((p) => p.message.content).join(''), 'Hi!');
    assert.ok(parts.every((p) => p.message.role === 'assistant'));

    fake.reply({ response: 'Hi!', thinking: 'Greet back.' });
    const off = await client.chat({ model: 'gemma4:e4b', messages: [{ role: 'user', content: 'hello' }], think: false });
    assert.deepEqual(off.message, { role: 'assistant', content: 'Hi!' });
  });
});

describe('model loading and context', () => {
  it('counts reloads on num_ctx changes, loads on empty prompts and unloads with keep_alive 0', async (t) => {
    const { client, fake } = await startFake(t, { latency: { loadMs: 30 } });
    const gen = (numCtx?: number) =>
      client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, options: numCtx ? { num_ctx: numCtx } : {} });
    const first = await gen(2048);
    assert.equal(fake.reloads, 1);
    assert.ok(first.load_duration >= 30e6);
    assert.equal(fake.requests.at(-1)!.reloaded, true);
    const again = await gen(2048);
    assert.equal(fake.reloads, 1);
    assert.equal(fake.requests.at(-1)!.reloaded, false);
    assert.ok(again.load_duration < 30e6);
    await gen(4096);
    assert.equal(fake.reloads, 2);
    await gen(undefined); // default num_ctx is 4096: no reload
    assert.equal(fake.reloads, 2);
    assert.equal(fake.requests.at(-1)!.numCtx, 4096);
    await gen(10_000_000); // capped at the trained length
    assert.equal(fake.requests.at(-1)!.numCtx, 131072);
    assert.equal(fake.reloads, 3);

    const load = await client.generate({ model: 'gemma4:e2b', prompt: '' });
    assert.equal(load.done_reason, 'load');
    assert.equal(load.response, '');
    assert.equal(fake.reloads, 4);
    assert.deepEqual(fake.loadedModels().sort(), ['gemma4:e2b', 'gemma4:e4b']);
    const unload = await client.generate({ model: 'gemma4:e2b', prompt: '', keep_alive: 0 });
    assert.equal(unload.done_reason, 'unload');
    assert.deepEqual(fake.loadedModels(), ['gemma4:e4b']);
    const chatLoad = await client.chat({ model: 'gemma4:e4b', messages: [], options: { num_ctx: 131072 } });
    assert.equal(chatLoad.done_reason, 'load');

    await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, keep_alive: 0, options: { num_ctx: 131072 } });
    assert.deepEqual((await client.ps()).models, []);
    await gen(131072);
    assert.equal(fake.reloads, 5, 'keep_alive 0 unloaded the model after the request');

    await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, keep_alive: '40ms', options: { num_ctx: 131072 } });
    assert.equal(fake.loadedModels().length, 1);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual((await client.ps()).models, [], 'keep-alive expired');
    await gen(131072);
    assert.equal(fake.reloads, 6);
    await client.generate({ model: 'gemma4:e4b', prompt: '', keep_alive: -1, options: { num_ctx: 131072 } });
    const forever = (await client.ps()).models[0] as unknown as { expires_at: string };
    assert.ok(Date.parse(forever.expires_at) > Date.now() + 100 * 365 * 24 * 3_600_000);
  });

  it('prepends a returned context to the next non-raw prompt, where the prefix cache picks it up', async (t) => {
    const { client, fake } = await startFake(t);
    const first = await client.generate({ model: 'gemma4:e4b', prompt: 'first question', think: false });
    const second = await client.generate({ model: 'gemma4:e4b', prompt: 'next', think: false, context: first.context });
    const own = countTokens(renderTurns(GEMMA4_E4B, [{ role: 'user', content: 'next' }], false));
    assert.equal(second.prompt_eval_count, first.context.length + own);
    assert.equal(fake.requests.at(-1)!.cachedTokens, first.prompt_eval_count);
  });

  it('truncates an overflowing prompt silently, keeping num_keep tokens and about the last half', async (t) => {
    const { client, fake } = await startFake(t);
    const prompt = linesPrompt(600);
    const total = countTokens(prompt);
    assert.ok(total > 2000);
    const res = await client.generate({ model: 'gemma4:e4b', prompt, raw: true, options: { num_ctx: 1024 } });
    assert.ok(res.prompt_eval_count < total);
    assert.ok(res.prompt_eval_count <= 1024 && res.prompt_eval_count >= 512, String(res.prompt_eval_count));
    const rec = fake.requests.at(-1)!;
    assert.equal(rec.truncated, true);
    assert.equal(rec.promptTokens, res.prompt_eval_count);

    const fits = await client.generate({ model: 'gemma4:e4b', prompt: 'short', raw: true, options: { num_ctx: 1024 } });
    assert.equal(fits.prompt_eval_count, countTokens('short'));
    assert.equal(fake.requests.at(-1)!.truncated, false);

    const messages = [0, 1, 2, 3, 4].map((i) => ({ role: i % 2 ? 'assistant' : 'user', content: linesPrompt(60) }));
    const chat = await client.chat({ model: 'gemma4:e4b', messages: [{ role: 'system', content: 'sys' }, ...messages], think: false, options: { num_ctx: 1024 } });
    assert.ok(chat.prompt_eval_count <= 1024);
    assert.equal(fake.requests.at(-1)!.truncated, true);
  });

  it('reuses the prefix cache, only within the last num_batch tokens on sliding-window models', async (t) => {
    const { client, fake } = await startFake(t, { latency: { prefillTokensPerSec: 1e6 } });
    const base = linesPrompt(400);
    const run = async (model: string, prompt: string) => {
      const res = await client.generate({ model, prompt, raw: true, options: { num_ctx: 8192 } });
      return { res, rec: fake.requests.at(-1)! };
    };
    const first = await run('gemma4:e4b', base);
    assert.equal(first.rec.cachedTokens, 0);
    const n = first.res.prompt_eval_count;
    assert.equal(n, countTokens(base));

    // Appending at the end: everything before is reused.
    const appended = await run('gemma4:e4b', `${base}line tail value\n`);
    assert.equal(appended.rec.cachedTokens, n);
    assert.equal(appended.res.prompt_eval_count, countTokens(`${base}line tail value\n`));
    assert.ok(appended.res.prompt_eval_duration < first.res.prompt_eval_duration / 10);

    // A change ~100 tokens before the end is inside the last 512: the common prefix is reused.
    const lines = base.split('\n');
    const nearEnd = [...lines.slice(0, -21), 'changed', ...lines.slice(-20)].join('\n');
    const near = await run('gemma4:e4b', nearEnd);
    assert.ok(near.rec.cachedTokens! > n - 512 && near.rec.cachedTokens! < n, String(near.rec.cachedTokens));

    // A change ~1000 tokens before the end: full re-prefill on Gemma 4 ...
    const farFromEnd = [...lines.slice(0, -201), 'changed', ...lines.slice(-200)].join('\n');
    await run('gemma4:e4b', base);
    const far = await run('gemma4:e4b', farFromEnd);
    assert.equal(far.rec.cachedTokens, 0);
    assert.equal(far.res.prompt_eval_count, countTokens(farFromEnd));

    // ... but plain longest-common-prefix reuse on a model without sliding-window attention.
    await run('qwen2.5-coder:1.5b', base);
    const qwen = await run('qwen2.5-coder:1.5b', farFromEnd);
    assert.ok(qwen.rec.cachedTokens! > 0 && qwen.rec.cachedTokens! < n - 512, String(qwen.rec.cachedTokens));

    // The same prompt again: all but the last token come from the cache.
    const same = await run('qwen2.5-coder:1.5b', farFromEnd);
    assert.equal(same.rec.cachedTokens, same.res.prompt_eval_count - 1);

    // A reload empties the cache.
    await client.generate({ model: 'qwen2.5-coder:1.5b', prompt: farFromEnd, raw: true, options: { num_ctx: 4096 } });
    assert.equal(fake.requests.at(-1)!.cachedTokens, 0);
  });
});

describe('timing, aborts and the queue', () => {
  it('sends headers only with the first chunk, after load and prefill', async (t) => {
    const { post, fake } = await startFake(t, { latency: { loadMs: 60, prefillTokensPerSec: 2000, decodeTokensPerSec: 500 } });
    const prompt = linesPrompt(40);
    const expectedMs = 60 + (countTokens(prompt) / 2000) * 1000; // load + prefill, before any output
    const t0 = performance.now();
    const res = await post('/api/generate', { model: 'gemma4:e4b', prompt, raw: true });
    const headersAt = performance.now() - t0;
    assert.ok(headersAt >= expectedMs - 1, `headers after ${headersAt} ms, expected ${expectedMs}`);
    const lines = await ndjson(res);
    const last = lines.at(-1)!;
    assert.ok((last.load_duration as number) >= 60e6);
    assert.equal(last.prompt_eval_duration, Math.round((countTokens(prompt) / 2000) * 1e9));
    assert.equal(last.eval_duration, Math.round(((last.eval_count as number) / 500) * 1e9));
    const rec = fake.requests.at(-1)!;
    assert.ok(rec.firstByteAt! - rec.receivedAt >= expectedMs - 1);

    fake.setLatency({ loadMs: 0, prefillTokensPerSec: Infinity, decodeTokensPerSec: Infinity });
    fake.reply({ headersDelayMs: 80 });
    const t1 = performance.now();
    const delayed = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x', raw: true });
    assert.ok(performance.now() - t1 >= 75);
    assert.equal((await ndjson(delayed)).at(-1)!.done, true);
  });

  it('stops generating within 50 ms when the client aborts the stream, and frees the slot', async (t) => {
    const { client, fake } = await startFake(t, { latency: { decodeTokensPerSec: 100 } });
    fake.reply({ response: 'word '.repeat(300) });
    const stream = await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false, stream: true });
    const rec = await fake.waitForRequest((r) => r.path === '/api/generate');
    let abortedAt = 0;
    let count = 0;
    await assert.rejects(async () => {
      for await (const _part of stream) {
        if (++count === 3) {
          abortedAt = performance.now();
          stream.abort();
        }
      }
    }, (e: unknown) => (e as Error).name === 'AbortError');
    await fake.waitForClose(rec, 1000);
    assert.ok(rec.clientClosedAt !== undefined);
    assert.equal(rec.endedAt, undefined);
    assert.ok(rec.clientClosedAt - abortedAt < 50, `closed ${rec.clientClosedAt - abortedAt} ms after abort`);
    assert.equal(rec.evalCount, undefined);

    fake.setLatency({ decodeTokensPerSec: Infinity });
    const t0 = performance.now();
    assert.equal((await client.generate({ model: 'gemma4:e4b', prompt: 'x', think: false })).done, true);
    assert.ok(performance.now() - t0 < 200, 'the slot was freed');
  });

  it('runs one generation at a time per model, in arrival order; other models run in parallel', async (t) => {
    const { client, fake } = await startFake(t, { latency: { decodeTokensPerSec: 400 } });
    fake.setDefaultReply(() => ({ response: 'token '.repeat(20) })); // 20 tokens: ~50 ms each
    const gen = (model: string, prompt: string) => client.generate({ model, prompt, think: false });
    await Promise.all([gen('gemma4:e4b', 'a'), gen('gemma4:e4b', 'b'), gen('gemma4:e4b', 'c'), gen('gemma4:e2b', 'd')]);
    const byPrompt = (p: string) => fake.requests.find((r) => r.body?.prompt === p)!;
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(byPrompt);
    assert.ok(a.id < b.id && b.id < c.id);
    assert.ok(b.firstByteAt! >= a.endedAt! - 1, 'b waited for a');
    assert.ok(c.firstByteAt! >= b.endedAt! - 1, 'c waited for b');
    assert.ok(d.endedAt! < c.firstByteAt!, 'another model is not blocked');
  });

  it('answers 503 when more than maxQueue requests wait', async (t) => {
    const { post, fake } = await startFake(t, { maxQueue: 1 });
    fake.reply({ hang: true });
    const a = new AbortController();
    const running = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'a' }, { signal: a.signal });
    assert.equal(running.status, 200, 'hang sends headers');
    const b = new AbortController();
    const waiting = post('/api/generate', { model: 'gemma4:e4b', prompt: 'b' }, { signal: b.signal }).catch(() => undefined);
    await fake.waitForRequest((r) => r.body?.prompt === 'b');
    await expectError(await post('/api/generate', { model: 'gemma4:e4b', prompt: 'c' }), 503, SERVER_BUSY);
    await expectError(await post('/api/chat', { model: 'gemma4:e4b', messages: [{ role: 'user', content: 'c' }] }), 503, SERVER_BUSY);
    b.abort();
    await waiting;
    const bRec = fake.requests.find((r) => r.body?.prompt === 'b')!;
    await fake.waitForClose(bRec);
    assert.ok(bRec.clientClosedAt !== undefined);
    a.abort();
    const aRec = fake.requests.find((r) => r.body?.prompt === 'a')!;
    await fake.waitForClose(aRec);
    assert.ok(aRec.clientClosedAt !== undefined);
    const after = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'd', stream: false, think: false });
    assert.equal(after.status, 200);
  });

  it('hangs after the headers until the client gives up', async (t) => {
    const { post, fake } = await startFake(t);
    fake.reply({ hang: true });
    const res = await post('/api/generate', { model: 'gemma4:e4b', prompt: 'x' }, { signal: AbortSignal.timeout(100) });
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
    const rec = fake.requests.at(-1)!;
    await fake.waitForClose(rec);
    assert.ok(rec.clientClosedAt! - rec.receivedAt >= 90);
    assert.equal(rec.firstByteAt, undefined);
  });
});

describe('pull', () => {
  it('streams progress, then the model is listed', async (t) => {
    const { client } = await startFake(t, { models: [GEMMA4_E4B], pullStepMs: 1 });
    const statuses: Array<{ status: string; completed?: number; total?: number; digest?: string }> = [];
    for await (const p of await client.pull({ model: 'gemma4:e2b', stream: true })) statuses.push(p);
    assert.equal(statuses[0].status, 'pulling manifest');
    const layer = statuses.filter((s) => s.status.startsWith('pulling ') && s.status !== 'pulling manifest');
    assert.ok(layer.length >= 10);
    assert.match(layer[0].status, /^pulling [0-9a-f]{12}$/);
    assert.equal(layer[0].status, `pulling ${layer[0].digest!.slice(7, 19)}`);
    const big = layer.filter((s) => s.digest === layer[0].digest);
    assert.ok(big.every((s, i) => i === 0 || (s.completed ?? 0) >= (big[i - 1].completed ?? 0)));
    assert.equal(big.at(-1)!.completed, big.at(-1)!.total);
    assert.deepEqual(statuses.slice(-3).map((s) => s.status), ['verifying sha256 digest', 'writing manifest', 'success']);
    assert.ok((await client.list()).models.some((m) => m.name === 'gemma4:e2b'));
    assert.deepEqual(await client.pull({ model: 'gemma4:e2b' }), { status: 'success' });
  });

  it('fails for a model the registry does not know', async (t) => {
    const { client, post } = await startFake(t, { models: [GEMMA4_E4B], pullStepMs: 1 });
    await assert.rejects(async () => {
      for await (const _p of await client.pull({ model: 'nope:7b', stream: true })) { /* progress */ }
    }, (e: unknown) => (e as Error).message === 'pull model manifest: file does not exist');
    await rejectsWithResponseError(client.pull({ model: 'nope:7b' }), 500, 'pull model manifest: file does not exist');
    const lines = await ndjson(await post('/api/pull', { model: 'nope:7b' }));
    assert.deepEqual(lines, [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }]);
    assert.equal((await client.list()).models.length, 1);
  });

  it('stops when the client disconnects', async (t) => {
    const { post, fake, client } = await startFake(t, { models: [GEMMA4_E4B], pullStepMs: 10, pullable: [GEMMA4_E2B, QWEN25_CODER_1_5B] });
    const ac = new AbortController();
    const res = await post('/api/pull', { model: 'qwen2.5-coder:1.5b' }, { signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    const rec = fake.requests.at(-1)!;
    await fake.waitForClose(rec);
    assert.ok(rec.clientClosedAt !== undefined);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!(await client.list()).models.some((m) => m.name === 'qwen2.5-coder:1.5b'));
  });
});
