// The model transport against a hostile or broken server: impossible statuses, a 50 MB line, a
// stream that stalls or drips, invalid lines, huge error bodies, control characters and escape
// sequences. Each failure is a clear typed error, the connection is closed, nothing is printed, and
// the next request through the same ModelService works. The hostile replies come from a small proxy
// in front of the fake Ollama: it plays a scripted trick for one request and forwards the rest.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { FakeOllama } from '../fake-ollama/index';
import { ModelError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import { ModelService } from '../../src/core/model/service';
import type { ModelSession } from '../../src/core/model/session';
import { NdjsonReader, type NdjsonLimits } from '../../src/node/http/ndjson';
import { OllamaBackend } from '../../src/node/ollama/ollamaBackend';
import { configFor } from '../support/model';
import { writeHugeLine } from '../support/hostileReplies';

const ROOT = join(__dirname, '..', '..');
const IDLE_MS = 300;
const ESC = '\x1b';
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

type Trick = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Forwards to an upstream server, except for requests a trick was queued for. */
class HostileProxy {
  private readonly tricks = new Map<string, Trick[]>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly upstream: string | undefined) {}

  /** The next request to `path` gets this reply instead of the upstream's. */
  next(path: string, trick: Trick): void {
    this.tricks.set(path, [...(this.tricks.get(path) ?? []), trick]);
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    req.socket.on('error', () => {});
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const trick = this.tricks.get(path)?.shift();
    const body = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => parts.push(b));
      req.on('end', () => resolve(Buffer.concat(parts)));
    });
    if (trick) return trick(req, res);
    if (!this.upstream) {
      res.writeHead(404).end();
      return;
    }
    const up = request(`${this.upstream}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    up.end(body);
  }
}

/** Writes bytes straight to the socket: status lines no HTTP server library would send. */
const raw = (text: string, keepOpen = false): Trick => (req) => {
  req.socket.write(text);
  if (!keepOpen) req.socket.end();
};

const ndjsonHead = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/x-ndjson' });
const doneLine = (extra: object = {}) => `${JSON.stringify({ model: 'gemma4:e4b', response: '', done: true, done_reason: 'stop', ...extra })}\n`;

/** Streams lines as Ollama does, then the final line. */
const lines = (...ls: object[]): Trick => (_req, res) => {
  ndjsonHead(res);
  for (const l of ls) res.write(`${JSON.stringify(l)}\n`);
  res.end(doneLine());
};

/** What a stream that fed a huge line managed to send before the client hung up. */
interface Flood { written: number; closedEarly: boolean; finished: boolean }

/** Headers, then one line of `total` bytes that never ends, written as fast as the client reads it. */
function hugeLine(total: number, flood: Flood): Trick {
  return async (_req, res) => {
    const end = await writeHugeLine(res, total, (n) => { flood.written = n; });
    flood.closedEarly = end === 'closed' && flood.written < total;
    flood.finished = end === 'finished';
  };
}

/** Records everything written to stdout/stderr or through console while `fn` runs. */
async function capturePrinted(fn: () => Promise<unknown>): Promise<{ error: unknown; printed: string }> {
  const printed: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const consoleMethods = ['log', 'warn', 'error', 'info', 'debug'] as const;
  const saved = consoleMethods.map((m) => console[m]);
  const record = (stream: typeof out) => function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    printed.push(String(chunk));
    return (stream as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof out;
  process.stdout.write = record(out);
  process.stderr.write = record(err);
  for (const m of consoleMethods) console[m] = (...a: unknown[]) => printed.push(a.map(String).join(' '));
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    consoleMethods.forEach((m, i) => (console[m] = saved[i]));
  }
  return { error, printed: printed.join('') };
}

async function collect(s: ModelSession, prompt = 'hi'): Promise<{ text: string; thinking: string }> {
  let text = '';
  let thinking = '';
  for await (const e of s.stream({ kind: 'generate', feature: 'review', prompt })) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'thinking') thinking += e.text;
  }
  return { text, thinking };
}

const isError = (reason: ModelError['reason'], message: RegExp) => (e: unknown): boolean => {
  assert.ok(ModelError.is(e), `not a ModelError: ${String(e)}`);
  assert.equal(e.reason, reason, e.message);
  assert.match(e.message, message);
  assert.ok(e.userMessage.length < 600, `${e.userMessage.length} characters`);
  return true;
};

const T = { timeout: 20_000 };

describe('a hostile server behind the same ModelService as a healthy one', () => {
  let fake: FakeOllama;
  let proxy: HostileProxy;
  let service: ModelService;
  let session: ModelSession;

  before(async () => {
    fake = new FakeOllama();
    proxy = new HostileProxy(await fake.start(0));
    const url = await proxy.start();
    const config = configFor(url);
    service = new ModelService(new OllamaBackend(config.serverUrl, { streamIdleMs: IDLE_MS }), config, new MemoryLogger());
    session = await service.sessionFor('gemma4:e4b');
  });
  after(async () => {
    await proxy.stop();
    await fake.stop();
  });

  /** The healthy path still works and holds no slot: the previous failure left nothing behind. */
  async function nextRequestWorks(): Promise<void> {
    assert.equal(service.scheduler.inFlight, 0, 'no request is left in flight');
    assert.equal((await collect(session)).text, 'Hello from the fake Ollama server.');
    assert.equal(service.scheduler.inFlight, 0);
  }

  it('HTTP 999 → badResponse naming the status; the next request works', T, async () => {
    proxy.next('/api/generate', raw('HTTP/1.1 999 Whatever\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nnope!'));
    await assert.rejects(collect(session), isError('badResponse', /answered with HTTP status 999, which Ollama never sends/));
    await nextRequestWorks();
  });

  it('HTTP 101 with Upgrade (Node hands it to "upgrade") → badResponse; the next request works', T, async () => {
    proxy.next('/api/generate', raw('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n', true));
    await assert.rejects(collect(session), isError('badResponse', /answered with HTTP status 101 \(a switch to another protocol\)/));
    await nextRequestWorks();
  });

  it('HTTP 101 without Upgrade, and an interim 103 → badResponse; the next request works', T, async () => {
    proxy.next('/api/generate', raw('HTTP/1.1 101 Switching Protocols\r\n\r\n', true));
    await assert.rejects(collect(session), isError('badResponse', /HTTP status 101/));
    proxy.next('/api/generate', raw('HTTP/1.1 103 Early Hints\r\n\r\n', true));
    await assert.rejects(collect(session), isError('badResponse', /HTTP status 103 \(an interim reply\)/));
    await nextRequestWorks();
  });

  it('an impossible status on a metadata call too', T, async () => {
    proxy.next('/api/version', raw('HTTP/1.1 600 Odd\r\ncontent-length: 0\r\n\r\n'));
    await assert.rejects(service.backend.version(), isError('badResponse', /HTTP status 600/));
    assert.equal((await service.backend.version()).version, '0.33.0');
  });

  it('a 50 MB line fails with a clear error and the connection is closed long before it was all sent', T, async () => {
    const flood: Flood = { written: 0, closedEarly: false, finished: false };
    const total = 50 * 1024 * 1024;
    proxy.next('/api/generate', hugeLine(total, flood));
    // A default inactivity limit: on a busy machine 8 MiB through the proxy may take longer than 0.3 s.
    const config = configFor(proxy.url);
    const patient = new ModelService(new OllamaBackend(config.serverUrl), config, new MemoryLogger());
    await assert.rejects(collect(await patient.sessionFor('gemma4:e4b')), isError('badResponse', /longer than 8 MiB/));
    await waitUntil(() => flood.closedEarly || flood.finished);
    assert.ok(flood.closedEarly, 'the server saw the client close the connection');
    assert.ok(flood.written < total / 2, `the server wrote ${(flood.written / 1048576).toFixed(1)} MB of ${total / 1048576}`);
    assert.equal(patient.scheduler.inFlight, 0);
    await nextRequestWorks();
  });

  it('a stream that stalls after one line → timeout after the inactivity limit, connection closed', T, async () => {
    let closed = false;
    proxy.next('/api/generate', (_req, res) => {
      ndjsonHead(res);
      res.write(`${JSON.stringify({ response: 'partial ', done: false })}\n`);
      res.on('close', () => (closed = true));
    });
    let text = '';
    const t0 = performance.now();
    await assert.rejects((async () => {
      for await (const e of session.stream({ kind: 'generate', feature: 'review', prompt: 'x' })) if (e.type === 'text') text += e.text;
    })(), isError('timeout', /stopped sending the reply of gemma4:e4b: no complete line for 0\.3 s/));
    const ms = performance.now() - t0;
    assert.equal(text, 'partial ', 'what came before the stall was delivered');
    assert.ok(ms >= IDLE_MS - 20, `failed after ${ms.toFixed(0)} ms`);
    await waitUntil(() => closed);
    await nextRequestWorks();
  });

  it('a drip of one byte every 200 ms that never finishes a line is cut too', T, async () => {
    let closed = false;
    let dripped = 0;
    proxy.next('/api/generate', (_req, res) => {
      ndjsonHead(res);
      res.write(`${JSON.stringify({ response: 'a', done: false })}\n{"response":"`);
      const timer = setInterval(() => {
        dripped++;
        res.write('b');
      }, 200);
      res.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    });
    await assert.rejects(collect(session), isError('timeout', /stopped sending/));
    await waitUntil(() => closed);
    assert.ok(dripped >= 1, 'the drip had started: bytes alone do not count as progress');
    await nextRequestWorks();
  });

  it('an invalid line → badResponse with a short clean excerpt; nothing printed', T, async () => {
    const garbage = `NOT-JSON-MARKER ${ESC}]0;pwned\x07${'<html>'.repeat(20_000)}`;
    proxy.next('/api/generate', (_req, res) => {
      ndjsonHead(res);
      res.end(`${JSON.stringify({ response: 'ok', done: false })}\n${garbage}\n${doneLine()}`);
    });
    const { error, printed } = await capturePrinted(() => collect(session));
    isError('badResponse', /a line of the reply to \/api\/generate is not JSON \(it starts "NOT-JSON-MARKER /)(error);
    assert.doesNotMatch((error as ModelError).message, CONTROLS);
    assert.ok(!printed.includes('NOT-JSON-MARKER') && !/invalid json/i.test(printed), `printed: ${printed.slice(0, 200)}`);
    await nextRequestWorks();
  });

  it('a 5 MB error body → a message under 600 characters, nothing printed', T, async () => {
    for (const [type, body] of [
      ['application/json', JSON.stringify({ error: `model runner failed: ${'x'.repeat(5 * 1024 * 1024)}` })],
      ['text/html', `<html>${'y'.repeat(5 * 1024 * 1024)}</html>`],
    ]) {
      proxy.next('/api/generate', (_req, res) => {
        res.writeHead(500, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      const { error, printed } = await capturePrinted(() => collect(session));
      isError('crashed', /Ollama failed: /)(error);
      assert.ok(!/Getting text|Failed to parse/.test(printed), `printed: ${printed.slice(0, 200)}`);
    }
    await nextRequestWorks();
  });

  it('an {"error"} line mid-stream → the server\'s words, clipped and clean, and a fix that is not "report"', T, async () => {
    proxy.next('/api/generate', (_req, res) => {
      ndjsonHead(res);
      res.write(`${JSON.stringify({ response: 'a', done: false })}\n`);
      res.end(`${JSON.stringify({ error: `failed to sample ${ESC}[31mtoken${ESC}[0m ${'z'.repeat(10_000)}` })}\n`);
    });
    await assert.rejects(collect(session), (e: unknown) => {
      isError('crashed', /Ollama stopped the reply of gemma4:e4b with an error: failed to sample token z+…/)(e);
      assert.doesNotMatch((e as ModelError).userMessage, /report|[\x1b]/);
      return true;
    });
    await nextRequestWorks();
  });

  it('NUL, ESC and OSC in model output and thinking never reach the caller, even split across lines', T, async () => {
    proxy.next('/api/generate', lines(
      { response: 'safe\x00 ', done: false },
      { response: `${ESC}]52;c;ZWNobyBwd25lZA==`, done: false },
      { response: '\x07text ', done: false },
      { response: `${ESC}[`, thinking: `I ${ESC}]0;ti`, done: false },
      { response: '31mred\x9b2J', thinking: `tle${ESC}\\think`, done: false },
    ));
    const { text, thinking } = await collect(session);
    assert.equal(text, 'safe text red');
    assert.equal(thinking, 'I think');
    await nextRequestWorks();
  });

  it('control sequences in an error body are gone from the error', T, async () => {
    proxy.next('/api/generate', (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `${ESC}]0;pwned\x07bad ${ESC}[2Jrequest\x00` }));
    });
    await assert.rejects(collect(session), (e: unknown) => {
      isError('badResponse', /Ollama refused the request \(HTTP 400\): bad request\./)(e);
      assert.equal((e as ModelError).detail.serverMessage, 'bad request');
      return true;
    });
  });

  it('names and families from /api/tags and /api/show are clean', T, async () => {
    proxy.next('/api/tags', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: [{ name: `evil${ESC}]0;x\x07:1b`, size: 1, details: { family: `fam${ESC}[1mily`, parameter_size: '1B\x00', quantization_level: 'Q4\x9b0m' } }] }));
    });
    const [m] = await service.backend.list();
    assert.deepEqual([m.name, m.family, m.parameterSize, m.quantization], ['evil:1b', 'family', '1B', 'Q4']);
    proxy.next('/api/show', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ capabilities: ['completion', `think${ESC}[0ming`], details: { family: `x${ESC}]8;;http://e${ESC}\\y` }, model_info: {} }));
    });
    const d = await service.backend.describe('gemma4:e4b');
    assert.equal(d.family, 'xy');
    assert.deepEqual(d.capabilities, ['completion', 'thinking']);
  });

  it('a pull whose body breaks off mid-line, and one with an invalid line, are typed errors', T, async () => {
    proxy.next('/api/pull', (_req, res) => {
      ndjsonHead(res);
      res.write('{"status":"pulling manifest"}\n{"status":"pull');
      setTimeout(() => res.destroy(), 20);
    });
    await assert.rejects(drainPull(service), (e: unknown) => ModelError.is(e, 'crashed') && /broke during the reply/.test(e.message));
    proxy.next('/api/pull', (_req, res) => {
      ndjsonHead(res);
      res.end(`${JSON.stringify({ status: `${ESC}[31mpulling${ESC}[0m manifest\x00` })}\n[1,2,3]\n`);
    });
    const statuses: string[] = [];
    const { error, printed } = await capturePrinted(() => drainPull(service, statuses));
    isError('badResponse', /a line of the reply to \/api\/pull is not a JSON object/)(error);
    assert.deepEqual(statuses, ['pulling manifest']);
    assert.ok(!printed.includes('pulling') && !printed.includes('[1,2,3]'), printed);
  });
});

describe('NdjsonReader on its own', () => {
  const limits: NdjsonLimits = { maxLineBytes: 1024, idleMs: 1000, lineTooLong: () => new Error('too long'), stalled: () => new Error('stalled') };
  const read = async (chunks: Buffer[], l = limits) => {
    const out: string[] = [];
    for await (const line of new NdjsonReader(Readable.from(chunks), l)) out.push(line);
    return out;
  };

  it('a UTF-8 character split across two chunks is decoded whole', async () => {
    const bytes = Buffer.from('{"response":"日本語 🎉"}\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(await read([bytes.subarray(0, cut), bytes.subarray(cut)]), ['{"response":"日本語 🎉"}'], `cut at ${cut}`);
    }
  });
  it('blank lines are skipped and a last line without a newline is kept', async () => {
    assert.deepEqual(await read([Buffer.from('a\n\n  \r\nb\nc')]), ['a', 'b', 'c']);
  });
  it('a line over the ceiling fails even when it arrives in one chunk with others', async () => {
    await assert.rejects(read([Buffer.from(`ok\n${'x'.repeat(2000)}\n`)]), /too long/);
  });
  it('linear in a line\'s length: 4 MiB arriving in 1,024 chunks is joined once, not rescanned per chunk', async () => {
    const chunk = Buffer.alloc(4096, 'a');
    const chunks = [...Array.from({ length: 1024 }, () => chunk), Buffer.from('\n')];
    const t0 = performance.now();
    const [line] = await read(chunks, { ...limits, maxLineBytes: 8 * 1024 * 1024 });
    assert.equal(line.length, 4 * 1024 * 1024);
    assert.ok(performance.now() - t0 < 2000, `${(performance.now() - t0).toFixed(0)} ms`);
  });
  it('many short lines in one chunk: 50,000 read with no per-line copy of the queue', async () => {
    // Loose bound: the test runner's async hooks make every await several times slower.
    const t0 = performance.now();
    const lines = await read([Buffer.from('{}\n'.repeat(50_000))], { ...limits, maxLineBytes: 8 });
    assert.equal(lines.length, 50_000);
    assert.ok(performance.now() - t0 < 5000, `${(performance.now() - t0).toFixed(0)} ms`);
  });
});

describe('the built CLI against a server whose errors are not JSON', () => {
  let proxy: HostileProxy;
  before(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 });
    proxy = new HostileProxy(undefined);
    await proxy.start();
  }, { timeout: 150_000 });
  after(() => proxy.stop());

  const htmlError = (status: number): Trick => (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(`<html><body>${ESC}]0;pwned\x07Internal ${ESC}[31mServer Error\x00</body></html>`);
  };

  for (const command of ['doctor', 'models']) {
    it(`hearth --json ${command} prints one JSON document and nothing else on stdout`, T, async () => {
      proxy.next('/api/version', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"0.33.0"}');
      });
      proxy.next('/api/tags', htmlError(500));
      proxy.next('/api/show', htmlError(502));
      proxy.next('/api/ps', htmlError(503));
      const r = await promisify(execFile)(process.execPath, ['dist/cli.js', '--host', proxy.url, '--json', command], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 })
        .catch((e: { stdout: string; stderr: string; code: number }) => e);
      assert.doesNotThrow(() => JSON.parse(r.stdout), `stdout is not JSON: ${r.stdout.slice(0, 300)}`);
      assert.doesNotMatch(r.stdout, /[\x1b\x00\x07]|\\u001b|\\u0000|\\u0007/, 'no control characters, raw or escaped');
      assert.doesNotMatch(`${r.stdout}${r.stderr}`, /Getting text from response/);
    });
  }
});

async function drainPull(service: ModelService, statuses: string[] = []): Promise<void> {
  for await (const p of service.backend.pull('gemma4:e2b', new AbortController().signal)) statuses.push(p.status);
}

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
