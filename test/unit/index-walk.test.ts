import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { walkWorkspace, type WalkResult } from '../../src/node/index/walk';
import { isSecretPath } from '../../src/core/privacy/secretPaths';

const SECRET_CASES: [string, boolean][] = [
  // dotenv files, anywhere
  ['.env', true],
  ['config/.env.production', true],
  ['.env.local', true],
  ['.env.example', true], // templates too: people put real values in them
  ['app/.ENV', true],
  ['deploy/prod.env', true],
  ['.envrc', true], // direnv: `export TOKEN=...`
  ['.env/lib/site.py', true], // a virtualenv named .env
  // keys and certificates
  ['keys/server.pem', true],
  ['tls/server.key', true],
  ['certs/client.p12', true],
  ['certs/client.pfx', true],
  ['android/release.jks', true],
  ['android/debug.keystore', true],
  ['certs/ca.crt', true],
  ['certs/ca.cer', true],
  ['certs/ca.der', true],
  ['home/.ssh/id_rsa', true],
  ['id_rsa.pub', true],
  ['id_ed25519', true],
  ['id_ecdsa_sk', true],
  ['deploy_rsa', true],
  ['.ssh/config', true],
  ['private.asc', true],
  // credential stores and tool configs
  ['credentials', true],
  ['credentials.json', true],
  ['src/credentials.ts', true], // `credentials*`: refused even as code (strict by design)
  ['gcp-credentials.json', true],
  ['application_default_credentials.json', true],
  ['.aws/credentials', true],
  ['.aws/config', true],
  ['.docker/config.json', true],
  ['.git-credentials', true],
  ['.npmrc', true],
  ['packages/web/.npmrc', true],
  ['.pypirc', true],
  ['.netrc', true],
  ['_netrc', true],
  ['vault.kdbx', true],
  ['secrets.yaml', true],
  ['config/secrets.json', true],
  ['secrets.py', true],
  ['client_secret_1234.apps.googleusercontent.com.json', true],
  ['infra/prod.tfvars', true],
  ['infra/prod.tfvars.json', true],
  ['infra/terraform.tfstate', true],
  ['my-service-account.json', true],
  ['gcp_service_account_key.json', true],
  ['.kube/config', true],
  ['.config/gh/hosts.yml', true],
  ['wordpress/wp-config.php', true],
  ['.bash_history', true],
  ['C:\\Users\\me\\.ssh\\id_rsa', true],
  ['token.json', true],
  // look-alikes that must stay allowed
  ['environment.ts', false],
  ['src/env.ts', false],
  ['src/env.d.ts', false],
  ['envelope.py', false],
  ['dotenv.js', false],
  ['keyboard.ts', false],
  ['monkey.go', false],
  ['src/keys/index.ts', false],
  ['certificate_test.go', false], // a test about certificates is code, not a certificate
  ['cert.go', false],
  ['pem.rs', false],
  ['secret.ts', false], // only `secrets.*` is refused as a name; `secret.*` data files are
  ['getCredentials.ts', false],
  ['tokenizer.py', false],
  ['token.ts', false],
  ['src/auth/password_reset.py', false],
  ['docker/config.json', false],
  ['.docker/daemon.json', false],
  ['package.json', false],
  ['tsconfig.json', false],
  ['account.json', false],
  ['src/services/account.ts', false],
  ['.github/workflows/ci.yml', false],
  ['Rakefile', false],
  ['key.ts', false],
  ['', false],
];

describe('isSecretPath', () => {
  it(`classifies ${SECRET_CASES.length} paths`, () => {
    const wrong = SECRET_CASES.filter(([p, want]) => isSecretPath(p) !== want).map(([p, want]) => `${p}: expected ${want}`);
    assert.deepEqual(wrong, []);
  });
});

/** Writes `files` (path → content) under a new temp folder and returns it. */
function makeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'hearth-walk-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const BASE: Record<string, string | Buffer> = {
  'src/a.ts': 'export const a = 1;\n',
  'src/b.py': 'def b():\n    return 1\n',
  'src/util/c.go': 'package util\n',
  'src/gen-drop.ts': 'export {};\n',
  'src/gen-keep.ts': 'export {};\n',
  'src/.gitignore': '!gen-keep.ts\nlocal.ts\n',
  'src/local.ts': 'export {};\n',
  'src/deep/.gitignore': '*.js\n',
  'src/deep/x.js': 'x();\n',
  'src/deep/y.ts': 'export {};\n',
  '.gitignore': 'ignored/\n*.log\ngen-*.ts\n',
  'ignored/x.ts': 'export {};\n',
  'debug.log': 'log\n',
  '.hearthignore': 'fixtures/\n*.generated.ts\n',
  'fixtures/f.ts': 'export {};\n',
  'src/api.generated.ts': 'export {};\n',
  '.env': 'API_KEY=sk-live-1234567890\n',
  'config/.env.production': 'DB_PASSWORD=hunter2\n',
  'keys/server.pem': '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
  'src/credentials.ts': 'export const password = "hunter2";\n',
  'node_modules/pkg/index.js': 'module.exports = 1;\n',
  'dist/out.js': 'bundle();\n',
  'build/gen.js': 'gen();\n',
  '.venv/lib/site.py': 'x = 1\n',
  'src/__pycache__/b.py': 'x = 1\n',
  'target/debug/main.rs': 'fn main() {}\n',
  'src/blob.ts': Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02, 0x00, 0x70]),
  'src/huge.ts': `export const s = "${'x'.repeat(5000)}";\n`,
  'README.md': '# readme\n',
  'data.json': '{}\n',
};

/** What the walk must list from BASE (both modes, before git-specific additions). */
const EXPECTED = ['src/a.ts', 'src/alias.ts', 'src/b.py', 'src/deep/y.ts', 'src/gen-keep.ts', 'src/util/c.go'];

function plantLinks(root: string, outside: string): void {
  symlinkSync(join(outside, 'stolen.ts'), join(root, 'src/escape.ts')); // escapes the root
  symlinkSync('a.ts', join(root, 'src/alias.ts')); // stays inside: listed
  symlinkSync('../.env', join(root, 'src/notes.ts')); // an innocent name for a secret
  symlinkSync('src', join(root, 'linked-src')); // a folder link: not followed
}

const paths = (r: WalkResult): string[] => r.files.map((f) => f.path);

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

describe('walkWorkspace', () => {
  let outside: string;
  const roots: string[] = [];
  before(() => {
    outside = makeTree({ 'stolen.ts': 'export const stolen = 1;\n' });
  });
  after(() => {
    for (const r of [outside, ...roots]) rmSync(r, { recursive: true, force: true });
  });
  const tree = (extra: Record<string, string | Buffer> = {}): string => {
    const root = makeTree({ ...BASE, ...extra });
    roots.push(root);
    plantLinks(root, outside);
    return root;
  };

  it('outside git: honours nested .gitignore files and .hearthignore, skips secrets, binary, large, unsupported, escaping links', async () => {
    const root = tree();
    const r = await walkWorkspace({ root, maxFileBytes: 1000 });
    assert.deepEqual(paths(r), EXPECTED);
    const alias = r.files.find((f) => f.path === 'src/alias.ts');
    assert.equal(alias?.language, 'typescript');
    assert.equal(alias?.abs, join(root, 'src/alias.ts'));
    assert.ok(alias && alias.size > 0 && alias.mtimeMs > 0);
    // .env, config/.env.production, keys/server.pem, src/credentials.ts, src/notes.ts -> ../.env
    assert.equal(r.skipped.secret, 5);
    assert.equal(r.skipped.binary, 1);
    assert.equal(r.skipped.tooLarge, 1);
    assert.ok(r.skipped.unsupported >= 2, 'README.md and data.json');
    assert.ok(r.skipped.ignored >= 5, JSON.stringify(r.skipped));
  });

  it('in a git work tree: lists what git lists, keeps tracked build output, never node_modules or secrets', async () => {
    const root = tree({ 'dist/keep.js': 'kept();\n', 'node_modules/tracked/index.js': 'no();\n', 'ignored/forced.ts': 'export {};\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.gitignore', 'src/a.ts', 'dist/keep.js', 'keys/server.pem');
    git(root, 'add', '-f', 'node_modules/tracked/index.js', 'ignored/forced.ts', '.env');
    const r = await walkWorkspace({ root, maxFileBytes: 1000 });
    // Tracked files count even where .gitignore would exclude them (git's semantics); untracked
    // build output (dist/out.js, build/gen.js) does not.
    assert.deepEqual(paths(r), [...EXPECTED, 'dist/keep.js', 'ignored/forced.ts'].sort());
    assert.equal(r.skipped.secret, 5);
    assert.equal(r.skipped.binary, 1);
    assert.equal(r.skipped.tooLarge, 1);
  });

  it('tells its steps as they end, in a git work tree and outside one', async () => {
    const plain = tree();
    const steps: string[] = [];
    await walkWorkspace({ root: plain, maxFileBytes: 1000, onPhase: (p) => steps.push(p) });
    const inGit = tree();
    git(inGit, 'init', '-q');
    await walkWorkspace({ root: inGit, maxFileBytes: 1000, onPhase: (p) => steps.push(p) });
    assert.deepEqual(steps, ['git not used', 'examined', 'git listed', 'examined']);
  });

  it('a folder an enclosing repository ignores wholesale is walked as a plain folder', async () => {
    const root = makeTree({ '.gitignore': 'inner/\n', 'inner/src/z.ts': 'export {};\n', 'inner/.gitignore': 'y.ts\n', 'inner/src/y.ts': '' });
    roots.push(root);
    git(root, 'init', '-q');
    const r = await walkWorkspace({ root: join(root, 'inner') });
    assert.deepEqual(paths(r), ['src/z.ts']);
  });

  it('falls back to the plain walk when git cannot run', async () => {
    const root = tree();
    git(root, 'init', '-q');
    git(root, 'add', '-f', 'ignored/x.ts'); // git would list it; the plain walk honours .gitignore
    const savedPath = process.env.PATH;
    process.env.PATH = join(root, 'no-such-bin');
    try {
      const r = await walkWorkspace({ root, maxFileBytes: 1000 });
      assert.deepEqual(paths(r), EXPECTED);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('never lists a planted .env whatever the ignore files say', async () => {
    const root = tree({ '.hearthignore': '!.env\n', '.gitignore': '!.env\n' });
    for (const useGit of [false, true]) {
      if (useGit) {
        git(root, 'init', '-q');
        git(root, 'add', '-A');
      }
      const r = await walkWorkspace({ root });
      const leaked = r.files.filter((f) => isSecretPath(f.path) || /\.env|\.pem|notes\.ts/.test(f.path));
      assert.deepEqual(leaked, [], useGit ? 'git mode' : 'walk mode');
    }
  });

  it('knownText skips the binary sniff for files the cache vouches for', async () => {
    const root = tree();
    const r = await walkWorkspace({ root, maxFileBytes: 1000, knownText: (p) => p === 'src/blob.ts' });
    assert.ok(paths(r).includes('src/blob.ts'));
  });

  it('rejects when aborted', async () => {
    const root = tree();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(walkWorkspace({ root, signal: ac.signal }), { name: 'AbortError' });
  });
});
