// The one way Hearth runs git. A cloned repository is hostile input: its `.git/config` can name
// programs that git runs on its own during ordinary read commands (`core.fsmonitor` on `ls-files`
// and `status`, a pager, external diff and textconv drivers, clean/smudge filters on files of the
// work tree, hooks, credential helpers). Every call here overrides each such key on the command
// line (where git gives `-c` precedence over every config file), adds the per-command switches that
// turn drivers off, runs with a clean environment, and has a timeout and cancellation.
import { execFile } from 'node:child_process';

export interface GitRunOptions {
  /** Default: the runner's timeout (20 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Largest stdout accepted, in bytes. Default 512 MiB. */
  readonly maxBuffer?: number;
  /** Written to the command's stdin, which is then closed (`cat-file --batch`). */
  readonly input?: string;
}

/** A git command that failed, timed out or was cancelled; never carries the repository's text. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(message: string, readonly code: string | number | undefined) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_BUFFER = 512 * 1024 * 1024;

/** A path for hooks that holds none, on every platform. */
const NO_HOOKS = process.platform === 'win32' ? 'NUL' : '/dev/null';

/**
 * Config that can run a program, set to a harmless value for every command. Keys whose name
 * embeds a driver (`filter.<driver>.clean`) are handled per repository, see `driverOverrides`.
 */
export const STATIC_OVERRIDES: readonly string[] = [
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  `core.hooksPath=${NO_HOOKS}`,
  'core.pager=cat',
  'core.askPass=',
  'core.sshCommand=ssh',
  'core.gitProxy=',
  'core.editor=:',
  'sequence.editor=:',
  'credential.helper=',
  'diff.external=',
  'log.showSignature=false',
  'gpg.program=gpg',
  // Hearth never talks to a remote: no transport may start (ssh, ext::, helpers).
  'protocol.allow=never',
];

/** Commands that accept `--no-ext-diff --no-textconv`. */
const DIFF_COMMANDS: ReadonlySet<string> = new Set(['diff', 'show', 'log']);

/** Commands that read files of the work tree through clean filters (or may refresh the index). */
const WORKTREE_COMMANDS: ReadonlySet<string> = new Set(['diff', 'status', 'add', 'stash', 'apply', 'update-index', 'diff-files', 'hash-object']);

/** Config keys with a driver name in the middle whose value is a program. */
const DRIVER_KEY = /^(filter\.[^\n]+\.(clean|smudge|process)|diff\.[^\n]+\.(command|textconv)|merge\.[^\n]+\.driver)$/i;

/**
 * The environment git runs in: no variable that points git elsewhere or names a program (GIT_DIR,
 * GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND, GIT_ASKPASS, PAGER, ...), never a
 * prompt, stable output.
 */
export function safeGitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    const upper = k.toUpperCase();
    if (upper.startsWith('GIT_') || upper === 'PAGER' || upper === 'SSH_ASKPASS' || upper === 'EDITOR' || upper === 'VISUAL') continue;
    env[k] = v;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_PAGER: 'cat', PAGER: 'cat', LC_ALL: 'C' };
}

/** The full argument list for `git <args>`: overrides first, then the command and its safety switches. */
export function safeGitArgs(args: readonly string[], driverKeys: readonly string[] = []): string[] {
  const [command, ...rest] = args;
  const out = ['--no-pager'];
  for (const o of STATIC_OVERRIDES) out.push('-c', o);
  for (const key of driverKeys) out.push('-c', `${key}=`);
  // An emptied filter must not be demanded either, or git refuses to work.
  for (const key of driverKeys) {
    const m = /^filter\.(.+)\.(clean|smudge|process)$/i.exec(key);
    if (m) out.push('-c', `filter.${m[1]}.required=false`);
  }
  out.push(command);
  if (DIFF_COMMANDS.has(command)) out.push('--no-ext-diff', '--no-textconv');
  out.push(...rest);
  return out;
}

export class GitRunner {
  /** Driver keys found in this repository's config, read once per runner. */
  private drivers: Promise<string[]> | undefined;

  constructor(readonly cwd: string, private readonly defaults: { timeoutMs?: number } = {}) {}

  /** `git <args>` in `cwd`; resolves stdout (UTF-8), rejects with a GitError. */
  async run(args: readonly string[], opts: GitRunOptions = {}): Promise<string> {
    return this.exec(args[0], safeGitArgs(args, await this.driverKeysFor(args, opts)), opts, 'utf8');
  }

  /**
   * `git <args>` as `run` does it, stdout as the bytes git wrote: for content whose encoding must
   * be judged exactly (decoding as UTF-8 first would turn each invalid byte into U+FFFD).
   */
  async runBytes(args: readonly string[], opts: GitRunOptions = {}): Promise<Buffer> {
    return this.exec(args[0], safeGitArgs(args, await this.driverKeysFor(args, opts)), opts, 'buffer');
  }

  private async driverKeysFor(args: readonly string[], opts: GitRunOptions): Promise<string[]> {
    return WORKTREE_COMMANDS.has(args[0]) || DIFF_COMMANDS.has(args[0]) ? this.driverKeys(opts) : [];
  }

  /** The filter, diff and merge driver keys the repository's configuration defines. */
  private driverKeys(opts: GitRunOptions): Promise<string[]> {
    if (this.drivers) return this.drivers;
    // Read without the caller's signal (one cancelled command must not fail the others that share
    // this read), and forgotten on failure so the next command tries again.
    const read = this.exec('config', safeGitArgs(['config', '-z', '--name-only', '--get-regexp', '^(filter|diff|merge)\\.']), { timeoutMs: opts.timeoutMs }, 'utf8')
      .then((out) => [...new Set(out.split('\0').map((k) => k.trim()).filter((k) => DRIVER_KEY.test(k)))])
      // `git config --get-regexp` exits 1 when nothing matches.
      .catch((e: unknown) => (e instanceof GitError && e.code === 1 ? [] : Promise.reject(e)));
    read.catch(() => { if (this.drivers === read) this.drivers = undefined; });
    this.drivers = read;
    return read;
  }

  private exec(command: string, fullArgs: string[], opts: GitRunOptions, encoding: 'utf8'): Promise<string>;
  private exec(command: string, fullArgs: string[], opts: GitRunOptions, encoding: 'buffer'): Promise<Buffer>;
  private exec(command: string, fullArgs: string[], opts: GitRunOptions, encoding: 'utf8' | 'buffer'): Promise<string | Buffer> {
    const timeout = opts.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const child = execFile('git', fullArgs, {
        cwd: this.cwd, env: safeGitEnv(), timeout, killSignal: 'SIGKILL', signal: opts.signal,
        maxBuffer: opts.maxBuffer ?? DEFAULT_MAX_BUFFER, encoding, windowsHide: true,
      }, (err, stdout: string | Buffer) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        const what = `git ${command}`;
        if (opts.signal?.aborted) reject(new GitError(`${what} was cancelled`, 'ABORT_ERR'));
        else if (e.killed) reject(new GitError(`${what} took longer than ${Math.round(timeout / 1000)} s`, 'ETIMEDOUT'));
        else if (e.code === 'ENOENT') reject(new GitError('git is not installed (not found on PATH)', 'ENOENT'));
        else reject(new GitError(`${what} failed (exit ${String(e.code)})`, e.code));
      });
      if (opts.input !== undefined && child.stdin) {
        // A git that exits early closes its stdin: the exit, not the broken pipe, is the error.
        child.stdin.on('error', () => {});
        child.stdin.end(opts.input);
      }
    });
  }
}
