// Scratch test files: named so the project's runner collects them and so that nobody can take
// them for the user's (`foo.hearth-scratch-<id>.test.ts`, `test_hearth_scratch_<id>.py`,
// `hearth_scratch_<id>_test.go`), and swept when a run could not remove its own (the editor was
// reloaded mid-run).
import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TestLanguage } from '../../core/testgen/types';

const JS_SCRATCH = /\.hearth-scratch-[a-z0-9]+\.test\.[cm]?[jt]sx?$/;
const PY_SCRATCH = /^test_hearth_scratch_[a-z0-9]+\.py$/;
const GO_SCRATCH = /^hearth_scratch_[a-z0-9]+_test\.go$/;

/** The file name is one of Hearth's scratch test files. */
export function isScratchFile(path: string): boolean {
  const name = basename(path);
  return JS_SCRATCH.test(name) || PY_SCRATCH.test(name) || GO_SCRATCH.test(name);
}

/**
 * A scratch id: the pid of the process that writes the file, then random hex (`4711p9f0c2a1b3e`).
 * The pid lets a sweep tell a file whose run is still going (another window, the CLI) from one
 * whose process is gone (an editor reloaded mid-run).
 */
export function randomScratchId(): string {
  return `${process.pid}p${randomBytes(5).toString('hex')}`;
}

/** The pid in a scratch file's id, when it has one. */
export function scratchOwner(path: string): number | undefined {
  const m = /(?:hearth-scratch-|hearth_scratch_)(\d+)p[0-9a-f]+(?:\.test\.|_test\.go$|\.py$)/.exec(basename(path));
  return m ? Number(m[1]) : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The scratch file for a root-relative source, in the source's directory. JS/TS keep the source's
 * extension family (`.tsx` stays `.tsx`), so the project's transform applies as to its own tests.
 */
export function scratchFileFor(source: string, language: TestLanguage, id = randomScratchId()): string {
  const slash = source.lastIndexOf('/');
  const dir = slash < 0 ? '' : source.slice(0, slash + 1);
  const name = source.slice(slash + 1);
  if (language === 'python') return `${dir}test_hearth_scratch_${id}.py`;
  if (language === 'go') return `${dir}hearth_scratch_${id}_test.go`;
  const m = /^(.*?)(\.[cm]?[jt]sx?)$/.exec(name);
  const stem = m ? m[1] : name;
  const ext = m ? m[2] : language === 'typescript' ? '.ts' : '.js';
  return `${dir}${stem}.hearth-scratch-${id}.test${ext}`;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv']);

export interface SweepOptions {
  /**
   * Only files last modified at least this long ago. Default 0: a file whose id names a live
   * process is kept anyway (its run may be going on), any other is stale.
   */
  readonly olderThanMs?: number;
  /** Directories visited at most (a huge tree is not walked to its end). Default 20000. */
  readonly maxDirs?: number;
  readonly now?: number;
}

/**
 * Removes Hearth's stale scratch test files under `dir` (not following links, skipping
 * node_modules, VCS and virtualenv directories): those whose writing process is gone, or that
 * name none; returns the absolute paths removed.
 */
export async function sweepScratchFiles(dir: string, opts: SweepOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  const olderThan = opts.olderThanMs ?? 0;
  const now = opts.now ?? Date.now();
  let budget = opts.maxDirs ?? 20_000;
  const queue = [dir];
  while (queue.length > 0 && budget-- > 0) {
    const current = queue.shift()!;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(current, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) queue.push(p);
      } else if (e.isFile() && isScratchFile(e.name)) {
        const owner = scratchOwner(e.name);
        if (owner !== undefined && processAlive(owner)) continue;
        try {
          const st = await lstat(p);
          if (now - st.mtimeMs < olderThan) continue;
          await rm(p, { force: true });
          removed.push(p);
        } catch {
          // gone already
        }
      }
    }
  }
  return removed;
}
