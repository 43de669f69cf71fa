// Lists the workspace files the index parses. In a git work tree git itself lists them (exact
// .gitignore semantics, fast); elsewhere the tree is walked with the `ignore` package reading every
// .gitignore on the way. Either way a root `.hearthignore` applies, dependency/build folders stay
// out, and no secret, binary, oversized or unparseable file is listed.
import { type Dirent, type Stats, closeSync, lstatSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { GitRunner } from '../git/gitRunner';
import { PrivacyGate, parseTaggedListing } from '../privacy/gate';
import { type IgnoreScope, ignores, isIgnored, readIgnoreFile, readIgnoreFileSync } from '../privacy/ignoreRules';
import type { LanguageId } from '../../core/index/tags';
import { looksBinary } from '../fs/readText';
import { languageForPath } from '../treesitter/languages';
import { isSecretPath } from '../../core/privacy/secretPaths';
import { isInside } from '../fs/paths';
import { forEachSliced } from './slices';

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
  /** Runs git (always through the safe runner); null: never run git, walk the tree. */
  readonly git?: GitRunner | null;
  /**
   * Files known to have been text at this size and mtime (the tags cache knows them) skip the
   * binary sniff, the most expensive step of a warm start.
   */
  readonly knownText?: (path: string, size: number, mtimeMs: number) => boolean;
  /** Told when a step of the walk ends (for the build's trace). */
  readonly onPhase?: (what: string) => void;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_GIT_TIMEOUT_MS = 20_000;

/** Never indexed, tracked or not. */
const ALWAYS_SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Dependency and build output: skipped unless git tracks the files (someone chose to commit them). */
const GENERATED_DIRS: ReadonlySet<string> = new Set([
  'dist', 'build', 'out', 'target', '.venv', 'venv', '__pycache__', '.next', 'coverage',
]);

export async function walkWorkspace(opts: WalkOptions): Promise<WalkResult> {
  const { root, signal } = opts;
  signal?.throwIfAborted();
  const git = opts.git === null ? undefined : opts.git ?? new GitRunner(root);
  // git, the root's real path and .hearthignore at once: in the editor each wait for I/O is a wait
  // for a turn of the extension host's event loop, which VS Code's start-up keeps busy.
  const listing = git ? gitListing(git, opts.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS, signal) : undefined;
  listing?.catch(() => undefined);
  const [rootReal, hearthIgnore] = await Promise.all([realpath(root), readIgnoreFile(join(root, '.hearthignore'))]);
  const filter = new FileFilter(root, rootReal, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, hearthIgnore, opts.knownText);
  const listed = await listing;
  opts.onPhase?.(listed ? 'git listed' : 'git not used');
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
  // A link is admitted only to a file the walk itself would list (not ignored, not secret).
  filter.listed = new Set(candidates);

  const files: WalkedFile[] = [];
  // File-system calls are synchronous, in slices (slices.ts): on 10,000 files, lstat + reading the
  // first 8 KB took 53 + 41 ms synchronously but 400 + 130 ms through the promise API (a
  // thread-pool round trip per call), and a warm start has to stay under a second.
  await forEachSliced(candidates, signal, (path) => {
    const f = filter.examine(path);
    if (f) files.push(f);
  });
  signal?.throwIfAborted();
  opts.onPhase?.('examined');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped: filter.skipped, mode: listed ? 'git' : 'plain' };
}

/**
 * One root-relative path through the same gate as a full walk: what the editor's file events and
 * saves ask about. Undefined when a walk would not list it: refused by the privacy gate (a secret,
 * ignored by git, by a .gitignore or by .hearthignore, a link out of the root or to such a file),
 * under dependency or build folders, too large, binary, or a language without a grammar.
 */
export async function examinePath(opts: {
  root: string; path: string; maxFileBytes?: number;
  /** The mode the full walk used, so that one path is judged as the walk judged it; unknown: ask git. */
  mode?: WalkMode;
  /** The gate to judge by; default: one for `root` that may run git (through the safe runner). */
  gate?: PrivacyGate;
}): Promise<WalkedFile | undefined> {
  const { root, path } = opts;
  if (!languageForPath(path)) return undefined;
  const gate = opts.gate ?? new PrivacyGate(root, { git: new GitRunner(root), mode: () => opts.mode });
  const verdict = await gate.admitPath(path);
  if (!verdict.admitted) return undefined;
  if (inSkippedDir(path, verdict.listing === 'tracked')) return undefined;
  // The gate judged the ignore files and where a link leads; what is left is the index's own rules.
  const filter = new FileFilter(root, await realpath(root), opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, undefined, undefined);
  return filter.examine(path);
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
  /** Every path the walk lists, once known: links must lead to one of them. */
  listed: ReadonlySet<string> | undefined;
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
      if (!isInside(this.rootReal, target)) return this.skip('ignored');
      // `notes.ts -> .env` must not smuggle the secret in under an innocent name.
      const targetPath = rel.split(sep).join('/');
      if (isSecretPath(targetPath)) return this.skip('secret');
      // `src/x.ts -> ../ignored/local.ts`: the link is listed, what it leads to is not.
      if (this.listed && !this.listed.has(targetPath)) return this.skip('ignored');
      if (this.hearthIgnore && ignores(this.hearthIgnore, targetPath)) return this.skip('ignored');
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
async function gitListing(git: GitRunner, timeoutMs: number, signal: AbortSignal | undefined): Promise<ListedPath[] | undefined> {
  // Untracked files in dependency/build folders are excluded by git itself, so it does not even
  // descend into an un-ignored node_modules (`--exclude` applies to untracked files only). One git
  // lists tracked and untracked files, told apart by -t's tags: each process started holds the
  // extension host's thread for a while (see gate.ts).
  const excludes = [...ALWAYS_SKIPPED_DIRS, ...GENERATED_DIRS].map((d) => `--exclude=${d}/`);
  let listing: string;
  try {
    listing = await git.run(['ls-files', '--cached', '--others', '--exclude-standard', ...excludes, '-t', '-z'], { timeoutMs, signal });
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
  const out: ListedPath[] = [];
  const seen = new Set<string>();
  // An unmerged file is listed once per stage.
  for (const { path, tracked } of parseTaggedListing(listing)) {
    if (!seen.has(path)) {
      seen.add(path);
      out.push({ path, tracked });
    }
  }
  return out.length > 0 ? out : undefined;
}

// ---- plain walk --------------------------------------------------------------------------------

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
  signal?.throwIfAborted();
  return files;
}
