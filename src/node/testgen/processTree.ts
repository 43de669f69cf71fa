// Runs a test runner as the root of a process tree Hearth can kill whole. Generated tests are
// arbitrary code: they may start servers, `sleep 300`, or children that leave the process group
// (setsid, `detached: true`) and outlive the runner once it exits. So the tree is found three ways
// before each kill: the process group the root leads, descendants by parent pid (walked in /proc),
// and every process whose environment carries this run's cookie (inherited through fork and exec,
// it finds orphans re-parented to init — the technique of Jenkins' ProcessTreeKiller). SIGTERM
// first, SIGKILL to whatever is left after a short grace, repeated until nothing is found.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that marks every process of one run. */
export const RUN_COOKIE_VAR = 'HEARTH_TEST_RUN';

export interface TreeRunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL. Default 500 ms. */
  readonly graceMs?: number;
  /** Bytes of stdout and of stderr kept (the tail). Default 64 KiB each. */
  readonly maxOutput?: number;
}

export interface TreeRunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** The spawn itself failed (ENOENT: the program is not installed). */
  readonly spawnError?: string;
  /** Pids the final kill signalled (the root excluded): children the run left behind. */
  readonly killed: readonly number[];
  /** From the spawn to the tree killed and the pipes drained (ms): the runner's own time. */
  readonly processMs?: number;
}

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly zombie: boolean;
}

/** Every process the system shows us, from /proc (Linux). Empty where there is no /proc. */
export function listProcesses(): ProcInfo[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return listWithPs();
  }
  const out: ProcInfo[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses: split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]), zombie: rest[0] === 'Z' || rest[0] === 'X' });
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** Where there is no /proc (macOS): `ps`, without environments (no cookie), groups and parents only. */
function listWithPs(): ProcInfo[] {
  try {
    const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', timeout: 5000 });
    return text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4)
      .map(([pid, ppid, pgid, st]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: st.startsWith('Z') }));
  } catch {
    return [];
  }
}

/** The process is alive and not a zombie (a zombie has exited; only its parent's wait is missing). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function hasCookie(pid: number, cookie: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    return env.includes(`${RUN_COOKIE_VAR}=${cookie}\0`);
  } catch {
    return false;
  }
}

/**
 * The live processes of a run: the root's group, its descendants by parent pid, and those that
 * carry the cookie. Never this process or its ancestors.
 */
export function findTree(rootPid: number, cookie: string): number[] {
  const procs = listProcesses().filter((p) => !p.zombie && p.pid !== process.pid);
  const found = new Set<number>();
  for (const p of procs) {
    if (p.pgid === rootPid || p.pid === rootPid || hasCookie(p.pid, cookie)) found.add(p.pid);
  }
  // Descendants by ppid, to a fixpoint (a child of a cookie-carrier that cleared its environment).
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  found.delete(process.ppid);
  return [...found];
}

function signalAll(pids: readonly number[], rootPid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-rootPid, sig);
  } catch {
    // the group is empty
  }
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Kills the run's whole tree: SIGTERM, then up to `graceMs` for it to go, then SIGKILL rounds
 * until no process of the run is found. Returns every pid signalled.
 */
export async function killTree(rootPid: number, cookie: string, graceMs = 500): Promise<number[]> {
  const signalled = new Set<number>();
  let pids = findTree(rootPid, cookie);
  pids.forEach((p) => signalled.add(p));
  signalAll(pids, rootPid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(25);
  for (let round = 0; round < 20; round++) {
    pids = findTree(rootPid, cookie);
    if (pids.length === 0) break;
    pids.forEach((p) => signalled.add(p));
    signalAll(pids, rootPid, 'SIGKILL');
    await sleep(20);
  }
  return [...signalled];
}

/** A cookie for one run: random, so one run never kills another's processes. */
export function newRunCookie(): string {
  return randomBytes(9).toString('hex');
}

function tailBuffer(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(b: Buffer) {
      chunks.push(b);
      size += b.length;
      while (size > max && chunks.length > 1) size -= chunks.shift()!.length;
    },
    text(): string {
      const all = Buffer.concat(chunks);
      return all.subarray(Math.max(0, all.length - max)).toString('utf8');
    },
  };
}

/**
 * Runs `command args` in its own process group with a cookie in its environment, and when it
 * exits, times out or is aborted, kills whatever of its tree is still running. Resolves once
 * the tree is gone; never rejects.
 */
export function runProcessTree(command: string, args: readonly string[], opts: TreeRunOptions): Promise<TreeRunResult> {
  const cookie = newRunCookie();
  const max = opts.maxOutput ?? 64 * 1024;
  const out = tailBuffer(max);
  const err = tailBuffer(max);
  return new Promise<TreeRunResult>((resolve) => {
    if (opts.signal?.aborted) {
      resolve({ exitCode: null, signal: null, timedOut: false, aborted: true, stdout: '', stderr: '', killed: [] });
      return;
    }
    const started = performance.now();
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), [RUN_COOKIE_VAR]: cookie },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killing: Promise<number[]> | undefined;
    const kill = () => {
      if (child.pid === undefined) return Promise.resolve([]);
      killing ??= killTree(child.pid, cookie, opts.graceMs);
      return killing;
    };
    const timer = setTimeout(() => {
      timedOut = true;
      void kill();
    }, opts.timeoutMs);
    const onAbort = () => {
      aborted = true;
      void kill();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const finish = async (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // The root is gone; what it started may not be. Kill the rest (also on a clean exit).
      const killed = await kill();
      // 'exit' can come before the last of the output is read (go test's results are on stdout):
      // wait for the pipes to drain, then stop reading either way.
      await Promise.race([closed, sleep(2000)]);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        exitCode, signal, timedOut, aborted,
        stdout: out.text(), stderr: err.text(),
        killed: killed.filter((p) => p !== child.pid),
        processMs: performance.now() - started,
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    };
    child.on('error', (e) => void finish(null, null, e.message));
    child.on('exit', (code, sig) => void finish(code, sig));
  });
}
