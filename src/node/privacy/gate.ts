// The privacy gate: the one place that decides whether a file of the workspace may enter a prompt,
// and that removes credentials from any text before it does. Every path into a prompt goes through
// it — the index, the file at the cursor, open tabs (through the index), the CLI, and review and
// test generation after them. A file is refused when its name or place says it holds secrets, when
// git, a .gitignore or .hearthignore ignores it, or when it is a link that leaves the workspace; a
// link inside the workspace is judged by where it points as well as by its own name.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isSecretPath } from '../../core/privacy/secretPaths';
import type { Redactor } from '../../core/privacy/redactor';
import { GitError, type GitRunner } from '../git/gitRunner';
import { ignoredByGitignoreFiles, ignoresPathOrParent, readIgnoreFile } from './ignoreRules';
import { SecretlintRedactor } from './redact';

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
  readonly redactor?: Redactor;
}

let shared: Redactor | undefined;
/** One redactor (and one cache) for the process. */
export function sharedRedactor(): Redactor {
  shared ??= new SecretlintRedactor();
  return shared;
}

export class PrivacyGate implements Redactor {
  private rootReal: Promise<string> | undefined;
  /** Set once git said this folder is not a work tree. */
  private notWorkTree = false;
  private readonly redactor: Redactor;

  constructor(readonly root: string, private readonly opts: PrivacyGateOptions = {}) {
    this.redactor = opts.redactor ?? sharedRedactor();
  }

  /** Credentials in `text` replaced by markers. Everything bound for a prompt passes here. */
  redact(text: string): Promise<string> {
    return this.redactor.redact(text);
  }

  /** Any file by absolute path: judged as a workspace path when inside the root, else by name and target. */
  async admitFile(abs: string): Promise<PathVerdict> {
    const rel = relative(this.root, abs);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return this.admitPath(rel.split(sep).join('/'));
    if (isSecretPath(abs)) return refuse('secret', `${abs} looks like a secret (.env, key, certificate, credentials)`);
    const real = await realOrSelf(abs);
    if (real !== abs && isSecretPath(real)) return refuse('secret', `${abs} is a link to ${real}, which looks like a secret`);
    return { admitted: true, path: abs };
  }

  /** A root-relative path ('/' separators). */
  async admitPath(path: string): Promise<PathVerdict> {
    if (isSecretPath(path)) return refuse('secret', `${path} looks like a secret (.env, key, certificate, credentials)`);
    const hearthIgnore = await readIgnoreFile(join(this.root, '.hearthignore'));
    if (ignoresPathOrParent(hearthIgnore, path)) return refuse('ignored', `${path} is excluded by .hearthignore`);

    // Where the path really leads, through links in the file name or in any folder above it.
    const rootReal = await (this.rootReal ??= realOrSelf(this.root));
    const real = await realOrSelf(join(this.root, path));
    const relReal = relative(rootReal, real);
    if (relReal === '' || relReal.startsWith('..') || isAbsolute(relReal)) {
      return refuse('outside', `${path} is a link to a file outside the workspace`);
    }
    const target = relReal.split(sep).join('/');
    const linked = target !== path;
    if (linked) {
      if (isSecretPath(target)) return refuse('secret', `${path} is a link to ${target}, which looks like a secret`);
      if (ignoresPathOrParent(hearthIgnore, target)) return refuse('ignored', `${path} is a link to ${target}, which .hearthignore excludes`);
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
      const spec = `:(literal)${path}`;
      try {
        const [tracked, untracked] = await Promise.all([
          git.run(['ls-files', '--cached', '-z', '--', spec]),
          git.run(['ls-files', '--others', '--exclude-standard', '-z', '--', spec]),
        ]);
        return tracked ? 'tracked' : untracked ? 'untracked' : 'ignored';
      } catch (e) {
        // 128: not a work tree (or git refuses this one). Other failures: judge by the files this time.
        if (e instanceof GitError && e.code === 128) this.notWorkTree = true;
      }
    }
    return ignoredByGitignoreFiles(this.root, path) ? 'ignored' : undefined;
  }
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
