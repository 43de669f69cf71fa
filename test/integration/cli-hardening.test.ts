// Hardening of the CLI and of the paths it shares with the editor: wrong usage exits 2 with one
// clear line (bad --host, missing or file --repo, bad --budget/--timeout, a file outside --repo),
// credentials in a server URL are sent as a header and never echoed, `complete` indexes the
// file's own work tree, unexpected errors are one line, and a minified one-line file completes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../../src/core/completion/engine';
import { cursorSliceFromText } from '../../src/core/text/cursorText';
import { NO_CONTEXT } from '../../src/core/completion/types';
import { MemoryLogger } from '../../src/core/log';
import { useFakeOllama } from '../support/fake';
import { FakeOllama } from '../fake-ollama/index';
import { runCli } from '../../src/cli/main';
import { SecretlintRedactor } from '../../src/node/privacy/redact';

/** The engine redacts every prompt part, as in the editor. */
const REDACTOR = new SecretlintRedactor();

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PASSWORD = 'S3cr3t-pw-7f1';

/** A minified bundle: one line, no newline, `chars` long. */
function minified(chars: number): string {
  let s = '';
  for (let i = 0; s.length < chars; i++) s += `var a${i}=function(b){return b*${i}+c(${i})};`;
  return s.slice(0, chars);
}

describe('completion in a minified one-line file', () => {
  const h = useFakeOllama();
  const LINE = minified(300_000);
  const engineFor = () => new CompletionEngine({
    session: () => h.service.sessionFor('gemma4:e4b'),
    context: NO_CONTEXT, redactor: REDACTOR,
    logger: new MemoryLogger(),
    settings: { ...DEFAULT_COMPLETION_SETTINGS, debounceMs: 0 },
  });
  // Where the prefilter lets a completion happen on such a line: at its end, or before closing
  // brackets. (In the middle of the line, with code right of the cursor, it declines, as it does
  // on any line.)
  const cases: Array<[string, string, number]> = [
    ['at the end of the line', LINE, LINE.length],
    ['before the closing brackets, 300 KB into the line', `${LINE}}));`, LINE.length],
    ['at column 150 000 of a 150 KB line followed by closing brackets', `${LINE.slice(0, 150_000)})]}`, 150_000],
  ];
  for (const [where, text, column] of cases) {
    it(`the engine completes ${where}: the prompt holds a window of the line, not all of it`, async () => {
      const engine = engineFor();
      h.fake.clearLog();
      h.fake.reply({ response: 'd(1)' });
      const slice = cursorSliceFromText(text, 0, column, 'dist/app.min.js');
      const o = await engine.complete({ document: `file:///${where}.min.js`, cursor: slice.cursor, prefixFirstLine: slice.prefixFirstLine, trigger: 'manual' });
      engine.dispose();
      assert.equal(o.error, undefined, o.error?.userMessage);
      assert.equal(o.reason, undefined);
      assert.equal(o.text, 'd(1)');
      const req = h.fake.requests.find((r) => r.path === '/api/generate');
      assert.ok(req, 'a request was sent');
      const prompt: string = req.body.prompt;
      assert.ok(prompt.length < 20_000, `a prompt of ${prompt.length} characters, not the whole line`);
      assert.ok(prompt.endsWith(`<|turn>model\n${text.slice(column - 512, column)}`), 'the seed ends at the cursor');
      assert.ok(prompt.includes(`${text.slice(column - 3000, column)}<CURSOR>`), 'the code before the cursor, up to it');
    });
  }

  it('typing on the long line keeps the prompt\'s start: the server can reuse its cache', async () => {
    const engine = engineFor();
    h.fake.clearLog();
    const prompts: string[] = [];
    for (const typed of ['', 'v', 'va', 'var', 'var ', 'var x']) {
      h.fake.reply({ response: '=1;' });
      const text = `${LINE}${typed}`;
      const slice = cursorSliceFromText(text, 0, text.length, 'dist/app.min.js');
      await engine.complete({ document: 'file:///typing.min.js', cursor: slice.cursor, prefixFirstLine: slice.prefixFirstLine, trigger: 'manual' });
      const req = h.fake.requests.filter((r) => r.path === '/api/generate').at(-1);
      if (req && !prompts.includes(req.body.prompt)) prompts.push(req.body.prompt);
    }
    engine.dispose();
    assert.ok(prompts.length >= 2, 'more than one request');
    const at = (p: string) => p.indexOf('<before>\n') + '<before>\n'.length;
    for (const p of prompts) assert.equal(p.slice(at(p), at(p) + 200), prompts[0].slice(at(prompts[0]), at(prompts[0]) + 200), 'the window starts where it did');
  });
});

describe('server addresses in the CLI', () => {
  const h = useFakeOllama();
  let cache: string;
  before(() => { cache = mkdtempSync(join(tmpdir(), 'hearth-hard-cache-')); });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('an invalid --host is wrong usage: exit 2, one clear line, no fallback to another server', async () => {
    h.fake.clearLog();
    for (const command of ['doctor', 'models', 'index']) {
      const r = await cli(['--host', 'ftp://gpu-box:11434', command]);
      assert.equal(r.code, 2, `${command}: ${r.err}`);
      assert.equal(r.out, '');
      assert.equal(r.err, '--host "ftp://gpu-box:11434" is not a valid server address: the scheme must be http:// or https://. Use http://HOST:PORT or https://HOST:PORT, e.g. http://127.0.0.1:11434.');
    }
    assert.equal((await cli(['--host', 'gpu-box:99999', 'doctor'])).code, 2);
    assert.equal((await cli(['--host', 'gpu box', 'doctor'])).code, 2);
  });

  it('an invalid OLLAMA_HOST is wrong usage for the commands that use it, and no concern of the others', async () => {
    const r = await cli(['doctor'], { OLLAMA_HOST: 'ftp://gpu-box:11434' });
    assert.equal(r.code, 2);
    assert.match(r.err, /^OLLAMA_HOST "ftp:\/\/gpu-box:11434" is not a valid server address: the scheme must be/);
    assert.doesNotMatch(r.out, /Healthy/);
    const repo = mkdtempSync(join(tmpdir(), 'hearth-hard-repo-'));
    try {
      writeFileSync(join(repo, 'a.ts'), 'export const a = 1;\n');
      const idx = await cli(['index', '--repo', repo], { OLLAMA_HOST: 'ftp://gpu-box:11434', XDG_CACHE_HOME: cache });
      assert.equal(idx.code, 0, idx.err);
      assert.equal(idx.err, '', 'nothing about an address index does not use');
      // --host wins over OLLAMA_HOST, as in the editor.
      assert.equal((await cli(['--host', h.url, 'doctor'], { OLLAMA_HOST: 'ftp://gpu-box:11434' })).code, 0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('credentials in --host are sent as Basic authentication and never shown (doctor, models, --json)', async () => {
    const host = h.url.replace('http://', `http://admin:${PASSWORD}@`);
    h.fake.clearLog();
    const runs = [await cli(['--host', host, 'doctor']), await cli(['--host', host, 'doctor', '--json']), await cli(['--host', host, 'models']), await cli(['--host', host, 'models', '--json'])];
    for (const r of runs) {
      assert.equal(r.code, 0, r.err);
      assert.ok(!`${r.out}\n${r.err}`.includes(PASSWORD), 'the password is never printed');
      assert.ok(!`${r.out}\n${r.err}`.includes('admin:'), 'nor the user name with it');
    }
    assert.match(runs[0].out, new RegExp(`answers at ${h.url.replace(/[.]/g, '\\.')}`));
    assert.equal(JSON.parse(runs[3].out).serverUrl, h.url);
    const expected = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    assert.ok(h.fake.requests.length > 0);
    for (const req of h.fake.requests) assert.equal(req.headers.authorization, expected, `${req.path} carries the credentials`);
  });

  it('credentials in OLLAMA_HOST likewise; and a server that is down is reported without them', async () => {
    h.fake.clearLog();
    const env = await cli(['doctor', '--json'], { OLLAMA_HOST: h.url.replace('http://', `admin:${PASSWORD}@`) });
    assert.equal(env.code, 0, env.err);
    assert.ok(!env.out.includes(PASSWORD));
    assert.ok(h.fake.requests.every((r) => r.headers.authorization === `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`));
    const dead = new FakeOllama();
    const deadUrl = await dead.start(0);
    await dead.stop();
    for (const args of [['doctor'], ['doctor', '--json'], ['models'], ['models', '--json']]) {
      const r = await cli(['--host', deadUrl.replace('http://', `http://admin:${PASSWORD}@`), ...args]);
      assert.equal(r.code, 1);
      assert.match(`${r.out}${r.err}`, /Cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(!`${r.out}\n${r.err}`.includes(PASSWORD), `${args.join(' ')}: the password is never printed`);
    }
  });

  it('an invalid address with credentials is refused without showing them', async () => {
    const r = await cli(['--host', `ftp://admin:${PASSWORD}@gpu-box:11434`, 'doctor']);
    assert.equal(r.code, 2);
    assert.ok(!r.err.includes(PASSWORD) && !r.err.includes('admin'));
    assert.match(r.err, /--host "ftp:\/\/\*\*\*@gpu-box:11434" is not a valid server address/);
  });
});

describe('CLI usage errors', () => {
  let base: string;
  let cache: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'hearth-hard-'));
    cache = mkdtempSync(join(tmpdir(), 'hearth-hard-cache-'));
    mkdirSync(join(base, 'repo', 'src'), { recursive: true });
    writeFileSync(join(base, 'repo', 'src', 'a.ts'), 'export function a(): number {\n  return \n}\n');
    writeFileSync(join(base, 'plain.txt'), 'not a folder\n');
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  const run = (...args: string[]) => cli(args, { XDG_CACHE_HOME: cache });

  it('--repo that does not exist: exit 2, "no such folder", no stack trace', async () => {
    const missing = join(base, 'nope');
    for (const args of [['index'], ['context', `${join(base, 'repo/src/a.ts')}:2:10`], ['complete', `${join(base, 'repo/src/a.ts')}:2:10`]]) {
      const r = await run(...args, '--repo', missing);
      assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
      assert.equal(r.err, `--repo ${missing}: no such folder`);
    }
  });

  it('--repo that is a file: exit 2, not "0 files"', async () => {
    const r = await run('index', '--repo', join(base, 'plain.txt'));
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /plain\.txt: not a folder/);
  });

  it('--budget takes only whole numbers', async () => {
    for (const bad of ['', ' ', '12abc', '1.5', '-1', '1e3', '0x10']) {
      const r = await run('index', '--repo', join(base, 'repo'), `--budget=${bad}`);
      assert.equal(r.code, 2, JSON.stringify(bad));
      assert.equal(r.err, `--budget takes a whole number of tokens, got ${JSON.stringify(bad)}`);
    }
    assert.equal((await run('context', `${join(base, 'repo/src/a.ts')}:2:10`, '--budget', '0', '--json')).code, 0);
  });

  it('--timeout takes whole seconds from 5 to 7200, as the setting does', async () => {
    for (const bad of ['', '4', '7201', '30s', '1.5', '-5']) {
      const r = await run('doctor', `--timeout=${bad}`);
      assert.equal(r.code, 2, JSON.stringify(bad));
      assert.equal(r.err, `--timeout takes a whole number of seconds from 5 to 7200, got ${JSON.stringify(bad)}`);
    }
  });

  it('--help documents --timeout and the exit codes', async () => {
    const r = await run('--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /--timeout SECONDS\s+Longest wait for a model request, 5 to 7200 \(default: 600\)/);
    assert.match(r.out, /Exit codes: 0 success, 1 a problem was found, 2 wrong usage/);
  });

  it('a FILE outside the given --repo: exit 2 with a clear message', async () => {
    writeFileSync(join(base, 'outside.ts'), 'export const b = 1;\n');
    for (const command of ['complete', 'context']) {
      const r = await run(command, `${join(base, 'outside.ts')}:1:5`, '--repo', join(base, 'repo'));
      assert.equal(r.code, 2, r.err);
      assert.equal(r.err, `${join(base, 'outside.ts')} is outside --repo ${join(base, 'repo')}: give the repository that holds it, or leave --repo out to use the file's own`);
    }
  });

  it('an unexpected error is one line; the stack only with HEARTH_DEBUG=1', async () => {
    const boom = (env: Record<string, string>) => {
      const err: string[] = [];
      const io = { out: () => { throw new Error('write EPIPE\n(stdout closed)'); }, err: (s: string) => err.push(s), env };
      return runCli(['--help'], io).then((code) => ({ code, err }));
    };
    const plain = await boom({});
    assert.equal(plain.code, 1);
    assert.deepEqual(plain.err, ['hearth: write EPIPE (stdout closed)']);
    const debug = await boom({ HEARTH_DEBUG: '1' });
    assert.equal(debug.code, 1);
    assert.match(debug.err[0], /^hearth: Error: write EPIPE\n\(stdout closed\)\n\s+at /);
  });
});

describe('complete FILE without --repo: the file\'s own work tree', () => {
  const h = useFakeOllama();
  let base: string;
  let cache: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'hearth-tree-'));
    cache = mkdtempSync(join(tmpdir(), 'hearth-tree-cache-'));
    // A work tree (its .git a folder) with a definition in one file used from another.
    mkdirSync(join(base, 'proj', '.git'), { recursive: true });
    mkdirSync(join(base, 'proj', 'src', 'deep'), { recursive: true });
    writeFileSync(join(base, 'proj', 'src', 'geo.ts'), 'export interface Point {\n  x: number;\n  y: number;\n}\n');
    writeFileSync(join(base, 'proj', 'src', 'deep', 'use.ts'), 'import { Point } from "../geo";\n\nexport function norm(p: Point): number {\n  return \n}\n');
    // A linked work tree or submodule: .git is a file.
    mkdirSync(join(base, 'proj', 'vendor', 'lib'), { recursive: true });
    writeFileSync(join(base, 'proj', 'vendor', '.git'), 'gitdir: ../.git/modules/vendor\n');
    writeFileSync(join(base, 'proj', 'vendor', 'lib', 'v.ts'), 'export function v(): number {\n  return \n}\n');
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  const run = (...args: string[]) => cli(['--host', h.url, ...args], { XDG_CACHE_HOME: cache });

  it('a file outside the current folder: its work tree is indexed, not the current folder', async () => {
    h.fake.clearLog();
    h.fake.reply({ response: 'Math.hypot(p.x, p.y);' });
    const t0 = performance.now();
    const r = await run('complete', `${join(base, 'proj/src/deep/use.ts')}:4:10`, '--json');
    const ms = performance.now() - t0;
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.completion, 'Math.hypot(p.x, p.y);');
    const paths = new Set(out.contextItems.map((c: { path: string }) => c.path));
    assert.deepEqual([...paths], ['src/geo.ts'], 'context from the file\'s own tree, by repo-relative path');
    const prompt: string = h.fake.requests.filter((x) => x.path === '/api/generate').at(-1)!.body.prompt;
    assert.ok(prompt.includes('src/deep/use.ts (typescript)'), 'the file is named relative to its work tree');
    assert.ok(ms < 10_000, `${Math.round(ms)} ms`);
  });

  it('a .git file (linked work tree, submodule) marks a work tree too', async () => {
    h.fake.clearLog();
    h.fake.reply({ response: '1;' });
    const r = await run('complete', `${join(base, 'proj/vendor/lib/v.ts')}:2:10`, '--json');
    assert.equal(r.code, 0, r.err);
    const prompt: string = h.fake.requests.filter((x) => x.path === '/api/generate').at(-1)!.body.prompt;
    assert.ok(prompt.includes('lib/v.ts (typescript)'), prompt.slice(0, 2000));
    assert.ok(!prompt.includes('vendor/lib/v.ts'));
  });

  it('context finds the same work tree', async () => {
    const r = await run('context', `${join(base, 'proj/src/deep/use.ts')}:4:10`, '--json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...new Set(JSON.parse(r.out).items.map((i: { path: string }) => i.path))], ['src/geo.ts']);
  });

  it('--timeout is the deadline of the model request', async () => {
    h.fake.reply({ hang: true });
    const t0 = performance.now();
    const r = await run('complete', `${join(base, 'proj/src/deep/use.ts')}:4:10`, '--timeout', '5', '--budget', '0');
    const s = (performance.now() - t0) / 1000;
    assert.equal(r.code, 1);
    assert.match(r.err, /no answer within 5 s/);
    assert.ok(s >= 4.5 && s < 15, `${s.toFixed(1)} s`);
  });

  it('a complete in a 300 KB one-line file through the CLI', async () => {
    writeFileSync(join(base, 'proj', 'src', 'app.min.js'), minified(300_000));
    h.fake.reply({ response: 'd(1)' });
    const r = await run('complete', `${join(base, 'proj/src/app.min.js')}:1:300001`, '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).completion, 'd(1)');
  });
});

