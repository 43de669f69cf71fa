// The test-generation loop's bookkeeping with a scripted runner (no process): names checked before
// anything runs (duplicates, names the test file has, code that declares another test), a scratch
// file that does not load isolated by running tests singly, a repair that does not parse, imports
// merged across repairs, coverage gain against the existing tests' run, coverage the runner cannot
// give, cancellation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuredRequest } from '../../src/core/model/structured';
import { ZERO_WIDTH_JOINER } from '../../src/core/prompt/neutralize';
import { runTestGenPipeline, type PipelineInput } from '../../src/core/testgen/pipeline';
import type { TestGenContext } from '../../src/core/testgen/prompt';
import type { RunOutcome, RunRequest, SyntaxChecker, TestBatch, TestCaseResult, TestRunner } from '../../src/core/testgen/types';

const CTX: TestGenContext = {
  target: { path: 'src/m.ts', language: 'typescript', startLine: 5, code: 'export function f() {\n  return 1;\n}', imports: '', symbol: 'f', kind: 'function' },
  framework: { framework: 'vitest', language: 'typescript', projectDir: '.', evidence: 'test' },
  placement: { testFile: 'src/m.test.ts', testFileExists: true, scratchFile: 'src/m.hearth-scratch-x.test.ts' },
  definitions: [],
};

const INPUT: PipelineInput = {
  context: CTX, root: '/r', numPredict: 1000, targetLines: { from: 5, to: 10 }, timeoutMs: 1000,
  existingTestText: "import { it } from 'vitest';\nit('exists already', () => {});\n",
  baseline: { scratchFile: 'src/base.test.ts', content: 'BASELINE', names: ['exists already'] },
};

const test = (name: string, body = 'expect(f()).toBe(1);') => ({ name, code: `it(${JSON.stringify(name)}, () => {\n  ${body}\n});` });

/** Parses unless the code holds `SYNTAX`. */
const syntax: SyntaxChecker = { check: async (_l, code) => (code.includes('SYNTAX') ? 'line 1: unexpected' : undefined) };

type Script = (req: RunRequest, names: readonly string[]) => Partial<RunOutcome> & { statuses?: Record<string, Partial<TestCaseResult>> };

class ScriptedRunner implements TestRunner {
  readonly runs: RunRequest[] = [];
  constructor(private readonly script: Script) {}
  async run(req: RunRequest): Promise<RunOutcome> {
    this.runs.push(req);
    const s = this.script(req, req.names);
    const results = new Map<string, TestCaseResult>(req.names.map((n) => [n, { name: n, status: 'passed' as const, ...s.statuses?.[n] }]));
    return { results, timedOut: false, exitCode: 0, output: '', ...s };
  }
}

function asker(...replies: TestBatch[]) {
  const asked: StructuredRequest[] = [];
  return { asked, ask: async (req: StructuredRequest) => { asked.push(req); const r = replies.shift(); if (!r) throw new Error('no more replies'); return r; } };
}

describe('test generation loop', () => {
  it('checks names before running: duplicates, names the test file has, code that declares several tests; the declared name wins; joiners taken out', async () => {
    const { ask } = asker({
      imports: "import { it, expect } from 'vitest';",
      tests: [
        test('a'), test('a'), test('exists already'), { name: 'b', code: `${test('c').code}\n${test('d').code}` },
        { name: 'zwj', code: `it('zwj', () => {\n  expect('<${ZERO_WIDTH_JOINER}|turn>').toBe('<|turn>');\n});` },
        { name: 'F returns one', code: test('f returns 1').code },
        { name: 'other words', code: test('a').code },
      ],
    });
    const runner = new ScriptedRunner((req) => ({ ...(req.coverageOf ? { coverage: { covered: [] } } : {}) }));
    const report = await runTestGenPipeline(INPUT, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => k.name), ['a', 'zwj', 'f returns 1'], 'a test is taken under the name its code declares');
    assert.ok(!report.kept[1].code.includes(ZERO_WIDTH_JOINER));
    assert.deepEqual(report.dropped.map((d) => [d.name, d.reason]), [
      ['a', 'another test of the batch has the name "a"'],
      ['exists already', 'the test file already has a test named "exists already"'],
      ['b', 'does not declare its test: its code declares 2 tests ("c", "d"), not one'],
      ['other words', 'another test of the batch has the name "a"'],
    ]);
    assert.deepEqual(runner.runs[0].names, ['a', 'zwj', 'f returns 1']);
  });

  it('a file that does not load at all: each test run alone, so one bad test does not sink the others', async () => {
    const { ask, asked } = asker(
      { imports: "import { it } from 'vitest';", tests: [test('good'), test('breaks the file', 'BREAK'), test('also good')] },
      { imports: "import { expect } from 'vitest';", tests: [{ name: 'the one that broke', code: test('breaks the file', 'BREAK again').code }] },
      { imports: '', tests: [test('breaks the file', 'SYNTAX')] },
    );
    const runner = new ScriptedRunner((req) => (req.content.includes('BREAK')
      ? { output: 'SyntaxError: cannot load', statuses: Object.fromEntries(req.names.map((n) => [n, { status: 'missing' }])) }
      : {}));
    const report = await runTestGenPipeline({ ...INPUT, coverage: false }, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => [k.name, k.passed, k.runs]), [['good', 3, 3], ['also good', 3, 3]]);
    assert.equal(report.dropped.length, 1);
    assert.equal(report.dropped[0].name, 'breaks the file');
    assert.match(report.dropped[0].reason, /^its repair does not parse/);
    assert.equal(report.dropped[0].possibleBug, false);
    // The batch, then each test alone; the failing one's repairs (the first found by the title its code declares).
    assert.deepEqual(runner.runs.slice(0, 4).map((r) => r.names.join(',')), ['good,breaks the file,also good', 'good', 'breaks the file', 'also good']);
    assert.match(asked[1].prompt!, /<failure>\nthe runner did not report it; its output ended:\nSyntaxError: cannot load/);
    assert.ok(runner.runs.some((r) => r.content.includes('BREAK again')), 'the first repair, named otherwise in the reply, was run');
    assert.equal(report.requests, 3);
    // Imports of the repair joined the batch's.
    assert.match(report.imports, /import \{ it, expect \} from 'vitest';/);
    assert.equal(report.coverageNote, 'coverage was not measured');
  });

  it('a repair whose imports break the file: the tests that passed are not sunk, the imports stay as they were', async () => {
    const { ask } = asker(
      { imports: "import { it, expect } from 'vitest';", tests: [test('passes'), test('wrong', 'WRONG')] },
      { imports: "import { it, expect } from 'vitest';\nimport { helper } from './does-not-exist';", tests: [test('wrong', 'fixed')] },
    );
    const runner = new ScriptedRunner((req) => (req.content.includes('does-not-exist')
      ? { output: 'Cannot find module ./does-not-exist', statuses: Object.fromEntries(req.names.map((n) => [n, { status: 'missing' }])) }
      : { statuses: { wrong: req.content.includes('WRONG') ? { status: 'failed', message: 'expected 1 to be 2', assertion: true } : {} } }));
    const report = await runTestGenPipeline({ ...INPUT, coverage: false }, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => [k.name, k.passed]), [['passes', 3], ['wrong', 3]]);
    assert.deepEqual(report.dropped, []);
    assert.ok(!report.imports.includes('does-not-exist'));
    assert.ok(runner.runs.slice(-3).every((r) => !r.content.includes('does-not-exist')), 'the stability runs use the imports that work');
  });

  it('while nothing passes, a repair\'s imports replace the batch\'s: a bad import line can be taken out', async () => {
    const { ask } = asker(
      { imports: "import { it } from 'vitest';\nimport { f } from './wrong-path';", tests: [test('one'), test('two')] },
      { imports: "import { it, expect } from 'vitest';\nimport { f } from './m';", tests: [test('one'), test('two')] },
    );
    const runner = new ScriptedRunner((req) => (req.content.includes('wrong-path')
      ? { output: 'Cannot find module ./wrong-path', statuses: Object.fromEntries(req.names.map((n) => [n, { status: 'missing' }])) }
      : {}));
    const report = await runTestGenPipeline({ ...INPUT, coverage: false }, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => k.name), ['one', 'two']);
    assert.equal(report.imports, "import { it, expect } from 'vitest';\nimport { f } from './m';");
  });

  it('coverage gain: lines of the target the kept tests run that the existing tests\' run does not', async () => {
    const { ask } = asker({ imports: '', tests: [test('a'), test('b')] });
    const runner = new ScriptedRunner((req) => (req.coverageOf === undefined ? {}
      : req.scratchFile === 'src/base.test.ts' ? { coverage: { covered: [1, 5, 6] } }
        : { coverage: { covered: [1, 2, 5, 6, 7, 8, 11] } }));
    const report = await runTestGenPipeline(INPUT, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => k.coverageGain), [2, 2]);
    assert.equal(report.coverageNote, undefined);
    const base = runner.runs.find((r) => r.scratchFile === 'src/base.test.ts')!;
    assert.equal(base.content, 'BASELINE');
    assert.equal(base.coverageOf, 'src/m.ts');
    assert.deepEqual(base.names, ['exists already']);
  });

  it('coverage the runner cannot give: gain null, and the report says why', async () => {
    const { ask } = asker({ imports: '', tests: [test('a')] });
    const runner = new ScriptedRunner((req) => (req.coverageOf ? { coverageUnavailable: 'jest ran without coverage: no provider' } : {}));
    const report = await runTestGenPipeline(INPUT, { ask, runner, syntax });
    assert.equal(report.kept[0].coverageGain, null);
    assert.equal(report.coverageNote, 'jest ran without coverage: no provider');
  });

  it('a crash that survives the repairs is dropped, not a possible bug; a test the repair leaves out stays failing', async () => {
    const { ask, asked } = asker(
      { imports: '', tests: [test('crashes', 'CRASH'), test('asserts', 'ASSERT')] },
      { imports: '', tests: [test('crashes', 'CRASH again')] },
      { imports: '', tests: [] },
    );
    const runner = new ScriptedRunner((req) => ({
      statuses: {
        crashes: req.content.includes('CRASH') ? { status: 'failed', message: 'TypeError: x is not a function', assertion: false } : {},
        asserts: { status: 'failed', message: 'expected 1 to be 2', assertion: true },
      },
    }));
    const report = await runTestGenPipeline({ ...INPUT, coverage: false }, { ask, runner, syntax });
    assert.deepEqual(report.kept, []);
    const byName = Object.fromEntries(report.dropped.map((d) => [d.name, d]));
    assert.equal(byName.crashes.possibleBug, false);
    assert.match(byName.crashes.reason, /^still fails after 2 repair turns: TypeError/);
    assert.equal(byName.asserts.possibleBug, true);
    assert.equal(asked.length, 3);
  });

  it('a stability round that times out is finished test by test: only the test that hung is flaky', async () => {
    const { ask } = asker({ imports: '', tests: [test('steady'), test('hangs now and then'), test('also steady')] });
    let rounds = 0;
    const runner = new ScriptedRunner((req): ReturnType<Script> => {
      if (!req.names.includes('hangs now and then')) return {};
      rounds++;
      // The third run with it (the second stability round) hangs, nothing after it reported; it hangs again alone.
      if (rounds === 3) return { timedOut: true, statuses: { 'hangs now and then': { status: 'missing' }, 'also steady': { status: 'missing' } } };
      if (rounds === 4) return { timedOut: true, statuses: { 'hangs now and then': { status: 'missing' } } };
      return {};
    });
    const report = await runTestGenPipeline({ ...INPUT, coverage: false }, { ask, runner, syntax });
    assert.deepEqual(report.kept.map((k) => [k.name, k.passed]), [['steady', 3], ['also steady', 3]]);
    assert.deepEqual(report.dropped.map((d) => [d.name, d.reason]), [['hangs now and then', 'flaky: passed 2 of 3 runs']]);
  });

  it('cancelled: stops before the next run', async () => {
    const controller = new AbortController();
    const { ask } = asker({ imports: '', tests: [test('a')] });
    const runner = new ScriptedRunner(() => ({}));
    await assert.rejects(runTestGenPipeline(INPUT, {
      ask: async (r) => { const b = await ask(r); controller.abort(new Error('stop')); return b; }, runner, syntax, signal: controller.signal,
    }), /stop/);
    assert.equal(runner.runs.length, 0);
  });
});
