// A repository that plants what must never reach a model server: an ignored file, a .hearthignore'd
// file, links to .env, to a private key, to /etc/passwd and to a file outside the repository, a text
// file with an AWS key and a config module exporting credentials. Used by the integration test of
// the privacy gate and by the real-editor test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const AWS_ID = 'AKIAQYLPMN5HHHFPZAM2';
export const AWS_SECRET = '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';
export const GITHUB = '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';
export const DB_PASSWORD = 'S3cretPassw0rdZ9';
export const PLANTED = {
  ignored: 'PLANTED_IGNORED_7f1c',
  hearthignored: 'PLANTED_HEARTHIGNORED_2b9e',
  env: 'PLANTED_DOTENV_c4d2',
  rsa: 'PLANTED_RSA_BODY_9a7e',
  outside: 'PLANTED_OUTSIDE_5e3a',
};
/** Everything that must not appear in any request. */
export const NEVER = [AWS_ID, AWS_SECRET, GITHUB, DB_PASSWORD, ...Object.values(PLANTED), 'root:x:0:0'];

export const FILES: Record<string, string> = {
  '.gitignore': 'src/local.ts\n',
  '.hearthignore': 'src/private.ts\n',
  '.env': `API_TOKEN=${PLANTED.env}\n`,
  'id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${PLANTED.rsa}\n-----END OPENSSH PRIVATE KEY-----\n`,
  'keys.txt': `production account\naws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n`,
  'src/local.ts': `export const localOnly = '${PLANTED.ignored}';\nexport function localHelper() {\n  return localOnly;\n}\n`,
  'src/private.ts': `export const privateThing = '${PLANTED.hearthignored}';\nexport function privateHelper() {\n  return privateThing;\n}\n`,
  'src/config.ts': [
    'export const settings = {',
    `  accessKeyId: '${AWS_ID}',`,
    `  secretAccessKey: '${AWS_SECRET}',`,
    `  githubToken: '${GITHUB}',`,
    `  databaseUrl: 'postgres://admin:${DB_PASSWORD}@db.example.com:5432/app',`,
    '  region: \'eu-west-1\',',
    '};',
    '',
    'export function connect(url: string, region: string) {',
    '  return { url, region };',
    '}',
    '',
  ].join('\n'),
  'src/app.ts': [
    "import { settings, connect } from './config';",
    "import { localHelper } from './local';",
    "import { privateHelper } from './private';",
    '',
    'export function start() {',
    '  const extra = [localHelper(), privateHelper()];',
    '  const db = connect(settings.databaseUrl, ',
    '  return { db, extra };',
    '}',
    '',
  ].join('\n'),
};

/** Writes the repository at `repo` (a git work tree, nothing committed) and its outside file at `outside`. */
export function writePlantedRepo(repo: string, outside: string): void {
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), text);
  }
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'shared.ts'), `export const outsideValue = '${PLANTED.outside}';\n`);
  symlinkSync('../.env', join(repo, 'src/notes.ts'));
  symlinkSync('../id_rsa', join(repo, 'src/key.ts'));
  symlinkSync('/etc/passwd', join(repo, 'src/passwd.ts'));
  symlinkSync('local.ts', join(repo, 'src/alias.ts'));
  symlinkSync(join(outside, 'shared.ts'), join(repo, 'src/shared.ts'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['add', '-A'], { cwd: repo });
}
