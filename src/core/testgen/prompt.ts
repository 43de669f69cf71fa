// The test-generation prompts: one to write a small batch of tests for a target, one to repair the
// tests that failed. Both share the system prompt and the context block (the target's code with its
// line numbers, doc comment and the file's imports, the definitions it uses, the existing test file
// as the style example), so a repair reuses the server's prefix cache of the generation.
//
//   <source path="src/add.ts" language="typescript" lines="3-9">
//   <imports>…the source file's imports…</imports>
//   <doc>…the target's doc comment…</doc>
//   <code>
//   3|export function add(a: number, b: number): number {
//   </code>
//   </source>
//   <definitions>…</definitions>
//   <existing_tests path="src/add.test.ts">…</existing_tests>
//
// Every text from the repository is neutralized (control tokens and these section markers broken
// with a zero-width joiner). REDACTION SEAM: credentials are NOT removed here; the caller hands in
// texts already redacted by the privacy gate's Redactor.
import type { ChatMessage, SamplingOptions, ThinkSetting } from '../model/backend';
import type { Priority } from '../model/scheduler';
import type { StructuredRequest } from '../model/structured';
import { neutralize } from '../prompt/neutralize';
import { TEST_BATCH_DESCRIPTION, TEST_BATCH_SCHEMA } from './schema';
import type { FrameworkChoice, FrameworkId, GeneratedTest, Placement, TestLanguage } from './types';

/** The unit the tests are for. Texts are redacted (see REDACTION SEAM above). */
export interface TestTarget {
  /** Root-relative source file. */
  readonly path: string;
  readonly language: TestLanguage;
  /** The function, method or class; undefined when the target is the whole file. */
  readonly symbol?: string;
  readonly kind?: string;
  /** 1-based line of the first line of `code` in the source file. */
  readonly startLine: number;
  readonly code: string;
  readonly docComment?: string;
  /** The source file's import lines. */
  readonly imports: string;
}

export interface TestGenContext {
  readonly target: TestTarget;
  readonly framework: FrameworkChoice;
  readonly placement: Placement;
  /** How the test file imports the unit: a relative module path from the test file, or a package/module name. */
  readonly unitImport?: string;
  /** Definitions, from anywhere in the workspace, of what the target uses. Redacted. */
  readonly definitions: readonly string[];
  /** The existing test file's text (the style example). Redacted. */
  readonly existingTests?: string;
}

/** Tests asked for in one batch: small, so each can be checked and repaired (Meta's TestGen-LLM asked for few). */
export const BATCH_SIZE = { min: 4, max: 6 } as const;

/** Low temperature: tests should be plain and the same when asked twice. */
export const TESTGEN_TEMPERATURE = 0.2;

const MARKERS = [
  '<source', '</source>', '<imports>', '</imports>', '<doc>', '</doc>', '<code>', '</code>',
  '<definitions>', '</definitions>', '<existing_tests', '</existing_tests>', '<test ', '</test>',
  '<failure>', '</failure>', '<current_imports>', '</current_imports>',
];
const clean = (text: string) => neutralize(text, MARKERS);

const FRAMEWORK_NAMES: Record<FrameworkId, string> = {
  vitest: 'Vitest', jest: 'Jest', mocha: 'Mocha', 'node:test': 'Node\'s built-in test runner (node:test)',
  pytest: 'pytest', unittest: 'Python\'s unittest', go: 'Go\'s testing package (go test)',
};

/** The framework's own rules: how a test is declared and what it may import. */
function frameworkRules(framework: FrameworkId, placement: Placement, unitImport: string | undefined): string[] {
  const unit = unitImport ? ` From the test file, the unit is imported from ${JSON.stringify(unitImport)}.` : '';
  const js = [
    `- Import the code under test by its real relative path from the TEST FILE's folder (${placement.testFile}), or by its package name.${unit}`,
    '- Each "code" is exactly one top-level test call whose title is "name", not wrapped in describe().',
  ];
  switch (framework) {
    case 'vitest':
      return [...js,
        '- Write: it(\'<name>\', () => { ... }). Import describe/it/test/expect/vi from \'vitest\' in "imports".'];
    case 'jest':
      return [...js,
        '- Write: it(\'<name>\', () => { ... }). describe, it, test, expect and jest are globals: only import them if the existing tests import them from \'@jest/globals\'.'];
    case 'mocha':
      return [...js,
        '- Write: it(\'<name>\', function () { ... }). Use node:assert for assertions (import it in "imports") unless the existing tests use another assertion library.'];
    case 'node:test':
      return [...js,
        '- Write: test(\'<name>\', () => { ... }). Import test from \'node:test\' and assert from \'node:assert/strict\' in "imports".'];
    case 'pytest':
      return [
        `- Import the code under test by its module or package name as the project's tests do.${unit}`,
        '- Each "code" is exactly one top-level function def test_<something>(): ... and "name" is that function\'s name, e.g. "test_adds_two_numbers". Use plain assert statements; pytest.raises for exceptions.',
      ];
    case 'unittest':
      return [
        `- Import the code under test by its module or package name as the project's tests do.${unit}`,
        '- Each "code" is one class deriving from unittest.TestCase with exactly one method def test_<something>(self): ..., and "name" is that method\'s name. Class names must differ between tests.',
      ];
    case 'go':
      return [
        '- The tests are in the same package as the code (no package clause, no import of the package itself): call its functions directly.',
        '- Each "code" is exactly one function func Test<Name>(t *testing.T) { ... } and "name" is that function\'s name, e.g. "TestAddsTwoNumbers". "imports" lists the import paths the tests need, one per line, quoted as in Go ("testing" included).',
      ];
  }
}

export function testGenSystemPrompt(framework: FrameworkChoice, placement: Placement, unitImport?: string): string {
  return [
    `You write unit tests with ${FRAMEWORK_NAMES[framework.framework]} for existing code. Each test checks one behaviour of the code under test that its code and doc comment promise: normal cases, edge cases, errors.`,
    '',
    'How the code is shown: <source> holds the code under test; each line of <code> starts with its line number in the file and "|". <imports> are the source file\'s imports, <doc> its doc comment, <definitions> code it uses from elsewhere, <existing_tests> the project\'s existing tests for this file: follow their style.',
    '',
    'Rules:',
    ...frameworkRules(framework.framework, placement, unitImport),
    '- No new dependencies: import only the code under test, the test framework, the language\'s standard library and packages the code or the existing tests already import.',
    '- Deterministic tests: no current time or date, no randomness, no network, no sleeping, no files outside a temporary folder, no environment variables. A test must give the same result every time it runs.',
    '- Assert what the code is meant to do. Work expected values out from the code; do not guess.',
    '- Every "name" is unique and differs from the names of the existing tests.',
    '',
    TEST_BATCH_DESCRIPTION,
  ].join('\n');
}

function numbered(code: string, startLine: number): string {
  const lines = code.split('\n');
  const width = String(startLine + lines.length - 1).length;
  return lines.map((l, i) => `${String(startLine + i).padStart(width)}|${clean(l)}`).join('\n');
}

/** How much of the context a prompt carries: every definition and the whole test file, or less to fit. */
export interface ContextCut {
  /** How many of `definitions` are shown (the first ones: the caller orders them by importance). */
  readonly definitions: number;
  /** Lines of the existing test file shown (its first lines), Infinity for all. */
  readonly existingLines: number;
}

const FULL: ContextCut = { definitions: Infinity, existingLines: Infinity };

/** The context block: target, definitions, style example. */
export function renderContext(ctx: TestGenContext, cut: ContextCut = FULL): string {
  const t = ctx.target;
  const lineCount = t.code.split('\n').length;
  const parts = [`<source path=${JSON.stringify(clean(t.path))} language="${t.language}" lines="${t.startLine}-${t.startLine + lineCount - 1}">`];
  // Indentation kept (a method's doc comment lines up with its code); blank lines around taken off.
  const block = (text: string) => clean(text.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, ''));
  if (t.imports.trim()) parts.push('<imports>', block(t.imports), '</imports>');
  if (t.docComment?.trim()) parts.push('<doc>', block(t.docComment), '</doc>');
  parts.push('<code>', numbered(t.code, t.startLine), '</code>', '</source>');
  const defs = ctx.definitions.slice(0, cut.definitions);
  if (defs.length) parts.push('<definitions>', ...defs.map(clean), '</definitions>');
  if (ctx.existingTests?.trim()) {
    const lines = ctx.existingTests.replace(/\s+$/, '').split('\n');
    const shown = lines.slice(0, cut.existingLines);
    const more = lines.length - shown.length;
    if (shown.length) {
      parts.push(`<existing_tests path=${JSON.stringify(clean(ctx.placement.testFile))}>`, clean(shown.join('\n')), ...(more > 0 ? [`… (${more} more lines)`] : []), '</existing_tests>');
    }
  }
  return parts.join('\n');
}

function subject(t: TestTarget): string {
  return t.symbol ? `the ${t.kind ?? 'code'} ${JSON.stringify(t.symbol)}` : `the code of ${JSON.stringify(t.path)}`;
}

export function generationUserPrompt(ctx: TestGenContext, cut?: ContextCut, batch = BATCH_SIZE): string {
  return [
    renderContext(ctx, cut),
    '',
    `Write ${batch.min} to ${batch.max} tests for ${subject(ctx.target)} (lines shown in <code>). They go into ${ctx.placement.testFile}.`,
    'Answer with the JSON object only.',
  ].join('\n');
}

/** Most of a runner's message shown per failed test: the assertion and the stack's head, not a whole log. */
export const MAX_FAILURE_CHARS = 1200;

/** A test that failed, with what the runner said. */
export interface FailedTest extends GeneratedTest {
  readonly message: string;
}

export function repairUserPrompt(ctx: TestGenContext, imports: string, failed: readonly FailedTest[], cut?: ContextCut): string {
  const parts = [
    renderContext(ctx, cut),
    '',
    `These tests for ${subject(ctx.target)} were run and failed. The test file's imports were:`,
    '<current_imports>', clean(imports.trim()), '</current_imports>',
  ];
  for (const f of failed) {
    const message = f.message.trim() || 'failed without a message';
    const shown = message.length > MAX_FAILURE_CHARS ? `${message.slice(0, MAX_FAILURE_CHARS)}…` : message;
    parts.push(`<test name=${JSON.stringify(clean(f.name))}>`, clean(f.code.replace(/\s+$/, '')), '</test>', '<failure>', clean(shown), '</failure>');
  }
  parts.push(
    '',
    'Fix each test. If a test expected the wrong value, correct the expectation from the code; if the code itself looks wrong, keep the test asserting what the code is meant to do. Keep each test\'s name.',
    'Answer with the same JSON object: "imports" is the whole list of import lines the tests need, "tests" the fixed tests by the same names (leave out a test you cannot fix).',
    'Answer with the JSON object only.',
  );
  return parts.join('\n');
}

export interface TestGenRequestOptions {
  readonly think?: ThinkSetting;
  /** Output limit: the answer plus the thinking. */
  readonly numPredict: number;
  readonly priority?: Priority;
  readonly signal?: AbortSignal;
}

function request(system: string, prompt: string, opts: TestGenRequestOptions): StructuredRequest {
  const options: SamplingOptions = { temperature: TESTGEN_TEMPERATURE, num_predict: opts.numPredict };
  return {
    feature: 'tests', schema: TEST_BATCH_SCHEMA, system, prompt, think: opts.think, options,
    // Like a review: queued behind completions, and preempted by a completion that waits.
    priority: opts.priority ?? 'review', signal: opts.signal,
  };
}

export function generationRequest(ctx: TestGenContext, cut: ContextCut | undefined, opts: TestGenRequestOptions): StructuredRequest {
  return request(testGenSystemPrompt(ctx.framework, ctx.placement, ctx.unitImport), generationUserPrompt(ctx, cut), opts);
}

export function repairRequest(ctx: TestGenContext, imports: string, failed: readonly FailedTest[], cut: ContextCut | undefined, opts: TestGenRequestOptions): StructuredRequest {
  return request(testGenSystemPrompt(ctx.framework, ctx.placement, ctx.unitImport), repairUserPrompt(ctx, imports, failed, cut), opts);
}

// ---------------------------------------------------------------------------------------------
// Token budget

/** The share of the window the context may take (the reference's "about half the window"). */
export const CONTEXT_SHARE = 0.5;

export interface FittedContext {
  readonly cut: ContextCut;
  /** Estimated tokens of the generation request (system + user turn). */
  readonly tokens: number;
  /** What was left out to fit, for the log and the report. */
  readonly omitted: readonly string[];
  /** False when even the target alone exceeds the budget: the caller says so rather than send it. */
  readonly fits: boolean;
}

/**
 * The most context that fits `budgetTokens`: definitions are dropped from the last (least
 * important) first, then the existing test file is cut to its first lines (it is only the style
 * example); the target is never cut. `reserve` is kept free for what a repair adds (failed tests
 * and messages).
 */
export function fitContext(ctx: TestGenContext, estimate: (text: string) => number, budgetTokens: number, reserve = 0): FittedContext {
  const system = estimate(testGenSystemPrompt(ctx.framework, ctx.placement, ctx.unitImport)) + 8;
  const cost = (cut: ContextCut) => system + estimate(generationUserPrompt(ctx, cut)) + 8;
  const limit = budgetTokens - reserve;
  const omitted: string[] = [];
  let cut: ContextCut = FULL;
  let tokens = cost(cut);
  let defs = ctx.definitions.length;
  while (tokens > limit && defs > 0) {
    defs--;
    cut = { ...cut, definitions: defs };
    tokens = cost(cut);
  }
  if (defs < ctx.definitions.length) omitted.push(`${ctx.definitions.length - defs} of ${ctx.definitions.length} definitions`);
  const existing = ctx.existingTests ? ctx.existingTests.split('\n').length : 0;
  if (tokens > limit && existing > 0) {
    // Halve the example until it fits, then keep none if even one line does not.
    let n = existing;
    while (tokens > limit && n > 0) {
      n = n > 8 ? Math.floor(n / 2) : 0;
      cut = { ...cut, existingLines: n };
      tokens = cost(cut);
    }
    omitted.push(n === 0 ? 'the existing test file' : `all but the first ${n} lines of the existing test file`);
  }
  return { cut, tokens, omitted, fits: tokens <= limit };
}

/** The chat turns of a generation request, for estimating. */
export function generationMessages(ctx: TestGenContext, cut?: ContextCut): ChatMessage[] {
  return [{ role: 'system', content: testGenSystemPrompt(ctx.framework, ctx.placement, ctx.unitImport) }, { role: 'user', content: generationUserPrompt(ctx, cut) }];
}
