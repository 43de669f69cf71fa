// `hearth review` against the fake Ollama on real git repositories made here: the fake's scripted
// findings (one exact, one mis-numbered that is moved to the line its anchor names, one
// hallucinated that is dropped), the JSON shape exactly, exit codes 0/1/2 (2 with the server
// unreachable and with an answer cut by the output limit), SARIF validated against the SARIF 2.1.0
// schema, files not reviewed listed with reasons, credentials in the staged text never reaching the
// server, staged lines mapped to the working tree, and --install-hook writing a hook that works.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import { runCli } from '../../src/cli/main';
import { HOOK_MARKER } from '../../src/node/review/hook';
import { AWS_ID, AWS_SECRET, GITHUB } from '../support/plantedRepo';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

const MATH_HEAD = [
  'export function total(items: number[]): number {',
  '  let sum = 0;',
  '  for (const x of items) sum += x;',
  '  return sum;',
  '}',
  '',
].join('\n');
// Staged: lines 4 and 7 are added (the bugs the fake reports), lines 10-11 hold credentials.
const MATH_STAGED = [
  'export function total(items: number[]): number {', // 1
  '  let sum = 0;', // 2
  '  for (const x of items) sum += x;', // 3
  '  if (items.length > 0) sum = sum / 0;', // 4
  '  return sum;', // 5
  '}', // 6
  'export function average(items: number[]): number {', // 7
  '  return total(items) / items.length;', // 8
  '}', // 9
  `export const aws_access_key_id = '${AWS_ID}';`, // 10
  `export const aws_secret_access_key = '${AWS_SECRET}';`, // 11
  '',
].join('\n');
/** The working tree after staging: two lines added on top, so staged line N is working-tree line N + 2. */
const MATH_WORKTREE = `// note\n// more\n${MATH_STAGED}`;

const EXACT = {
  file: 'src/math.ts', line: 4, end_line: 4, anchor: '  if (items.length > 0) sum = sum / 0;', severity: 'high', category: 'bug',
  confidence: 0.9, title: 'Division by zero', explanation: 'Any non-empty list makes the sum Infinity.', fix: '  if (items.length > 0) sum = sum / items.length;',
};
const MISNUMBERED = {
  file: 'src/math.ts', line: 9, end_line: 9, anchor: 'return total(items) / items.length;', severity: 'medium', category: 'edge-case',
  confidence: 0.8, title: 'Empty list gives NaN', explanation: 'average([]) divides 0 by 0 and returns NaN.', fix: null,
};
const HALLUCINATED = {
  file: 'src/math.ts', line: 5, end_line: 5, anchor: 'const result = await fetchEverything(url);', severity: 'high', category: 'security',
  confidence: 0.95, title: 'Unchecked fetch', explanation: 'A made-up line.', fix: null,
};
const REPLY = JSON.stringify({ findings: [EXACT, MISNUMBERED, HALLUCINATED] });

const isChat = (r: RecordedRequest) => r.path === '/api/chat';

describe('hearth review', () => {
  let fake: FakeOllama;
  let repo: string;
  let cache: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { XDG_CACHE_HOME: cache } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    fake = new FakeOllama();
    await fake.start(0);
    cache = mkdtempSync(join(tmpdir(), 'hearth-review-cache-'));
    repo = mkdtempSync(join(tmpdir(), 'hearth-review-cli-'));
    git(repo, 'init', '-q');
    write(repo, 'src/math.ts', MATH_HEAD);
    write(repo, 'package-lock.json', '{\n  "lockfileVersion": 3\n}\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    write(repo, 'src/math.ts', MATH_STAGED);
    write(repo, 'package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {}\n}\n');
    write(repo, '.env', `GITHUB_TOKEN=${GITHUB}\n`);
    git(repo, 'add', '-f', 'src/math.ts', 'package-lock.json', '.env');
    write(repo, 'src/math.ts', MATH_WORKTREE);
  });
  after(async () => {
    await fake.stop();
    rmSync(repo, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  beforeEach(() => fake.clearLog());

  it('--format json: the exact shape; the exact finding kept, the mis-numbered one moved, the hallucinated one dropped; exit 1 on a high finding', async () => {
    fake.reply({ response: REPLY, thinking: `The thought may hold JSON: ${JSON.stringify({ findings: [HALLUCINATED] })}` });
    const r = await cli('--host', fake.url, 'review', '--repo', repo, '--format', 'json');
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['reviewed', 'skipped', 'findings', 'dropped']);
    assert.deepEqual(j.reviewed, ['src/math.ts']);
    assert.deepEqual(j.findings, [
      { path: 'src/math.ts', line: 4, endLine: 4, worktreeLine: 6, severity: 'high', category: 'bug', confidence: 0.9, title: EXACT.title, explanation: EXACT.explanation, fix: EXACT.fix },
      { path: 'src/math.ts', line: 8, endLine: 8, worktreeLine: 10, severity: 'medium', category: 'edge-case', confidence: 0.8, title: MISNUMBERED.title, explanation: MISNUMBERED.explanation, fix: null },
    ]);
    assert.equal(j.dropped.length, 1);
    const [d] = j.dropped;
    assert.deepEqual(Object.keys(d), ['path', 'line', 'endLine', 'severity', 'category', 'confidence', 'title', 'explanation', 'fix', 'reason']);
    assert.equal(d.title, HALLUCINATED.title);
    assert.match(d.reason, /anchor/);
    const reasons = Object.fromEntries(j.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['.env', 'package-lock.json']);
    assert.match(reasons['package-lock.json'], /lockfile/);
    assert.match(reasons['.env'], /secret/);

    // What reached the server: one chat request with the schema as format and think explicit;
    // no credential of the staged text, and nothing of .env.
    const calls = fake.requests.filter(isChat);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].body.think, true, 'a thinking model thinks for a review by default');
    assert.equal(calls[0].body.format.required[0], 'findings');
    assert.ok(calls[0].body.options.num_predict > 0);
    const sent = JSON.stringify(fake.requests.map((q) => q.body));
    for (const secret of [AWS_ID, AWS_SECRET, GITHUB]) assert.ok(!sent.includes(secret), `${secret.slice(0, 6)}… reached the server`);
    assert.match(sent, /\[redacted [^\]]+\]/);
    assert.match(sent, /sum \/ 0/, 'the staged text is what is reviewed');
    assert.ok(!sent.includes('// more'), 'the working tree is not');
  });

  it('--fail-on: 0 when nothing is at or above the threshold, 1 when something is; text output lists file:line, title, fix and what was not reviewed', async () => {
    fake.reply({ response: REPLY });
    const none = await cli('--host', fake.url, 'review', '--repo', repo, '--staged', '--fail-on', 'none');
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, /HIGH\s+src\/math\.ts:4 \(working tree: line 6\)/);
    assert.match(none.out, /Division by zero/);
    assert.match(none.out, /\| {3}if \(items\.length > 0\) sum = sum \/ items\.length;/);
    assert.match(none.out, /Not reviewed:\n(.*\n)*\s+package-lock\.json: lockfile/);
    assert.match(none.out, /1 file reviewed, 2 findings \(1 high, 1 medium\); 1 dropped/);

    fake.reply({ response: JSON.stringify({ findings: [MISNUMBERED] }) });
    assert.equal((await cli('--host', fake.url, 'review', '--repo', repo)).code, 0, 'default --fail-on high: a medium finding passes');
    fake.reply({ response: JSON.stringify({ findings: [MISNUMBERED] }) });
    assert.equal((await cli('--host', fake.url, 'review', '--repo', repo, '--fail-on', 'medium')).code, 1);
    fake.reply({ response: '{"findings": []}' });
    assert.equal((await cli('--host', fake.url, 'review', '--repo', repo, '--fail-on', 'low')).code, 0);
  });

  it('exit 2 with the reason on stderr: an answer cut by the output limit, an unreadable one, an unreachable server', async () => {
    fake.reply({ response: '{"findings": [{"file": "src/math.ts", "line": 4, "end_', doneReason: 'length' });
    const cut = await cli('--host', fake.url, 'review', '--repo', repo, '--format', 'json');
    assert.equal(cut.code, 2);
    assert.match(cut.err, /Review incomplete: the answer was cut off/);
    const j = JSON.parse(cut.out);
    assert.deepEqual(j.reviewed, [], 'never "reviewed, no findings"');
    assert.match(j.skipped.find((s: { path: string }) => s.path === 'src/math.ts').reason, /not reviewed: Review incomplete/);

    fake.reply({ response: 'not json' });
    fake.reply({ response: 'still not json' });
    const unreadable = await cli('--host', fake.url, 'review', '--repo', repo);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.err, /could not be read/);
    assert.match(unreadable.out, /Review INCOMPLETE/);

    const down = new FakeOllama();
    const url = await down.start(0);
    await down.stop();
    const off = await cli('--host', url, 'review', '--repo', repo);
    assert.equal(off.code, 2);
    assert.match(off.err, /Review incomplete: .*Cannot reach Ollama/s);
  });

  it('--format sarif validates against the SARIF 2.1.0 schema, with the findings, their fixes and the files not reviewed', async () => {
    fake.reply({ response: REPLY });
    const r = await cli('--host', fake.url, 'review', '--repo', repo, '--format', 'sarif', '--fail-on', 'none');
    assert.equal(r.code, 0, r.err);
    const log = JSON.parse(r.out);
    const schema = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/sarif/sarif-schema-2.1.0-rtm.5.json'), 'utf8'));
    // The schema is written for JSON Schema draft 04; what Ajv's default draft reads differently in
    // it is only the draft-04 `id` keyword and the meta-schema reference.
    delete schema.$schema;
    delete schema.id;
    // Its patterns are ECMAScript without the u flag (one has a lone `]`).
    const compiled = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const validate = (value: unknown): boolean => compiled(value);
    assert.ok(validate(log), JSON.stringify(compiled.errors, null, 2));
    assert.equal(log.version, '2.1.0');
    const [run] = log.runs;
    assert.equal(run.results.length, 2);
    assert.deepEqual(run.results.map((x: { level: string }) => x.level), ['error', 'warning']);
    assert.deepEqual(run.results[0].locations[0].physicalLocation.region, { startLine: 4, endLine: 4 });
    assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'src/math.ts');
    assert.match(run.originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/$/);
    assert.equal(run.results[0].fixes[0].artifactChanges[0].replacements[0].insertedContent.text, `${EXACT.fix}\n`);
    assert.equal(run.invocations[0].executionSuccessful, true);
    assert.equal(run.invocations[0].toolExecutionNotifications.length, 2);

    // And the schema check is not vacuous: a broken log fails it.
    assert.equal(validate({ ...log, version: '2.0.0' }), false);
  });

  it('--uncommitted reviews the working tree, untracked files included', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hearth-review-unc-'));
    try {
      git(tmp, 'init', '-q');
      write(tmp, 'a.py', 'def f(x):\n    return x\n');
      git(tmp, 'add', '.');
      git(tmp, 'commit', '-qm', 'base');
      write(tmp, 'a.py', 'def f(x):\n    return x / 0\n');
      write(tmp, 'b.py', 'print(1)\n');
      fake.reply({ response: JSON.stringify({ findings: [{ ...EXACT, file: 'a.py', line: 2, end_line: 2, anchor: '    return x / 0', fix: null }] }) });
      const r = await cli('--host', fake.url, 'review', '--repo', tmp, '--uncommitted', '--json');
      assert.equal(r.code, 1, r.err);
      const j = JSON.parse(r.out);
      assert.deepEqual(j.reviewed, ['a.py', 'b.py']);
      assert.deepEqual(j.findings.map((f: { path: string; line: number; worktreeLine: number }) => [f.path, f.line, f.worktreeLine]), [['a.py', 2, 2]]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('nothing to review: exit 0 without asking the server', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hearth-review-empty-'));
    try {
      git(tmp, 'init', '-q');
      write(tmp, 'yarn.lock', '# lock\n');
      git(tmp, 'add', '.');
      const r = await cli('--host', 'http://127.0.0.1:9', 'review', '--repo', tmp, '--json');
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), { reviewed: [], skipped: [{ path: 'yarn.lock', reason: 'lockfile: written by the package manager' }], findings: [], dropped: [] });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('wrong usage exits 2', async () => {
    assert.equal((await cli('review', '--repo', repo, '--staged', '--uncommitted')).code, 2);
    assert.equal((await cli('review', '--repo', repo, '--format', 'xml')).code, 2);
    assert.equal((await cli('review', '--repo', repo, '--fail-on', 'critical')).code, 2);
    const notRepo = mkdtempSync(join(tmpdir(), 'hearth-review-norepo-'));
    try {
      const r = await cli('--host', fake.url, 'review', '--repo', notRepo);
      assert.equal(r.code, 2);
      assert.match(r.err, /not in a git repository/);
    } finally {
      rmSync(notRepo, { recursive: true, force: true });
    }
  });
});

describe('hearth review --install-hook', () => {
  let fake: FakeOllama;
  let cache: string;
  const tsx = resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs');
  const self = [process.execPath, tsx, resolve(__dirname, '../../src/cli/main.ts')];
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { XDG_CACHE_HOME: cache }, self });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  before(async () => {
    fake = new FakeOllama();
    await fake.start(0);
    cache = mkdtempSync(join(tmpdir(), 'hearth-hook-cache-'));
  });
  after(async () => {
    await fake.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  /**
   * `git commit` with the hook; `hearth` is not on PATH, so the hook runs the CLI that installed it.
   * Asynchronous: the fake Ollama answers from this process.
   */
  const commit = (root: string, ...extra: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
    execFile('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'change', ...extra], {
      cwd: root, encoding: 'utf8', timeout: 120_000,
      env: { PATH: '/usr/bin:/bin', HOME: cache, XDG_CACHE_HOME: cache, OLLAMA_HOST: fake.url },
    }, (e, stdout, stderr) => done({ status: e ? Number((e as { code?: number }).code ?? -1) : 0, stdout, stderr }));
  });

  it('writes an executable pre-commit hook that stops a commit on a high finding, says how to bypass it, and lets a clean one through', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-hook-'));
    try {
      git(root, 'init', '-q');
      write(root, 'src/math.ts', MATH_HEAD);
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'base');
      const r = await cli('review', '--repo', root, '--install-hook');
      assert.equal(r.code, 0, r.err);
      const hook = join(root, '.git/hooks/pre-commit');
      assert.match(r.out, /git commit --no-verify/);
      assert.ok(statSync(hook).mode & 0o100, 'executable');
      const script = readFileSync(hook, 'utf8');
      assert.ok(script.includes(HOOK_MARKER));
      assert.match(script, /review --staged --fail-on high/);
      assert.match(script, /git commit --no-verify/);

      write(root, 'src/math.ts', MATH_STAGED.split('\n').slice(0, 9).join('\n') + '\n');
      git(root, 'add', 'src/math.ts');
      fake.reply({ response: JSON.stringify({ findings: [EXACT] }) });
      const stopped = await commit(root);
      assert.equal(stopped.status, 1, stopped.stderr);
      // Git sends a pre-commit hook's standard output to its standard error.
      assert.match(stopped.stderr, /Division by zero/);
      assert.match(stopped.stderr, /commit stopped.*git commit --no-verify/);
      assert.equal(git(root, 'rev-list', '--count', 'HEAD').trim(), '1', 'nothing committed');

      // Bypassed once, as the hook says: no review asked for.
      fake.clearLog();
      const bypassed = await commit(root, '--no-verify');
      assert.equal(bypassed.status, 0, bypassed.stderr);
      assert.equal(fake.requests.length, 0);
      assert.equal(git(root, 'rev-list', '--count', 'HEAD').trim(), '2');

      write(root, 'src/math.ts', MATH_HEAD.replace('let sum = 0;', 'let sum = 0; // start'));
      git(root, 'add', 'src/math.ts');
      fake.reply({ response: '{"findings": []}' });
      const clean = await commit(root);
      assert.equal(clean.status, 0, clean.stderr + clean.stdout);
      assert.equal(git(root, 'rev-list', '--count', 'HEAD').trim(), '3');

      // Installing again replaces Hearth's own hook.
      assert.equal((await cli('review', '--repo', root, '--install-hook')).code, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('respects core.hooksPath and leaves a hook that is not Hearth\'s alone unless --force', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-hook-path-'));
    try {
      git(root, 'init', '-q');
      git(root, 'config', 'core.hooksPath', 'tools/hooks');
      write(root, 'tools/hooks/pre-commit', '#!/bin/sh\necho mine\n');
      const r = await cli('review', '--repo', root, '--install-hook');
      assert.equal(r.code, 1);
      assert.match(r.err, /tools\/hooks\/pre-commit already exists and is not Hearth's/);
      assert.equal(readFileSync(join(root, 'tools/hooks/pre-commit'), 'utf8'), '#!/bin/sh\necho mine\n');
      assert.ok(!existsSync(join(root, '.git/hooks/pre-commit')));
      const forced = await cli('review', '--repo', root, '--install-hook', '--force');
      assert.equal(forced.code, 0, forced.err);
      assert.match(forced.out, /core\.hooksPath \(local config\)/);
      assert.ok(readFileSync(join(root, 'tools/hooks/pre-commit'), 'utf8').includes(HOOK_MARKER));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
