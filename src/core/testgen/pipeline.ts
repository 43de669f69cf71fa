// The test-generation loop (issue 12), with everything that talks to the world injected: the model
// (a structured request → a batch), the project's test runner, the syntax checker, the clock and
// cancellation. generate → each test checked alone (name, syntax: one that does not parse is
// dropped with the reason and never sinks the batch) → the batch written to the scratch file and run
// → failures fed back for up to 2 repair turns (repaired tests checked again) → survivors re-run 3
// times, a test failing in any run is flaky and dropped → coverage gain of the target where the
// runner reports coverage → the report.
//
// A run that times out, or whose file does not load at all (every test `missing`), is run again
// one test at a time, so that one hanging or broken test cannot take the others with it. A test
// that still fails after the repairs on an assertion is dropped as a possible bug (offered to the
// user); crashes, imports and timeouts are not.
import type { ThinkSetting } from '../model/backend';
import type { StructuredRequest } from '../model/structured';
import { ZERO_WIDTH_JOINER } from '../prompt/neutralize';
import { assembleScratch, mergeImportText } from './assemble';
import { declaredTestNames, nameProblem } from './frameworks';
import { generationRequest, repairRequest, type ContextCut, type FailedTest, type TestGenContext } from './prompt';
import type {
  DroppedTest, GeneratedTest, KeptTest, RunOutcome, SyntaxChecker, TestBatch, TestCaseResult, TestGenReport, TestRunner,
} from './types';

export const REPAIR_TURNS = 2;
export const STABILITY_RUNS = 3;
/** The runner's own timeout per run (issue 12: a setting, default 60 s). */
export const DEFAULT_RUN_TIMEOUT_MS = 60_000;

export type TestGenStage = 'generate' | 'check' | 'run' | 'repair' | 'stability' | 'coverage';

export interface TestGenProgress {
  readonly stage: TestGenStage;
  /** Repair turn (1-based) or stability run (1-based), when the stage has several. */
  readonly step?: number;
  readonly tests: number;
}

export interface PipelineDeps {
  /** Asks the model; the caller handles preemption by completions (asks again). */
  readonly ask: (req: StructuredRequest) => Promise<TestBatch>;
  /** Runs scratch files with the project's runner; undefined when running is refused (see PipelineInput.executionRefused). */
  readonly runner?: TestRunner;
  readonly syntax: SyntaxChecker;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
  readonly onProgress?: (p: TestGenProgress) => void;
}

/** The existing tests' run, for the coverage they already give (the baseline of the gain). */
export interface BaselineRun {
  /** Where the existing tests' text is run from (root-relative): a scratch file beside the test file. */
  readonly scratchFile: string;
  readonly content: string;
  readonly names: readonly string[];
}

export interface PipelineInput {
  readonly context: TestGenContext;
  /** What of the context the prompts carry (fitContext's cut). */
  readonly cut?: ContextCut;
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** Go: the package clause of the scratch file. */
  readonly goPackage?: string;
  readonly numPredict: number;
  readonly think?: ThinkSetting;
  /** Per run of the runner. */
  readonly timeoutMs?: number;
  /** 1-based first and last line of the target in its source, for coverage. */
  readonly targetLines: { readonly from: number; readonly to: number };
  /** The existing test file's text as it is on disk (its test names are taken; its run is the coverage baseline). */
  readonly existingTestText?: string;
  /** How to run the existing tests for the coverage baseline; without it the baseline is nothing covered. */
  readonly baseline?: BaselineRun;
  /** Measure coverage (default true). */
  readonly coverage?: boolean;
  readonly repairTurns?: number;
  readonly stabilityRuns?: number;
  /** Set when generated code must not run (an untrusted workspace): why. */
  readonly executionRefused?: string;
  /** Context left out to fit, carried into the report. */
  readonly omitted?: readonly string[];
}

/** One test's state through the loop. */
interface Case {
  test: GeneratedTest;
  result: TestCaseResult;
  /** It did not finish on its own within the timeout. */
  hung: boolean;
}

const stripJoiners = (s: string) => (s.includes(ZERO_WIDTH_JOINER) ? s.split(ZERO_WIDTH_JOINER).join('') : s);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function runTestGenPipeline(input: PipelineInput, deps: PipelineDeps): Promise<TestGenReport> {
  const { context: ctx } = input;
  const { signal } = deps;
  const framework = ctx.framework.framework;
  const language = ctx.framework.language;
  const log = deps.log ?? (() => {});
  const now = deps.now ?? (() => 0);
  const timeoutMs = input.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const repairTurns = input.repairTurns ?? REPAIR_TURNS;
  const stabilityRuns = input.stabilityRuns ?? STABILITY_RUNS;
  const requestOpts = { think: input.think, numPredict: input.numPredict, signal };
  const dropped: DroppedTest[] = [];
  const drop = (t: GeneratedTest, reason: string, possibleBug = false) => {
    dropped.push({ name: t.name, code: t.code, reason, possibleBug });
    log(`tests: dropped ${JSON.stringify(t.name)}: ${reason}`);
  };
  let requests = 0;
  const started = now();

  // 1. Generate.
  deps.onProgress?.({ stage: 'generate', tests: 0 });
  const batch = await deps.ask(generationRequest(ctx, input.cut, requestOpts));
  requests++;
  let imports = stripJoiners(batch.imports);

  // 2. Each test alone: a name it really declares, not taken, and code that parses.
  deps.onProgress?.({ stage: 'check', tests: batch.tests.length });
  const taken = new Set(input.existingTestText !== undefined ? declaredTestNames(framework, input.existingTestText) : []);
  const seen = new Set<string>();
  const checked: GeneratedTest[] = [];
  for (const raw of batch.tests) {
    signal?.throwIfAborted();
    const t: GeneratedTest = { name: stripJoiners(raw.name).trim(), code: stripJoiners(raw.code) };
    const alone = await checkAlone(t, { framework, language, syntax: deps.syntax, seen, taken }, true);
    if ('problem' in alone) {
      drop(t.name === '' ? { ...t, name: '(no name)' } : t, alone.problem);
      continue;
    }
    if (alone.test.name !== t.name) log(`tests: ${JSON.stringify(t.name)} is taken under the name its code declares, ${JSON.stringify(alone.test.name)}`);
    seen.add(alone.test.name);
    checked.push(alone.test);
  }

  const base = {
    framework, testFile: ctx.placement.testFile, imports, requests,
    ...(input.omitted?.length ? { omitted: input.omitted } : {}),
  };
  if (!deps.runner || input.executionRefused) {
    const why = input.executionRefused ?? 'no test runner is available';
    log(`tests: ${checked.length} generated tests not run: ${why}`);
    return { ...base, kept: [], dropped, executionRefused: why, unverified: checked };
  }
  const runner = deps.runner;

  // One run of some tests in the scratch file, isolating a hang or a file that does not load.
  const scratch = (tests: readonly GeneratedTest[], withImports: string) => assembleScratch(withImports, tests, {
    framework, goPackage: input.goPackage, testFile: ctx.placement.testFile, scratchFile: ctx.placement.scratchFile,
  });
  const runOnce = (tests: readonly GeneratedTest[], coverage: boolean, withImports = imports): Promise<RunOutcome> => {
    signal?.throwIfAborted();
    return runner.run({
      framework: ctx.framework, root: input.root, scratchFile: ctx.placement.scratchFile, content: scratch(tests, withImports),
      names: tests.map((t) => t.name), timeoutMs, signal,
      ...(coverage ? { coverageOf: ctx.target.path } : {}),
    });
  };
  const runIsolating = async (tests: readonly GeneratedTest[], withImports = imports): Promise<Map<string, Case>> => {
    const out = new Map<string, Case>();
    if (tests.length === 0) return out;
    const outcome = await runOnce(tests, false, withImports);
    const resultOf = (o: RunOutcome, t: GeneratedTest): TestCaseResult => {
      const r = o.results.get(t.name) ?? { name: t.name, status: 'missing' as const };
      if (r.status !== 'missing' || r.message) return r;
      return { ...r, message: o.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `the runner did not report it; its output ended:\n${tail(o.output)}` };
    };
    for (const t of tests) out.set(t.name, { test: t, result: resultOf(outcome, t), hung: false });
    const allMissing = tests.every((t) => out.get(t.name)!.result.status === 'missing');
    if (tests.length === 1) {
      if (outcome.timedOut && out.get(tests[0].name)!.result.status !== 'passed') out.get(tests[0].name)!.hung = true;
      return out;
    }
    if (!outcome.timedOut && !allMissing) return out;
    // One test at a time: which one hangs, or which one keeps the file from loading.
    const suspects = tests.filter((t) => out.get(t.name)!.result.status === 'missing');
    log(`tests: the run ${outcome.timedOut ? 'timed out' : 'reported no test'}; running ${suspects.length} test${suspects.length === 1 ? '' : 's'} one at a time`);
    for (const t of suspects) {
      const alone = await runOnce([t], false, withImports);
      const r = resultOf(alone, t);
      out.set(t.name, { test: t, result: r, hung: alone.timedOut && r.status !== 'passed' });
    }
    return out;
  };

  // 3. Run, then repair what failed.
  deps.onProgress?.({ stage: 'run', tests: checked.length });
  const cases = await runIsolating(checked);
  const settle = () => {
    for (const [name, c] of cases) {
      if (!c.hung) continue;
      drop(c.test, `did not finish within ${timeoutMs / 1000} s (its processes were killed)`);
      cases.delete(name);
    }
  };
  settle();
  const failing = () => [...cases.values()].filter((c) => c.result.status !== 'passed');
  for (let turn = 1; turn <= repairTurns && failing().length > 0; turn++) {
    const failed: FailedTest[] = failing().map((c) => ({ ...c.test, message: c.result.message ?? c.result.status }));
    deps.onProgress?.({ stage: 'repair', step: turn, tests: failed.length });
    log(`tests: repair turn ${turn} of ${repairTurns} for ${failed.map((f) => f.name).join(', ')}`);
    const reply = await deps.ask(repairRequest(ctx, imports, failed, input.cut, requestOpts));
    requests++;
    // The reply's imports are the whole list: they replace the batch's while nothing passes (a bad
    // import line could never be taken out otherwise), else they are added to it.
    const passing = [...cases.values()].filter((c) => c.result.status === 'passed').map((c) => c.test);
    const replyImports = stripJoiners(reply.imports);
    const proposed = passing.length === 0 && replyImports.trim() !== '' ? mergeImportText(framework, '', replyImports) : mergeImportText(framework, imports, replyImports);
    const repaired: GeneratedTest[] = [];
    for (const f of failed) {
      const fix = reply.tests.find((t) => stripJoiners(t.name).trim() === f.name)
        ?? reply.tests.find((t) => declaredTestNames(framework, stripJoiners(t.code)).join('\n') === f.name);
      if (!fix) continue; // no fix offered: it stays failing as it was
      const t: GeneratedTest = { name: f.name, code: stripJoiners(fix.code) };
      const alone = await checkAlone(t, { framework, language, syntax: deps.syntax, seen: new Set(), taken }, false);
      if ('problem' in alone) {
        cases.delete(f.name);
        drop(t, `its repair ${alone.problem}`);
        continue;
      }
      repaired.push(t);
    }
    if (repaired.length === 0) continue;
    // New imports are tried with the tests that pass: an import the repair added that breaks the
    // file (a module that does not exist) must not sink them. If it does, the imports stay as they were.
    let results: Map<string, Case>;
    if (proposed !== imports && passing.length > 0) {
      const trial = await runIsolating([...passing, ...repaired], proposed);
      if (passing.every((t) => trial.get(t.name)?.result.status === 'passed')) {
        imports = proposed;
        results = new Map(repaired.map((t) => [t.name, trial.get(t.name)!]));
      } else {
        log(`tests: the imports of repair turn ${turn} break tests that passed; they are not taken`);
        results = await runIsolating(repaired);
      }
    } else {
      imports = proposed;
      results = await runIsolating(repaired);
    }
    for (const [name, c] of results) cases.set(name, c);
    settle();
  }
  for (const c of failing()) {
    const bug = c.result.status === 'failed' && c.result.assertion === true;
    const how = c.result.message ? `: ${firstLines(c.result.message)}` : '';
    drop(c.test, bug
      ? `fails on an assertion after ${repairTurns} repair turn${repairTurns === 1 ? '' : 's'}: possibly a bug in the code${how}`
      : `still ${c.result.status === 'missing' ? 'not run (the file did not load)' : 'fails'} after ${repairTurns} repair turn${repairTurns === 1 ? '' : 's'}${how}`, bug);
    cases.delete(c.test.name);
  }

  // 4. Flakiness: every survivor runs `stabilityRuns` more times, all together. A round that timed
  // out or loaded nothing is finished test by test, so one test that hangs now and then is the
  // only one it costs.
  let survivors = [...cases.values()].map((c) => c.test);
  const passes = new Map(survivors.map((t) => [t.name, 0]));
  const wantCoverage = input.coverage !== false;
  let coverageRun: RunOutcome | undefined;
  for (let run = 1; run <= stabilityRuns && survivors.length > 0; run++) {
    deps.onProgress?.({ stage: 'stability', step: run, tests: survivors.length });
    const last = run === stabilityRuns;
    const outcome = await runOnce(survivors, wantCoverage && last);
    const passed = (o: RunOutcome, t: GeneratedTest) => o.results.get(t.name)?.status === 'passed';
    const broken = survivors.length > 1 && (outcome.timedOut || survivors.every((t) => outcome.results.get(t.name)?.status === 'missing'));
    for (const t of survivors) {
      let ok = passed(outcome, t);
      if (!ok && broken && outcome.results.get(t.name)?.status === 'missing') ok = passed(await runOnce([t], false), t);
      if (ok) passes.set(t.name, passes.get(t.name)! + 1);
    }
    if (last && !broken) coverageRun = outcome;
  }
  const flaky = survivors.filter((t) => passes.get(t.name)! < stabilityRuns);
  for (const t of flaky) drop(t, `flaky: passed ${passes.get(t.name)} of ${stabilityRuns} runs`);
  survivors = survivors.filter((t) => !flaky.includes(t));

  // 5. Coverage gain: lines of the target the kept tests run that the existing tests do not.
  let gain: number | null = null;
  let coverageNote: string | undefined;
  if (survivors.length > 0 && wantCoverage) {
    deps.onProgress?.({ stage: 'coverage', tests: survivors.length });
    // Measured again without the flaky ones, or when the last round had to be finished test by test.
    if (flaky.length > 0 || !coverageRun) coverageRun = await runOnce(survivors, true);
    const measured = await coverageGain(coverageRun, input, runner, timeoutMs, ctx.framework, signal);
    gain = measured.gain;
    coverageNote = measured.note;
  } else if (!wantCoverage) {
    coverageNote = 'coverage was not measured';
  }

  signal?.throwIfAborted(); // a cancelled run reports nothing as passed: never a report made of it
  const kept: KeptTest[] = survivors.map((t) => ({ ...t, runs: stabilityRuns, passed: passes.get(t.name)!, coverageGain: gain }));
  log(`tests: ${kept.length} kept, ${dropped.length} dropped, ${requests} model requests, ${Math.round(now() - started)} ms`);
  return { ...base, imports, requests, kept, dropped, ...(coverageNote ? { coverageNote } : {}) };
}

interface AloneDeps {
  readonly framework: TestGenReport['framework'];
  readonly language: TestGenContext['framework']['language'];
  readonly syntax: SyntaxChecker;
  readonly seen: ReadonlySet<string>;
  readonly taken: ReadonlySet<string>;
}

/**
 * One test checked alone: its code parses and declares exactly one test. A generated test whose
 * code declares another name than the reply's is taken under the declared one (the runner reports
 * by it; a model often words the two differently); a repair must keep its name. Then no other test
 * of the batch, nor of the test file, may have that name.
 */
async function checkAlone(t: GeneratedTest, d: AloneDeps, rename: boolean): Promise<{ test: GeneratedTest } | { problem: string }> {
  if (t.code.trim() === '') return { problem: 'its code is empty' };
  let syntax: string | undefined;
  try {
    syntax = await d.syntax.check(d.language, t.code);
  } catch (e) {
    syntax = `the syntax check failed: ${errorText(e)}`;
  }
  if (syntax !== undefined) return { problem: `does not parse: ${firstLines(syntax)}` };
  let test = t;
  const named = nameProblem(d.framework, t.name, t.code);
  if (named) {
    const declared = declaredTestNames(d.framework, t.code);
    if (!rename || declared.length !== 1 || nameProblem(d.framework, declared[0], t.code)) return { problem: `does not declare its test: ${named}` };
    test = { name: declared[0], code: t.code };
  }
  if (d.seen.has(test.name)) return { problem: `another test of the batch has the name ${JSON.stringify(test.name)}` };
  if (d.taken.has(test.name)) return { problem: `the test file already has a test named ${JSON.stringify(test.name)}` };
  return { test };
}

async function coverageGain(
  run: RunOutcome | undefined, input: PipelineInput, runner: TestRunner, timeoutMs: number,
  framework: TestGenContext['framework'], signal: AbortSignal | undefined,
): Promise<{ gain: number | null; note?: string }> {
  if (!run?.coverage) return { gain: null, note: run?.coverageUnavailable ?? 'the runner did not report coverage' };
  const { from, to } = input.targetLines;
  const inTarget = (lines: readonly number[]) => new Set(lines.filter((l) => l >= from && l <= to));
  const mine = inTarget(run.coverage.covered);
  let before = new Set<number>();
  if (input.baseline) {
    const b = await runner.run({
      framework, root: input.root, scratchFile: input.baseline.scratchFile, content: input.baseline.content,
      names: input.baseline.names, timeoutMs, coverageOf: input.context.target.path, signal,
    });
    if (!b.coverage) return { gain: null, note: `the existing tests' coverage could not be measured: ${b.coverageUnavailable ?? (b.timedOut ? 'their run timed out' : 'the runner did not report it')}` };
    before = inTarget(b.coverage.covered);
  }
  return { gain: [...mine].filter((l) => !before.has(l)).length };
}

function tail(output: string, lines = 12): string {
  return output.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
}

/** The head of a runner's message for a reason: stack frames left out (they name the scratch file, gone by then). */
function firstLines(text: string, lines = 6): string {
  const all = text.trim().split('\n').filter((l) => !/^\s+at \S/.test(l) && !/^\s*…$/.test(l));
  return all.length <= lines ? all.join('\n') : `${all.slice(0, lines).join('\n')}\n…`;
}
