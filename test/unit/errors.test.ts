// The reference's error table, row by row: Ollama's real status and body → our reason and message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyServerError, ModelError, type ModelErrorReason } from '../../src/core/errors';
import { OllamaBackend } from '../../src/node/ollama/ollamaBackend';
import { HttpStatusError, TransportError } from '../../src/node/http/nodeFetch';

const URL_ = 'http://127.0.0.1:11434';

interface Row { situation: string; status: number; body: string; reason: ModelErrorReason; message: RegExp; fix: RegExp }

const TABLE: Row[] = [
  { situation: 'unknown model', status: 404, body: "model 'gemma4:e4b' not found", reason: 'modelNotFound', message: /gemma4:e4b is not installed/, fix: /Pull Model|ollama pull gemma4:e4b/ },
  { situation: 'suffix on a model without insert', status: 400, body: 'registry.ollama.ai/library/gemma4:e4b does not support insert', reason: 'unsupported', message: /fill-in-the-middle/, fix: /report/ },
  { situation: 'think on a non-thinking model', status: 400, body: '"llama3.2:1b" does not support thinking', reason: 'unsupported', message: /does not support thinking/, fix: /report/ },
  { situation: 'raw with system/template/context', status: 400, body: 'raw mode does not support template, system, or context', reason: 'unsupported', message: /raw prompt/, fix: /bug/ },
  { situation: 'prompt too long with shift:false', status: 400, body: 'the prompt is longer than the context length (5000 > 4096)', reason: 'contextOverflow', message: /did not fit the context window/, fix: /hearth\.contextSize/ },
  { situation: 'queue full', status: 503, body: 'server busy, please try again.  maximum pending requests exceeded', reason: 'busy', message: /busy/, fix: /OLLAMA_MAX_QUEUE|OLLAMA_NUM_PARALLEL/ },
  { situation: 'runner crashed', status: 500, body: 'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details', reason: 'crashed', message: /runner stopped/, fix: /smaller model|contextSize/ },
  { situation: 'not enough memory', status: 500, body: 'model requires more system memory (12.0 GiB) than is available (7.5 GiB)', reason: 'crashed', message: /does not fit in the memory/, fix: /smaller/ },
  { situation: 'error line mid-stream', status: 200, body: 'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error', reason: 'crashed', message: /runner stopped/, fix: /ollama serve/ },
  { situation: 'pull of a name the registry lacks', status: 500, body: 'pull model manifest: file does not exist', reason: 'modelNotFound', message: /registry has no model/, fix: /name and tag/ },
  { situation: 'auth proxy refuses', status: 401, body: 'unauthorized', reason: 'unreachable', message: /refused the request \(HTTP 401\)/, fix: /requestHeaders/ },
  { situation: 'not an Ollama server', status: 404, body: '404 page not found', reason: 'badResponse', message: /does not look like Ollama/, fix: /hearth\.serverUrl/ },
];

describe('classifyServerError: the reference error table', () => {
  for (const row of TABLE) {
    it(`${row.situation}: HTTP ${row.status} → ${row.reason}`, () => {
      const e = classifyServerError({ status: row.status, message: row.body, url: URL_, model: 'gemma4:e4b' });
      assert.ok(ModelError.is(e, row.reason), `got ${e.reason}`);
      assert.match(e.message, row.message);
      assert.match(e.fix, row.fix);
      assert.equal(e.detail.status, row.status);
      assert.equal(e.detail.serverMessage, row.body);
    });
  }
});

describe('classifyServerError: what no table row covers', () => {
  it('an unknown {"error"} line mid-stream is the server giving up, in its own words, not "please report"', () => {
    const e = classifyServerError({ status: 200, message: 'llama_decode failed: KV cache slot not found', url: URL_, model: 'gemma4:e4b' });
    assert.ok(ModelError.is(e, 'crashed'), e.reason);
    assert.match(e.message, /Ollama stopped the reply of gemma4:e4b with an error: llama_decode failed: KV cache slot not found\./);
    assert.doesNotMatch(e.userMessage, /report/);
    assert.match(e.fix, /try again/i);
  });
  it('an empty mid-stream error still says what happened', () => {
    const e = classifyServerError({ status: 200, message: '', url: URL_ });
    assert.match(e.message, /stopped the reply of the model with an error and no explanation/);
  });
  it('a huge message is clipped and the message stays short', () => {
    const e = classifyServerError({ status: 500, message: 'x'.repeat(5_000_000), url: URL_ });
    assert.ok(e.message.length < 600, `${e.message.length} characters`);
    assert.ok((e.detail.serverMessage ?? '').length <= 300);
  });
  it('control characters and escape sequences of the server are gone', () => {
    const e = classifyServerError({ status: 400, message: 'bad\x00 \x1b[31mthing\x1b[0m\x1b]0;title\x07\nnext line', url: URL_ });
    assert.equal(e.detail.serverMessage, 'bad thing next line');
    assert.doesNotMatch(e.userMessage, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
  for (const status of [101, 103, 999, 600, 99]) {
    it(`HTTP ${status}, which Ollama never sends → badResponse naming the status`, () => {
      const e = classifyServerError({ status, message: 'whatever', url: URL_ });
      assert.ok(ModelError.is(e, 'badResponse'));
      assert.match(e.message, new RegExp(`answered with HTTP status ${status}\\b`));
      assert.match(e.fix, /hearth\.serverUrl/);
    });
  }
  it('a redirect → badResponse pointing at the server URL', () => {
    const e = classifyServerError({ status: 301, message: '<html>Moved</html>', url: URL_ });
    assert.ok(ModelError.is(e, 'badResponse'));
    assert.match(e.message, /HTTP status 301, a redirect/);
    assert.match(e.fix, /hearth\.serverUrl/);
  });
});

describe('OllamaBackend.mapError: transport and socket failures', () => {
  const b = new OllamaBackend(URL_);
  const cases: Array<{ situation: string; err: unknown; signal?: AbortSignal; reason: ModelErrorReason; message: RegExp }> = [
    { situation: 'connection refused', err: new TransportError('connect ECONNREFUSED', 'ECONNREFUSED', 'connect'), reason: 'unreachable', message: /Cannot reach Ollama at http:\/\/127\.0\.0\.1:11434 \(ECONNREFUSED\)/ },
    { situation: 'DNS failure', err: new TransportError('getaddrinfo ENOTFOUND gpu-box', 'ENOTFOUND', 'connect'), reason: 'unreachable', message: /ENOTFOUND/ },
    { situation: 'connection lost mid-reply', err: new TransportError('socket hang up', 'ECONNRESET', 'stream'), reason: 'crashed', message: /broke during the reply/ },
    { situation: 'an interim 1xx reply', err: new HttpStatusError(103), reason: 'badResponse', message: /answered with HTTP status 103 \(an interim reply\)/ },
    { situation: 'a protocol switch (101)', err: new HttpStatusError(101), reason: 'badResponse', message: /answered with HTTP status 101 \(a switch to another protocol\)/ },
    { situation: 'anything else thrown', err: new SyntaxError('Unexpected token < in JSON'), reason: 'badResponse', message: /could not read: Unexpected token/ },
    { situation: 'our signal aborted', err: new Error('aborted'), signal: AbortSignal.abort(), reason: 'aborted', message: /cancelled/ },
    { situation: 'probe deadline', err: new Error('timeout'), signal: AbortSignal.abort(new DOMException('t', 'TimeoutError')), reason: 'timeout', message: /did not answer within/ },
  ];
  for (const c of cases) {
    it(`${c.situation} → ${c.reason}`, () => {
      const e = b.mapError(c.err, c.signal, 'gemma4:e4b');
      assert.ok(ModelError.is(e, c.reason), `got ${(e as ModelError).reason}`);
      assert.match((e as ModelError).message, c.message);
    });
  }
  it('passes a ModelError through untouched', () => {
    const original = new ModelError('busy', 'x', 'y');
    assert.equal(b.mapError(original, undefined, undefined), original);
  });
});
