// `hearth review --install-hook`: a git pre-commit hook that reviews what is staged and stops the
// commit on a high-severity finding (or when the review cannot be completed), saying how to commit
// once without it. The hooks folder is git's: core.hooksPath when the repository or the user set
// it, else the common git directory's `hooks` (shared by every worktree). The safe git runner
// overrides core.hooksPath on its command line, so the setting is read from each config file
// (`--local`, `--global`, `--system` read that file only), in git's order of precedence.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { GitError, type GitRunner } from '../git/gitRunner';

/** Written in every hook Hearth installs: a hook with it is Hearth's own and may be replaced. */
export const HOOK_MARKER = '# hearth-pre-commit-hook';

export type HookInstall =
  | { readonly ok: true; readonly path: string; readonly replaced: boolean; readonly hooksPathFrom?: string }
  | { readonly ok: false; readonly path: string; readonly reason: string };

export interface HookOptions {
  /** The repository's work tree root. */
  readonly root: string;
  readonly git: GitRunner;
  /** The command that runs this CLI (e.g. [node, /…/dist/cli.js]); tried when `hearth` is not on PATH. */
  readonly self?: readonly string[];
  /** Replace a pre-commit hook that is not Hearth's. */
  readonly force?: boolean;
}

export async function installPreCommitHook(opts: HookOptions): Promise<HookInstall> {
  const { dir, from } = await hooksDir(opts.git, opts.root);
  const path = join(dir, 'pre-commit');
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing !== undefined && !existing.includes(HOOK_MARKER) && !opts.force) {
    return {
      ok: false, path,
      reason: `${path} already exists and is not Hearth's: it was left as it is. Add the line \`hearth review --staged --fail-on high\` to it yourself, or run with --force to replace it.`,
    };
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path, hookScript(opts.self), { mode: 0o755 });
  await chmod(path, 0o755);
  return { ok: true, path, replaced: existing !== undefined, ...(from ? { hooksPathFrom: from } : {}) };
}

/** The hook: `hearth` from PATH, else the CLI that installed it; exit 1 or 2 stops the commit, with the bypass. */
export function hookScript(self?: readonly string[]): string {
  const fallback = self?.length ? self.map(shellQuote).join(' ') : '';
  return [
    '#!/bin/sh',
    `${HOOK_MARKER} (written by \`hearth review --install-hook\`; run it again to update, delete this file to remove)`,
    '# Reviews the staged changes on your local model before each commit. A high-severity finding, or a',
    '# review that cannot be completed (server unreachable, an unreadable answer), stops the commit.',
    '# To commit once without the review:  git commit --no-verify',
    fallback
      ? `if command -v hearth >/dev/null 2>&1; then set -- hearth; else set -- ${fallback}; fi`
      : 'set -- hearth',
    '"$@" review --staged --fail-on high',
    'status=$?',
    'if [ "$status" -eq 1 ]; then',
    '  echo "hearth: commit stopped: a high-severity finding above. To commit anyway, once: git commit --no-verify" >&2',
    'elif [ "$status" -ne 0 ]; then',
    '  echo "hearth: commit stopped: the review could not be completed (see above). To commit without it, once: git commit --no-verify" >&2',
    'fi',
    'exit "$status"',
    '',
  ].join('\n');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Where git looks for hooks in this repository, and which config file said so (if one did). */
export async function hooksDir(git: GitRunner, root: string): Promise<{ dir: string; from?: string }> {
  for (const scope of ['--local', '--global', '--system']) {
    let value: string;
    try {
      value = (await git.run(['config', scope, '--includes', '--get', 'core.hooksPath'])).trim();
    } catch (e) {
      // Exit 1: not set in that file; a missing global or system file is the same.
      if (e instanceof GitError && (e.code === 1 || e.code === 128)) continue;
      throw e;
    }
    if (value === '') continue;
    const expanded = value === '~' ? homedir() : value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
    // A relative hooksPath is relative to where hooks run: the work tree's root.
    return { dir: isAbsolute(expanded) ? expanded : resolve(root, expanded), from: `core.hooksPath (${scope.slice(2)} config)` };
  }
  const common = (await git.run(['rev-parse', '--git-common-dir'])).trim();
  return { dir: join(resolve(git.cwd, common), 'hooks') };
}
