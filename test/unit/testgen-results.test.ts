// The pure parts of the runner layer: matching reported tests to the names the model gave, telling
// an assertion from a crash by message, each framework's report parser on recorded shapes, and the
// coverage readers (istanbul, V8 ranges, Go profiles, coverage.py).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { coveragePyLines, goProfileLines, istanbulLines, v8Lines } from '../../src/node/testgen/coverage';
import { goRecords } from '../../src/node/testgen/goRunner';
import { nodeFlagsFromScript, nodeTestRecords } from '../../src/node/testgen/jsRunners';
import { pytestRecords } from '../../src/node/testgen/pythonRunners';
import { looksLikeAssertion, matchResults, trimMessage, type CaseRecord } from '../../src/node/testgen/results';

describe('matching results to names', () => {
  const records: CaseRecord[] = [
    { path: ['Queue'], name: 'pushes', status: 'passed' },
    { path: ['Queue'], name: 'shifts', status: 'failed', message: 'boom', assertion: false },
    { path: [], name: 'test_p[1]', status: 'passed' },
    { path: [], name: 'test_p[2]', status: 'failed', message: 'assert 2 == 1', assertion: true },
    { path: ['TestGo'], name: 'sub', status: 'passed' },
    { path: [], name: 'TestGo', status: 'passed' },
    { path: [], name: 'skipped one', status: 'skipped', message: 'not now' },
  ];
  const table: [string, string, boolean | undefined][] = [
    ['pushes', 'passed', undefined],
    ['Queue > shifts', 'failed', false],
    ['Queue shifts', 'failed', false],
    ['Queue', 'failed', false], // a suite named as a test aggregates its tests
    ['test_p', 'failed', true], // parametrized cases fold into their function
    ['TestGo', 'passed', undefined],
    ['skipped one', 'skipped', undefined],
    ['never ran', 'missing', undefined],
  ];
  for (const [name, status, assertion] of table) {
    it(`${name} → ${status}`, () => {
      const got = matchResults([name], records, { message: 'why' }).get(name);
      assert.equal(got?.status, status);
      assert.equal(got?.assertion, assertion);
      if (status === 'missing') assert.equal(got?.message, 'why');
    });
  }

  it('every name asked has an entry, in order', () => {
    const got = matchResults(['b', 'a'], []);
    assert.deepEqual([...got.keys()], ['b', 'a']);
  });
});

describe('assertion or crash, from the message', () => {
  const yes = [
    'AssertionError: expected 3 to be 4 // Object.is equality',
    'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal',
    'Error: expect(received).toBe(expected)',
    'expect(received).toEqual(expected)',
    'assert.strictEqual(received, expected)',
    'assert 6 == 7',
    'chai.AssertionError: expected 1 to equal 2',
  ];
  const no = ["TypeError: Cannot read properties of undefined (reading 'x')", 'ReferenceError: x is not defined', 'Error: empty queue', 'SyntaxError: Unexpected token'];
  for (const m of yes) it(`assertion: ${m}`, () => assert.equal(looksLikeAssertion(m), true));
  for (const m of no) it(`crash: ${m}`, () => assert.equal(looksLikeAssertion(m), false));

  it('messages lose colour codes and are capped', () => {
    assert.equal(trimMessage('\x1b[31mred\x1b[39m '), 'red');
    assert.ok(trimMessage('x'.repeat(5000)).length <= 2001);
  });
});

describe('report parsers', () => {
  it('node:test: nested tests get their suites as path; suites and the file are no records', () => {
    const file = '/p/src/a.hearth-scratch-1.test.js';
    const ev = (name: string, nesting: number, pass = true, extra = {}) => ({ pass, name, nesting, skip: false, suite: false, ...extra });
    const { records, fileError } = nodeTestRecords([
      ev('inner', 2), ev('mid', 1, true, { suite: true }), ev('outer test', 1, false, { error: { name: 'TypeError', message: 'x', stack: 'TypeError: x' } }),
      ev('top', 0, true, { suite: true }), ev('alone', 0, true, { skip: true }),
    ], file);
    assert.equal(fileError, undefined);
    assert.deepEqual(records.map((r) => [r.path.join('/'), r.name, r.status, r.assertion]), [
      ['top/mid', 'inner', 'passed', undefined],
      ['top', 'outer test', 'failed', false],
      ['', 'alone', 'skipped', undefined],
    ]);
    const broken = nodeTestRecords([ev('src/a.hearth-scratch-1.test.js', 0, false, { error: { message: 'SyntaxError: nope' } })], file);
    assert.equal(broken.records.length, 0);
    assert.match(broken.fileError ?? '', /SyntaxError/);
  });

  it('node --test flags from the project\'s test script', () => {
    assert.deepEqual(nodeFlagsFromScript('node --import tsx --test test/'), ['--import', 'tsx']);
    assert.deepEqual(nodeFlagsFromScript('tsx --test'), ['--import', 'tsx']);
    assert.deepEqual(nodeFlagsFromScript('node -r ts-node/register --loader=./l.mjs --test'), ['--require', 'ts-node/register', '--loader', './l.mjs']);
    assert.deepEqual(nodeFlagsFromScript('node --test'), []);
  });

  it('pytest: phases fold into one record; a test whose call never reported is none', () => {
    const { records, fileError } = pytestRecords([
      { nodeid: 'a.py::test_ok', when: 'setup', outcome: 'passed' },
      { nodeid: 'a.py::test_ok', when: 'call', outcome: 'passed' },
      { nodeid: 'a.py::test_ok', when: 'teardown', outcome: 'passed' },
      { nodeid: 'a.py::K::test_bad', when: 'setup', outcome: 'passed' },
      { nodeid: 'a.py::K::test_bad', when: 'call', outcome: 'failed', message: 'assert 1 == 2', assertion: true },
      { nodeid: 'a.py::test_fixture', when: 'setup', outcome: 'failed', message: 'fixture x not found', assertion: false },
      { nodeid: 'a.py::test_skip', when: 'setup', outcome: 'skipped', message: 'no db' },
      { nodeid: 'a.py::test_hung', when: 'setup', outcome: 'passed' },
    ]);
    assert.equal(fileError, undefined);
    assert.deepEqual(records.map((r) => [r.path.join('/'), r.name, r.status, r.assertion]), [
      ['', 'test_ok', 'passed', undefined],
      ['K', 'test_bad', 'failed', true],
      ['', 'test_fixture', 'failed', false],
      ['', 'test_skip', 'skipped', undefined],
    ]);
    assert.match(pytestRecords([{ collectError: 'ImportError: no module x' }]).fileError ?? '', /ImportError/);
  });

  it('go test -json: pass, t.Errorf, panic, subtests, and non-JSON build output', () => {
    const lines = [
      { Action: 'run', Test: 'TestA' }, { Action: 'pass', Test: 'TestA' },
      { Action: 'run', Test: 'TestB' }, { Action: 'output', Test: 'TestB', Output: '=== RUN   TestB\n' },
      { Action: 'output', Test: 'TestB', Output: '    x_test.go:9: got 3, want 4\n' }, { Action: 'output', Test: 'TestB', Output: '--- FAIL: TestB (0.00s)\n' },
      { Action: 'fail', Test: 'TestB' },
      { Action: 'run', Test: 'TestC/sub' }, { Action: 'skip', Test: 'TestC/sub' },
      { Action: 'output', Test: 'TestD', Output: 'panic: runtime error: invalid memory address\n' }, { Action: 'fail', Test: 'TestD' },
    ].map((l) => JSON.stringify(l));
    const { records, nonJson } = goRecords(['# example.com/m', ...lines].join('\n'));
    assert.equal(nonJson, '# example.com/m');
    assert.deepEqual(records.map((r) => [r.path.join('/'), r.name, r.status, r.assertion]), [
      ['', 'TestA', 'passed', undefined],
      ['', 'TestB', 'failed', true],
      ['TestC', 'sub', 'skipped', undefined],
      ['', 'TestD', 'failed', false],
    ]);
    assert.equal(records[1].message, 'x_test.go:9: got 3, want 4');
  });
});

describe('coverage readers', () => {
  it('istanbul: statement start lines, covered and executable', () => {
    const report = { '/p/a.js': { statementMap: { 0: { start: { line: 2 } }, 1: { start: { line: 5 } }, 2: { start: { line: 5 } } }, s: { 0: 1, 1: 0, 2: 3 } } };
    assert.deepEqual(istanbulLines(report, '/p/a.js'), { covered: [2, 5], executable: [2, 5] });
    assert.equal(istanbulLines(report, '/p/b.js'), undefined);
  });

  it('go profile: blocks of the file, covered wins where blocks overlap', () => {
    const profile = 'mode: set\nm/x/a.go:3.20,4.12 1 1\nm/x/a.go:4.12,6.3 1 0\nm/x/a.go:7.2,7.10 1 1\nm/x/b.go:1.1,2.2 1 1\n';
    assert.deepEqual(goProfileLines(profile, 'm/x/a.go'), { covered: [3, 4, 7], executable: [3, 4, 5, 6, 7] });
    assert.equal(goProfileLines(profile, 'm/x/c.go'), undefined);
  });

  it('coverage.py json: executed and missing lines', () => {
    const report = { files: { 'pkg/a.py': { executed_lines: [2, 1], missing_lines: [4] } } };
    assert.deepEqual(coveragePyLines(report, '/p/pkg/a.py'), { covered: [1, 2], executable: [1, 2, 4] });
  });

  it('V8: a line ran when the innermost range at its first character ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-v8-'));
    try {
      const target = '/p/a.js';
      const src = 'function f(x) {\n  if (x) {\n    return 1;\n  }\n  return 2;\n}\nf(0);\n';
      const ifBody = src.indexOf('{\n    return 1');
      const ranges = [
        { startOffset: 0, endOffset: src.length, count: 1 },
        { startOffset: ifBody, endOffset: src.indexOf('  return 2'), count: 0 },
      ];
      writeFileSync(join(dir, 'coverage-1.json'), JSON.stringify({ result: [{ url: pathToFileURL(target).href, functions: [{ ranges }] }] }));
      const got = await v8Lines(dir, target, src);
      assert.ok(got);
      assert.ok(got.covered.includes(5), JSON.stringify(got));
      assert.ok(!got.covered.includes(3), JSON.stringify(got));
      assert.equal(await v8Lines(dir, '/p/other.js', src), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
