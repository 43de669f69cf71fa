// Lists the workspace files the index parses. In a git work tree git itself lists them (exact
// .gitignore semantics, fast); elsewhere the tree is walked with the `ignore` package reading every
// .gitignore on the way. Either way a root `.hearthignore` applies, dependency/build folders stay
// out, and no secret, binary, oversized or unparseable file is listed.
import { execFile } from 'node:child_process';
import { type Dirent, type Stats, closeSync, lstatSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { LanguageId } from '../../core/index/tags';
import { looksBinary } from '../fs/readText';
import { languageForPath } from '../treesitter/languages';

export interface WalkedFile {
  /** Relative to the root, forward slashes. */
  readonly path: string;
  readonly abs: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly language: LanguageId;
}

export type SkipReason = 'secret' | 'ignored' | 'tooLarge' | 'binary' | 'unsupported';

export interface WalkResult {
  /** Sorted by path. */
  readonly files: WalkedFile[];
  /**
   * Why the rest was left out. A folder pruned whole counts once under 'ignored'; what .gitignore
   * excludes in a git work tree is never seen, so it is not counted.
   */
  readonly skipped: Record<SkipReason, number>;
  /** How the files were listed: git ls-files, or the plain walk honouring .gitignore files. */
  readonly mode: WalkMode;
}

export type WalkMode = 'git' | 'plain';

export interface WalkOptions {
  readonly root: string;
  /** Default 1 MiB. */
  readonly maxFileBytes?: number;
  readonly signal?: AbortSignal;
  /** How long `git ls-files` may take before the plain walk is used instead. Default 20 s. */
  readonly gitTimeoutMs?: number;
  /**
   * Files known to have been text at this size and mtime (the tags cache knows them) skip the
   * binary sniff, the most expensive step of a warm start.
   */
  readonly knownText?: (path: string, size: number, mtimeMs: number) => boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_GIT_TIMEOUT_MS = 20_000;

/**
 * File-system calls are synchronous, in slices of at most this many ms between which the event
 * loop runs: on 10,000 files, lstat + reading the first 8 KB took 53 + 41 ms synchronously but
 * 400 + 130 ms through the promise API (a thread-pool round trip per call), and a warm start has
 * to stay under a second.
 */
const SLICE_MS = 8;

/** Never indexed, tracked or not. */
const ALWAYS_SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Dependency and build output: skipped unless git tracks the files (someone chose to commit them). */
const GENERATED_DIRS: ReadonlySet<string> = new Set([
  'dist', 'build', 'out', 'target', '.venv', 'venv', '__pycache__', '.next', 'coverage',
]);

export async function walkWorkspace(opts: WalkOptions): Promise<WalkResult> {
  const { root, signal } = opts;
  signal?.throwIfAborted();
  const rootReal = await realpath(root);
  const filter = new FileFilter(root, rootReal, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    await readIgnoreFile(join(root, '.hearthignore')), opts.knownText);

  const listed = await gitListing(root, opts.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS, signal);
  let candidates: string[];
  if (listed) {
    candidates = [];
    for (const { path, tracked } of listed) {
      if (inSkippedDir(path, tracked)) filter.skipped.ignored++;
      else candidates.push(path);
    }
  } else {
    candidates = await walkTree(root, filter, signal);
  }

  const files: WalkedFile[] = [];
  await forEachSliced(candidates, signal, (path) => {
    const f = filter.examine(path);
    if (f) files.push(f);
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped: filter.skipped, mode: listed ? 'git' : 'plain' };
}

/**
 * One root-relative path through the same gate as a full walk: what the editor's file events and
 * saves ask about. Undefined when a walk would not list it: ignored by git, by a .gitignore (in a
 * folder that is not a git work tree) or by .hearthignore, under dependency or build folders, a
 * secret, too large, binary, a link out of the root, or a language without a grammar.
 */
export async function examinePath(opts: {
  root: string; path: string; maxFileBytes?: number; gitTimeoutMs?: number;
  /** The mode the full walk used, so that one path is judged as the walk judged it; unknown: ask git. */
  mode?: WalkMode;
}): Promise<WalkedFile | undefined> {
  const { root, path } = opts;
  if (isSecretPath(path) || !languageForPath(path)) return undefined;
  const filter = new FileFilter(root, await realpath(root), opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    await readIgnoreFile(join(root, '.hearthignore')), undefined);
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (filter.hearthIgnore && ignores(filter.hearthIgnore, `${dir}/`)) return undefined;
  }
  const listed = opts.mode === 'plain' ? undefined : await gitStatusOf(root, path, opts.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS);
  if (listed === 'not listed') return undefined;
  if (listed === undefined) {
    // Not a git work tree: the walk's own rules, folder by folder down to the file.
    let scopes: IgnoreScope[] = [];
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (i > 0 && (ALWAYS_SKIPPED_DIRS.has(parts[i - 1]) || GENERATED_DIRS.has(parts[i - 1]) || isIgnored(scopes, `${dir}/`))) return undefined;
      const rules = readIgnoreFileSync(join(root, dir, '.gitignore'));
      if (rules) scopes = [...scopes, { dir, rules }];
    }
    if (isIgnored(scopes, path)) return undefined;
  } else if (inSkippedDir(path, listed === 'tracked')) {
    return undefined;
  }
  return filter.examine(path);
}

/** How git lists one path: tracked, untracked but not ignored, or not at all; undefined without git. */
async function gitStatusOf(root: string, path: string, timeoutMs: number): Promise<'tracked' | 'untracked' | 'not listed' | undefined> {
  const spec = `:(literal)${path}`;
  try {
    const [tracked, untracked] = await Promise.all([
      git(root, ['ls-files', '--cached', '-z', '--', spec], timeoutMs, undefined),
      git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', spec], timeoutMs, undefined),
    ]);
    return tracked ? 'tracked' : untracked ? 'untracked' : 'not listed';
  } catch {
    return undefined;
  }
}

function inSkippedDir(path: string, tracked: boolean): boolean {
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (ALWAYS_SKIPPED_DIRS.has(parts[i])) return true;
    if (!tracked && GENERATED_DIRS.has(parts[i])) return true;
  }
  return false;
}

/** The checks every listed file goes through, in both modes, and the tally of what they refused. */
class FileFilter {
  readonly skipped: Record<SkipReason, number> = { secret: 0, ignored: 0, tooLarge: 0, binary: 0, unsupported: 0 };
  private readonly head = Buffer.alloc(8192);

  constructor(
    private readonly root: string,
    private readonly rootReal: string,
    private readonly maxFileBytes: number,
    readonly hearthIgnore: Ignore | undefined,
    private readonly knownText: WalkOptions['knownText'],
  ) {}

  examine(path: string): WalkedFile | undefined {
    if (isSecretPath(path)) return this.skip('secret');
    if (this.hearthIgnore && ignores(this.hearthIgnore, path)) return this.skip('ignored');
    const language = languageForPath(path);
    if (!language) return this.skip('unsupported');
    const abs = join(this.root, path);
    let st = statOrUndefined(abs, lstatSync);
    if (!st) return undefined; // deleted since it was listed
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(abs);
      } catch {
        return this.skip('ignored'); // dangling, or a loop
      }
      const rel = relative(this.rootReal, target);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return this.skip('ignored');
      // `notes.ts -> .env` must not smuggle the secret in under an innocent name.
      if (isSecretPath(rel.split(sep).join('/'))) return this.skip('secret');
      st = statOrUndefined(abs, statSync);
      if (!st) return undefined;
    }
    if (!st.isFile()) return undefined; // a submodule, socket, or a link to a folder
    if (st.size > this.maxFileBytes) return this.skip('tooLarge');
    if (!this.knownText?.(path, st.size, st.mtimeMs) && this.startsBinary(abs)) return this.skip('binary');
    return { path, abs, size: st.size, mtimeMs: st.mtimeMs, language };
  }

  skip(reason: SkipReason): undefined {
    this.skipped[reason]++;
    return undefined;
  }

  private startsBinary(abs: string): boolean {
    let fd: number | undefined;
    try {
      fd = openSync(abs, 'r');
      const n = readSync(fd, this.head, 0, this.head.length, 0);
      return looksBinary(this.head.subarray(0, n));
    } catch {
      return true; // unreadable: not something to parse
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

function statOrUndefined(abs: string, fn: (p: string) => Stats): Stats | undefined {
  try {
    return fn(abs);
  } catch {
    return undefined;
  }
}

// ---- git mode --------------------------------------------------------------------------------

interface ListedPath {
  readonly path: string;
  readonly tracked: boolean;
}

/**
 * Tracked files plus untracked ones git does not ignore, relative to `root`; undefined when git is
 * missing, fails, times out, `root` is not in a work tree, or git lists nothing at all (a folder
 * that an enclosing repository ignores wholesale, e.g. a home directory kept in git with `*`
 * ignored: then the plain walk gives the user what they opened).
 */
async function gitListing(root: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<ListedPath[] | undefined> {
  // Untracked files in dependency/build folders are excluded by git itself, so it does not even
  // descend into an un-ignored node_modules.
  const excludes = [...ALWAYS_SKIPPED_DIRS, ...GENERATED_DIRS].map((d) => `--exclude=${d}/`);
  let tracked: string, untracked: string;
  try {
    [tracked, untracked] = await Promise.all([
      git(root, ['ls-files', '--cached', '-z'], timeoutMs, signal),
      git(root, ['ls-files', '--others', '--exclude-standard', ...excludes, '-z'], timeoutMs, signal),
    ]);
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
  const out: ListedPath[] = [];
  const seen = new Set<string>();
  // An unmerged file is listed once per stage.
  for (const path of tracked.split('\0')) {
    if (path && !seen.has(path)) {
      seen.add(path);
      out.push({ path, tracked: true });
    }
  }
  for (const path of untracked.split('\0')) {
    if (path && !seen.has(path)) {
      seen.add(path);
      out.push({ path, tracked: false });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** Variables that would point git at another repository than the one `cwd` is in. */
const GIT_LOCATION_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY'];

function git(cwd: string, args: string[], timeout: number, signal: AbortSignal | undefined): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  for (const v of GIT_LOCATION_VARS) delete env[v];
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, timeout, signal, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

// ---- plain walk --------------------------------------------------------------------------------

/** The rules of one .gitignore and the folder (root-relative, '' for the root) they apply under. */
interface IgnoreScope {
  readonly dir: string;
  readonly rules: Ignore;
}

/**
 * Walks the tree, pruning skipped and ignored folders, and returns the candidate files
 * (root-relative). Symbolic links are returned as candidates, never followed as folders, so a link
 * cycle cannot trap the walk.
 */
async function walkTree(root: string, filter: FileFilter, signal: AbortSignal | undefined): Promise<string[]> {
  const files: string[] = [];
  const dirs: { dir: string; scopes: readonly IgnoreScope[] }[] = [{ dir: '', scopes: [] }];
  // `dirs` grows while it is walked: forEachSliced reads its length on every step.
  await forEachSliced(dirs, signal, ({ dir, scopes: parentScopes }) => {
    const abs = dir ? join(root, dir) : root;
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return; // unreadable folder
    }
    let scopes = parentScopes;
    if (entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const rules = readIgnoreFileSync(join(abs, '.gitignore'));
      if (rules) scopes = [...parentScopes, { dir, rules }];
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(e.name) || GENERATED_DIRS.has(e.name) || isIgnored(scopes, `${rel}/`)
          || (filter.hearthIgnore && ignores(filter.hearthIgnore, `${rel}/`))) {
          filter.skipped.ignored++;
        } else {
          dirs.push({ dir: rel, scopes });
        }
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (isIgnored(scopes, rel)) filter.skipped.ignored++;
        else files.push(rel);
      }
    }
  });
  return files;
}

/** Git's precedence: the deepest .gitignore with a rule for the path decides. */
function isIgnored(scopes: readonly IgnoreScope[], rel: string): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const { dir, rules } = scopes[i];
    const r = testIgnore(rules, dir ? rel.slice(dir.length + 1) : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** `ignore` throws on paths it takes for non-relative ones; such a path is simply not matched. */
function testIgnore(rules: Ignore, rel: string): { ignored: boolean; unignored: boolean } {
  try {
    return rules.test(rel);
  } catch {
    return { ignored: false, unignored: false };
  }
}

function ignores(rules: Ignore, rel: string): boolean {
  return testIgnore(rules, rel).ignored;
}

async function readIgnoreFile(file: string): Promise<Ignore | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : ignore().add(text);
}

function readIgnoreFileSync(file: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Runs `fn` synchronously over `items` (which may grow meanwhile), yielding to the event loop every SLICE_MS. */
async function forEachSliced<T>(items: readonly T[], signal: AbortSignal | undefined, fn: (item: T) => void): Promise<void> {
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    fn(items[i]);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

// ---- secrets -------------------------------------------------------------------------------------

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
