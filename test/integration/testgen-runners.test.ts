// Each real test runner on its fixture project (test/fixtures/testgen), run by Hearth's runner on
// a scratch file with one passing test, one failing on an assertion and one crashing (a TypeError,
// a panic): statuses and assertion flags by name, coverage of the target where the framework
// reports it, and nothing left afterwards — no scratch file, no process, also after a timeout or a
// cancel with tests that started children which left the process group (setsid) or were orphaned.
// The runners are installed by the project's own files (package.json; scripts/provision-runners.sh
// for pytest, coverage.py and Go): a missing runner fails these tests, it never skips them.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameworkChoice, FrameworkId, RunOutcome, TestLanguage } from '../../src/core/testgen/types';
import { createTestRunner, ScratchPathError } from '../../src/node/testgen/runner';
import { runProcessTree } from '../../src/node/testgen/processTree';
import { scratchFileFor } from '../../src/node/testgen/scratch';

const FIXTURES = join(__dirname, '..', 'fixtures', 'testgen');
const DEBIAN_PYTHON = '/usr/bin/python3';

/** The process exists and has not exited (a zombie has exited: only its parent's wait is missing). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** A file for a test's child pids, in a temporary directory removed when the tests end. */
const pidDirs: string[] = [];
after(() => pidDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function pidFileFor(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pids-'));
  pidDirs.push(dir);
  return join(dir, 'pids');
}

function readPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

interface Fixture {
  readonly dir: string;
  readonly framework: FrameworkId;
  readonly language: TestLanguage;
  readonly source: string;
}

function choice(f: Fixture): FrameworkChoice {
  return { framework: f.framework, language: f.language, projectDir: '.', evidence: 'test' };
}

async function runFixture(f: Fixture, content: string, names: string[], extra: { timeoutMs?: number; coverage?: boolean; signal?: AbortSignal; python?: string } = {}) {
  const root = join(FIXTURES, f.dir);
  const scratchFile = scratchFileFor(f.source, f.language);
  const runner = createTestRunner(extra.python ? { python: extra.python } : {});
  const outcome = await runner.run({
    framework: choice(f), root, scratchFile, content, names,
    timeoutMs: extra.timeoutMs ?? 90_000,
    ...(extra.coverage ? { coverageOf: f.source } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  assert.equal(existsSync(join(root, scratchFile)), false, 'the scratch file is removed');
  return outcome;
}

function assertTrio(o: RunOutcome, names = { pass: 'passes', fail: 'fails', crash: 'crashes' }): void {
  const msg = `output:\n${o.output}`;
  assert.equal(o.timedOut, false, msg);
  assert.equal(o.results.get(names.pass)?.status, 'passed', msg);
  const fail = o.results.get(names.fail);
  assert.equal(fail?.status, 'failed', msg);
  assert.equal(fail?.assertion, true, `an assertion failure: ${fail?.message}`);
  assert.ok(fail?.message && fail.message.length > 0);
  const crash = o.results.get(names.crash);
  assert.equal(crash?.status, 'failed', msg);
  assert.equal(crash?.assertion, false, `a crash, not an assertion: ${crash?.message}`);
}

function assertCovered(o: RunOutcome, covered: number, notCovered: number): void {
  assert.ok(o.coverage, `coverage expected, got: ${o.coverageUnavailable}`);
  assert.ok(o.coverage.covered.includes(covered), `line ${covered} ran: ${JSON.stringify(o.coverage)}`);
  assert.ok(!o.coverage.covered.includes(notCovered), `line ${notCovered} did not run: ${JSON.stringify(o.coverage)}`);
}

describe('the real runners on their fixtures', () => {
  it('vitest: statuses, assertion flags and coverage through @vitest/coverage-v8', async () => {
    const o = await runFixture({ dir: 'vitest-ts', framework: 'vitest', language: 'typescript', source: 'src/math.ts' }, [
      "import { expect, it } from 'vitest';",
      "import { add } from './math';",
      "it('passes', () => { expect(add(2, 2)).toBe(4); });",
      "it('fails', () => { expect(add(2, 2)).toBe(5); });",
      "it('crashes', () => { (undefined as unknown as { x(): void }).x(); });",
      '',
    ].join('\n'), ['passes', 'fails', 'crashes', 'never written'], { coverage: true });
    assertTrio(o);
    assert.equal(o.results.get('never written')?.status, 'missing');
    assertCovered(o, 2, 9);
  });

  // The fixture's testMatch covers only __tests__: the scratch file beside the source runs anyway.
  it('jest: statuses, assertion flags (expect and node:assert) and coverage', async () => {
    const o = await runFixture({ dir: 'jest-js', framework: 'jest', language: 'javascript', source: 'src/cart.js' }, [
      "const assert = require('node:assert');",
      "const { total } = require('./cart');",
      "test('passes', () => { expect(total([{ price: 2, quantity: 2 }])).toBe(4); });",
      "test('fails', () => { expect(total([])).toBe(1); });",
      "test('asserts', () => { assert.strictEqual(total([]), 1); });",
      "test('crashes', () => { total(undefined); });",
      '',
    ].join('\n'), ['passes', 'fails', 'asserts', 'crashes'], { coverage: true });
    assertTrio(o);
    assert.equal(o.results.get('asserts')?.assertion, true);
    assertCovered(o, 3, 14);
  });

  it('mocha: statuses, assertion flags and V8 coverage of a plain JS target', async () => {
    const o = await runFixture({ dir: 'mocha-js', framework: 'mocha', language: 'javascript', source: 'lib/queue.js' }, [
      "const assert = require('node:assert');",
      "const { Queue } = require('./queue');",
      "describe('Queue', () => {",
      "  it('passes', () => { assert.strictEqual(new Queue().push(1), 1); });",
      "  it('fails', () => { assert.strictEqual(new Queue().push(1), 2); });",
      "  it('crashes', () => { null.push(1); });",
      '});',
      '',
    ].join('\n'), ['passes', 'fails', 'crashes'], { coverage: true });
    assertTrio(o);
    assertCovered(o, 7, 16);
  });

  it('node:test: statuses, assertion flags, V8 coverage, and a child a passing test left behind is gone', async () => {
    const pidFile = pidFileFor();
    const o = await runFixture({ dir: 'node-test', framework: 'node:test', language: 'javascript', source: 'src/slug.js' }, [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { spawn } from 'node:child_process';",
      "import { appendFileSync } from 'node:fs';",
      "import { slugify } from './slug.js';",
      "test('passes', () => { assert.equal(slugify('A b'), 'a-b'); });",
      "test('fails', () => { assert.equal(slugify('A b'), 'ab'); });",
      "test('crashes', () => { slugify(undefined); });",
      "test('leaves a child', () => {",
      "  const c = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });",
      '  c.unref();',
      `  appendFileSync(${JSON.stringify(pidFile)}, c.pid + '\\n');`,
      '});',
      '',
    ].join('\n'), ['passes', 'fails', 'crashes', 'leaves a child'], { coverage: true });
    assertTrio(o);
    assert.equal(o.results.get('leaves a child')?.status, 'passed');
    const [child] = readPids(pidFile);
    assert.ok(child > 0, 'the test wrote its child pid');
    assert.equal(running(child), false, `the child ${child} was killed when the run finished`);
    assertCovered(o, 6, 14);
  });

  it('pytest: statuses, assertion flags (assert, pytest.fail) and coverage.py', async () => {
    const f: Fixture = { dir: 'pytest-py', framework: 'pytest', language: 'python', source: 'pkg/geometry.py' };
    const content = [
      'import pytest',
      'from pkg.geometry import area',
      '',
      'def test_passes():',
      '    assert area(2, 3) == 6',
      '',
      'def test_fails():',
      '    assert area(2, 3) == 7',
      '',
      'def test_crashes():',
      '    area(None, 1)',
      '',
      'class TestGroup:',
      '    def test_explicit_fail(self):',
      '        pytest.fail("wrong")',
      '',
    ].join('\n');
    const names = ['test_passes', 'test_fails', 'test_crashes', 'test_explicit_fail', 'TestGroup'];
    const plain = await runFixture(f, content, names);
    assertTrio(plain, { pass: 'test_passes', fail: 'test_fails', crash: 'test_crashes' });
    assert.equal(plain.results.get('test_explicit_fail')?.assertion, true);
    assert.equal(plain.results.get('TestGroup')?.status, 'failed', 'a class name aggregates its tests');
    // Debian's interpreter, where provisioning installs python3-pytest and python3-coverage.
    const covered = await runFixture(f, content, names, { coverage: true, python: DEBIAN_PYTHON });
    assertTrio(covered, { pass: 'test_passes', fail: 'test_fails', crash: 'test_crashes' });
    assertCovered(covered, 4, 8);
  });

  it('unittest: statuses and assertion flags by method and class name, and coverage.py', async () => {
    const o = await runFixture({ dir: 'unittest-py', framework: 'unittest', language: 'python', source: 'shapes.py' }, [
      'import unittest',
      'from shapes import cube, square',
      '',
      'class ShapesTest(unittest.TestCase):',
      '    def test_passes(self):',
      '        self.assertEqual(square(3), 9)',
      '',
      '    def test_fails(self):',
      '        self.assertEqual(square(3), 10)',
      '',
      '    def test_crashes(self):',
      '        cube("x")',
      '',
    ].join('\n'), ['test_passes', 'test_fails', 'test_crashes', 'ShapesTest'], { coverage: true, python: DEBIAN_PYTHON });
    assertTrio(o, { pass: 'test_passes', fail: 'test_fails', crash: 'test_crashes' });
    assert.equal(o.results.get('ShapesTest')?.status, 'failed');
    assertCovered(o, 2, 8);
  });

  it('go test: statuses, assertion flags (t.Errorf vs a panic), and a cover profile', async () => {
    const f: Fixture = { dir: 'go-mod', framework: 'go', language: 'go', source: 'mathx/mathx.go' };
    const header = ['package mathx', '', 'import "testing"', ''];
    const o = await runFixture(f, [
      ...header,
      'func TestPasses(t *testing.T) {',
      '\tif Abs(2) != 2 {',
      '\t\tt.Fatal("abs")',
      '\t}',
      '}',
      '',
      'func TestFails(t *testing.T) {',
      '\tif got := Abs(3); got != 4 {',
      '\t\tt.Errorf("Abs(3) = %d, want 4", got)',
      '\t}',
      '}',
      '',
      'func TestCrashes(t *testing.T) {',
      '\tvar p *struct{ n int }',
      '\t_ = Abs(p.n)',
      '}',
      '',
    ].join('\n'), ['TestPasses', 'TestFails', 'TestCrashes']);
    assertTrio(o, { pass: 'TestPasses', fail: 'TestFails', crash: 'TestCrashes' });
    // A panic ends the test binary before it writes a profile: coverage from a run without one.
    const c = await runFixture(f, [...header, 'func TestPasses(t *testing.T) {', '\tif Abs(2) != 2 {', '\t\tt.Fatal("abs")', '\t}', '}', ''].join('\n'),
      ['TestPasses'], { coverage: true });
    assert.equal(c.results.get('TestPasses')?.status, 'passed', c.output);
    assertCovered(c, 7, 5);
  });
});

describe('where the runner runs', () => {
  // packages/a sets jest's testRegex to __tests__ only (and jest refuses testMatch beside it).
  it('a monorepo package: jest from packages/a (the closest manifest), found by walking up to node_modules', async () => {
    const root = join(FIXTURES, 'monorepo');
    const scratchFile = scratchFileFor('packages/a/src/index.js', 'javascript');
    const o = await createTestRunner().run({
      framework: { framework: 'jest', language: 'javascript', projectDir: 'packages/a', evidence: 'test' },
      root, scratchFile, names: ['greets', 'fails'], timeoutMs: 90_000, coverageOf: 'packages/a/src/index.js',
      content: [
        "const { greet } = require('./index');",
        "test('greets', () => { expect(greet('a')).toBe('hello a'); });",
        "test('fails', () => { expect(greet('a')).toBe('hi a'); });",
        '',
      ].join('\n'),
    });
    assert.equal(o.results.get('greets')?.status, 'passed', o.output);
    assert.equal(o.results.get('fails')?.assertion, true);
    assertCovered(o, 2, 99);
    assert.equal(existsSync(join(root, scratchFile)), false);
  });

  it('no node on PATH (an editor started from a desktop launcher): the runtime running Hearth runs the runner', async () => {
    const env = { ...process.env, PATH: '/nonexistent' };
    const root = join(FIXTURES, 'node-test');
    const o = await createTestRunner({ env }).run({
      framework: { framework: 'node:test', language: 'javascript', projectDir: '.', evidence: 'test' },
      root, scratchFile: scratchFileFor('src/range.js', 'javascript'), names: ['counts'], timeoutMs: 60_000,
      content: "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { range } from './range.js';\ntest('counts', () => { assert.deepStrictEqual(range(2), [0, 1]); });\n",
    });
    assert.equal(o.results.get('counts')?.status, 'passed', o.output);
    const v = await createTestRunner({ env }).run({
      framework: { framework: 'vitest', language: 'typescript', projectDir: '.', evidence: 'test' },
      root: join(FIXTURES, 'vitest-ts'), scratchFile: scratchFileFor('src/strings.ts', 'typescript'), names: ['shouts'], timeoutMs: 90_000,
      content: "import { expect, it } from 'vitest';\nimport { shout } from './strings';\nit('shouts', () => { expect(shout('a')).toBe('A!'); });\n",
    });
    assert.equal(v.results.get('shouts')?.status, 'passed', v.output);
  });
});

describe('a scratch file that does not load', () => {
  const cases: [Fixture, string, string, RegExp][] = [
    [{ dir: 'vitest-ts', framework: 'vitest', language: 'typescript', source: 'src/math.ts' }, "import { it } from 'vitest';\nimport { nope } from './missing';\nit('a', () => { nope(); });\n", 'a', /missing/],
    [{ dir: 'jest-js', framework: 'jest', language: 'javascript', source: 'src/cart.js' }, "test('a', () => {\n", 'a', /SyntaxError/],
    [{ dir: 'node-test', framework: 'node:test', language: 'javascript', source: 'src/slug.js' }, "import { test } from 'node:test';\ntest('a', () => {\n", 'a', /SyntaxError/],
    [{ dir: 'mocha-js', framework: 'mocha', language: 'javascript', source: 'lib/queue.js' }, "it('a', () => {\n", 'a', /SyntaxError/],
    [{ dir: 'pytest-py', framework: 'pytest', language: 'python', source: 'pkg/geometry.py' }, 'from pkg.nothing import x\n\ndef test_a():\n    assert x\n', 'test_a', /ModuleNotFoundError|No module/],
    [{ dir: 'unittest-py', framework: 'unittest', language: 'python', source: 'shapes.py' }, 'import unittest\nclass T(unittest.TestCase):\n    def test_a(self)\n        pass\n', 'test_a', /SyntaxError/],
    [{ dir: 'go-mod', framework: 'go', language: 'go', source: 'mathx/mathx.go' }, 'package mathx\n\nimport "testing"\n\nfunc TestA(t *testing.T) { undefinedThing() }\n', 'TestA', /undefined/],
  ];
  for (const [f, content, name, why] of cases) {
    it(`${f.framework}: the test is missing, with the loader's error as its message and in the output`, async () => {
      const o = await runFixture(f, content, [name]);
      const r = o.results.get(name);
      assert.equal(r?.status, 'missing', o.output);
      assert.match(r?.message ?? '', why);
      assert.match(o.output, why);
    });
  }
});

describe('timeouts, cancellation and leftovers', () => {
  const hanging = (pidFile: string) => [
    "import { test } from 'node:test';",
    "import { spawn } from 'node:child_process';",
    "import { appendFileSync } from 'node:fs';",
    "test('passes', () => {});",
    "test('hangs', async () => {",
    // A child in its own session (outside the runner's process group)...
    "  const c = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });",
    `  appendFileSync(${JSON.stringify(pidFile)}, c.pid + '\\n');`,
    // ...and an orphan: its parent (sh) exits at once, so it hangs from init, not from the tree.
    `  spawn('sh', ['-c', 'setsid sleep 300 >/dev/null 2>&1 & echo $! >> ${pidFile}'], { stdio: 'ignore' });`,
    '  await new Promise(() => {});',
    '});',
    '',
  ].join('\n');

  it('a hanging test that started children: the run times out, earlier results stand, every process is gone', async () => {
    const pidFile = pidFileFor();
    const started = Date.now();
    const o = await runFixture({ dir: 'node-test', framework: 'node:test', language: 'javascript', source: 'src/slug.js' },
      hanging(pidFile), ['passes', 'hangs'], { timeoutMs: 6000 });
    assert.equal(o.timedOut, true);
    assert.ok(Date.now() - started < 20_000, 'the timeout ended the run');
    assert.equal(o.results.get('passes')?.status, 'passed', o.output);
    assert.equal(o.results.get('hangs')?.status, 'missing');
    assert.match(o.results.get('hangs')?.message ?? '', /timed out after 6000 ms/);
    const pids = readPids(pidFile);
    assert.equal(pids.length, 2, `both children started: ${pids}`);
    for (const pid of pids) assert.equal(running(pid), false, `child ${pid} is gone`);
  });

  it('a cancelled run kills its tree and removes the scratch file', async () => {
    const pidFile = pidFileFor();
    const ac = new AbortController();
    const timer = setInterval(() => {
      if (readPids(pidFile).length === 2) ac.abort();
    }, 50);
    try {
      const o = await runFixture({ dir: 'node-test', framework: 'node:test', language: 'javascript', source: 'src/slug.js' },
        hanging(pidFile), ['passes', 'hangs'], { timeoutMs: 60_000, signal: ac.signal });
      assert.equal(o.timedOut, false);
      assert.equal(o.results.get('hangs')?.status, 'missing');
      assert.match(o.results.get('hangs')?.message ?? '', /cancelled/);
    } finally {
      clearInterval(timer);
    }
    assert.equal(ac.signal.aborted, true, 'the run was cancelled, not finished');
    for (const pid of readPids(pidFile)) assert.equal(running(pid), false, `child ${pid} is gone`);
  });

  it('a hanging pytest test with a child in a new session: timed out, child gone, scratch removed', async () => {
    const pidFile = pidFileFor();
    const o = await runFixture({ dir: 'pytest-py', framework: 'pytest', language: 'python', source: 'pkg/geometry.py' }, [
      'import subprocess, time',
      '',
      'def test_passes():',
      '    assert True',
      '',
      'def test_hangs():',
      '    c = subprocess.Popen(["sleep", "300"], start_new_session=True)',
      `    open(${JSON.stringify(pidFile)}, "a").write(str(c.pid) + "\\n")`,
      '    time.sleep(300)',
      '',
    ].join('\n'), ['test_passes', 'test_hangs'], { timeoutMs: 8000 });
    assert.equal(o.timedOut, true);
    assert.equal(o.results.get('test_passes')?.status, 'passed', o.output);
    assert.equal(o.results.get('test_hangs')?.status, 'missing');
    const [pid] = readPids(pidFile);
    assert.ok(pid > 0);
    assert.equal(running(pid), false, `child ${pid} is gone`);
  });

  it('the process tree alone: an orphan in its own session is found by the run cookie and killed', async () => {
    const r = await runProcessTree('sh', ['-c', 'setsid sleep 300 >/dev/null 2>&1 & echo $!; exec sleep 300'], { cwd: tmpdir(), timeoutMs: 1000 });
    assert.equal(r.timedOut, true);
    const pid = Number(r.stdout.trim());
    assert.ok(pid > 0);
    assert.equal(running(pid), false);
    assert.ok(r.killed.includes(pid));
  });

  it('a runner that is not installed: every test missing with the reason, and no scratch file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-noproject-'));
    writeFileSync(join(root, 'a.ts'), 'export const a = 1;\n');
    try {
      const o = await createTestRunner().run({
        framework: { framework: 'vitest', language: 'typescript', projectDir: '.', evidence: 'test' },
        root, scratchFile: 'a.hearth-scratch-abc123.test.ts', content: '', names: ['x'], timeoutMs: 5000, coverageOf: 'a.ts',
      });
      assert.equal(o.results.get('x')?.status, 'missing');
      assert.match(o.results.get('x')?.message ?? '', /vitest is not installed/);
      assert.ok(o.coverageUnavailable);
      assert.equal(existsSync(join(root, 'a.hearth-scratch-abc123.test.ts')), false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a scratch path that is not Hearth\'s (it would delete it afterwards)', async () => {
    await assert.rejects(createTestRunner().run({
      framework: { framework: 'jest', language: 'javascript', projectDir: '.', evidence: 'test' },
      root: join(FIXTURES, 'jest-js'), scratchFile: 'src/__tests__/cart.test.js', content: '', names: [], timeoutMs: 1000,
    }), ScratchPathError);
    assert.ok(existsSync(join(FIXTURES, 'jest-js', 'src/__tests__/cart.test.js')));
  });
});
