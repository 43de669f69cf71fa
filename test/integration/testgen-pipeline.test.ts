// The generate → check → run → repair → flake-check loop of test generation, through the
// orchestrator (src/node/testgen/generate.ts) against the fake Ollama with scripted replies, with the
// real framework detection and the real runner on a copy of the Vitest fixture
// (test/fixtures/testgen/vitest-ts, its node_modules linked to this repository's). One batch holds a
// test that passes, one that fails and is repaired, one that never passes on an assertion (a
// possible bug), one flaky, one that does not parse, and one that hangs after starting a child
// process. Each outcome is asserted, and that no process, scratch file or change to the user's test
// file is left behind; credentials in the source never reach the server; in an untrusted workspace
// nothing runs.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import type { RunRequest, TestRunner } from '../../src/core/testgen/types';
import { PrivacyGate } from '../../src/node/privacy/gate';
import { SecretlintRedactor } from '../../src/node/privacy/redact';
import { generateTests, type GenerateTestsResult } from '../../src/node/testgen/generate';
import { createTestRunner } from '../../src/node/testgen/runner';
import { TreeSitterSyntaxChecker } from '../../src/node/testgen/syntax';
import { serviceFor } from '../support/model';
import { AWS_ID } from '../support/plantedRepo';

const REPO = resolve(__dirname, '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'testgen', 'vitest-ts');
/** Longer than a cold Vitest run on a busy 2-core machine; the hanging test costs two of these. */
const RUN_TIMEOUT_MS = 20_000;

/** A mark in the command line of the child process the hanging test starts. */
const MARK = `hearth-testgen-hang-${process.pid}-${Date.now()}`;

function batch(counter: string) {
  return {
    imports: "import { it, expect } from 'vitest';\nimport { add, divide } from './math';",
    tests: [
      { name: 'divide divides', code: "it('divide divides', () => {\n  expect(divide(6, 3)).toBe(2);\n});" },
      { name: 'add handles negatives', code: "it('add handles negatives', () => {\n  expect(add(-1, -2)).toBe(-4);\n});" },
      { name: 'divide is integer division', code: "it('divide is integer division', () => {\n  expect(divide(7, 2)).toBe(3);\n});" },
      {
        name: 'add is stable',
        code: `it('add is stable', async () => {\n  const fs = await import('node:fs');\n  const n = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;\n  fs.writeFileSync(${JSON.stringify(counter)}, String(n));\n  expect(n).toBeLessThanOrEqual(2);\n});`,
      },
      { name: 'add with a typo', code: "it('add with a typo', () => {\n  expect(add(1, 2).toBe(3);\n});" },
      {
        name: 'add waits for a server',
        code: `it('add waits for a server', async () => {\n  const { spawn } = await import('node:child_process');\n  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(MARK)}], { stdio: 'ignore' });\n  await new Promise(() => {});\n}, 600_000);`,
      },
    ],
  };
}

/** The repair: the negatives test corrected; the division test sent back unchanged (it expects what the code does not do). */
const REPAIR = {
  imports: "import { expect, it } from 'vitest';\nimport { add, divide } from './math';",
  tests: [
    { name: 'add handles negatives', code: "it('add handles negatives', () => {\n  expect(add(-1, -2)).toBe(-3);\n});" },
    { name: 'divide is integer division', code: "it('divide is integer division', () => {\n  expect(divide(7, 2)).toBe(3);\n});" },
  ],
};

/** The real runner, with each request kept for the assertions. */
class RecordingRunner implements TestRunner {
  readonly runs: RunRequest[] = [];
  private readonly inner = createTestRunner();
  run(req: RunRequest) {
    this.runs.push(req);
    return this.inner.run(req);
  }
}

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

describe('test generation loop against the fake Ollama, with the real Vitest runner', () => {
  let fake: FakeOllama;
  let root: string;
  let counter: string;
  let existing: string;
  const syntax = new TreeSitterSyntaxChecker();

  before(async () => {
    fake = new FakeOllama();
    await fake.start(0);
    root = mkdtempSync(join(tmpdir(), 'hearth-testgen-'));
    cpSync(FIXTURE, root, { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    appendFileSync(join(root, 'src/math.ts'), `\nexport const aws_access_key_id = '${AWS_ID}';\n`);
    existing = readFileSync(join(root, 'src/math.test.ts'), 'utf8');
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

  const run = async (allowExecution: boolean, runner: TestRunner): Promise<GenerateTestsResult> => {
    const { service } = serviceFor(fake.url);
    return generateTests({
      root, file: 'src/math.ts', gate: new PrivacyGate(root), redactor: new SecretlintRedactor(),
      session: () => service.session('tests'), runner, syntax, allowExecution, // the real detection, by default
      timeoutMs: RUN_TIMEOUT_MS,
    });
  };

  it('keeps what passes 3 of 3, repairs what failed, drops the possible bug, the flaky, the unparsable and the hanging test with their reasons', async () => {
    const runner = new RecordingRunner();
    const result = await run(true, runner);
    assert.ok(result.ok, !result.ok ? result.reason : '');
    const { report } = result;
    assert.equal(report.framework, 'vitest');
    assert.equal(report.testFile, 'src/math.test.ts');

    assert.deepEqual(report.kept.map((k) => [k.name, k.runs, k.passed]), [
      ['divide divides', 3, 3],
      ['add handles negatives', 3, 3],
    ]);
    assert.match(report.kept[1].code, /toBe\(-3\)/, 'the repaired code is kept');
    const dropped = new Map(report.dropped.map((d) => [d.name, d]));
    assert.deepEqual([...dropped.keys()].sort(), ['add is stable', 'add waits for a server', 'add with a typo', 'divide is integer division']);
    assert.match(dropped.get('add with a typo')!.reason, /^does not parse: line 2/);
    assert.equal(dropped.get('add with a typo')!.possibleBug, false);
    assert.match(dropped.get('divide is integer division')!.reason, /assertion after 2 repair turns: possibly a bug[\s\S]*expected 3\.5 to be 3/);
    assert.equal(dropped.get('divide is integer division')!.possibleBug, true);
    assert.match(dropped.get('add is stable')!.reason, /^flaky: passed [0-2] of 3 runs/);
    assert.equal(dropped.get('add is stable')!.possibleBug, false);
    assert.match(dropped.get('add waits for a server')!.reason, /did not finish within 20 s/);
    assert.equal(dropped.get('add waits for a server')!.possibleBug, false);
    // Coverage of the target (the whole file): the kept tests run divide, which the existing tests do not.
    assert.equal(report.coverageNote, undefined);
    assert.ok((report.kept[0].coverageGain ?? 0) >= 2, `coverage gain ${report.kept[0].coverageGain}`);

    // The model was asked once and repaired twice; the second repair only for what still failed.
    const chats = fake.requests.filter(isChat);
    assert.equal(report.requests, 3);
    assert.equal(chats.length, 3);
    assert.match(userTurn(chats[1]), /<test name="add handles negatives">/);
    assert.match(userTurn(chats[1]), /<test name="divide is integer division">[\s\S]*<failure>\n[^<]*expected 3\.5 to be 3/);
    assert.ok(!userTurn(chats[2]).includes('<test name="add handles negatives">'), 'a repaired test is not sent again');
    for (const c of chats) {
      assert.equal(c.body.format.required.join(','), 'imports,tests');
      assert.equal(c.body.think, true, 'a thinking model thinks (explicitly)');
      assert.equal(c.body.options.temperature, 0.2);
    }
    const sent = JSON.stringify(fake.requests.map((q) => q.body));
    assert.ok(!sent.includes(AWS_ID), 'the credential in the source never reaches the server');
    assert.match(sent, /\[redacted [^\]]+\]/);
    assert.match(sent, /adds two numbers/, 'the existing test file is the style example');

    // Every run was the scratch file next to the source; the hanging test was run alone.
    assert.ok(runner.runs.every((r) => r.scratchFile === result.placement.scratchFile && r.timeoutMs === RUN_TIMEOUT_MS));
    assert.match(result.placement.scratchFile, /^src\/math\.hearth-scratch-[a-z0-9]+\.test\.ts$/);
    assert.ok(runner.runs.some((r) => r.names.length === 1 && r.names[0] === 'add waits for a server'), 'the hanging test was run alone');

    // Nothing left: no scratch file, no process the tests started, the user's test file as it was.
    assert.deepEqual(readdirSync(join(root, 'src')).sort(), ['math.test.ts', 'math.ts', 'strings.ts']);
    assert.deepEqual(processesWith(MARK), []);
    assert.equal(readFileSync(join(root, 'src/math.test.ts'), 'utf8'), existing);

    // What --write would write: the existing file, the kept tests after it, imports merged.
    assert.ok(result.merged.startsWith("import { describe, expect, it } from 'vitest';\nimport { add, divide } from './math';\n"), result.merged);
    assert.ok(result.merged.includes("it('adds two numbers'"));
    assert.ok(result.merged.trimEnd().endsWith("expect(add(-1, -2)).toBe(-3);\n});"));
    assert.ok(!result.merged.includes('integer division'));
  });

  it('in an untrusted workspace the tests are generated and parsed, never run, and the report says why', async () => {
    const runner = new RecordingRunner();
    const result = await run(false, runner);
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(runner.runs.length, 0);
    assert.equal(existsSync(counter), false);
    assert.match(result.report.executionRefused ?? '', /not trusted/);
    assert.deepEqual(result.report.kept, []);
    assert.deepEqual(result.report.unverified?.map((t) => t.name), ['divide divides', 'add handles negatives', 'divide is integer division', 'add is stable', 'add waits for a server']);
    assert.deepEqual(result.report.dropped.map((d) => d.name), ['add with a typo']);
    assert.equal(fake.requests.filter(isChat).length, 1);
  });
});
