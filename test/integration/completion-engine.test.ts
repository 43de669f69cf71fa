// The completion engine against the fake Ollama: cache, reuse and abort behaviour read off the
// fake's request log, the three prompt routes on the wire, early stops that close the stream, and
// completions overtaking queued review work.
import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionRequest } from '../../src/core/completion/engine';
import { cursorFromText } from '../../src/core/text/cursorText';
import { NO_CONTEXT } from '../../src/core/completion/types';
import { MemoryLogger } from '../../src/core/log';
import type { ModelService } from '../../src/core/model/service';
import { serviceFor } from '../support/model';
import { useFakeOllama } from '../support/fake';
import { SecretlintRedactor } from '../../src/node/privacy/redact';

/** The engine redacts every prompt part, as in the editor. */
const REDACTOR = new SecretlintRedactor();

const FILE = 'export function add(a: number, b: number): number {\n  return \n}\n';
const at = (typed: string): CompletionRequest => {
  const text = FILE.replace('  return \n', `  return ${typed}\n`);
  return { document: 'file:///add.ts', cursor: cursorFromText(text, 1, 9 + typed.length, 'add.ts'), trigger: 'automatic' };
};
const generates = (fake: FakeOllama) => fake.requests.filter((r) => r.path === '/api/generate' || r.path === '/api/chat');

function engineFor(service: ModelService, model = 'gemma4:e4b', debounceMs = 0): CompletionEngine {
  return new CompletionEngine({
    session: () => service.sessionFor(model),
    context: NO_CONTEXT, redactor: REDACTOR,
    logger: new MemoryLogger(),
    settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs },
  });
}

describe('completion engine: request economy over the fake\'s log', () => {
  const h = useFakeOllama();
  let fake: FakeOllama;
  let service: ModelService;
  before(() => ({ fake, service } = h));
  beforeEach(() => {
    fake.clearLog();
    fake.setLatency({ decodeTokensPerSec: Infinity, prefillTokensPerSec: Infinity });
  });

  it('typing what is shown is served from the cache: no new request', async () => {
    const engine = engineFor(service);
    fake.reply({ response: 'a + b;' });
    const first = await engine.complete(at(''));
    assert.equal(first.text, 'a + b;');
    assert.equal(first.source, 'model');
    for (const typed of ['a', 'a ', 'a +', 'a + b']) {
      const o = await engine.complete(at(typed));
      assert.equal(o.source, 'cache', `after typing "${typed}"`);
      assert.equal(typed + o.text, 'a + b;');
    }
    assert.equal(generates(fake).length, 1);
    const diverged = await engine.complete(at('b'));
    assert.notEqual(diverged.source, 'cache');
    assert.equal(generates(fake).length, 2, 'a diverging keystroke asks again');
  });

  it('a keystroke that extends the prefix of the generation in flight waits for it instead of asking again', async () => {
    const engine = engineFor(service, 'gemma4:e4b', 400);
    fake.setLatency({ decodeTokensPerSec: 40 });
    fake.reply({ response: 'a + b;' });
    const c1 = new AbortController();
    const p1 = engine.complete({ ...at(''), signal: c1.signal });
    await fake.waitForRequest((r) => r.path === '/api/generate');
    c1.abort(); // VS Code cancels the first call when the user types
    const o2 = await engine.complete(at('a'));
    await p1;
    assert.equal(o2.source, 'inflight');
    assert.equal(o2.text, ' + b;');
    assert.equal(generates(fake).length, 1);
  });

  it('a keystroke that contradicts what the model already wrote closes that stream at once and asks anew', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 20 });
    fake.reply({ response: 'a + b; // a long explanation of what this does' });
    const c1 = new AbortController();
    const p1 = engine.complete({ ...at(''), signal: c1.signal });
    try {
      const rec1 = await fake.waitForRequest((r) => r.path === '/api/generate');
      await new Promise((r) => setTimeout(r, 200)); // the model has written "a +" or so by now
      c1.abort();
      fake.reply({ response: ' b;' });
      const t0 = performance.now();
      const p2 = engine.complete(at('a -'));
      await fake.waitForClose(rec1, 2000);
      assert.ok(rec1.clientClosedAt !== undefined && rec1.clientClosedAt - t0 < 50, `old stream closed ${(rec1.clientClosedAt ?? NaN) - t0} ms after the new keystroke`);
      assert.equal((await p2).text, ' b;');
      assert.equal(generates(fake).length, 2);
    } finally {
      await p1;
    }
  });

  it('a keystroke consistent with what is being written waits for it, then is served from it', async () => {
    const engine = engineFor(service, 'gemma4:e4b', 400);
    fake.setLatency({ decodeTokensPerSec: 20 });
    fake.reply({ response: 'a + b;' });
    const c1 = new AbortController();
    const p1 = engine.complete({ ...at(''), signal: c1.signal });
    await fake.waitForRequest((r) => r.path === '/api/generate');
    c1.abort();
    const o = await engine.complete(at('a + '));
    await p1;
    assert.equal(o.source, 'inflight');
    assert.equal(o.text, 'b;');
    assert.equal(generates(fake).length, 1);
  });

  it('a generation still prefilling is waited on only until the new keystroke\'s debounce ends; then a fresh request leaves', async () => {
    const engine = engineFor(service, 'gemma4:e4b', 150);
    fake.setLatency({ prefillTokensPerSec: 60, decodeTokensPerSec: 40 }); // the first token comes after a second or more
    // A text no earlier test sent, so that the server's prefix cache has none of it.
    const header = `// ${Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')}\n`;
    const at = (typed: string): CompletionRequest => {
      const text = header + FILE.replace('  return \n', `  return ${typed}\n`);
      return { document: 'file:///fresh.ts', cursor: cursorFromText(text, 2, 9 + typed.length, 'fresh.ts'), trigger: 'automatic' };
    };
    fake.reply({ response: 'a + b;' });
    const c1 = new AbortController();
    const p1 = engine.complete({ ...at(''), signal: c1.signal });
    const rec1 = await fake.waitForRequest((r) => r.path === '/api/generate');
    c1.abort();
    fake.reply({ response: ' + b;' });
    const t0 = performance.now();
    const c2 = new AbortController();
    const p2 = engine.complete({ ...at('a'), signal: c2.signal });
    try {
      await fake.waitForClose(rec1, 3000);
      const closedAfter = (rec1.clientClosedAt ?? NaN) - t0;
      assert.ok(closedAfter >= 100 && closedAfter < 600, `the unproven generation was closed ${closedAfter} ms after the keystroke (debounce 150)`);
      const rec2 = await fake.waitForRequest((r) => r.path === '/api/generate' && r !== rec1, 3000);
      assert.ok(rec2.receivedAt - t0 < 700, `the fresh request left ${rec2.receivedAt - t0} ms after the keystroke`);
      assert.ok((rec1.promptTokens ?? 0) >= 60, `a prompt of ${rec1.promptTokens} tokens takes a second to prefill`);
    } finally {
      c2.abort();
      await Promise.all([p1, p2]);
      // The server finishes the prefills it started (as Ollama does) before the next test's request.
      while (!fake.idle) await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('an abandoned generation (no further keystroke) is closed after a short grace period', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 20 });
    fake.reply({ response: 'x '.repeat(200) });
    const c = new AbortController();
    const p = engine.complete({ ...at(''), signal: c.signal });
    const rec = await fake.waitForRequest((r) => r.path === '/api/generate');
    const t0 = performance.now();
    c.abort();
    await fake.waitForClose(rec, 2000);
    const ms = (rec.clientClosedAt ?? NaN) - t0;
    assert.ok(ms >= 100 && ms < 400, `closed ${ms} ms after the caller left`);
    await p;
  });

  it('asked for early, the first words come while the line still streams; the whole line follows in `final` and the cache', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 25 });
    fake.reply({ response: 'total(a, b) + offset(a) * scale;' });
    const t0 = performance.now();
    const early = await engine.complete({ ...at(''), early: true });
    const earlyMs = performance.now() - t0;
    assert.equal(early.partial, true, JSON.stringify(early));
    assert.ok(early.text && early.text.length < 'total(a, b) + offset(a) * scale;'.length, early.text);
    assert.ok('total(a, b) + offset(a) * scale;'.startsWith(early.text), `a start of the line: ${early.text}`);
    assert.ok(!/[\w$]$/.test(early.text) || early.text.endsWith(')'), `ends on a word boundary: ${early.text}`);
    const final = await early.final;
    assert.ok(final);
    assert.equal(final.text, 'total(a, b) + offset(a) * scale;');
    assert.equal(final.partial, undefined);
    assert.ok(earlyMs < (final.timings?.total ?? 0), `early ${Math.round(earlyMs)} ms before the whole line ${Math.round(final.timings?.total ?? 0)} ms`);
    // Asked again at the same place (the editor re-triggers): the whole line, from the cache.
    const again = await engine.complete({ ...at(''), trigger: 'manual', early: true });
    assert.equal(again.source, 'cache');
    assert.equal(again.text, 'total(a, b) + offset(a) * scale;');
    assert.equal(generates(fake).length, 1);
  });

  it('an early answer holds its generation: the editor cancelling that call does not stop it', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 25 });
    fake.reply({ response: 'total(a, b) + offset(a) * scale;' });
    const c = new AbortController();
    const early = await engine.complete({ ...at(''), early: true, signal: c.signal });
    assert.equal(early.partial, true);
    c.abort();
    const final = await early.final;
    assert.equal(final?.text, 'total(a, b) + offset(a) * scale;', final?.reason);
  });

  it('without early, or when the reply is whole before any of it can be shown, one answer comes', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 25 });
    fake.reply({ response: 'total(a, b) + offset(a) * scale;' });
    const whole = await engine.complete(at(''));
    assert.equal(whole.partial, undefined);
    assert.equal(whole.text, 'total(a, b) + offset(a) * scale;');
    fake.reply({ chunks: ['a * b;'] });
    const fast = await engine.complete({ ...at('x'), early: true });
    assert.equal(fast.partial, undefined);
    assert.equal(fast.text, 'a * b;');
  });

  it('a keystroke during the debounce sends nothing', async () => {
    const engine = new CompletionEngine({ session: () => service.sessionFor('gemma4:e4b'), context: NO_CONTEXT, redactor: REDACTOR, logger: new MemoryLogger(), settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 200 } });
    const c = new AbortController();
    const p = engine.complete({ ...at(''), signal: c.signal });
    setTimeout(() => c.abort(), 50);
    const o = await p;
    assert.equal(o.text, undefined);
    assert.match(o.reason ?? '', /cancelled/);
    assert.equal(generates(fake).length, 0);
  });

  it('a runaway reply is cut by the stream filters and its connection closed before it ends', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 400 });
    fake.reply({ response: `a + b;\n${'  console.log("again");\n'.repeat(60)}` });
    const o = await engine.complete(at(''));
    assert.equal(o.text, 'a + b;');
    const rec = generates(fake)[0];
    await fake.waitForClose(rec, 2000);
    assert.ok(rec.clientClosedAt !== undefined, `stream aborted early (stop: ${o.stopReason})`);
    assert.equal(rec.endedAt, undefined, 'the server did not finish the runaway reply');
  });

  it('thought text, fences and echoed markers never reach the user', async () => {
    const engine = engineFor(service);
    fake.reply({ response: '```ts\na + b;<CURSOR>\n```' });
    assert.equal((await engine.complete(at(''))).text, 'a + b;');
  });

  it('logs each move of the prompt\'s stable parts once, with its reason, and none while typing', async () => {
    const logger = new MemoryLogger();
    let epoch = 0;
    const context = {
      contextFor: async () => [{ kind: 'definition' as const, path: 'geo.ts', startLine: 0, endLine: 0, text: `export const EPOCH = ${epoch};\n`, tokens: 8 }],
      changeReason: () => 'the index finished building',
    };
    const engine = new CompletionEngine({ session: () => service.sessionFor('gemma4:e4b'), context, redactor: REDACTOR, logger, settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 0 } });
    const layout = () => logger.lines.filter((l) => l.includes('completion prompt:'));
    for (const typed of ['x', 'xy', 'xyz']) {
      fake.reply({ response: 'q;' });
      await engine.complete(at(typed));
    }
    assert.deepEqual(layout(), [], 'typing on one line moves nothing');
    epoch = 1;
    fake.reply({ response: 'q;' });
    await engine.complete(at('xyzw'));
    assert.deepEqual(layout(), ['debug completion prompt: context section changed: the index finished building']);
    fake.reply({ response: 'q;' });
    const o = await engine.complete({ ...at(''), cursor: cursorFromText(FILE, 0, FILE.indexOf('\n'), 'add.ts') });
    assert.equal(o.source, 'model', o.reason);
    assert.match(layout()[1] ?? '', /code below the cursor's line changed: the cursor moved from line 2 to 1/);
  });

  it('the debounce counts from the keystroke: time the editor took before calling is already waited', async () => {
    let clock = 1000;
    const waits: number[] = [];
    const engine = new CompletionEngine({
      session: () => service.sessionFor('gemma4:e4b'), context: NO_CONTEXT, redactor: REDACTOR, logger: new MemoryLogger(),
      settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 300 },
      now: () => clock,
      sleep: async (ms) => { waits[waits.length - 1] += ms; clock += ms; },
    });
    const complete = async (req: Parameters<CompletionEngine['complete']>[0]) => {
      waits.push(0);
      await engine.complete(req);
    };
    fake.reply({ response: 'a;' });
    await complete({ ...at('x'), typedAt: clock - 120 });
    fake.reply({ response: 'b;' });
    await complete({ ...at('y'), typedAt: clock - 400 });
    fake.reply({ response: 'c;' });
    await complete({ ...at('z') });
    fake.reply({ response: 'd;' });
    await complete({ ...at('w'), typedAt: clock + 50 });
    assert.deepEqual(waits, [180, 0, 300, 300], 'called 120 ms late: waits 180; 400 ms late: no wait; unknown or implausible time: the whole debounce');
  });

  it('the prompt is made during the debounce\'s last 100 ms, so the request leaves as the debounce ends', async () => {
    let clock = 1000;
    const events: string[] = [];
    let asked!: () => void;
    const contextAsked = new Promise<void>((resolve) => { asked = resolve; });
    const context = { contextFor: async () => { events.push(`context at ${clock}`); asked(); return []; } };
    const engine = new CompletionEngine({
      session: () => service.sessionFor('gemma4:e4b'), context, redactor: REDACTOR, logger: new MemoryLogger(),
      settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 300 },
      now: () => clock,
      sleep: async (ms) => {
        events.push(`sleep ${ms}`);
        // The last stretch lasts until the context is asked for (or 2 s, when it is not asked for in it).
        if (ms === 100) await Promise.race([contextAsked, new Promise((r) => setTimeout(r, 2000))]);
        clock += ms;
        events.push('slept');
      },
    });
    fake.reply({ response: 'a;' });
    const o = await engine.complete({ ...at('x'), typedAt: clock });
    assert.equal(o.text, 'a;');
    assert.deepEqual(events, ['sleep 200', 'slept', 'sleep 100', 'context at 1200', 'slept'], 'context asked for 100 ms before the debounce ends, while the last 100 ms pass');

    // A key within the last 100 ms: the prompt made ahead is dropped and nothing is sent.
    events.length = 0;
    const before = fake.requests.length;
    const controller = new AbortController();
    const cancelling = new CompletionEngine({
      session: () => service.sessionFor('gemma4:e4b'), context, redactor: REDACTOR, logger: new MemoryLogger(),
      settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 300 },
      now: () => clock,
      sleep: async (ms, signal) => {
        events.push(`sleep ${ms}`);
        clock += ms;
        if (ms === 100) controller.abort();
        if (signal?.aborted) throw new Error('aborted');
      },
    });
    const c = await cancelling.complete({ ...at('y'), typedAt: clock, signal: controller.signal });
    assert.equal(c.text, undefined);
    assert.match(c.reason ?? '', /cancelled while waiting/);
    assert.equal(fake.requests.length, before, 'no request left');
  });

  it('repository context that does not come within its wait is left out, and the request still leaves', async () => {
    const logger = new MemoryLogger();
    const never = { contextFor: () => new Promise<never>(() => undefined) };
    const engine = new CompletionEngine({ session: () => service.sessionFor('gemma4:e4b'), context: never, redactor: REDACTOR, logger, settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 0 } });
    fake.reply({ response: 'a + b;' });
    const o = await engine.complete(at(''));
    assert.equal(o.text, 'a + b;');
    assert.deepEqual(o.contextItems, []);
    assert.ok(logger.lines.some((l) => /repository context took over 150 ms; sent without it/.test(l)));
  });

  it('the windows are cut the same way while the session\'s token estimate learns from each reply', async () => {
    const engine = engineFor(service);
    const body = Array.from({ length: 3000 }, (_, i) => `  const value${i} = compute(${i}, "${'x'.repeat(i % 17)}");`).join('\n');
    const doc = (typed: string) => `function main() {\n${body}\n  ${typed}\n${body}\n}\n`;
    const prompts: string[] = [];
    for (const typed of ['r', 're', 'res', 'resu']) {
      fake.reply({ response: 'lt;' });
      const text = doc(typed);
      await engine.complete({ document: 'file:///big.ts', cursor: cursorFromText(text, 3001, 2 + typed.length, 'big.ts'), trigger: 'automatic' });
      prompts.push(String(generates(fake).at(-1)?.body.prompt));
    }
    assert.equal(prompts.length, 4);
    const starts = prompts.map((p) => p.slice(p.indexOf('<before>\n'), p.indexOf('<before>\n') + 80));
    const afters = prompts.map((p) => p.slice(p.indexOf('<after>'), p.indexOf('</after>')));
    for (let i = 1; i < 4; i++) {
      assert.equal(starts[i], starts[0], `request ${i + 1}: the window before the cursor starts where it did`);
      assert.equal(afters[i], afters[0], `request ${i + 1}: the code below is cut where it was`);
    }
  });

  it('a warm-up where the cursor came to rest prefills the server\'s cache: the first keystroke there re-reads only the tail', async () => {
    const engine = engineFor(service);
    const body = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i});`).join('\n');
    const doc = (typed: string) => `function main() {\n${body}\n  ${typed}\n}\n`;
    const at = (typed: string) => ({ document: 'file:///warm.ts', cursor: cursorFromText(doc(typed), 401, 2 + typed.length, 'warm.ts'), trigger: 'automatic' as const });
    fake.reply({ response: 'x' });
    assert.equal(await engine.warm(at('')), 'sent');
    const warm = generates(fake).at(-1)!;
    assert.equal(warm.body.options?.num_predict, 1, 'one token: only the prefill matters');
    assert.equal(await engine.warm(at('')), 'unchanged', 'nothing new to prefill: no request');
    assert.equal(generates(fake).length, 1);
    fake.reply({ response: 'esult;' });
    const o = await engine.complete(at('r'));
    assert.equal(o.text, 'esult;');
    const first = generates(fake).at(-1)!;
    assert.ok(first.promptTokens! > 1000, `a long prompt (${first.promptTokens} tokens)`);
    assert.ok(first.promptTokens! - first.cachedTokens! <= 64, `the first keystroke re-read ${first.promptTokens! - first.cachedTokens!} of ${first.promptTokens} tokens`);
  });

  it('a second warm-up for the prompt being sent leaves the first one running, and the document counts as known from the first', async () => {
    const engine = engineFor(service);
    const body = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i});`).join('\n');
    const doc = (typed: string) => `function main() {\n${body}\n  ${typed}\n}\n`;
    const at = (typed: string) => ({ document: 'file:///twice.ts', cursor: cursorFromText(doc(typed), 401, 2 + typed.length, 'twice.ts'), trigger: 'automatic' as const });
    assert.equal(engine.knows('file:///twice.ts'), false);
    fake.setLatency({ prefillTokensPerSec: 2000 });
    try {
      fake.reply({ response: 'x' });
      const first = engine.warm(at(''));
      assert.equal(engine.knows('file:///twice.ts'), true, 'known while its warm-up is prepared');
      await fake.waitForRequest((r) => r.path === '/api/generate' && r.body.options?.num_predict === 1);
      assert.equal(await engine.warm(at('r')), 'unchanged', 'the same stable parts are being prefilled');
      assert.equal(await first, 'sent', 'the first warm-up was not cancelled by the second');
      assert.equal(generates(fake).length, 1);
      assert.equal(engine.knows('file:///twice.ts'), true);
    } finally {
      fake.setLatency({ prefillTokensPerSec: Infinity });
    }
  });

  it('a warm-up never runs beside a completion, and a completion elsewhere stops it', async () => {
    const engine = engineFor(service);
    fake.setLatency({ decodeTokensPerSec: 20 });
    fake.reply({ response: 'a + b; // and a long tail of words' });
    const running = engine.complete(at(''));
    await fake.waitForRequest((r) => r.path === '/api/generate');
    assert.equal(await engine.warm({ ...at('x'), document: 'file:///other.ts' }), 'busy');
    await running;
    fake.setLatency({ prefillTokensPerSec: 50 });
    fake.reply({ response: 'z' });
    const warming = engine.warm({ ...at(''), document: 'file:///slow.ts' });
    await fake.waitForRequest((r) => r.path === '/api/generate' && r.body.options?.num_predict === 1);
    fake.reply({ response: 'q;' });
    const elsewhere = engine.complete({ ...at('q'), document: 'file:///elsewhere.ts' });
    assert.equal(await warming, 'cancelled');
    await elsewhere;
    fake.setLatency({ prefillTokensPerSec: Infinity });
  });

  it('a call that arrives after its debounce is over still yields to a cancellation already queued behind it', async () => {
    const engine = engineFor(service); // no debounce: every call finds it over
    const controller = new AbortController();
    const late = engine.complete({ ...at('x'), signal: controller.signal });
    // The next keystroke's cancellation, queued as a macrotask behind the late call.
    setTimeout(() => controller.abort(), 0);
    const o = await late;
    assert.equal(o.reason, 'cancelled');
    assert.equal(generates(fake).length, 0, 'no request for the position typed past');
  });

  it('a line that ends by opening a block inside brackets keeps the cursor between the braces, also when typed through', async () => {
    const engine = engineFor(service);
    const doc = 'function f(xhr: any) {\n  xhr.on()\n}\n';
    const at = (typed: string): CompletionRequest => ({ document: 'file:///on.ts', cursor: cursorFromText(doc.replace('on()', `on(${typed})`), 1, 9 + typed.length, 'on.ts'), trigger: 'automatic' });
    fake.reply({ response: 'type, () => {\n    go();\n  });' });
    const o = await engine.complete(at(''));
    assert.deepEqual([o.text, o.caretBack, o.replaces], ['type, () => {}', 1, undefined]);
    const through = await engine.complete(at('type, '));
    assert.deepEqual([through.source, through.text, through.caretBack], ['cache', '() => {}', 1]);
    assert.equal(generates(fake).length, 1);
  });

  it('inside auto-closed brackets: shown over the `)` it writes again, then typed through and over it without a request', async () => {
    const engine = engineFor(service);
    // VS Code's auto-closing: typing `add(` gave `add()` with the cursor between the brackets.
    const doc = `${FILE}\nconst sum = add(█)\nconsole.log(sum);\n`;
    const inCall = (typed: string, overtyped = 0): CompletionRequest => {
      const text = doc.replace('█)', typed + ')'.slice(overtyped));
      const lines = doc.split('\n');
      const line = lines.findIndex((l) => l.includes('█'));
      return { document: 'file:///sum.ts', cursor: cursorFromText(text, line, lines[line].indexOf('█') + typed.length, 'sum.ts'), trigger: 'automatic' };
    };
    /** The cursor's line after Tab, as the editor applies an item over (cursor, cursor + replaces). */
    const accepted = (r: CompletionRequest, o: { text?: string; replaces?: number }) =>
      r.cursor.linePrefix + (o.text ?? '') + r.cursor.lineSuffix.slice(o.replaces ?? 0);

    fake.reply({ response: '1, 2);\nconsole.log(sum);' });
    const first = inCall('');
    const o = await engine.complete(first);
    assert.equal(o.text, '1, 2);');
    assert.equal(o.replaces, 1);
    assert.equal(accepted(first, o), 'const sum = add(1, 2);');
    const prompt = String(generates(fake)[0].body.prompt);
    assert.ok(prompt.includes('const sum = add(<CURSOR>)\n</before>') && prompt.includes('<after>\nconsole.log(sum);'), 'the `)` follows the cursor marker, at the end of the prompt');

    const typing = inCall('1, ');
    const through = await engine.complete(typing);
    assert.deepEqual([through.source, through.text, through.replaces], ['cache', '2);', 1]);
    assert.equal(accepted(typing, through), 'const sum = add(1, 2);');
    // Typing `)` moves over the auto-closed one: the rest, the `;`, is inserted.
    const over = inCall('1, 2)', 1);
    assert.equal(over.cursor.lineSuffix, '');
    const afterOver = await engine.complete(over);
    assert.deepEqual([afterOver.source, afterOver.text, afterOver.replaces], ['cache', ';', undefined]);
    assert.equal(accepted(over, afterOver), 'const sum = add(1, 2);');
    assert.equal(generates(fake).length, 1, 'one request for the whole line');

    // The model writes only what goes in front of the `)`: a plain insertion.
    fake.reply({ response: '3, 4)' });
    const again = await engineFor(service).complete({ ...first, document: 'file:///other.ts' });
    assert.deepEqual([again.text, again.replaces], ['3, 4', undefined]);
    assert.equal(accepted(first, again), 'const sum = add(3, 4)');
  });

  it('silence when the model has nothing useful to add, and no throw when the server is gone', async () => {
    const engine = engineFor(service);
    fake.reply({ response: '   \n\n' });
    const o = await engine.complete(at(''));
    assert.equal(o.text, undefined);
    assert.equal(o.error, undefined);
    const dead = new FakeOllama();
    const url = await dead.start(0);
    const { service: s2 } = serviceFor(url);
    await s2.sessionFor('gemma4:e4b');
    await dead.stop();
    const o2 = await engineFor(s2).complete(at(''));
    assert.equal(o2.text, undefined);
    assert.equal(o2.error?.reason, 'unreachable');
  });
});

describe('completion engine: routes on the wire', () => {
  const h = useFakeOllama();
  let fake: FakeOllama;
  let service: ModelService;
  before(async () => {
    ({ fake, service } = h);
    await service.backend.pull('llama3.2:1b', new AbortController().signal)[Symbol.asyncIterator]().next();
  });

  const last = (): RecordedRequest => generates(fake).at(-1)!;

  it('small Gemma 4: raw, think:false, no suffix, num_ctx and keep_alive as every other request', async () => {
    fake.reply({ response: 'a + b;' });
    await engineFor(service, 'gemma4:e2b').complete(at(''));
    const b = last().body;
    assert.equal(b.raw, true);
    assert.equal(b.think, false);
    assert.equal(b.suffix, undefined);
    assert.equal(b.options.num_ctx, 32768);
    assert.equal(b.keep_alive, '30m');
    assert.ok(b.prompt.endsWith('<|turn>model\n  return '));
    assert.ok(b.options.stop.includes('<turn|>'));
  });

  it('large Gemma 4: the empty thought block', async () => {
    fake.reply({ response: 'a + b;' });
    await engineFor(service, 'gemma4:26b').complete(at(''));
    assert.ok(last().body.prompt.endsWith('<|turn>model\n<|channel>thought\n<channel|>  return '));
  });

  it('a FIM model gets native suffix and no think', async () => {
    fake.reply({ response: 'a + b;' });
    const o = await engineFor(service, 'qwen2.5-coder:1.5b').complete(at(''));
    assert.equal(o.route, 'insert');
    const b = last().body;
    assert.equal(b.suffix, '\n}\n');
    assert.ok(!('think' in b));
    assert.ok(!b.raw);
    assert.equal(o.text, 'a + b;');
  });

  it('a model with neither: /api/chat with the instruction', async () => {
    // llama3.2:1b is neither thinking nor FIM; the pull above installed it.
    for await (const _ of service.backend.pull('llama3.2:1b', new AbortController().signal)) { /* finish the pull */ }
    fake.reply({ response: 'a + b;' });
    const o = await engineFor(service, 'llama3.2:1b').complete(at(''));
    assert.equal(o.route, 'chat');
    assert.equal(last().path, '/api/chat');
    assert.ok(!('think' in last().body));
    assert.equal(o.text, 'a + b;');
  });
});

describe('completions run ahead of queued review work', () => {
  it('a completion queued behind a running review goes before the review queued earlier', async () => {
    const fake = new FakeOllama({ latency: { decodeTokensPerSec: 100 } });
    try {
      const { service } = serviceFor(await fake.start(0));
      const review = await service.session('review');
      fake.reply({ response: 'review one '.repeat(20) });
      const r1 = review.complete({ kind: 'generate', feature: 'review', prompt: 'review 1' });
      await fake.waitForRequest((r) => r.body?.prompt === 'review 1');
      fake.reply({ response: 'review two' });
      const r2 = review.complete({ kind: 'generate', feature: 'review', prompt: 'review 2' });
      fake.reply({ response: 'a + b;' });
      const c = engineFor(service).complete(at(''));
      await Promise.all([r1, r2, c]);
      const order = generates(fake).map((r) => (r.body.raw ? 'completion' : r.body.prompt));
      assert.deepEqual(order, ['review 1', 'completion', 'review 2']);
    } finally {
      await fake.stop();
    }
  });
});

describe('completion engine: slowness is measured and reported', () => {
  const h = useFakeOllama({ latency: { decodeTokensPerSec: 50 } });

  it('reports slow once the median of recent completions passes the limit, and recovers', async () => {
    const engine = new CompletionEngine({
      session: () => h.service.sessionFor('gemma4:e4b'), context: NO_CONTEXT, redactor: REDACTOR, logger: new MemoryLogger(),
      settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 0, slowMs: 60 },
    });
    const seen: Array<[boolean, number]> = [];
    engine.onLatency((slow, median) => seen.push([slow, median]));
    for (let i = 0; i < 3; i++) {
      h.fake.reply({ response: 'a + b + c + d;' }); // ~8 tokens at 50 tok/s ≈ 160 ms
      await engine.complete({ ...at(''), document: `slow-${i}` });
    }
    assert.deepEqual(seen.map(([slow]) => slow), [false, false, true], 'slow after three measured completions');
    assert.ok(seen[2][1] > 60);
    h.fake.setLatency({ decodeTokensPerSec: Infinity });
    for (let i = 0; i < 6; i++) {
      h.fake.reply({ response: 'a;' });
      await engine.complete({ ...at(''), document: `fast-${i}` });
    }
    assert.equal(seen.at(-1)?.[0], false, 'fast again: the status clears');
  });
});
