// The test-generation orchestrator, shared by the CLI and the editor: the source through the privacy
// gate → the target (the smallest function, method or class holding the line, by tree-sitter; the
// whole file without a line) → credentials redacted line by line (so line numbers stay true) → the
// file's imports, the target's doc comment and the definitions it uses (the workspace pack) →
// framework and placement (detect.ts) → the existing test file as the style example → the prompt
// within about half the window → the pipeline (core/testgen/pipeline.ts), whose model requests go
// through session.structured at a background priority that completions preempt (asked again after
// them) → the report, and the test file's text with the kept tests merged in.
//
// Nothing generated runs unless `allowExecution` is true (a trusted workspace): otherwise the tests
// are generated and checked for syntax only, and the report says execution was refused.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelError } from '../../core/errors';
import type { Definition, ImportSpec } from '../../core/index/tags';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import type { ThinkSetting } from '../../core/model/backend';
import { structuredAcrossPreemption, type StructuredRequest, type StructuredSession } from '../../core/model/structured';
import { redact, redactLines, type Redactor } from '../../core/privacy/redactor';
import { mergeIntoTestFile, unitImportPath } from '../../core/testgen/assemble';
import { declaredTestNames, importStyleOf } from '../../core/testgen/frameworks';
import { runTestGenPipeline, type BaselineRun, type TestGenProgress } from '../../core/testgen/pipeline';
import { CONTEXT_SHARE, fitContext, type TestGenContext, type TestTarget } from '../../core/testgen/prompt';
import type {
  FrameworkChoice, Placement, SyntaxChecker, TestBatch, TestGenReport, TestLanguage, TestRunner, Undecided,
} from '../../core/testgen/types';
import { readTextFile } from '../fs/readText';
import { detectTestSetup } from './detect';
import type { PrivacyGate } from '../privacy/gate';
import { extractTags } from '../treesitter/extract';
import { languageForPath } from '../treesitter/languages';
import { defaultGrammarPaths, GrammarLoader } from '../treesitter/loader';
import type { Workspace } from '../workspace';

/** What the orchestrator needs of a model session (ModelSession has it). */
export type TestGenSession = StructuredSession;

/** The framework and placement for a source file (src/node/testgen/detect.ts), or what could not be decided. */
export type FrameworkDetector = (root: string, source: string) => Promise<{ readonly framework: FrameworkChoice; readonly placement: Placement } | Undecided>;

export type GenerateProgress = TestGenProgress | { readonly stage: 'context' } | { readonly stage: 'yielded' };

export interface GenerateTestsOptions {
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** Root-relative source file ('/'-separated). */
  readonly file: string;
  /** 1-based line: the target is the smallest function, method or class holding it; none = the whole file. */
  readonly line?: number;
  /**
   * The source's text as the editor has it; else it is read from disk. When the tests are to run it
   * must be what is on disk (they import the saved file): unsaved changes stop with cause 'unsaved'.
   */
  readonly text?: string;
  readonly gate: PrivacyGate;
  readonly redactor: Redactor;
  /** The definitions the target uses come from its pack; without it, none. */
  readonly workspace?: Workspace;
  /** The tests model's session; a function is called only once there is something to ask. */
  readonly session: TestGenSession | (() => Promise<TestGenSession>);
  /** Framework and placement; default detect.ts's detectTestSetup (the editor hands in the user's remembered choice). */
  readonly detect?: FrameworkDetector;
  readonly runner: TestRunner;
  readonly syntax: SyntaxChecker;
  /** Generated code may run (a trusted workspace). False: generation and syntax checks only. */
  readonly allowExecution: boolean;
  /** Per run of the test runner (default 60 s). */
  readonly timeoutMs?: number;
  /** Thinking for models that think (default true); never sent to a model that does not. */
  readonly think?: ThinkSetting;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly onProgress?: (p: GenerateProgress) => void;
}

/** The unit tests were asked for, as the user is told. */
export interface TargetInfo {
  readonly path: string;
  readonly symbol?: string;
  readonly kind?: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
}

export type GenerateTestsResult =
  | {
    readonly ok: true;
    readonly report: TestGenReport;
    readonly target: TargetInfo;
    readonly choice: FrameworkChoice;
    readonly placement: Placement;
    /** The test file's text now (undefined when it does not exist). */
    readonly existing?: string;
    /** The test file's text with the kept tests merged in: what `--write` writes and the editor diffs. */
    readonly merged: string;
  }
  | {
    readonly ok: false;
    /** For the user, with what to do. */
    readonly reason: string;
    /** 'undecided' (no framework), 'refused' (the privacy gate), 'unreadable', 'unsaved', 'tooLarge', or a ModelError's reason. */
    readonly cause: string;
    readonly undecided?: Undecided;
  };

/** Tokens reserved for the JSON answer: 6 tests of ~300 tokens and the imports, with room. */
export const TESTGEN_OUTPUT_TOKENS = 4096;
/** Tokens reserved for thinking when the model thinks. */
export const TESTGEN_THINKING_TOKENS = 4096;
/** Kept free in the context budget for what a repair prompt adds (failed tests and the runner's messages). */
const REPAIR_RESERVE_TOKENS = 4096;
/** Definitions of used symbols, at most. */
const MAX_DEFINITIONS = 12;
const DEFINITION_KINDS = new Set(['function', 'method', 'class', 'constructor']);

export async function generateTests(opts: GenerateTestsOptions): Promise<GenerateTestsResult> {
  const logger = opts.logger ?? silentLogger;
  const { signal } = opts;
  opts.onProgress?.({ stage: 'context' });

  // The source: admitted by the gate, read, parsed.
  const verdict = await opts.gate.admitPath(opts.file);
  if (!verdict.admitted) return { ok: false, cause: 'refused', reason: `${verdict.message}: its code is never sent to a model` };
  let text: string;
  try {
    const disk = opts.text === undefined || opts.allowExecution ? await readTextFile(join(opts.root, opts.file)) : undefined;
    // The tests run against the file on disk: shown an unsaved buffer, the model would write tests
    // for code that is not what runs.
    if (opts.text !== undefined && disk !== undefined && disk.replace(/\r\n/g, '\n') !== opts.text.replace(/\r\n/g, '\n')) {
      return { ok: false, cause: 'unsaved', reason: `${opts.file} has unsaved changes: save it first, since the generated tests run against the file on disk` };
    }
    text = opts.text ?? disk!;
  } catch (e) {
    return { ok: false, cause: 'unreadable', reason: `cannot read ${opts.file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const detected = await (opts.detect ?? ((root: string, source: string) => detectTestSetup(root, source)))(opts.root, opts.file);
  if ('candidates' in detected) {
    return { ok: false, cause: 'undecided', undecided: detected, reason: `no test framework could be decided for ${opts.file}: ${detected.reason}${detected.candidates.length ? ` (it could be ${detected.candidates.join(', ')})` : ''}` };
  }
  const { framework: choice, placement } = detected;
  const framework = choice.framework;

  const lines = await redactLines(opts.redactor, text);
  const redactedText = lines.join('\n');
  let parsed: Parsed | undefined;
  try {
    parsed = await parse(opts.file, redactedText, opts.workspace);
  } catch (e) {
    logger.warn(`tests: ${opts.file} could not be parsed (${e instanceof Error ? e.message : String(e)}): the whole file is the target`);
  }
  const targetDef = opts.line !== undefined && parsed
    ? parsed.definitions
      .filter((d) => DEFINITION_KINDS.has(d.kind) && d.startLine <= opts.line! - 1 && opts.line! - 1 <= d.endLine)
      .sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0]
    : undefined;
  if (opts.line !== undefined && !targetDef) logger.info(`tests: no function, method or class holds ${opts.file}:${opts.line}; the whole file is the target`);
  const from = targetDef ? targetDef.startLine : 0;
  const to = targetDef ? targetDef.endLine : Math.max(0, lines.length - 1);
  const target: TestTarget = {
    path: opts.file,
    language: choice.language,
    ...(targetDef ? { symbol: targetDef.container ? `${targetDef.container}.${targetDef.name}` : targetDef.name, kind: targetDef.kind } : {}),
    startLine: from + 1,
    code: lines.slice(from, to + 1).join('\n'),
    docComment: targetDef ? docCommentAbove(lines, from) : undefined,
    imports: importLines(lines, parsed?.imports ?? [], choice.language),
  };
  const info: TargetInfo = { path: opts.file, symbol: target.symbol, kind: target.kind, startLine: from + 1, endLine: to + 1 };

  // The existing test file: the style example, the names taken, the coverage baseline.
  let existing: string | undefined;
  let example: string | undefined;
  if (placement.testFileExists) {
    try {
      existing = await readTextFile(join(opts.root, placement.testFile));
      const v = await opts.gate.admitPath(placement.testFile);
      if (v.admitted) example = await redact(opts.redactor, existing);
      else logger.info(`tests: ${placement.testFile} is not shown to the model: ${v.message}`);
    } catch (e) {
      logger.warn(`tests: cannot read ${placement.testFile} (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  let session: TestGenSession;
  try {
    session = typeof opts.session === 'function' ? await opts.session() : opts.session;
  } catch (e) {
    if (ModelError.is(e)) return { ok: false, cause: e.reason, reason: e.userMessage };
    throw e;
  }
  const think = opts.think ?? true;
  const thinks = session.description.thinking && think !== false;
  const numCtx = session.numCtx.numCtx;
  // A small window (4K) cannot spare 8K for the answer: each reserve is at most a quarter of it.
  const quarter = Math.floor(numCtx / 4);
  const numPredict = Math.min(TESTGEN_OUTPUT_TOKENS, quarter) + (thinks ? Math.min(TESTGEN_THINKING_TOKENS, quarter) : 0);
  const budget = Math.min(Math.floor(numCtx * CONTEXT_SHARE), numCtx - numPredict);
  const reserve = Math.min(REPAIR_RESERVE_TOKENS, Math.floor(budget / 4));

  // Definitions of what the target uses, from the rest of the workspace.
  const definitions: string[] = [];
  if (opts.workspace) {
    try {
      const packed = await opts.workspace.pack([{ path: opts.file, startLine: from, endLine: to }], Math.floor(budget / 3), { texts: new Map([[opts.file, redactedText]]), kinds: ['enclosing', 'used'] });
      for (const it of packed.items.filter((i) => i.kind === 'used').slice(0, MAX_DEFINITIONS)) {
        definitions.push(`// ${it.path}:${it.startLine + 1}-${it.endLine + 1}\n${await redact(opts.redactor, it.text)}`);
      }
    } catch (e) {
      logger.warn(`tests: no definitions for ${opts.file} (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  const ctx: TestGenContext = {
    target, framework: choice, placement, definitions,
    unitImport: unitImportPath(framework, placement.testFile, opts.file, choice.projectDir),
    ...(example !== undefined ? { existingTests: example } : {}),
  };
  const fitted = fitContext(ctx, (t) => session.budget.estimate(t), budget, reserve);
  if (!fitted.fits) {
    return { ok: false, cause: 'tooLarge', reason: `${target.symbol ?? opts.file} alone needs ~${fitted.tokens} prompt tokens, more than the ~${budget - reserve} test generation may use of the model's ${numCtx}-token window: ask at a smaller function, or raise hearth.contextSize` };
  }
  if (fitted.omitted.length) logger.info(`tests: left out to fit the window: ${fitted.omitted.join(', ')}`);

  const goPackage = importStyleOf(framework) === 'go' ? goPackageOf(existing) ?? goPackageOf(text) : undefined;
  const ask = async (req: StructuredRequest): Promise<TestBatch> => {
    // A completion that needs the server closes this request; it is asked again after it.
    const reply = await structuredAcrossPreemption<TestBatch>(session, req, () => {
      logger.info('tests: a request gave way to a completion; asking again');
      opts.onProgress?.({ stage: 'yielded' });
    }, signal);
    if (reply.thinking) logger.info(`#${reply.metrics.id} tests thinking (${reply.thinking.length} characters; never read as tests):\n----- thinking -----\n${reply.thinking}\n----- end of thinking -----`);
    return reply.value;
  };

  let report: TestGenReport;
  try {
    report = await runTestGenPipeline({
      context: ctx, cut: fitted.cut, root: opts.root, goPackage, numPredict,
      think: session.description.thinking ? think : undefined,
      timeoutMs: opts.timeoutMs,
      targetLines: { from: from + 1, to: to + 1 },
      existingTestText: existing,
      baseline: existing !== undefined ? baselineRun(framework, placement, existing, goPackage) : undefined,
      executionRefused: opts.allowExecution ? undefined : 'this workspace is not trusted, so generated code is not run (trust the folder to check the tests)',
      omitted: fitted.omitted,
    }, {
      ask, runner: opts.allowExecution ? opts.runner : undefined, syntax: opts.syntax, signal,
      now: () => performance.now(), log: (m) => logger.info(m), onProgress: opts.onProgress,
    });
  } catch (e) {
    if (ModelError.is(e)) return { ok: false, cause: e.reason, reason: e.userMessage };
    throw e;
  }
  const merged = mergeIntoTestFile(existing, report.imports, report.kept, { framework, goPackage });
  return { ok: true, report, target: info, choice, placement, ...(existing !== undefined ? { existing } : {}), merged };
}

/** Writes the kept tests into the test file (the result's merged text); nothing when none was kept. */
export async function writeKeptTests(root: string, result: Extract<GenerateTestsResult, { ok: true }>): Promise<boolean> {
  if (result.report.kept.length === 0) return false;
  const abs = join(root, result.placement.testFile);
  await mkdir(dirname(abs), { recursive: true });
  await writeFile(abs, result.merged);
  return true;
}

/** The existing tests' run for the coverage baseline: beside the test file (Go: the package's own test files). */
function baselineRun(framework: FrameworkChoice['framework'], placement: Placement, existing: string, goPackage: string | undefined): BaselineRun {
  const names = declaredTestNames(framework, existing);
  if (framework === 'go') return { scratchFile: placement.scratchFile, content: `package ${goPackage ?? 'main'}\n`, names };
  const dir = placement.testFile.includes('/') ? placement.testFile.slice(0, placement.testFile.lastIndexOf('/') + 1) : '';
  const base = placement.scratchFile.slice(placement.scratchFile.lastIndexOf('/') + 1);
  return { scratchFile: `${dir}${base}`, content: existing, names };
}

function goPackageOf(text: string | undefined): string | undefined {
  return text ? /^package\s+(\w+)/m.exec(text)?.[1] : undefined;
}

interface Parsed {
  readonly definitions: readonly Definition[];
  readonly imports: readonly ImportSpec[];
}

/** Definitions and imports of a text: the workspace's parse workers when there is a workspace, else tree-sitter here. */
async function parse(path: string, text: string, workspace: Workspace | undefined): Promise<Parsed | undefined> {
  if (workspace) {
    const f = await workspace.service.parseText(path, text);
    return f ? { definitions: f.definitions, imports: f.imports } : undefined;
  }
  const lang = languageForPath(path);
  if (!lang) return undefined;
  const loader = new GrammarLoader(defaultGrammarPaths());
  try {
    const tags = extractTags(text, lang, await loader.parserFor(lang));
    return { definitions: tags.definitions, imports: tags.imports };
  } finally {
    loader.dispose();
  }
}

/** The comment right above line `at` (0-based), decorators and blank-free, or undefined. */
export function docCommentAbove(lines: readonly string[], at: number): string | undefined {
  let i = at - 1;
  while (i >= 0 && /^\s*@/.test(lines[i])) i--; // decorators
  const end = i;
  if (i >= 0 && /\*\/\s*$/.test(lines[i])) {
    while (i >= 0 && !/^\s*\/\*/.test(lines[i])) i--;
    return i >= 0 ? lines.slice(i, end + 1).join('\n') : undefined;
  }
  while (i >= 0 && /^\s*(?:\/\/|#(?!!))/.test(lines[i])) i--;
  return i < end ? lines.slice(i + 1, end + 1).join('\n') : undefined;
}

/** The source file's import statements, as written (a statement over several lines whole). */
export function importLines(lines: readonly string[], specs: readonly ImportSpec[], language: TestLanguage): string {
  const starts = [...new Set(specs.map((s) => s.line))].sort((a, b) => a - b);
  if (language === 'go') {
    const block = lines.join('\n').match(/^import\s*\([\s\S]*?^\)|^import\s+[^\n]+/gm);
    return block ? block.join('\n') : '';
  }
  const out: string[] = [];
  let last = -1;
  for (const s of starts) {
    if (s <= last || s >= lines.length) continue;
    let e = s;
    if (language !== 'python') {
      while (e < lines.length - 1 && e - s < 30 && !/(?:from\s*['"][^'"]*['"]|^\s*import\s*['"][^'"]*['"]|require\([^)]*\)|;)\s*$/.test(lines[e])) e++;
    } else if (/\(\s*$/.test(lines[s])) {
      while (e < lines.length - 1 && e - s < 30 && !lines[e].includes(')')) e++;
    }
    out.push(...lines.slice(s, e + 1));
    last = e;
  }
  return out.join('\n');
}
