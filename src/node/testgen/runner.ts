// The TestRunner (src/core/testgen/types.ts) on the project's own runners: writes the scratch
// file, runs only it from the project directory as a killable process tree with the request's
// timeout, reads each test's result by name, and removes the scratch file and the run's reports
// whatever happened (pass, failure, timeout, cancel, a runner that is not installed).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameworkId, RunOutcome, RunRequest, TestRunner } from '../../core/testgen/types';
import { planGo } from './goRunner';
import { planJest, planMocha, planNodeTest, planVitest } from './jsRunners';
import { outputTail, type Planner, type RunContext } from './plan';
import { runProcessTree } from './processTree';
import { planPytest, planUnittest } from './pythonRunners';
import { matchResults } from './results';
import { isScratchFile } from './scratch';

export interface TestRunnerOptions {
  /** The runners' environment. Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** The Python interpreter for pytest and unittest. Default: the project's virtualenv, else the first python3 that has the framework. */
  readonly python?: string;
  /** Between SIGTERM and SIGKILL when a run's tree is killed. Default 500 ms. */
  readonly graceMs?: number;
}

const PLANNERS: Record<FrameworkId, Planner> = {
  vitest: planVitest,
  jest: planJest,
  mocha: planMocha,
  'node:test': planNodeTest,
  pytest: planPytest,
  unittest: planUnittest,
  go: planGo,
};

/** The scratch path is not one of Hearth's: the runner refuses to write or delete it. */
export class ScratchPathError extends Error {
  override readonly name = 'ScratchPathError';
}

function unrun(req: RunRequest, why: string, extra: Partial<RunOutcome> = {}): RunOutcome {
  return {
    results: matchResults(req.names, [], { message: why }),
    timedOut: false,
    exitCode: null,
    output: why,
    ...(req.coverageOf ? { coverageUnavailable: `the tests did not run: ${why}` } : {}),
    ...extra,
  };
}

/**
 * The environment runners get: the caller's, without what would make a nested runner misbehave
 * (NODE_TEST_CONTEXT makes a `node --test` started from inside another one skip its files).
 */
function runnerEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

export function createTestRunner(opts: TestRunnerOptions = {}): TestRunner {
  return { run: (req) => runScratch(req, opts) };
}

/** Runs one scratch file; see the module comment. Rejects only for a scratch path that is not Hearth's or already exists. */
export async function runScratch(req: RunRequest, opts: TestRunnerOptions = {}): Promise<RunOutcome> {
  const scratch = join(req.root, req.scratchFile);
  if (!isScratchFile(scratch)) throw new ScratchPathError(`${req.scratchFile} is not named as a Hearth scratch file; refusing to write and delete it`);
  if (req.signal?.aborted) return unrun(req, 'the run was cancelled before it started');
  const tmp = await mkdtemp(join(tmpdir(), 'hearth-run-'));
  try {
    // 'wx': never overwrite a file that is there (it is not ours to delete afterwards).
    await writeFile(scratch, req.content, { flag: 'wx' });
    try {
      const ctx: RunContext = {
        req,
        projectDir: join(req.root, req.framework.projectDir),
        scratch,
        tmp,
        env: runnerEnv(opts.env ?? process.env),
        ...(req.coverageOf ? { coverageTarget: join(req.root, req.coverageOf) } : {}),
        ...(opts.python ? { python: opts.python } : {}),
      };
      const plan = await PLANNERS[req.framework.framework](ctx);
      if ('unavailable' in plan) return unrun(req, plan.unavailable);
      const run = await runProcessTree(plan.command, plan.args, {
        cwd: plan.cwd, env: plan.env, timeoutMs: req.timeoutMs,
        ...(req.signal ? { signal: req.signal } : {}),
        ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
        ...(plan.maxOutput !== undefined ? { maxOutput: plan.maxOutput } : {}),
      });
      if (run.spawnError !== undefined) return unrun(req, `${plan.command} could not start: ${run.spawnError}`);
      const collected = await plan.collect(run);
      const why = run.timedOut ? `not reported before the run timed out after ${req.timeoutMs} ms`
        : run.aborted ? 'not reported before the run was cancelled'
          : collected.fileError ?? 'the runner did not report this test';
      const coverageUnavailable = plan.coverageUnavailable ?? collected.coverageUnavailable;
      const output = [collected.fileError, outputTail(run)].filter((s): s is string => !!s && s !== '');
      return {
        results: matchResults(req.names, collected.records, { message: why }),
        timedOut: run.timedOut,
        exitCode: run.exitCode,
        output: [...new Set(output)].join('\n'),
        ...(run.processMs !== undefined ? { processMs: run.processMs } : {}),
        ...(req.coverageOf && collected.coverage && !coverageUnavailable ? { coverage: collected.coverage } : {}),
        ...(req.coverageOf && (coverageUnavailable || !collected.coverage)
          ? { coverageUnavailable: coverageUnavailable ?? (run.timedOut ? 'the run was killed at its timeout before coverage was written' : 'the runner reported no coverage') }
          : {}),
      };
    } finally {
      await rm(scratch, { force: true });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
