// Framework detection and placement on the fixture repositories (test/fixtures/testgen), each its
// own workspace root: an existing test file's imports decide first, then the CLOSEST manifest
// (the monorepo's packages/a lists jest and packages/b vitest while its root lists mocha), else
// undecided. Placement: the existing file, else where the project's other tests live; the scratch
// file beside the target, named so the runner collects it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameworkId } from '../../src/core/testgen/types';
import { detectTestSetup, isUndecided, type ProjectFs } from '../../src/node/testgen/detect';
import { isScratchFile, scratchFileFor, scratchOwner, sweepScratchFiles } from '../../src/node/testgen/scratch';
import { spawnSync } from 'node:child_process';

const FIXTURES = join(__dirname, '..', 'fixtures', 'testgen');

interface Row {
  readonly fixture: string;
  readonly source: string;
  readonly framework: FrameworkId;
  readonly projectDir: string;
  readonly evidence: RegExp;
  readonly testFile: string;
  readonly exists: boolean;
  readonly scratch: string;
}

const ROWS: readonly Row[] = [
  { fixture: 'vitest-ts', source: 'src/math.ts', framework: 'vitest', projectDir: '.', evidence: /src\/math\.test\.ts imports vitest/, testFile: 'src/math.test.ts', exists: true, scratch: 'src/math.hearth-scratch-id1.test.ts' },
  { fixture: 'vitest-ts', source: 'src/strings.ts', framework: 'vitest', projectDir: '.', evidence: /package\.json's test script runs vitest/, testFile: 'src/strings.test.ts', exists: false, scratch: 'src/strings.hearth-scratch-id1.test.ts' },
  { fixture: 'jest-js', source: 'src/cart.js', framework: 'jest', projectDir: '.', evidence: /src\/__tests__\/cart\.test\.js uses describe\/it globals and package\.json/, testFile: 'src/__tests__/cart.test.js', exists: true, scratch: 'src/cart.hearth-scratch-id1.test.js' },
  { fixture: 'jest-js', source: 'src/price.js', framework: 'jest', projectDir: '.', evidence: /jest/, testFile: 'src/__tests__/price.test.js', exists: false, scratch: 'src/price.hearth-scratch-id1.test.js' },
  { fixture: 'mocha-js', source: 'lib/queue.js', framework: 'mocha', projectDir: '.', evidence: /test\/queue\.test\.js uses describe\/it globals/, testFile: 'test/queue.test.js', exists: true, scratch: 'lib/queue.hearth-scratch-id1.test.js' },
  { fixture: 'mocha-js', source: 'lib/stack.js', framework: 'mocha', projectDir: '.', evidence: /mocha/, testFile: 'test/stack.test.js', exists: false, scratch: 'lib/stack.hearth-scratch-id1.test.js' },
  { fixture: 'node-test', source: 'src/slug.js', framework: 'node:test', projectDir: '.', evidence: /test\/slug\.test\.js imports node:test/, testFile: 'test/slug.test.js', exists: true, scratch: 'src/slug.hearth-scratch-id1.test.js' },
  { fixture: 'node-test', source: 'src/range.js', framework: 'node:test', projectDir: '.', evidence: /runs node --test/, testFile: 'test/range.test.js', exists: false, scratch: 'src/range.hearth-scratch-id1.test.js' },
  { fixture: 'pytest-py', source: 'pkg/geometry.py', framework: 'pytest', projectDir: '.', evidence: /tests\/test_geometry\.py uses pytest/, testFile: 'tests/test_geometry.py', exists: true, scratch: 'pkg/test_hearth_scratch_id1.py' },
  { fixture: 'pytest-py', source: 'pkg/units.py', framework: 'pytest', projectDir: '.', evidence: /pyproject\.toml configures pytest/, testFile: 'tests/test_units.py', exists: false, scratch: 'pkg/test_hearth_scratch_id1.py' },
  { fixture: 'unittest-py', source: 'shapes.py', framework: 'unittest', projectDir: '.', evidence: /test_shapes\.py imports unittest/, testFile: 'test_shapes.py', exists: true, scratch: 'test_hearth_scratch_id1.py' },
  { fixture: 'unittest-py', source: 'colors.py', framework: 'unittest', projectDir: '.', evidence: /unittest/, testFile: 'test_colors.py', exists: false, scratch: 'test_hearth_scratch_id1.py' },
  { fixture: 'go-mod', source: 'stack/stack.go', framework: 'go', projectDir: '.', evidence: /stack\/stack_test\.go exists/, testFile: 'stack/stack_test.go', exists: true, scratch: 'stack/hearth_scratch_id1_test.go' },
  { fixture: 'go-mod', source: 'mathx/mathx.go', framework: 'go', projectDir: '.', evidence: /go\.mod exists/, testFile: 'mathx/mathx_test.go', exists: false, scratch: 'mathx/hearth_scratch_id1_test.go' },
  // The monorepo: the closest manifest decides, not the root's mocha.
  { fixture: 'monorepo', source: 'packages/a/src/index.js', framework: 'jest', projectDir: 'packages/a', evidence: /packages\/a\/package\.json/, testFile: 'packages/a/src/index.test.js', exists: false, scratch: 'packages/a/src/index.hearth-scratch-id1.test.js' },
  { fixture: 'monorepo', source: 'packages/b/src/index.ts', framework: 'vitest', projectDir: 'packages/b', evidence: /packages\/b\/package\.json/, testFile: 'packages/b/src/index.test.ts', exists: false, scratch: 'packages/b/src/index.hearth-scratch-id1.test.ts' },
  { fixture: 'monorepo', source: 'tools/release.js', framework: 'mocha', projectDir: '.', evidence: /^package\.json/, testFile: 'tools/release.test.js', exists: false, scratch: 'tools/release.hearth-scratch-id1.test.js' },
];

describe('framework detection and placement on the fixtures', () => {
  for (const row of ROWS) {
    it(`${row.fixture}: ${row.source} → ${row.framework}`, async () => {
      const got = await detectTestSetup(join(FIXTURES, row.fixture), row.source, { scratchId: 'id1' });
      assert.ok(!isUndecided(got), `decided: ${JSON.stringify(got)}`);
      assert.equal(got.framework.framework, row.framework);
      assert.equal(got.framework.projectDir, row.projectDir);
      assert.match(got.framework.evidence, row.evidence);
      assert.equal(got.placement.testFile, row.testFile);
      assert.equal(got.placement.testFileExists, row.exists);
      assert.equal(got.placement.scratchFile, row.scratch);
      assert.ok(isScratchFile(got.placement.scratchFile));
    });
  }

  it('a package.json that names no framework: undecided, with the JS candidates', async () => {
    const got = await detectTestSetup(join(FIXTURES, 'undecided'), 'lib/thing.js');
    assert.ok(isUndecided(got));
    assert.deepEqual([...got.candidates], ['vitest', 'jest', 'mocha', 'node:test']);
    assert.match(got.reason, /no test file for lib\/thing\.js/);
  });

  it('a language Hearth runs no tests for: undecided with no candidates', async () => {
    const got = await detectTestSetup(join(FIXTURES, 'undecided'), 'lib/thing.rb');
    assert.ok(isUndecided(got));
    assert.deepEqual([...got.candidates], []);
  });

  it('Go without go.mod: undecided', async () => {
    const got = await detectTestSetup(join(FIXTURES, 'undecided'), 'lib/x.go');
    assert.ok(isUndecided(got));
    assert.deepEqual([...got.candidates], ['go']);
  });
});

describe('detection through an injected file system', () => {
  /** A tiny in-memory tree: path → text. */
  function memFs(files: Record<string, string>): ProjectFs {
    const norm = (p: string) => p.replace(/^\/r\/?/, '');
    return {
      async readText(p) {
        return files[norm(p)];
      },
      async list(dir) {
        const d = norm(dir);
        const prefix = d === '' ? '' : `${d}/`;
        const names = new Map<string, boolean>();
        for (const f of Object.keys(files)) {
          if (!f.startsWith(prefix)) continue;
          const rest = f.slice(prefix.length).split('/');
          names.set(rest[0], rest.length > 1 || names.get(rest[0]) === true);
        }
        return [...names].map(([name, dir]) => ({ name, dir }));
      },
    };
  }

  it('an existing test importing vitest wins over a package.json listing jest', async () => {
    const fs = memFs({
      'package.json': JSON.stringify({ devDependencies: { jest: '1' } }),
      'src/a.ts': 'export const a = 1;',
      'src/a.spec.ts': "import { it } from 'vitest';",
    });
    const got = await detectTestSetup('/r', 'src/a.ts', { fs, scratchId: 'z' });
    assert.ok(!isUndecided(got));
    assert.equal(got.framework.framework, 'vitest');
    assert.equal(got.placement.testFile, 'src/a.spec.ts');
  });

  it('where nothing decides, the framework the user chose; its test file follows the project\'s layout', async () => {
    const fs = memFs({
      'package.json': JSON.stringify({ name: 'x' }),
      'src/a.ts': '', 'src/a.spec.ts': '', 'src/c.ts': '',
    });
    const undecided = await detectTestSetup('/r', 'src/c.ts', { fs });
    assert.ok(isUndecided(undecided));
    const got = await detectTestSetup('/r', 'src/c.ts', { fs, framework: 'mocha', scratchId: 'z' });
    assert.ok(!isUndecided(got));
    assert.deepEqual(got.framework, { framework: 'mocha', language: 'typescript', projectDir: '.', evidence: 'chosen by you for this folder' });
    assert.equal(got.placement.testFile, 'src/c.spec.ts', 'named like the project\'s other tests');
    assert.equal(got.placement.testFileExists, false);
    // A choice that is not among the candidates, or a decided project, is not overridden.
    assert.ok(isUndecided(await detectTestSetup('/r', 'src/c.ts', { fs, framework: 'pytest' })));
    const decided = memFs({ 'package.json': JSON.stringify({ devDependencies: { jest: '1' } }), 'src/c.ts': '' });
    const j = await detectTestSetup('/r', 'src/c.ts', { fs: decided, framework: 'mocha' });
    assert.ok(!isUndecided(j));
    assert.equal(j.framework.framework, 'jest');
  });

  it('the project names its tests .spec: a new test file follows', async () => {
    const fs = memFs({
      'package.json': JSON.stringify({ devDependencies: { vitest: '1' } }),
      'src/a.ts': '', 'src/a.spec.ts': '', 'src/b.ts': '', 'src/b.spec.ts': '', 'src/c.ts': '',
    });
    const got = await detectTestSetup('/r', 'src/c.ts', { fs });
    assert.ok(!isUndecided(got));
    assert.equal(got.placement.testFile, 'src/c.spec.ts');
  });

  it('pytest from a requirement, tests/ mirrored; a bare test_ function file means pytest', async () => {
    const fs = memFs({
      'requirements-dev.txt': 'pytest==8\n',
      'setup.py': '',
      'app/util.py': '',
      'tests/keep': '',
      'app/core.py': '',
      'app/test_core.py': 'def test_x():\n    assert 1\n',
    });
    const util = await detectTestSetup('/r', 'app/util.py', { fs });
    assert.ok(!isUndecided(util));
    assert.equal(util.framework.framework, 'pytest');
    assert.match(util.framework.evidence, /requirements-dev\.txt lists pytest/);
    assert.equal(util.placement.testFile, 'tests/test_util.py');
    const core = await detectTestSetup('/r', 'app/core.py', { fs });
    assert.ok(!isUndecided(core));
    assert.equal(core.placement.testFile, 'app/test_core.py');
    assert.equal(core.placement.testFileExists, true);
  });

  it('never reads above the root it is given', async () => {
    const read: string[] = [];
    const fs: ProjectFs = {
      async readText(p) {
        read.push(p);
        return undefined;
      },
      async list(d) {
        read.push(d);
        return [];
      },
    };
    await detectTestSetup('/work/ws', 'a/b/c.ts', { fs });
    assert.ok(read.length > 0);
    for (const p of read) assert.ok(p.startsWith('/work/ws'), p);
  });
});

describe('scratch files', () => {
  it('are named so each runner collects them, and recognised', () => {
    assert.equal(scratchFileFor('src/a.tsx', 'typescript', 'x1'), 'src/a.hearth-scratch-x1.test.tsx');
    assert.equal(scratchFileFor('a.mjs', 'javascript', 'x1'), 'a.hearth-scratch-x1.test.mjs');
    assert.equal(scratchFileFor('p/m.py', 'python', 'x1'), 'p/test_hearth_scratch_x1.py');
    assert.equal(scratchFileFor('p/m.go', 'go', 'x1'), 'p/hearth_scratch_x1_test.go');
    for (const yes of ['a.hearth-scratch-x1.test.ts', 'test_hearth_scratch_0a.py', 'hearth_scratch_9_test.go']) assert.ok(isScratchFile(yes), yes);
    for (const no of ['a.test.ts', 'test_a.py', 'a_test.go', 'hearth-scratch.ts']) assert.ok(!isScratchFile(no), no);
  });

  it('the sweep removes stale ones only (not other files, not inside node_modules, not recent ones when asked)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-sweep-'));
    try {
      const put = (p: string) => {
        mkdirSync(join(root, p, '..'), { recursive: true });
        writeFileSync(join(root, p), 'x');
      };
      const stale = ['src/a.hearth-scratch-aa.test.ts', 'py/test_hearth_scratch_bb.py', 'go/pkg/hearth_scratch_cc_test.go'];
      const keep = ['src/a.test.ts', 'src/a.ts', 'node_modules/x/b.hearth-scratch-dd.test.js', 'py/test_b.py'];
      [...stale, ...keep, 'src/new.hearth-scratch-ee.test.ts'].forEach(put);
      const old = (Date.now() - 3_600_000) / 1000;
      for (const s of stale) utimesSync(join(root, s), old, old);
      const removed = await sweepScratchFiles(root, { olderThanMs: 60_000 });
      assert.deepEqual(removed.map((p) => p.slice(root.length + 1)).sort(), [...stale].sort());
      for (const k of [...keep, 'src/new.hearth-scratch-ee.test.ts']) assert.ok(existsSync(join(root, k)), k);
      assert.ok(statSync(join(root, 'src')).isDirectory());
      const all = await sweepScratchFiles(root);
      assert.deepEqual(all.map((p) => p.slice(root.length + 1)), ['src/new.hearth-scratch-ee.test.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the sweep keeps a scratch file whose writing process is alive (a run in another window) and removes one whose process is gone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-sweep-'));
    try {
      const live = scratchFileFor('a.ts', 'typescript');
      assert.equal(scratchOwner(live), process.pid);
      const dead = spawnSync('true').pid!;
      const gone = scratchFileFor('b.py', 'python', `${dead}p00ff`);
      assert.equal(scratchOwner(gone), dead);
      writeFileSync(join(root, live), 'x');
      writeFileSync(join(root, gone), 'x');
      const removed = await sweepScratchFiles(root);
      assert.deepEqual(removed, [join(root, gone)]);
      assert.ok(existsSync(join(root, live)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
