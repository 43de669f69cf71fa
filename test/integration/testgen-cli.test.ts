// `hearth tests` against the fake Ollama on a Vitest project made here (its node_modules linked to
// this repository's, where Vitest and @vitest/coverage-v8 are installed), with the real framework
// detection and the real runner: the --json shape exactly, each outcome with its reason, coverage
// gain measured against the existing tests, --write merging the kept tests into the test file, and
// the exit codes: 0 when the pipeline ran, 2 when it could not (no framework, server unreachable,
// an unreadable answer), with the reason on stderr.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import { runCli } from '../../src/cli/main';

const REPO = resolve(__dirname, '..', '..');

const SOURCE = [
  'export function add(a: number, b: number): number {', // 1
  '  return a + b;', // 2
  '}', // 3
  '', // 4
  '/** Integer division; throws on a zero divisor. */', // 5
  'export function divide(a: number, b: number): number {', // 6
  '  if (b === 0) {', // 7
  "    throw new RangeError('division by zero');", // 8
  '  }', // 9
  '  return Math.floor(a / b) + 1;', // 10: off by one, on purpose
  '}', // 11
  '',
].join('\n');

const EXISTING = "import { describe, expect, it } from 'vitest';\nimport { add } from './math';\n\ndescribe('add', () => {\n  it('adds two numbers', () => {\n    expect(add(1, 2)).toBe(3);\n  });\n});\n";

const BATCH = {
  imports: "import { it, expect } from 'vitest';\nimport { divide } from './math';",
  tests: [
    { name: 'divide throws on zero', code: "it('divide throws on zero', () => {\n  expect(() => divide(1, 0)).toThrow(RangeError);\n});" },
    { name: 'divide floors the quotient', code: "it('divide floors the quotient', () => {\n  expect(divide(7, 2)).toBe(3);\n});" },
    { name: 'divide typo', code: "it('divide typo', () => {\n  expect(divide(1, 1).toBe(1);\n});" },
  ],
};

const userTurn = (r: RecordedRequest): string => (r.body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'user').map((m) => m.content).join('\n');

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('hearth tests', () => {
  let fake: FakeOllama;
  let root: string;
  let cache: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { XDG_CACHE_HOME: cache } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  before(async () => {
    fake = new FakeOllama();
    await fake.start(0);
    cache = mkdtempSync(join(tmpdir(), 'hearth-tests-cache-'));
    root = mkdtempSync(join(tmpdir(), 'hearth-tests-cli-'));
    write('package.json', JSON.stringify({ name: 'calc', private: true, type: 'module', devDependencies: { vitest: '^4.0.0', '@vitest/coverage-v8': '^4.0.0' } }, null, 2));
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    write('src/math.ts', SOURCE);
    write('src/math.test.ts', EXISTING);
  });
  after(async () => {
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.clearLog();
    fake.setDefaultReply((req) => ({
      response: JSON.stringify(userTurn(req).includes('<failure>')
        ? { imports: BATCH.imports, tests: [BATCH.tests[1]] } // the model insists: the code is what is wrong
        : BATCH),
    }));
  });

  it('--json: exactly {framework, testFile, kept, dropped}; the kept test with its runs and coverage gain; exit 0', async () => {
    const r = await cli('--host', fake.url, 'tests', join(root, 'src/math.ts') + ':7', '--repo', root, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['framework', 'testFile', 'kept', 'dropped']);
    assert.equal(j.framework, 'vitest');
    assert.equal(j.testFile, 'src/math.test.ts');
    assert.equal(j.kept.length, 1);
    assert.deepEqual(Object.keys(j.kept[0]), ['name', 'runs', 'passed', 'coverageGain']);
    assert.equal(j.kept[0].name, 'divide throws on zero');
    assert.equal(j.kept[0].runs, 3);
    assert.equal(j.kept[0].passed, 3);
    // Lines 6-8 of divide run by the kept test; the existing tests (add only) run none of them.
    assert.equal(typeof j.kept[0].coverageGain, 'number');
    assert.ok(j.kept[0].coverageGain >= 2, `coverage gain ${j.kept[0].coverageGain}`);
    const dropped = Object.fromEntries(j.dropped.map((d: { name: string }) => [d.name, d]));
    assert.deepEqual(Object.keys(dropped).sort(), ['divide floors the quotient', 'divide typo']);
    for (const d of j.dropped) assert.deepEqual(Object.keys(d), ['name', 'reason', 'possibleBug']);
    assert.equal(dropped['divide floors the quotient'].possibleBug, true);
    assert.match(dropped['divide floors the quotient'].reason, /assertion[\s\S]*expected 4 to be 3/);
    assert.doesNotMatch(dropped['divide floors the quotient'].reason, /^\s+at /m, 'no stack frames');
    assert.equal(dropped['divide typo'].possibleBug, false);
    assert.match(dropped['divide typo'].reason, /does not parse/);

    // The target at line 7 is divide, with its doc comment; nothing was written; no scratch file is left.
    const first = userTurn(fake.requests.find((q) => q.path === '/api/chat')!);
    assert.match(first, /lines="6-11"/);
    assert.match(first, /Integer division; throws on a zero divisor/);
    assert.equal(readFileSync(join(root, 'src/math.test.ts'), 'utf8'), EXISTING);
    assert.deepEqual(readdirSync(join(root, 'src')).sort(), ['math.test.ts', 'math.ts']);
  });

  it('--write merges the kept test into the test file; text output names outcomes and possible bugs', async () => {
    const r = await cli('--host', fake.url, 'tests', join(root, 'src/math.ts') + ':7', '--repo', root, '--write');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /✓ divide throws on zero: passed 3\/3/);
    assert.match(r.out, /Possible bugs[\s\S]*! divide floors the quotient/);
    assert.match(r.out, /written to src\/math\.test\.ts/);
    const written = readFileSync(join(root, 'src/math.test.ts'), 'utf8');
    assert.ok(written.startsWith("import { describe, expect, it } from 'vitest';\nimport { add, divide } from './math';\n"), written);
    assert.ok(written.includes("it('adds two numbers'"));
    assert.ok(written.trimEnd().endsWith("expect(() => divide(1, 0)).toThrow(RangeError);\n});"));
    assert.ok(!written.includes('floors'));
    writeFileSync(join(root, 'src/math.test.ts'), EXISTING);
  });

  it('exit 2 with the reason when no framework can be decided, the server cannot be reached, or the answer is unreadable', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'hearth-tests-bare-'));
    try {
      writeFileSync(join(bare, 'package.json'), '{ "name": "bare" }\n');
      writeFileSync(join(bare, 'util.js'), 'export const one = () => 1;\n');
      const none = await cli('--host', fake.url, 'tests', join(bare, 'util.js'));
      assert.equal(none.code, 2);
      assert.match(none.err, /no test framework could be decided for util\.js: .*vitest, jest, mocha/);
      assert.equal(fake.requests.filter((q) => q.path === '/api/chat').length, 0);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }

    const down = await cli('--host', `http://127.0.0.1:${await closedPort()}`, 'tests', join(root, 'src/math.ts'), '--repo', root);
    assert.equal(down.code, 2);
    assert.match(down.err, /Tests not generated: .*(reach|connect|running)/i);

    fake.setDefaultReply(() => ({ response: 'Here are some tests: it(...)' }));
    const garbled = await cli('--host', fake.url, 'tests', join(root, 'src/math.ts'), '--repo', root, '--json');
    assert.equal(garbled.code, 2);
    assert.equal(garbled.out, '');
    assert.match(garbled.err, /Tests not generated: /);
    assert.equal(fake.requests.filter((q) => q.path === '/api/chat').length, 2, 'asked once more, then gave up');

    const usage = await cli('--host', fake.url, 'tests', join(root, 'src/nope.ts'));
    assert.equal(usage.code, 2);
    assert.match(usage.err, /no such file/);
  });
});
