// The privacy gate: the one place that decides whether a file of the workspace may enter a prompt
// (credentials inside the text of an admitted file are removed by the Redactor, redact.ts). Every
// path into a prompt goes through it — the index, the file at the cursor, open tabs (through the index), the CLI, and review and
// test generation after them. A file is refused when its name or place says it holds secrets, when
// git, a .gitignore or .hearthignore ignores it, or when it is a link that leaves the workspace; a
// link inside the workspace is judged by where it points as well as by its own name.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { isSecretPath } from '../../core/privacy/secretPaths';
import { isInside } from '../fs/paths';
import { GitError, type GitRunner } from '../git/gitRunner';
import type { Ignore } from 'ignore';
import { ignoredByGitignoreFiles, ignores, readIgnoreFile } from './ignoreRules';

export type PathRefusal = 'secret' | 'ignored' | 'outside';

export type PathVerdict =
  | {
    readonly admitted: true;
    /** Root-relative with '/', or the absolute path of a file outside the root. */
    readonly path: string;
    /** How git lists it; undefined when git was not asked (no work tree, Restricted Mode, outside). */
    readonly listing?: 'tracked' | 'untracked';
  }
  | { readonly admitted: false; readonly reason: PathRefusal; readonly message: string };

export interface PrivacyGateOptions {
  /**
   * Asks git what it ignores. Undefined: no program runs (Restricted Mode, or no git) and the
   * .gitignore files are read instead.
   */
  readonly git?: GitRunner;
  /** 'plain': the folder is known not to be a git work tree; judge as the index's plain walk did. */
  readonly mode?: () => 'git' | 'plain' | undefined;
}

export class PrivacyGate {
  private rootReal: Promise<string> | undefined;
  /** Set once git said this folder is not a work tree. */
  private notWorkTree = false;

  constructor(readonly root: string, private readonly opts: PrivacyGateOptions = {}) {}

  /** Any file by absolute path: judged as a workspace path when inside the root, else by name and target. */
  async admitFile(abs: string): Promise<PathVerdict> {
    if (isInside(this.root, abs)) return this.admitPath(relative(this.root, abs).split(sep).join('/'));
    if (isSecretPath(abs)) return refuse('secret', `${abs} looks like a secret (.env, key, certificate, credentials)`);
    const real = await realOrSelf(abs);
    if (real !== abs && isSecretPath(real)) return refuse('secret', `${abs} is a link to ${real}, which looks like a secret`);
    return { admitted: true, path: abs };
  }

  /**
   * Many files by absolute path, judged as admitFile judges each, with one git for all the paths
   * inside the root: a verdict per path given.
   */
  async admitFiles(abs: readonly string[]): Promise<Map<string, PathVerdict>> {
    const inside = new Map<string, string>();
    const out = new Map<string, PathVerdict>();
    for (const a of abs) {
      if (isInside(this.root, a)) inside.set(a, relative(this.root, a).split(sep).join('/'));
      else out.set(a, await this.admitFile(a));
    }
    const verdicts = await this.admitPaths([...inside.values()]);
    for (const [a, rel] of inside) out.set(a, verdicts.get(rel)!);
    return out;
  }

  /** A root-relative path ('/' separators). */
  async admitPath(path: string): Promise<PathVerdict> {
    return (await this.admitPaths([path])).get(path)!;
  }

  /**
   * Root-relative paths, each judged as admitPath judges it, git asked once for all of them
   * (each process started costs the extension host's thread 10-25 ms): a verdict per path.
   */
  async admitPaths(paths: readonly string[]): Promise<Map<string, PathVerdict>> {
    const out = new Map<string, PathVerdict>();
    if (paths.length === 0) return out;
    const hearthIgnore = await readIgnoreFile(join(this.root, '.hearthignore'));
    const rootReal = await (this.rootReal ??= realOrSelf(this.root));
    // Everything but git's listing, per path; what is left asks git about the path and its target.
    const pending: Array<{ path: string; target: string; linked: boolean }> = [];
    await Promise.all([...new Set(paths)].map(async (path) => {
      const early = await this.judgeByName(path, hearthIgnore, rootReal);
      if ('verdict' in early) out.set(path, early.verdict);
      else pending.push({ path, ...early });
    }));
    const listings = await this.listings(pending.flatMap((p) => (p.linked ? [p.path, p.target] : [p.path])));
    for (const { path, target, linked } of pending) {
      const listing = listings.get(path);
      if (listing === 'ignored') out.set(path, refuse('ignored', `${path} is ignored by git`));
      else if (linked && listings.get(target) === 'ignored') out.set(path, refuse('ignored', `${path} is a link to ${target}, which git ignores`));
      else out.set(path, { admitted: true, path, listing: listing ?? undefined });
    }
    return out;
  }

  /** The name, .hearthignore and where the path really leads: a refusal, or the target git is to be asked about. */
  private async judgeByName(path: string, hearthIgnore: Ignore | undefined, rootReal: string): Promise<{ verdict: PathVerdict } | { target: string; linked: boolean }> {
    if (isSecretPath(path)) return { verdict: refuse('secret', `${path} looks like a secret (.env, key, certificate, credentials)`) };
    if (hearthIgnore && ignores(hearthIgnore, path)) return { verdict: refuse('ignored', `${path} is excluded by .hearthignore`) };

    // Where the path really leads, through links in the file name or in any folder above it.
    const real = await realOrSelf(join(this.root, path));
    if (!isInside(rootReal, real)) return { verdict: refuse('outside', `${path} is a link to a file outside the workspace`) };
    const target = relative(rootReal, real).split(sep).join('/');
    const linked = target !== path;
    if (linked) {
      if (isSecretPath(target)) return { verdict: refuse('secret', `${path} is a link to ${target}, which looks like a secret`) };
      if (hearthIgnore && ignores(hearthIgnore, target)) return { verdict: refuse('ignored', `${path} is a link to ${target}, which .hearthignore excludes`) };
    }
    return { target, linked };
  }

  /** How the repository's ignore rules see each path: through git when it may run, else the .gitignore files. */
  private async listings(paths: readonly string[]): Promise<Map<string, 'tracked' | 'untracked' | 'ignored' | undefined>> {
    const out = new Map<string, 'tracked' | 'untracked' | 'ignored' | undefined>();
    for (const chunk of chunks([...new Set(paths)])) {
      const listed = await this.listedByGit(chunk);
      for (const path of chunk) out.set(path, listed ? listed.get(path) ?? 'ignored' : ignoredByGitignoreFiles(this.root, path) ? 'ignored' : undefined);
    }
    return out;
  }

  /**
   * One `git ls-files` for `paths`: each path that git lists (itself, or files under it when it is
   * a folder, as its pathspec matches them) as tracked or untracked; undefined when git may not run
   * or failed (the .gitignore files judge then).
   */
  private async listedByGit(paths: readonly string[]): Promise<Map<string, 'tracked' | 'untracked'> | undefined> {
    const git = this.opts.git;
    if (!git || this.notWorkTree || this.opts.mode?.() === 'plain') return undefined;
    try {
      // One git for both questions (and all the paths): each process started costs the extension
      // host's thread 10-25 ms, 40-200 ms while the editor starts (the fork waits for the child's exec).
      const entries = parseTaggedListing(await git.run(['ls-files', '--cached', '--others', '--exclude-standard', '-t', '-z', '--', ...paths.map((p) => `:(literal)${p}`)]));
      const asked = new Set(paths);
      const listed = new Map<string, 'tracked' | 'untracked'>();
      for (const e of entries) {
        // The entry itself and each folder above it: the pathspecs it matched.
        for (let p = e.path; ; p = p.slice(0, p.lastIndexOf('/'))) {
          if (asked.has(p) && listed.get(p) !== 'tracked') listed.set(p, e.tracked ? 'tracked' : 'untracked');
          if (!p.includes('/')) break;
        }
      }
      return listed;
    } catch (e) {
      // 128: not a work tree (or git refuses this one). Other failures: judge by the files this time.
      if (e instanceof GitError && e.code === 128) this.notWorkTree = true;
      return undefined;
    }
  }
}

/** Characters of paths per `git ls-files`: its pathspecs are on the command line (32K characters on Windows). */
const LISTING_CHARS = 24_000;

/** `paths` in runs of at most LISTING_CHARS characters (a longer path alone). */
function chunks(paths: readonly string[]): string[][] {
  const out: string[][] = [];
  let run: string[] = [];
  let chars = 0;
  for (const p of paths) {
    if (run.length > 0 && chars + p.length + 13 > LISTING_CHARS) {
      out.push(run);
      run = [];
      chars = 0;
    }
    run.push(p);
    chars += p.length + 13; // ':(literal)', the quotes and the space
  }
  if (run.length > 0) out.push(run);
  return out;
}

/**
 * `git ls-files --cached --others -t -z` output: each entry is a status tag, a space and the path;
 * `?` marks an untracked file, every other tag (H cached, S skip-worktree, M unmerged, ...) a
 * tracked one.
 */
export function parseTaggedListing(out: string): Array<{ path: string; tracked: boolean }> {
  const listed: Array<{ path: string; tracked: boolean }> = [];
  for (const entry of out.split('\0')) {
    if (entry.length > 2 && entry[1] === ' ') listed.push({ path: entry.slice(2), tracked: entry[0] !== '?' });
  }
  return listed;
}

function refuse(reason: PathRefusal, what: string): PathVerdict {
  return { admitted: false, reason, message: `${what}: Hearth never sends it to a model.` };
}

/** The real path; for a file that does not exist yet, its folder's real path joined to its name. */
async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    try {
      return join(await realpath(dirname(p)), basename(p));
    } catch {
      return p;
    }
  }
}
