// A cloned repository's git config must not run programs on the user's machine. The hostile repo
// below names a program in every config key git runs on its own during read commands; the control
// test shows that plain git does run them here, and the rest that Hearth's runner (and the index,
// which uses it) never does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, GitRunner, safeGitEnv } from '../../src/node/git/gitRunner';
import { walkWorkspace } from '../../src/node/index/walk';
import { IndexService } from '../../src/node/index/indexService';
import { silentLogger } from '../../src/core/log';

/** Config keys that make git run a program, each creating its own marker file when it does. */
function hostileRepo(root: string, markers: string): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), 'export function alpha() { return 1; }\n');
  writeFileSync(join(root, '.gitattributes'), '* filter=evil diff=evil merge=evil\n');
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: root });
  const hooks = join(root, 'evil-hooks');
  mkdirSync(hooks);
  for (const h of ['pre-commit', 'post-checkout', 'post-index-change', 'fsmonitor-watchman']) {
    writeFileSync(join(hooks, h), `#!/bin/sh\ntouch ${join(markers, `hook-${h}`)}\n`);
    chmodSync(join(hooks, h), 0o755);
  }
  const set = (k: string, v: string) => execFileSync('git', ['config', k, v], { cwd: root });
  const run = (name: string, then = '') => `touch ${join(markers, name)}; ${then}`;
  set('core.fsmonitor', run('fsmonitor', 'echo'));
  set('core.hooksPath', hooks);
  set('core.pager', run('pager', 'cat'));
  set('pager.diff', run('pager-diff', 'cat'));
  set('diff.external', run('diff-external', 'true'));
  set('diff.evil.command', run('diff-command', 'true'));
  set('diff.evil.textconv', run('textconv', 'cat'));
  set('filter.evil.clean', run('clean', 'cat'));
  set('filter.evil.smudge', run('smudge', 'cat'));
  set('filter.evil.required', 'true');
  set('credential.helper', `!${run('credential', 'true')}`);
  set('core.sshCommand', run('ssh', 'true'));
  // Make the work tree differ from the index so diff and status have something to compare.
  writeFileSync(join(root, 'src/a.ts'), 'export function alpha() { return 2; }\n');
  writeFileSync(join(root, 'src/b.ts'), 'export function beta() {}\n');
}

describe('safe git runner', () => {
  let root: string;
  let markers: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-hostile-git-'));
    markers = mkdtempSync(join(tmpdir(), 'hearth-markers-'));
    hostileRepo(root, markers);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(markers, { recursive: true, force: true });
  });
  const ran = () => readdirSync(markers).sort();
  const clear = () => { for (const f of readdirSync(markers)) rmSync(join(markers, f)); };

  it('control: plain git runs the repository\'s programs on read commands (so the tests below mean something)', () => {
    clear();
    execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: root });
    execFileSync('git', ['diff'], { cwd: root, env: { ...process.env, PAGER: '' } });
    const seen = ran();
    assert.ok(seen.includes('fsmonitor'), `fsmonitor ran under plain git: ${seen.join(', ')}`);
    assert.ok(seen.includes('diff-external') || seen.includes('diff-command') || seen.includes('textconv') || seen.includes('clean'), `a diff driver or filter ran under plain git: ${seen.join(', ')}`);
    clear();
  });

  it('no program of the repository runs through the runner, for any read command Hearth uses', async () => {
    clear();
    const git = new GitRunner(root);
    const listed = await git.run(['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
    assert.ok(listed.split('\0').includes('src/a.ts'));
    const diff = await git.run(['diff']);
    assert.match(diff, /return 2/, 'the real diff, not an external driver');
    await git.run(['diff', '--cached']);
    await git.run(['status', '--porcelain']);
    await git.run(['show', 'HEAD']);
    await git.run(['log', '-p', '-1']);
    await git.run(['show', ':src/a.ts']);
    assert.deepEqual(ran(), []);
  });

  it('indexing the hostile repository runs nothing (walk, build, a single-file update)', async () => {
    clear();
    const walk = await walkWorkspace({ root });
    assert.equal(walk.mode, 'git');
    assert.deepEqual(walk.files.map((f) => f.path), ['src/a.ts', 'src/b.ts']);
    const service = new IndexService({ root, logger: silentLogger });
    try {
      await service.build();
      writeFileSync(join(root, 'src/c.ts'), 'export function gamma() {}\n');
      await service.updateFile('src/c.ts');
      assert.ok(service.index.file('src/c.ts'));
    } finally {
      await service.dispose();
    }
    assert.deepEqual(ran(), []);
  });

  it('the environment points git nowhere else and names no program', () => {
    const env = safeGitEnv({ PATH: '/usr/bin', HOME: '/home/u', GIT_DIR: '/elsewhere', GIT_CONFIG_PARAMETERS: "'core.fsmonitor=x'", GIT_EXTERNAL_DIFF: 'x', GIT_SSH_COMMAND: 'x', GIT_ASKPASS: 'x', PAGER: 'less', git_dir: '/x' });
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.HOME, '/home/u');
    for (const k of ['GIT_DIR', 'GIT_CONFIG_PARAMETERS', 'GIT_EXTERNAL_DIFF', 'GIT_SSH_COMMAND', 'GIT_ASKPASS', 'git_dir']) assert.equal(env[k], undefined, k);
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.PAGER, 'cat');
  });

  it('GIT_* variables of the user\'s environment cannot redirect the runner', async () => {
    const saved = { ...process.env };
    process.env.GIT_DIR = join(markers, 'nowhere');
    process.env.GIT_CONFIG_PARAMETERS = `'core.fsmonitor=touch ${join(markers, 'env-fsmonitor')}; echo'`;
    try {
      const out = await new GitRunner(root).run(['ls-files', '--others', '--exclude-standard']);
      assert.match(out, /src\/b\.ts/);
    } finally {
      process.env = saved;
    }
    assert.deepEqual(ran(), []);
  });

  it('a timeout and a cancellation end the command with a GitError', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'hearth-slow-git-'));
    writeFileSync(join(bin, 'git'), '#!/bin/sh\nsleep 30\n');
    chmodSync(join(bin, 'git'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const t0 = Date.now();
      await assert.rejects(new GitRunner(root, { timeoutMs: 300 }).run(['ls-files']), (e: unknown) => e instanceof GitError && e.code === 'ETIMEDOUT' && /longer than/.test(e.message));
      assert.ok(Date.now() - t0 < 10_000, 'killed, not waited for');
      const c = new AbortController();
      const p = new GitRunner(root).run(['ls-files'], { signal: c.signal });
      setTimeout(() => c.abort(), 100);
      await assert.rejects(p, (e: unknown) => e instanceof GitError && /cancelled/.test(e.message));
    } finally {
      process.env.PATH = saved;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('a missing git is a clear error, and the walk falls back to reading .gitignore files', async () => {
    const saved = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'hearth-no-git-'));
    try {
      await assert.rejects(new GitRunner(root).run(['ls-files']), (e: unknown) => e instanceof GitError && e.code === 'ENOENT');
      const walk = await walkWorkspace({ root });
      assert.equal(walk.mode, 'plain');
      assert.ok(walk.files.some((f) => f.path === 'src/a.ts'));
    } finally {
      rmSync(process.env.PATH, { recursive: true, force: true });
      process.env.PATH = saved;
    }
    assert.equal(existsSync(join(markers, 'fsmonitor')), false);
  });
});
