// Hearth's own time in test generation (issue 12's target: one loop iteration outside the model and
// the test runner ≤ 200 ms). A copy of the Vitest fixture (test/fixtures/testgen/vitest-ts, its
// node_modules linked to this repository's, so the real Vitest runs), indexed beforehand as the editor
// has it; the fake Ollama answers at once with four passing tests, and once with one failing test
// first, so a repair turn runs too. Each pipeline is timed whole; the model's time (inside
// session.structured) and the runner's (its process tree, spawn to exit: RunOutcome.processMs) are
// taken off. What is left is Hearth's: target, context and pack, prompt, syntax checks, scratch files,
// result parsing, coverage reading, the merge. Per iteration = per run of the runner (each generate
// or repair turn, and each stability or coverage run, is one).
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOllama, type RecordedRequest } from '../test/fake-ollama/index';
import { serviceFor } from '../test/support/model';
import { silentLogger } from '../src/core/log';
import type { StructuredRequest } from '../src/core/model/structured';
import type { RunRequest, TestRunner } from '../src/core/testgen/types';
import { SecretlintRedactor } from '../src/node/privacy/redact';
import { detectTestSetup } from '../src/node/testgen/detect';
import { generateTests, type TestGenSession } from '../src/node/testgen/generate';
import { createTestRunner } from '../src/node/testgen/runner';
import { TreeSitterSyntaxChecker } from '../src/node/testgen/syntax';
import { openWorkspace } from '../src/node/workspace';
import { REPO_ROOT } from './editor/repo';
import { summarize, type Summary } from './stats';

export interface TestGenBenchResult {
  readonly pipelines: number;
  readonly runsPerPipeline: number;
  readonly requestsPerPipeline: number;
  /** Hearth's own time per pipeline, and per iteration (per runner run). */
  readonly overheadPerPipeline: Summary;
  readonly overheadPerIteration: Summary;
  readonly modelPerPipeline: Summary;
  readonly runnerPerPipeline: Summary;
  readonly wholePerPipeline: Summary;
}

const IMPORTS = "import { it, expect } from 'vitest';\nimport { add, divide } from './math';";
const PASSING = [
  { name: 'add adds', code: "it('add adds', () => {\n  expect(add(2, 3)).toBe(5);\n});" },
  { name: 'add handles negatives', code: "it('add handles negatives', () => {\n  expect(add(-1, -2)).toBe(-3);\n});" },
  { name: 'divide divides', code: "it('divide divides', () => {\n  expect(divide(6, 3)).toBe(2);\n});" },
  { name: 'divide by zero throws', code: "it('divide by zero throws', () => {\n  expect(() => divide(1, 0)).toThrow(RangeError);\n});" },
];
/** The first answer has one wrong expectation; the repair fixes it. */
const FIRST = { imports: IMPORTS, tests: [...PASSING.slice(0, 3), { name: 'divide by zero throws', code: "it('divide by zero throws', () => {\n  expect(divide(1, 0)).toBe(Infinity);\n});" }] };
const REPAIR = { imports: IMPORTS, tests: [PASSING[3]] };

const userTurn = (r: RecordedRequest): string => ((r.body.messages ?? []) as Array<{ role: string; content: string }>).filter((m) => m.role === 'user').map((m) => m.content).join('\n');

export async function benchTestGen(pipelines = 5): Promise<TestGenBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'hearth-testgen-bench-'));
  cpSync(join(REPO_ROOT, 'test', 'fixtures', 'testgen', 'vitest-ts'), root, { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const fake = new FakeOllama();
  fake.setDefaultReply((r) => ({ response: JSON.stringify(userTurn(r).includes('<failure>') ? REPAIR : FIRST) }));
  const syntax = new TreeSitterSyntaxChecker();
  const workspace = openWorkspace({ root, logger: silentLogger, workers: 1, timeBudgetMs: Infinity });
  try {
    const url = await fake.start(0);
    const { service } = serviceFor(url);
    await workspace.build();
    const whole: number[] = [];
    const model: number[] = [];
    const runner: number[] = [];
    const overhead: number[] = [];
    const perIteration: number[] = [];
    let runs = 0;
    let requests = 0;
    for (let i = 0; i < pipelines + 1; i++) {
      let modelMs = 0;
      let runnerMs = 0;
      let runCount = 0;
      let requestCount = 0;
      const real = await service.session('tests');
      const session: TestGenSession = {
        model: real.model, numCtx: real.numCtx, description: real.description, budget: real.budget,
        structured: async <T>(req: StructuredRequest) => {
          const t = performance.now();
          try {
            return await real.structured<T>(req);
          } finally {
            modelMs += performance.now() - t;
            requestCount++;
          }
        },
      };
      const inner = createTestRunner();
      const timed: TestRunner = {
        run: async (req: RunRequest) => {
          const out = await inner.run(req);
          runnerMs += out.processMs ?? 0;
          runCount++;
          return out;
        },
      };
      const t0 = performance.now();
      const r = await generateTests({
        root, file: 'src/math.ts', line: 6, gate: workspace.gate, redactor: new SecretlintRedactor(), workspace,
        session, detect: (p, source) => detectTestSetup(p, source), runner: timed, syntax, allowExecution: true, timeoutMs: 60_000,
      });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`test generation failed: ${r.reason}`);
      if (r.report.kept.length !== PASSING.length) throw new Error(`expected ${PASSING.length} kept tests, got ${r.report.kept.map((k) => k.name).join(', ')}; dropped ${r.report.dropped.map((d) => `${d.name}: ${d.reason}`).join('; ')}`);
      if (i === 0) continue; // the first loads grammars, compiles secretlint's rules and warms Vitest's cache
      whole.push(ms);
      model.push(modelMs);
      runner.push(runnerMs);
      overhead.push(ms - modelMs - runnerMs);
      perIteration.push((ms - modelMs - runnerMs) / Math.max(1, runCount));
      runs = runCount;
      requests = requestCount;
    }
    return {
      pipelines, runsPerPipeline: runs, requestsPerPipeline: requests,
      overheadPerPipeline: summarize(overhead), overheadPerIteration: summarize(perIteration),
      modelPerPipeline: summarize(model), runnerPerPipeline: summarize(runner), wholePerPipeline: summarize(whole),
    };
  } finally {
    syntax.dispose();
    await workspace.dispose();
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
