// What a hostile or careless repository plants must never reach the model server. A git repository
// holds an ignored file, a .hearthignore'd file, links to .env, to a private key, to /etc/passwd and
// to a file outside the repository, a text file with an AWS key and a config module exporting
// credentials. `hearth complete` and `hearth context` are run at every one of them and at ordinary
// code that uses the config; then the fake Ollama's request log is searched for every planted value.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { useFakeOllama } from '../support/fake';
import { PrivacyGate } from '../../src/node/privacy/gate';
import { GitRunner } from '../../src/node/git/gitRunner';
import { SecretlintRedactor } from '../../src/node/privacy/redact';
import { redact, redactAroundCursor } from '../../src/core/privacy/redactor';
import { generateKeyPairSync } from 'node:crypto';
import { AWS_ID, AWS_SECRET, DB_PASSWORD, FILES, GITHUB, NEVER, writePlantedRepo } from '../support/plantedRepo';

describe('privacy gate: nothing planted reaches the model server', () => {
  const h = useFakeOllama();
  let base: string;
  let repo: string;
  let cache: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--host', h.url, ...args], { out: (s) => out.push(s), err: (s) => err.push(s), env: { XDG_CACHE_HOME: cache } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'hearth-planted-'));
    repo = join(base, 'repo');
    cache = join(base, 'cache');
    writePlantedRepo(repo, join(base, 'outside'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const refused: Array<[string, RegExp]> = [
    ['src/local.ts:2:1', /ignored by git/],
    ['src/private.ts:2:1', /\.hearthignore/],
    ['src/notes.ts:1:1', /link to \.env, which looks like a secret/],
    ['src/key.ts:1:1', /link to id_rsa, which looks like a secret/],
    ['src/passwd.ts:1:1', /outside the workspace/],
    ['src/shared.ts:1:1', /outside the workspace/],
    ['src/alias.ts:1:1', /link to src\/local\.ts, which git ignores/],
    ['.env:1:1', /looks like a secret/],
  ];
  for (const [where, why] of refused) {
    it(`complete at ${where} is refused with the reason, and nothing is sent`, async () => {
      const before = h.fake.requests.length;
      const r = await cli('complete', join(repo, where), '--repo', repo);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, why);
      assert.match(r.err, /never sends it to a model/);
      assert.equal(h.fake.requests.filter((q) => q.path === '/api/generate' || q.path === '/api/chat').length,
        h.fake.requests.slice(0, before).filter((q) => q.path === '/api/generate' || q.path === '/api/chat').length);
    });
  }

  it('complete in keys.txt goes out with the AWS key redacted', async () => {
    const r = await cli('complete', `${join(repo, 'keys.txt')}:4:1`, '--repo', repo, '--json');
    assert.equal(r.code, 0, r.err);
    const last = h.fake.requests.filter((q) => q.path === '/api/generate').at(-1);
    assert.ok(last, 'a request was sent');
    const prompt = JSON.stringify(last.body);
    assert.match(prompt, /production account/);
    assert.match(prompt, /\[redacted aws\]/);
    for (const v of NEVER) assert.ok(!prompt.includes(v), `${v} in the keys.txt prompt`);
  });

  it('complete in ordinary code carries the config module as context, with its credentials redacted', async () => {
    const r = await cli('complete', `${join(repo, 'src/app.ts')}:7:43`, '--repo', repo, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(j.contextItems.some((c: { path: string }) => c.path === 'src/config.ts'), JSON.stringify(j.contextItems));
    const prompt = JSON.stringify(h.fake.requests.filter((q) => q.path === '/api/generate').at(-1)?.body);
    assert.match(prompt, /export const settings = \{/);
    assert.match(prompt, /region: 'eu-west-1'/);
    for (const kind of ['aws', 'github', 'database-connection-string']) assert.ok(prompt.includes(`[redacted ${kind}]`), `${kind} redacted in ${prompt}`);
  });

  it('context --json shows the same redacted text and no refused file', async () => {
    const r = await cli('context', `${join(repo, 'src/app.ts')}:7:43`, '--repo', repo, '--json',
      '--open', ['src/local.ts', 'src/notes.ts', 'src/passwd.ts', 'src/config.ts'].map((p) => join(repo, p)).join(','));
    assert.equal(r.code, 0, r.err);
    for (const v of NEVER) assert.ok(!r.out.includes(v), `${v} in hearth context output`);
    assert.match(r.out, /\[redacted /);
  });

  it('over the whole request log: no planted credential, ignored file or link target', () => {
    assert.ok(h.fake.requests.some((q) => q.path === '/api/generate'), 'requests were made');
    for (const q of h.fake.requests) {
      const text = JSON.stringify(q.body ?? '') + JSON.stringify(q.headers);
      for (const v of NEVER) assert.ok(!text.includes(v), `${v} reached the server in request #${q.id} ${q.path}`);
    }
  });

  it('in Restricted Mode (no git) the gate still refuses ignored files, from the .gitignore files', async () => {
    const gate = new PrivacyGate(repo, { git: undefined });
    const v = await gate.admitPath('src/local.ts');
    assert.equal(v.admitted, false);
    assert.equal(v.admitted === false && v.reason, 'ignored');
    assert.equal((await gate.admitPath('src/config.ts')).admitted, true);
    assert.equal((await new PrivacyGate(repo, { git: new GitRunner(repo) }).admitPath('src/config.ts')).admitted, true);
  });

  it('a credential the cursor splits is removed from both sides; the marker goes before the cursor', async () => {
    const r = new SecretlintRedactor();
    const line = `const creds = { secretAccessKey: '${AWS_SECRET}' };\n`;
    const at = line.indexOf(AWS_SECRET) + 15;
    const { prefix, suffix } = await redactAroundCursor(r, `// config\n${line.slice(0, at)}`, `${line.slice(at)}export {};\n`, 1000, 1000);
    assert.ok(!prefix.includes(AWS_SECRET.slice(0, 15)) && !suffix.includes(AWS_SECRET.slice(15)), `${prefix}|${suffix}`);
    assert.match(prefix, /secretAccessKey: '\[redacted aws\]$/);
    assert.equal(suffix, "' };\nexport {};\n");
  });

  it('a private key whose BEGIN line lies above the window, or whose END lies below it, is still removed', async () => {
    const r = new SecretlintRedactor();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const body = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    const doc = `const key = \`${privateKey}\`;\nexport function sign() {}\n`;
    // The cursor at the end of a body line in the middle: the prefix window holds the last 200
    // characters before it (no BEGIN line), the suffix window the next 200 (no END line).
    const mid = doc.indexOf(body[10]) + body[10].length;
    const { prefix, suffix } = await redactAroundCursor(r, doc.slice(0, mid), doc.slice(mid), 200, 200);
    for (const l of body) assert.ok(!prefix.includes(l) && !suffix.includes(l), `a key line was left: ${l}`);
    assert.match(prefix, /\[redacted privatekey\]$/);
    // Cut pieces on their own (open-tab windows, snippets): a BEGIN without END, an END without BEGIN.
    const head = await redact(r, doc.slice(0, mid));
    const tail = await redact(r, doc.slice(mid));
    for (const l of body) assert.ok(!head.includes(l) && !tail.includes(l), `a key line was left in a piece: ${l}`);
  });

  it('redaction: every credential kind planted here, and text without one comes back unchanged', async () => {
    const r = new SecretlintRedactor();
    const plain = 'export function add(a: number, b: number) {\n  return a + b;\n}\n';
    assert.equal(await redact(r, plain), plain);
    const out = await redact(r, FILES['src/config.ts'] + FILES['keys.txt']);
    for (const v of [AWS_ID, AWS_SECRET, GITHUB, DB_PASSWORD]) assert.ok(!out.includes(v), `${v} left in ${out}`);
    assert.match(out, /region: 'eu-west-1'/);
    assert.match(await redact(r, 'curl https://deploy:hunter2hunter2@example.com/hook'), /curl \[redacted basicauth\]/);
  });
});
