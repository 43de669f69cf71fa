// The index's gate holds for editor events too, not only for the first walk: a file that is
// git-ignored, .hearthignore'd, under dependency/build folders or secret never enters the index by
// being created, saved, renamed into place or typed into.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { silentLogger } from '../../src/core/log';
import { IndexService } from '../../src/node/index/indexService';
import { examinePath } from '../../src/node/index/walk';
import { GitRunner } from '../../src/node/git/gitRunner';
import { PrivacyGate, parseTaggedListing } from '../../src/node/privacy/gate';

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

const OUTSIDERS: Record<string, string> = {
  'ignored/x.ts': 'export function ignoredFn() {}\n',
  'gen.ts': 'export function generatedFn() {}\n',
  'private/p.ts': 'export function privateFn() {}\n',
  'node_modules/pkg/b.js': 'function depFn() {}\n',
  'dist/c.js': 'function distFn() {}\n',
  '.env.local.ts': 'export const TOKEN = "x";\n',
};

for (const mode of ['git', 'plain'] as const) {
  describe(`index gate for editor events (${mode} folder)`, () => {
    let root: string;
    let service: IndexService;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), `hearth-gate-${mode}-`));
      write(root, {
        '.gitignore': 'ignored/\ngen.ts\n',
        '.hearthignore': 'private/\n',
        'sub/.gitignore': '*.gen.ts\n',
        'src/a.ts': 'export function alpha() {}\n',
      });
      if (mode === 'git') {
        execFileSync('git', ['init', '-q'], { cwd: root });
        execFileSync('git', ['add', 'src/a.ts'], { cwd: root });
      }
      service = new IndexService({ root, logger: silentLogger });
      await service.build();
    });
    after(async () => {
      await service.dispose();
      rmSync(root, { recursive: true, force: true });
    });
    const indexed = () => [...service.index.paths()].sort();

    it('creating or saving an ignored, dependency, build or secret file does not index it', async () => {
      write(root, { ...OUTSIDERS, 'sub/thing.gen.ts': 'export function subGenFn() {}\n' });
      for (const p of [...Object.keys(OUTSIDERS), 'sub/thing.gen.ts']) {
        await service.updateFile(p);
        assert.equal(await examinePath({ root, path: p }), undefined, `${p} refused by the gate`);
      }
      assert.deepEqual(indexed(), ['src/a.ts']);
      for (const name of ['ignoredFn', 'generatedFn', 'privateFn', 'depFn', 'distFn', 'subGenFn', 'TOKEN']) {
        assert.equal(service.index.definitionsNamed(name).length, 0, `${name} kept out`);
      }
    });

    it('a new ordinary file is indexed; typing refreshes admitted files only', async () => {
      write(root, { 'src/new.ts': 'export function fresh() {}\n' });
      await service.updateFile('src/new.ts');
      assert.deepEqual(indexed(), ['src/a.ts', 'src/new.ts']);
      await service.updateBuffer('ignored/x.ts', 'export function typedInIgnored() {}\n');
      assert.equal(service.index.definitionsNamed('typedInIgnored').length, 0);
      await service.updateBuffer('src/a.ts', 'export function alpha() {}\nexport function beta() {}\n');
      assert.equal(service.index.definitionsNamed('beta').length, 1, 'the unsaved text of an indexed file counts');
    });

    it('renaming into an ignored folder drops the file; renaming to an ordinary name re-admits it', async () => {
      mkdirSync(join(root, 'ignored'), { recursive: true });
      execFileSync('mv', [join(root, 'src/new.ts'), join(root, 'ignored/new.ts')]);
      await service.renameFile('src/new.ts', 'ignored/new.ts');
      assert.deepEqual(indexed(), ['src/a.ts']);
      execFileSync('mv', [join(root, 'ignored/new.ts'), join(root, 'src/renamed.ts')]);
      await service.renameFile('ignored/new.ts', 'src/renamed.ts');
      assert.deepEqual(indexed(), ['src/a.ts', 'src/renamed.ts']);
      assert.equal(service.index.definitionsNamed('fresh')[0]?.path, 'src/renamed.ts');
    });
  });
}

describe('index gate inside a folder that an enclosing repository ignores wholesale', () => {
  it('judges single paths the way the walk did (plain mode): saves keep files, .gitignore still holds', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'hearth-gate-outer-'));
    const root = join(outer, 'inner');
    write(outer, { '.gitignore': 'inner/\n' });
    write(root, { '.gitignore': 'ignored/\n', 'src/a.ts': 'export function alpha() {}\n' });
    execFileSync('git', ['init', '-q'], { cwd: outer });
    const service = new IndexService({ root, logger: silentLogger });
    try {
      await service.build();
      assert.deepEqual([...service.index.paths()], ['src/a.ts'], 'the walk fell back to the plain mode');
      write(root, { 'src/a.ts': 'export function alpha() {}\nexport function saved() {}\n', 'ignored/x.ts': 'export function ignoredFn() {}\n' });
      await service.updateFile('src/a.ts');
      await service.updateFile('ignored/x.ts');
      assert.deepEqual([...service.index.paths()], ['src/a.ts'], 'a save keeps the file; the folder\'s own .gitignore still holds');
      assert.equal(service.index.definitionsNamed('saved').length, 1);
    } finally {
      await service.dispose();
      rmSync(outer, { recursive: true, force: true });
    }
  });
});

describe('the gate asks git once per path, and reads its answer as the two questions did', () => {
  it('tracked (even where ignored, or unmerged), untracked, ignored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-gate-listing-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'pipe' });
    try {
      write(root, { '.gitignore': 'ign*\n', 'a.ts': 'let a = 1;\n', 'ign-forced.ts': 'x\n', 'ign-untracked.ts': 'y\n', 'new.ts': 'z\n', 'both.ts': 'base\n' });
      git('init', '-q', '-b', 'main');
      git('add', '.gitignore', 'a.ts', 'both.ts');
      git('add', '-f', 'ign-forced.ts');
      git('commit', '-q', '-m', 'base');
      // An unmerged path: git lists it once per stage.
      git('checkout', '-q', '-b', 'other');
      write(root, { 'both.ts': 'other\n' });
      git('commit', '-q', '-am', 'other');
      git('checkout', '-q', 'main');
      write(root, { 'both.ts': 'main\n' });
      git('commit', '-q', '-am', 'main');
      try {
        git('merge', '-q', 'other');
      } catch {
        // the conflict is the point
      }
      const gate = new PrivacyGate(root, { git: new GitRunner(root) });
      const listing = async (p: string) => {
        const v = await gate.admitPath(p);
        return v.admitted ? v.listing : 'refused';
      };
      assert.equal(await listing('a.ts'), 'tracked');
      assert.equal(await listing('ign-forced.ts'), 'tracked');
      assert.equal(await listing('both.ts'), 'tracked');
      assert.equal(await listing('new.ts'), 'untracked');
      assert.equal(await listing('ign-untracked.ts'), 'refused');
      assert.deepEqual(parseTaggedListing('H a.ts\0? b c.ts\0M d.ts\0M d.ts\0'), [
        { path: 'a.ts', tracked: true }, { path: 'b c.ts', tracked: false }, { path: 'd.ts', tracked: true }, { path: 'd.ts', tracked: true },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
