// Test generation's data (issue 12): which framework and where the tests go, what the model writes
// (the schema's field names), what a run of the scratch file reports, and what the user is shown.
// Paths are relative to the workspace root and '/'-separated unless a field says absolute.

/** The test runners Hearth can run. `go` is `go test`. */
export type FrameworkId = 'vitest' | 'jest' | 'mocha' | 'node:test' | 'pytest' | 'unittest' | 'go';

export type TestLanguage = 'typescript' | 'javascript' | 'python' | 'go';

/** The framework a source file's tests use, and why Hearth thinks so. */
export interface FrameworkChoice {
  readonly framework: FrameworkId;
  readonly language: TestLanguage;
  /**
   * The directory the runner runs in: the CLOSEST manifest above the source (package.json,
   * pyproject.toml / setup.cfg / pytest.ini / tox.ini, go.mod), or the root when there is none.
   */
  readonly projectDir: string;
  /** For the user and the log: "src/add.test.ts imports vitest", "packages/a/package.json lists jest". */
  readonly evidence: string;
}

/** Where generated tests are checked and where the kept ones go. */
export interface Placement {
  /** The test file the kept tests are written into (the repository's convention for this source). */
  readonly testFile: string;
  /** The test file exists: kept tests are appended to it, and it is the style example. */
  readonly testFileExists: boolean;
  /**
   * The scratch file the batch is checked in: next to the target (so relative imports resolve
   * as they would from the source), named so the runner picks it up, never the user's test file.
   */
  readonly scratchFile: string;
}

/** What the framework detection could not decide: the editor asks once, the CLI says so. */
export interface Undecided {
  readonly reason: string;
  /** Frameworks that would fit (for the editor's question). */
  readonly candidates: readonly FrameworkId[];
}

/** One test exactly as the model's reply gives it (`{"imports":string,"tests":[{"name","code"}]}`). */
export interface GeneratedTest {
  /** The test's name: the title in `it('…')`/`test('…')`, or the function name (pytest, go). */
  readonly name: string;
  /** One complete test case in the framework's syntax. */
  readonly code: string;
}

/** A generation or repair reply (issue 12's schema). */
export interface TestBatch {
  /** The lines the test file needs at its top. */
  readonly imports: string;
  readonly tests: readonly GeneratedTest[];
}

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'missing';

/** One test's result in one run. `missing`: the runner never reported it (the file did not load, say). */
export interface TestCaseResult {
  readonly name: string;
  readonly status: TestStatus;
  /** The failure as the runner printed it (assertion, stack head), trimmed. */
  readonly message?: string;
  /** The failure is an assertion about a value (expected vs actual), not a crash, a syntax or an import error. */
  readonly assertion?: boolean;
}

/** Lines of the target a run executed: 1-based line numbers of the source file. */
export interface CoverageOfTarget {
  readonly covered: readonly number[];
  /** The target's executable lines the tool counted, when it says. */
  readonly executable?: readonly number[];
}

/** One run of a scratch file with the project's own runner. */
export interface RunOutcome {
  /** By test name; every name asked for has an entry (`missing` when the runner did not report it). */
  readonly results: ReadonlyMap<string, TestCaseResult>;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  /** The tail of the runner's output, for a failure that is no test's (the file did not load). */
  readonly output: string;
  /** Present when coverage was asked for and the framework reports it. */
  readonly coverage?: CoverageOfTarget;
  /** Why coverage is absent when it was asked for ("jest ran without coverage: …"). */
  readonly coverageUnavailable?: string;
  /** Wall time of the runner's process tree (ms): what a run costs outside Hearth's own work. */
  readonly processMs?: number;
}

export interface RunRequest {
  readonly framework: FrameworkChoice;
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** The scratch file (root-relative), written with `content` before the run and removed after. */
  readonly scratchFile: string;
  readonly content: string;
  /** The tests to report on, by name. */
  readonly names: readonly string[];
  /** Per run; the whole process tree is killed when it is over. */
  readonly timeoutMs: number;
  /** Root-relative source file whose executed lines to report, when coverage is wanted. */
  readonly coverageOf?: string;
  readonly signal?: AbortSignal;
}

/** Runs scratch files with the project's runner (src/node/testgen). */
export interface TestRunner {
  run(req: RunRequest): Promise<RunOutcome>;
}

/** Checks one test's code for syntax on its own; returns why it does not parse, or undefined. */
export interface SyntaxChecker {
  check(language: TestLanguage, code: string): Promise<string | undefined>;
}

/** A test that survived every check. */
export interface KeptTest extends GeneratedTest {
  /** Runs of the final check, and how many passed (equal: a kept test passed every one). */
  readonly runs: number;
  readonly passed: number;
  /** Lines of the target this test's batch covers that the existing tests did not; null when not measurable. */
  readonly coverageGain: number | null;
}

export interface DroppedTest extends GeneratedTest {
  readonly reason: string;
  /** It fails on a plausible assertion about the target's behaviour: offered to the user as a possible bug. */
  readonly possibleBug: boolean;
}

/** What the pipeline reports (the CLI's `--json` is this without the code fields). */
export interface TestGenReport {
  readonly framework: FrameworkId;
  readonly testFile: string;
  readonly imports: string;
  readonly kept: readonly KeptTest[];
  readonly dropped: readonly DroppedTest[];
  /** Why coverage gain is null, when it is. */
  readonly coverageNote?: string;
  /** Model requests made (generation + repairs). */
  readonly requests: number;
  /** Set when the tests could not be run (an untrusted workspace): why, for the user. */
  readonly executionRefused?: string;
  /** Tests generated (and parsed) but never run, when execution was refused: not kept, not dropped. */
  readonly unverified?: readonly GeneratedTest[];
  /** Context left out of the prompt to fit the window ("3 of 9 definitions"), for the log. */
  readonly omitted?: readonly string[];
}
