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

  /** A root-relative path ('/' separators). */
  async admitPath(path: string): Promise<PathVerdict> {
    if (isSecretPath(path)) return refuse('secret', `${path} looks like a secret (.env, key, certificate, credentials)`);
    const hearthIgnore = await readIgnoreFile(join(this.root, '.hearthignore'));
    if (hearthIgnore && ignores(hearthIgnore, path)) return refuse('ignored', `${path} is excluded by .hearthignore`);

    // Where the path really leads, through links in the file name or in any folder above it.
    const rootReal = await (this.rootReal ??= realOrSelf(this.root));
    const real = await realOrSelf(join(this.root, path));
    if (!isInside(rootReal, real)) return refuse('outside', `${path} is a link to a file outside the workspace`);
    const target = relative(rootReal, real).split(sep).join('/');
    const linked = target !== path;
    if (linked) {
      if (isSecretPath(target)) return refuse('secret', `${path} is a link to ${target}, which looks like a secret`);
      if (hearthIgnore && ignores(hearthIgnore, target)) return refuse('ignored', `${path} is a link to ${target}, which .hearthignore excludes`);
    }
    const listing = await this.listing(path);
    if (listing === 'ignored') return refuse('ignored', `${path} is ignored by git`);
    if (linked && (await this.listing(target)) === 'ignored') return refuse('ignored', `${path} is a link to ${target}, which git ignores`);
    return { admitted: true, path, listing: listing ?? undefined };
  }

  /** How the repository's ignore rules see a path: through git when it may run, else the .gitignore files. */
  private async listing(path: string): Promise<'tracked' | 'untracked' | 'ignored' | undefined> {
    const git = this.opts.git;
    if (git && !this.notWorkTree && this.opts.mode?.() !== 'plain') {
      try {
        // One git for both questions: each process started costs the extension host's thread
        // 10-25 ms, 40-200 ms while the editor starts (the fork waits for the child's exec).
        const listed = parseTaggedListing(await git.run(['ls-files', '--cached', '--others', '--exclude-standard', '-t', '-z', '--', `:(literal)${path}`]));
        return listed.some((e) => e.tracked) ? 'tracked' : listed.length > 0 ? 'untracked' : 'ignored';
      } catch (e) {
        // 128: not a work tree (or git refuses this one). Other failures: judge by the files this time.
        if (e instanceof GitError && e.code === 128) this.notWorkTree = true;
      }
    }
    return ignoredByGitignoreFiles(this.root, path) ? 'ignored' : undefined;
  }
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
