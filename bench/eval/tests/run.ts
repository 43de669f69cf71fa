// Runs the function set through `generateTests` exactly as `hearth tests FILE:LINE` does (the
// repository index for definitions, credentials redacted, the real framework detection, the real
// tree-sitter syntax check and the real Vitest runs with coverage), one temporary project per
// package, against a real server (`host`) or the recorded replies (`replay`). The funnel is read
// from the pipeline's progress (generated, parsed, passed) and from the runs themselves (stable),
// not from the report's wording.
import { silentLogger, type Logger } from '../../../src/core/log';
import type { CoverageOfTarget, RunOutcome, RunRequest, TestRunner } from '../../../src/core/testgen/types';
import { GitRunner } from '../../../src/node/git/gitRunner';
import { SecretlintRedactor } from '../../../src/node/privacy/redact';
import { detectTestSetup } from '../../../src/node/testgen/detect';
import { generateTests, type GenerateProgress, type TestGenSession } from '../../../src/node/testgen/generate';
import { createTestRunner } from '../../../src/node/testgen/runner';
import { TreeSitterSyntaxChecker } from '../../../src/node/testgen/syntax';
import { openWorkspace } from '../../../src/node/workspace';
import { selectFunctions, type EvalFunction } from './functions';
import { totalsOf, type FunctionOutcome, type Totals } from './metrics';
import { EvalProject } from './project';
import { CurrentFunction, recordingBackend, TestReplayServer, type TestReplayMiss } from './recorded';
import { openEvalSession } from '../session';

export interface TestsEvalOptions {
  /** The server to ask (a real Ollama); default as the CLI: OLLAMA_HOST, else 127.0.0.1:11434. */
  readonly host?: string;
  /** The tests model; default as the CLI (hearth.model's default). */
  readonly model?: string;
  /** Serve the recorded replies of this folder through the fake Ollama instead of asking a server; only the functions they cover run. */
  readonly replay?: string;
  /** With replay: accept a changed generation prompt, and save its new key. */
  readonly rekey?: boolean;
  /** Save every answer of the real server here. */
  readonly record?: string;
  /** Only functions whose id contains one of these. */
  readonly functions?: readonly string[];
  /** Per run of the test runner (default: the CLI's hearth.tests.runTimeoutSeconds, 60 s). */
  readonly runTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
  /** The pipeline's log (default silent). */
  readonly logger?: Logger;
}

export type TestsEvalResult =
  | { readonly status: 'done'; readonly server: string; readonly model: string; readonly outcomes: FunctionOutcome[]; readonly totals: Totals; readonly misses: readonly TestReplayMiss[] }
  | { readonly status: 'unavailable'; readonly reason: 'unreachable' | 'model'; readonly message: string };

/** The funnel as one function's generation goes: the stage it is in, and what each stage saw. */
class FunnelProbe {
  stage = '';
  generated = 0;
  parsed = 0;
  passed = 0;
  stabilityRuns = 0;
  readonly stabilityPasses = new Map<string, number>();
  coverage?: CoverageOfTarget;
  runnerMs = 0;
  modelMs = 0;

  onProgress = (p: GenerateProgress): void => {
    this.stage = p.stage;
    if (!('tests' in p)) return;
    if (p.stage === 'check') this.generated = p.tests;
    else if (p.stage === 'run') this.parsed = p.tests;
    else if (p.stage === 'stability' && p.step === 1) this.passed = p.tests;
  };

  /** Tests that passed every stability run. */
  stable(): number {
    return [...this.stabilityPasses.values()].filter((n) => n === this.stabilityRuns).length;
  }
}

/** The real runner, watched: time spent, each stability run's passes, the last coverage report. */
class ProbedRunner implements TestRunner {
  probe = new FunnelProbe();
  constructor(private readonly inner: TestRunner) {}
  async run(req: RunRequest): Promise<RunOutcome> {
    const t0 = performance.now();
    const out = await this.inner.run(req);
    const p = this.probe;
    p.runnerMs += performance.now() - t0;
    if (p.stage === 'stability') {
      p.stabilityRuns++;
      for (const name of req.names) p.stabilityPasses.set(name, (p.stabilityPasses.get(name) ?? 0) + (out.results.get(name)?.status === 'passed' ? 1 : 0));
    }
    if (out.coverage) p.coverage = out.coverage;
    return out;
  }
}

export async function runTestsEval(opts: TestsEvalOptions): Promise<TestsEvalResult> {
  const log = opts.log ?? (() => {});
  const current = new CurrentFunction();
  const replay = opts.replay ? new TestReplayServer(opts.replay, current, opts.rekey) : undefined;
  const host = replay ? await replay.start() : opts.host;
  try {
    const opened = await openEvalSession({ host, model: opts.model, env: opts.env }, 'tests',
      (inner, model) => (opts.record ? recordingBackend(inner, current, { dir: opts.record, model }) : inner));
    if (opened.status === 'unavailable') return opened;
    const { session, server, model, config } = opened;

    const runner = new ProbedRunner(createTestRunner());
    const timed: TestGenSession = {
      model: session.model, numCtx: session.numCtx, description: session.description, budget: session.budget,
      structured: async (req) => {
        const t0 = performance.now();
        try {
          return await session.structured(req);
        } finally {
          runner.probe.modelMs += performance.now() - t0;
        }
      },
    };
    const syntax = new TreeSitterSyntaxChecker();
    const redactor = new SecretlintRedactor();
    const covered = replay?.functions();
    const outcomes: FunctionOutcome[] = [];
    try {
      for (const [pkg, fns] of selectFunctions(opts.functions)) {
        const chosen = covered ? fns.filter((f) => covered.has(f.id)) : fns;
        if (chosen.length === 0) continue;
        const project = EvalProject.open(pkg);
        const git = new GitRunner(project.root);
        const workspace = openWorkspace({ root: project.root, logger: silentLogger, git, workers: 1, timeBudgetMs: Infinity });
        try {
          await workspace.build();
          for (const f of chosen) {
            current.begin(f.id);
            runner.probe = new FunnelProbe();
            const o = await evaluate(f, project, {
              root: project.root, gate: workspace.gate, redactor, workspace, session: timed, runner, syntax,
              timeoutMs: opts.runTimeoutMs ?? config.features.tests.runTimeoutSeconds * 1000, logger: opts.logger,
            }, () => current.requests);
            outcomes.push(o);
            log(`  ${f.id.padEnd(34)} ${o.failed ? `FAILED: ${o.failed}` : `${o.generated} generated, ${o.kept} kept, ${o.possibleBugs} possible bugs`}  ${o.seconds.toFixed(1)} s`);
          }
        } finally {
          await workspace.dispose();
          project.dispose();
        }
      }
    } finally {
      syntax.dispose();
    }
    return { status: 'done', server, model, outcomes, totals: totalsOf(outcomes), misses: replay ? [...replay.misses] : [] };
  } finally {
    await replay?.stop();
  }
}

interface EvaluateDeps {
  readonly root: string;
  readonly gate: Parameters<typeof generateTests>[0]['gate'];
  readonly redactor: SecretlintRedactor;
  readonly workspace: ReturnType<typeof openWorkspace>;
  readonly session: TestGenSession;
  readonly runner: ProbedRunner;
  readonly syntax: TreeSitterSyntaxChecker;
  readonly timeoutMs: number;
  readonly logger?: Logger;
}

async function evaluate(f: EvalFunction, project: EvalProject, d: EvaluateDeps, requestsMade: () => number): Promise<FunctionOutcome> {
  const line = project.lineOf(f);
  const probe = d.runner.probe;
  const t0 = performance.now();
  const common = { id: f.id, pkg: f.pkg, version: project.version, path: f.path, line };
  const finish = () => ({
    seconds: (performance.now() - t0) / 1000, modelSeconds: probe.modelMs / 1000, runnerSeconds: probe.runnerMs / 1000,
  });
  const failed = (why: string): FunctionOutcome => ({
    ...common, failed: why, generated: probe.generated, parsed: probe.parsed, passed: 0, stable: 0, kept: 0, possibleBugs: 0,
    coverageGain: null, executableLines: null, requests: requestsMade(), ...finish(), keptNames: [], dropped: [],
  });
  let result: Awaited<ReturnType<typeof generateTests>>;
  try {
    result = await generateTests({
      root: d.root, file: f.path, line, gate: d.gate, redactor: d.redactor, workspace: d.workspace, session: d.session,
      detect: (root, source) => detectTestSetup(root, source), runner: d.runner, syntax: d.syntax,
      allowExecution: true, timeoutMs: d.timeoutMs, think: true, logger: d.logger, onProgress: probe.onProgress,
    });
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
  if (!result.ok) return failed(result.reason);
  const { report, target } = result;
  const gain = report.kept.length ? report.kept[0].coverageGain : null;
  const inTarget = (lines: readonly number[] | undefined) => (lines ? lines.filter((l) => l >= target.startLine && l <= target.endLine).length : null);
  return {
    ...common,
    ...(target.symbol ? { symbol: target.symbol } : {}),
    generated: probe.generated, parsed: probe.parsed, passed: probe.passed, stable: probe.stable(), kept: report.kept.length,
    possibleBugs: report.dropped.filter((x) => x.possibleBug).length,
    coverageGain: gain,
    executableLines: gain !== null ? inTarget(probe.coverage?.executable) : null,
    ...(report.coverageNote ? { coverageNote: report.coverageNote } : {}),
    requests: report.requests, ...finish(),
    keptNames: report.kept.map((k) => k.name),
    dropped: report.dropped.map((x) => ({ name: x.name, reason: x.reason, possibleBug: x.possibleBug })),
  };
}
