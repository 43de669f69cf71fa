// What each framework's runner module gives the shared run (runner.ts): the command to start and
// how to read what it wrote. Kept apart so the framework modules and runner.ts do not import each other.
import type { CoverageOfTarget, RunRequest } from '../../core/testgen/types';
import type { TreeRunResult } from './processTree';
import type { CaseRecord } from './results';

export interface RunContext {
  readonly req: RunRequest;
  /** Absolute paths. */
  readonly projectDir: string;
  readonly scratch: string;
  /** A fresh temporary directory for reports, removed after the run. */
  readonly tmp: string;
  /** Absolute path of `req.coverageOf`, when coverage is wanted. */
  readonly coverageTarget?: string;
  readonly env: NodeJS.ProcessEnv;
  /** The Python interpreter to use instead of looking for one. */
  readonly python?: string;
}

export interface Collected {
  readonly records: readonly CaseRecord[];
  /** A failure that is no test's: the file did not load or compile, the runner wrote no report. */
  readonly fileError?: string;
  readonly coverage?: CoverageOfTarget;
  readonly coverageUnavailable?: string;
}

export interface Plan {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Bytes of stdout kept when the results come on it (go test -json). Default 64 KiB. */
  readonly maxOutput?: number;
  /** Without coverage and why, decided before the run (the tool is not installed, say). */
  readonly coverageUnavailable?: string;
  collect(run: TreeRunResult): Promise<Collected>;
}

/** The framework cannot run here: what is missing and how to install it. */
export interface Unavailable {
  readonly unavailable: string;
}

export type Planner = (ctx: RunContext) => Promise<Plan | Unavailable>;

/** Parses a JSON file, or undefined when it is absent or not JSON. */
export async function readJson(read: () => Promise<string>): Promise<unknown> {
  try {
    return JSON.parse(await read()) as unknown;
  } catch {
    return undefined;
  }
}

/** The last `max` characters of a process's combined output. */
export function outputTail(run: TreeRunResult, max = 4000): string {
  const all = [run.stdout.trim(), run.stderr.trim()].filter((s) => s !== '').join('\n');
  return all.length <= max ? all : `…${all.slice(all.length - max)}`;
}
