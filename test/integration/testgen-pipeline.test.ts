// The generate → check → run → repair → flake-check loop of test generation, through the
// orchestrator (src/node/testgen/generate.ts) against the fake Ollama with scripted replies, on a
// node:test project made here and run for real (test/support/nodeTestRunner.ts: `node --test`, the
// process group killed after each run). One batch holds a test that passes, one that fails and is
// repaired, one that never passes on an assertion (a possible bug: the code is wrong), one flaky,
// one that does not parse, and one that hangs after starting a child process. Each outcome is
// asserted, and that no process, scratch file or change to the user's test file is left behind;
// credentials in the source never reach the server; in an untrusted workspace nothing runs.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import type { FrameworkChoice, Placement } from '../../src/core/testgen/types';
import { generateTests, type FrameworkDetector, type GenerateTestsResult } from '../../src/node/testgen/generate';
import { TreeSitterSyntaxChecker } from '../../src/node/testgen/syntax';
import { PrivacyGate } from '../../src/node/privacy/gate';
import { SecretlintRedactor } from '../../src/node/privacy/redact';
import { serviceFor } from '../support/model';
import { NodeTestRunner } from '../support/nodeTestRunner';
import { AWS_ID } from '../support/plantedRepo';

const SOURCE = [
  '/** Adds two numbers. */',
  'export function add(a, b) {',
  '  return a + b;',
  '}',
  '',
  '/** The mean of a list of numbers; 0 for an empty list. */',
  'export function mean(xs) {',
  '  return xs.reduce((s, x) => s + x, 0) / xs.length;',
  '}',
  '',
  `export const aws_access_key_id = '${AWS_ID}';`,
  '',
].join('\n');

const EXISTING = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { add } from '../src/calc.js';",
  '',
  "test('add adds', () => {",
  '  assert.equal(add(1, 1), 2);',
  '});',
  '',
].join('\n');

const CHOICE: FrameworkChoice = { framework: 'node:test', language: 'javascript', projectDir: '', evidence: 'test/calc.test.js imports node:test' };
const PLACEMENT: Placement = { testFile: 'test/calc.test.js', testFileExists: true, scratchFile: 'src/calc.hearth-scratch-t1.test.js' };

/** A mark in the command line of the child process the hanging test starts. */
const MARK = `hearth-testgen-hang-${process.pid}-${Date.now()}`;

function batch(counter: string) {
  return {
    // Written for the test file in test/: the loop moves the relative path to the scratch file's folder.
    imports: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add, mean } from '../src/calc.js';",
    tests: [
      { name: 'add sums two numbers', code: "test('add sums two numbers', () => {\n  assert.equal(add(2, 3), 5);\n});" },
      { name: 'add handles negatives', code: "test('add handles negatives', () => {\n  assert.equal(add(-1, -2), -4);\n});" },
      { name: 'mean of an empty list is 0', code: "test('mean of an empty list is 0', () => {\n  assert.equal(mean([]), 0);\n});" },
      {
        name: 'add is stable',
        code: `test('add is stable', async () => {\n  const fs = await import('node:fs');\n  const n = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;\n  fs.writeFileSync(${JSON.stringify(counter)}, String(n));\n  assert.ok(n <= 2, 'run ' + n);\n});`,
      },
      { name: 'add with a typo', code: "test('add with a typo', () => {\n  assert.equal(add(1, 2), 3;\n});" },
      {
        name: 'add waits for a server',
        code: `test('add waits for a server', async () => {\n  const { spawn } = await import('node:child_process');\n  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(MARK)}], { stdio: 'ignore' });\n  await new Promise(() => {});\n});`,
      },
    ],
  };
}

/** The repair: the negatives test corrected; the mean test sent back unchanged (the code is what is wrong). */
const REPAIR = {
  imports: "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add, mean } from '../src/calc.js';",
  tests: [
    { name: 'add handles negatives', code: "test('add handles negatives', () => {\n  assert.equal(add(-1, -2), -3);\n});" },
    { name: 'mean of an empty list is 0', code: "test('mean of an empty list is 0', () => {\n  assert.equal(mean([]), 0);\n});" },
  ],
};

const userTurn = (r: RecordedRequest): string => (r.body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
const isChat = (r: RecordedRequest) => r.path === '/api/chat';

/** Pids whose command line holds `mark`. */
function processesWith(mark: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(mark)) out.push(Number(p));
    } catch {
      // gone
    }
  }
  return out;
}

describe('test generation loop against the fake Ollama, run with node:test', () => {
  let fake: FakeOllama;
  let root: string;
  let counter: string;
  const syntax = new TreeSitterSyntaxChecker();
  const detect: FrameworkDetector = async () => ({ framework: CHOICE, placement: PLACEMENT });

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  before(async () => {
    fake = new FakeOllama();
    await fake.start(0);
    root = mkdtempSync(join(tmpdir(), 'hearth-testgen-'));
    write('package.json', '{ "type": "module" }\n');
    write('src/calc.js', SOURCE);
    write(PLACEMENT.testFile, EXISTING);
    counter = join(root, 'flaky-counter');
  });
  after(async () => {
    syntax.dispose();
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.clearLog();
    rmSync(counter, { force: true });
    fake.setDefaultReply((req) => ({ response: JSON.stringify(userTurn(req).includes('<failure>') ? REPAIR : batch(counter)) }));
  });

  const run = async (allowExecution: boolean, runner: NodeTestRunner): Promise<GenerateTestsResult> => {
    const { service } = serviceFor(fake.url);
    return generateTests({
      root, file: 'src/calc.js', gate: new PrivacyGate(root), redactor: new SecretlintRedactor(),
      session: () => service.session('tests'), detect, runner, syntax, allowExecution, timeoutMs: 5000,
    });
  };

  it('keeps what passes 3 of 3, repairs what failed, drops the possible bug, the flaky, the unparsable and the hanging test with their reasons', async () => {
    const runner = new NodeTestRunner();
    const result = await run(true, runner);
    assert.ok(result.ok, !result.ok ? result.reason : '');
    const { report } = result;

    assert.deepEqual(report.kept.map((k) => [k.name, k.runs, k.passed]), [
      ['add sums two numbers', 3, 3],
      ['add handles negatives', 3, 3],
    ]);
    assert.match(report.kept[1].code, /-3\)/, 'the repaired code is kept');
    const dropped = new Map(report.dropped.map((d) => [d.name, d]));
    assert.deepEqual([...dropped.keys()].sort(), ['add is stable', 'add waits for a server', 'add with a typo', 'mean of an empty list is 0']);
    assert.match(dropped.get('add with a typo')!.reason, /^does not parse: line 2/);
    assert.equal(dropped.get('add with a typo')!.possibleBug, false);
    assert.match(dropped.get('mean of an empty list is 0')!.reason, /assertion after 2 repair turns: possibly a bug/);
    assert.match(dropped.get('mean of an empty list is 0')!.reason, /NaN/);
    assert.equal(dropped.get('mean of an empty list is 0')!.possibleBug, true);
    assert.match(dropped.get('add is stable')!.reason, /^flaky: passed [0-2] of 3 runs/);
    assert.equal(dropped.get('add is stable')!.possibleBug, false);
    assert.match(dropped.get('add waits for a server')!.reason, /did not finish within 5 s/);
    assert.equal(dropped.get('add waits for a server')!.possibleBug, false);
    assert.match(report.coverageNote ?? '', /measures no coverage/);

    // The model was asked once and repaired twice; the second repair only for what still failed.
    const chats = fake.requests.filter(isChat);
    assert.equal(report.requests, 3);
    assert.equal(chats.length, 3);
    assert.match(userTurn(chats[1]), /<test name="add handles negatives">/);
    assert.match(userTurn(chats[1]), /<test name="mean of an empty list is 0">[\s\S]*<failure>\n[^<]*NaN/);
    assert.ok(!userTurn(chats[2]).includes('<test name="add handles negatives">'), 'a repaired test is not sent again');
    for (const c of chats) {
      assert.equal(c.body.format.required.join(','), 'imports,tests');
      assert.equal(c.body.think, true, 'a thinking model thinks (explicitly)');
    }
    const sent = JSON.stringify(fake.requests.map((q) => q.body));
    assert.ok(!sent.includes(AWS_ID), 'the credential in the source never reaches the server');
    assert.match(sent, /\[redacted [^\]]+\]/);
    assert.match(sent, /add\(1, 1\)/, 'the existing test file is the style example');

    // Each run was the scratch file next to the source, with the import moved there; the one that hung was isolated.
    assert.ok(runner.runs.every((r) => r.scratchFile === PLACEMENT.scratchFile && r.timeoutMs === 5000));
    assert.match(runner.runs[0].content, /from '\.\/calc\.js'/);
    assert.ok(runner.runs.some((r) => r.names.length === 1 && r.names[0] === 'add waits for a server'), 'the hanging test was run alone');

    // Nothing left: no scratch file, no process the tests started, the user's test file as it was.
    assert.deepEqual(readdirSync(join(root, 'src')), ['calc.js']);
    assert.deepEqual(processesWith(MARK), []);
    assert.equal(readFileSync(join(root, PLACEMENT.testFile), 'utf8'), EXISTING);

    // What --write would write: the existing file, the kept tests after it, imports merged.
    assert.ok(result.merged.startsWith("import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add, mean } from '../src/calc.js';\n"));
    assert.ok(result.merged.includes("test('add adds'"));
    assert.ok(result.merged.trimEnd().endsWith("assert.equal(add(-1, -2), -3);\n});"));
    assert.ok(!result.merged.includes('mean of an empty list'));
  });

  it('in an untrusted workspace the tests are generated and parsed, never run, and the report says why', async () => {
    const runner = new NodeTestRunner();
    const result = await run(false, runner);
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(runner.runs.length, 0);
    assert.equal(existsSync(counter), false);
    assert.match(result.report.executionRefused ?? '', /not trusted/);
    assert.deepEqual(result.report.kept, []);
    assert.deepEqual(result.report.unverified?.map((t) => t.name), ['add sums two numbers', 'add handles negatives', 'mean of an empty list is 0', 'add is stable', 'add waits for a server']);
    assert.deepEqual(result.report.dropped.map((d) => d.name), ['add with a typo']);
    assert.equal(fake.requests.filter(isChat).length, 1);
  });
});
