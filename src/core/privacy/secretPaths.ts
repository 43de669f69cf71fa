// Names and places of files that hold credentials or key material. Such a file never enters the
// index or a prompt, whatever the other rules say. Pure: judged from the path alone (the privacy
// gate also judges where a link points).

/** Whole file names (lower case) that hold credentials. */
const SECRET_NAMES: ReadonlySet<string> = new Set([
  '.env', '.envrc', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pypirc', '.netrc', '_netrc', '.git-credentials',
  '.pgpass', '.htpasswd', '.dockercfg', '.s3cfg', '.terraformrc', 'terraform.rc', '.ftpconfig',
  'sftp-config.json', 'wp-config.php', 'secret_token.rb', 'token.json', '.token', '.histfile',
]);

/** Extensions (lower case, after the last dot) of keys, certificates, keystores and secret stores. */
const SECRET_EXTENSIONS: ReadonlySet<string> = new Set([
  'env', 'pem', 'key', 'p12', 'pfx', 'pkcs12', 'p8', 'ppk', 'jks', 'keystore', 'bks', 'crt', 'cer', 'der',
  'kdbx', 'kdb', 'asc', 'gpg', 'pgp', 'tfvars', 'tfstate', 'ovpn', 'keychain', 'keyring', 'psafe3',
  'secret', 'secrets',
]);

const SECRET_PREFIXES = ['.env.', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'credentials', 'secrets.'];
const SECRET_SUFFIXES = [
  'credentials.json', '.tfvars.json', '.tfstate.backup', '_rsa', '_dsa', '_ecdsa', '_ed25519', '_history',
];

/** Folders whose whole content is credentials or key material (anywhere in the path). */
const SECRET_DIRS: ReadonlySet<string> = new Set(['.ssh', '.gnupg', '.aws', '.azure', '.kube', '.password-store', '.env']);

/** Paths (lower case, '/'-joined tails) of tool configs that hold tokens. */
const SECRET_TAILS = ['/.docker/config.json', '/.config/gh/hosts.yml', '/.config/hub'];
const SECRET_INFIXES = ['/.config/gcloud/'];

/** Extensions of data/config files: named "*secret*" or "*credentials*" they hold one. */
const DATA_EXTENSIONS: ReadonlySet<string> = new Set([
  'json', 'yml', 'yaml', 'xml', 'ini', 'txt', 'toml', 'conf', 'cfg', 'properties', 'csv', 'plist', 'enc', 'bak',
]);

/**
 * True when a file's name or place says it holds credentials or key material: such a file is never
 * indexed and never enters a prompt. Strict on purpose; a source file that merely has a
 * credential-ish name (`credentials.ts`, `secrets.py`) is refused too, and the cost is only that
 * it is not offered as context. Case-insensitive; accepts '/' or '\' separators; relative or absolute.
 */
export function isSecretPath(relPath: string): boolean {
  const parts = relPath.replace(/\\/g, '/').toLowerCase().split('/').filter((p) => p !== '' && p !== '.');
  const base = parts[parts.length - 1];
  if (base === undefined) return false;
  for (let i = 0; i < parts.length - 1; i++) if (SECRET_DIRS.has(parts[i])) return true;
  if (SECRET_NAMES.has(base)) return true;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1) : '';
  if (SECRET_EXTENSIONS.has(ext)) return true;
  if (SECRET_PREFIXES.some((p) => base.startsWith(p))) return true;
  if (SECRET_SUFFIXES.some((s) => base.endsWith(s))) return true;
  if (DATA_EXTENSIONS.has(ext) && (base.includes('secret') || base.includes('credential'))) return true;
  if (ext === 'json' && /service[-_]?account/.test(base)) return true;
  const full = `/${parts.join('/')}`;
  return SECRET_TAILS.some((t) => full.endsWith(t)) || SECRET_INFIXES.some((t) => full.includes(t));
}
