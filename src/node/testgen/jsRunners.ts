// Vitest, Jest, Mocha and node:test, each run on the scratch file alone with the project's own
// binary and a machine-readable report written to the run's temporary directory (never parsed
// from the console, which the tests themselves write to).
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { istanbulLines, v8Lines } from './coverage';
import { findNodeBin, findNodePackage, nodeLaunch } from './locate';
import { outputTail, readJson, type Collected, type Planner, type RunContext, type Unavailable } from './plan';
import { looksLikeAssertion, trimMessage, type CaseRecord } from './results';

const rel = (ctx: RunContext, abs: string) => relative(ctx.projectDir, abs).split('\\').join('/');

async function bin(ctx: RunContext, name: string, pkg = name): Promise<string | Unavailable> {
  const found = await findNodeBin(ctx.projectDir, name);
  return found ?? { unavailable: `${pkg} is not installed: no node_modules/.bin/${name} at or above ${ctx.projectDir} (npm install -D ${pkg})` };
}

const isPlainJs = (p: string) => /\.[cm]?jsx?$/.test(p) && !p.endsWith('.jsx');

// ---- jest and vitest: the same JSON report shape ----------------------------------------------

interface AssertionResult {
  ancestorTitles?: string[];
  title: string;
  status: string;
  failureMessages?: string[];
  failureDetails?: { matcherResult?: unknown; code?: string; name?: string }[];
}

interface JestLikeReport {
  testResults?: { name: string; message?: string; status?: string; assertionResults?: AssertionResult[] }[];
}

function jestLikeRecords(report: JestLikeReport | undefined, scratch: string): { records: CaseRecord[]; fileError?: string } {
  const records: CaseRecord[] = [];
  let fileError: string | undefined;
  for (const file of report?.testResults ?? []) {
    if (file.name !== scratch) continue;
    const results = file.assertionResults ?? [];
    if (file.message && file.message.trim() !== '' && results.every((r) => r.status !== 'failed')) fileError = trimMessage(file.message);
    for (const a of results) {
      const status = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      if (status !== 'failed') {
        records.push({ path: a.ancestorTitles ?? [], name: a.title, status });
        continue;
      }
      const messages = a.failureMessages ?? [];
      const detail = a.failureDetails ?? [];
      const assertion = detail.some((d) => d && (d.matcherResult !== undefined || d.code === 'ERR_ASSERTION' || d.name === 'AssertionError'))
        || looksLikeAssertion(messages[0] ?? '');
      records.push({ path: a.ancestorTitles ?? [], name: a.title, status, message: trimMessage(messages.join('\n')), assertion });
    }
  }
  if (!report) fileError = 'the runner wrote no report';
  else if (!(report.testResults ?? []).some((f) => f.name === scratch)) fileError = 'the runner did not collect the scratch file';
  return fileError !== undefined ? { records, fileError } : { records };
}

async function istanbulCoverage(ctx: RunContext, dir: string, tool: string): Promise<Pick<Collected, 'coverage' | 'coverageUnavailable'>> {
  if (!ctx.coverageTarget) return {};
  const report = await readJson(() => readFile(join(dir, 'coverage-final.json'), 'utf8'));
  if (report === undefined) return { coverageUnavailable: `${tool} wrote no coverage report (the run was killed or failed before reporting)` };
  const coverage = istanbulLines(report, ctx.coverageTarget);
  return coverage ? { coverage } : { coverage: { covered: [] } };
}

export const planVitest: Planner = async (ctx) => {
  const vitest = await bin(ctx, 'vitest');
  if (typeof vitest !== 'string') return vitest;
  const out = join(ctx.tmp, 'vitest.json');
  const covDir = join(ctx.tmp, 'coverage');
  const args = ['run', rel(ctx, ctx.scratch), '--no-cache', '--reporter=json', `--outputFile=${out}`, '--no-color'];
  let coverageUnavailable: string | undefined;
  if (ctx.coverageTarget) {
    const provider = (await findNodePackage(ctx.projectDir, '@vitest/coverage-v8')) ? 'v8'
      : (await findNodePackage(ctx.projectDir, '@vitest/coverage-istanbul')) ? 'istanbul' : undefined;
    if (provider) {
      args.push('--coverage.enabled', `--coverage.provider=${provider}`, '--coverage.reporter=json', `--coverage.reportsDirectory=${covDir}`,
        `--coverage.include=${rel(ctx, ctx.coverageTarget)}`, '--coverage.reportOnFailure', '--coverage.clean');
    } else {
      coverageUnavailable = 'vitest measures coverage through @vitest/coverage-v8 or @vitest/coverage-istanbul, and neither is installed in this project';
    }
  }
  const launch = await nodeLaunch(vitest, ctx.env);
  return {
    command: launch.command, args: [...launch.args, ...args], cwd: ctx.projectDir, env: { ...ctx.env, ...launch.env },
    ...(coverageUnavailable ? { coverageUnavailable } : {}),
    async collect(run) {
      const report = (await readJson(() => readFile(out, 'utf8'))) as JestLikeReport | undefined;
      const { records, fileError: error } = jestLikeRecords(report, ctx.scratch);
      const fileError = error === 'the runner did not collect the scratch file'
        ? `vitest did not collect ${rel(ctx, ctx.scratch)}: the project's test.include may not cover test files beside the source\n${outputTail(run, 1000)}`
        : error;
      const coverage = coverageUnavailable ? {} : await istanbulCoverage(ctx, covDir, 'vitest');
      return { records, ...(fileError !== undefined ? { fileError: report ? fileError : outputTail(run) } : {}), ...coverage };
    },
  };
};

const SCRATCH_REGEX = '\\.hearth-scratch-[a-z0-9]+\\.test\\.[cm]?[jt]sx?$';

/** The project's jest configuration sets testRegex (package.json's "jest" key or a jest.config file). */
async function usesTestRegex(projectDir: string): Promise<boolean> {
  for (const name of ['package.json', 'jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.ts', 'jest.config.json']) {
    const text = await readFile(join(projectDir, name), 'utf8').catch(() => '');
    if (/\btestRegex\b/.test(text)) return true;
  }
  return false;
}

export const planJest: Planner = async (ctx) => {
  const jest = await bin(ctx, 'jest');
  if (typeof jest !== 'string') return jest;
  const out = join(ctx.tmp, 'jest.json');
  const covDir = join(ctx.tmp, 'coverage');
  const args = ['--ci', '--json', `--outputFile=${out}`, '--watchman=false', '--forceExit', '--colors=false'];
  if (ctx.coverageTarget) {
    args.push('--coverage', '--coverageReporters=json', `--coverageDirectory=${covDir}`, `--collectCoverageFrom=${rel(ctx, ctx.coverageTarget)}`, '--coverageThreshold={}');
  }
  // The project's testMatch may not cover a file beside the source (`**/__tests__/**`): collect
  // exactly the scratch file instead, by the option the project does not set (jest refuses both).
  const pattern = await usesTestRegex(ctx.projectDir) ? ['--testRegex', SCRATCH_REGEX] : ['--testMatch', '**/*.hearth-scratch-*.test.*'];
  args.push(...pattern, '--runTestsByPath', ctx.scratch);
  const launch = await nodeLaunch(jest, ctx.env);
  return {
    command: launch.command, args: [...launch.args, ...args], cwd: ctx.projectDir, env: { ...ctx.env, ...launch.env },
    async collect(run) {
      const report = (await readJson(() => readFile(out, 'utf8'))) as JestLikeReport | undefined;
      const { records, fileError } = jestLikeRecords(report, ctx.scratch);
      return { records, ...(fileError !== undefined ? { fileError: report ? fileError : outputTail(run) } : {}), ...(await istanbulCoverage(ctx, covDir, 'jest')) };
    },
  };
};

// ---- V8 coverage (mocha, node:test) ---------------------------------------------------------

function v8Setup(ctx: RunContext): { env: NodeJS.ProcessEnv; dir?: string; unavailable?: string } {
  if (!ctx.coverageTarget) return { env: ctx.env };
  if (!isPlainJs(ctx.coverageTarget)) {
    return { env: ctx.env, unavailable: 'coverage comes from V8, which sees the transpiled code of a TypeScript or JSX target; Hearth does not map it back' };
  }
  const dir = join(ctx.tmp, 'v8');
  return { env: { ...ctx.env, NODE_V8_COVERAGE: dir }, dir };
}

async function v8Coverage(ctx: RunContext, dir: string | undefined, unavailable: string | undefined): Promise<Pick<Collected, 'coverage' | 'coverageUnavailable'>> {
  if (!ctx.coverageTarget) return {};
  if (unavailable || !dir) return { coverageUnavailable: unavailable ?? 'no coverage directory' };
  const text = await readFile(ctx.coverageTarget, 'utf8').catch(() => undefined);
  if (text === undefined) return { coverageUnavailable: `cannot read ${ctx.coverageTarget}` };
  const coverage = await v8Lines(dir, ctx.coverageTarget, text);
  return coverage ? { coverage } : { coverage: { covered: [] } };
}

// ---- mocha ----------------------------------------------------------------------------------

interface MochaTest {
  title: string;
  fullTitle: string;
  file?: string;
  err?: { message?: string; stack?: string; code?: string; name?: string };
}

interface MochaReport {
  passes?: MochaTest[];
  failures?: MochaTest[];
  pending?: MochaTest[];
}

export const planMocha: Planner = async (ctx) => {
  const mocha = await bin(ctx, 'mocha');
  if (typeof mocha !== 'string') return mocha;
  const out = join(ctx.tmp, 'mocha.json');
  const v8 = v8Setup(ctx);
  const launch = await nodeLaunch(mocha, ctx.env);
  return {
    command: launch.command,
    args: [...launch.args, '--reporter', 'json', '--reporter-option', `output=${out}`, '--exit', rel(ctx, ctx.scratch)],
    cwd: ctx.projectDir, env: { ...v8.env, ...launch.env },
    async collect(run) {
      const report = (await readJson(() => readFile(out, 'utf8'))) as MochaReport | undefined;
      const records: CaseRecord[] = [];
      const ours = (t: MochaTest) => t.file === undefined || t.file === ctx.scratch;
      const path = (t: MochaTest) => {
        const parent = t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, t.fullTitle.length - t.title.length).trim() : '';
        return parent === '' ? [] : [parent];
      };
      for (const t of (report?.passes ?? []).filter(ours)) records.push({ path: path(t), name: t.title, status: 'passed' });
      for (const t of (report?.pending ?? []).filter(ours)) records.push({ path: path(t), name: t.title, status: 'skipped' });
      for (const t of (report?.failures ?? []).filter(ours)) {
        const err = t.err ?? {};
        const text = err.stack ?? err.message ?? '';
        const assertion = err.code === 'ERR_ASSERTION' || err.name === 'AssertionError' || looksLikeAssertion(text);
        records.push({ path: path(t), name: t.title, status: 'failed', message: trimMessage(text), assertion });
      }
      return { records, ...(report ? {} : { fileError: outputTail(run) || 'mocha wrote no report' }), ...(await v8Coverage(ctx, v8.dir, v8.unavailable)) };
    },
  };
};

// ---- node:test ------------------------------------------------------------------------------

/** A reporter module for `node --test`: one JSON line per finished test, written as it finishes. */
const NODE_TEST_REPORTER = `
export default async function* hearthReporter(source) {
  for await (const event of source) {
    if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      yield JSON.stringify({ out: String(event.data.message) }) + '\\n';
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    const err = d.details && d.details.error;
    const cause = err && err.cause && typeof err.cause === 'object' ? err.cause : undefined;
    const e = cause || err;
    yield JSON.stringify({
      pass: event.type === 'test:pass', name: d.name, nesting: d.nesting, file: d.file,
      skip: Boolean(d.skip || d.todo), suite: d.details && d.details.type === 'suite',
      error: e ? { name: e.name, code: e.code, message: String(e.message ?? e), stack: e.stack, failureType: err.failureType } : undefined,
    }) + '\\n';
  }
}
`;

interface NodeTestEvent {
  pass: boolean;
  name: string;
  nesting: number;
  file?: string;
  skip: boolean;
  suite: boolean;
  error?: { name?: string; code?: string; message: string; stack?: string; failureType?: string };
}

/** Flags the project's `node --test` script loads TypeScript or setup with (`--import tsx`). */
export function nodeFlagsFromScript(script: string): string[] {
  const flags: string[] = [];
  // `tsx --test` as the command (not `node --import tsx --test`, whose flag is read below).
  if (/(^\s*|[;&|]\s*|\bnpx\s+)tsx\s+(?:[^;&|]*\s)?--test\b/.test(script)) flags.push('--import', 'tsx');
  const re = /(?:^|\s)(--import|--require|-r|--loader|--experimental-loader)(?:=|\s+)(\S+)/g;
  for (let m = re.exec(script); m; m = re.exec(script)) flags.push(m[1] === '-r' ? '--require' : m[1], m[2].replace(/^['"]|['"]$/g, ''));
  return flags;
}

/** node:test events → records; children finish before their parent, so parents are linked as they close. */
export function nodeTestRecords(events: readonly NodeTestEvent[], scratch: string): { records: CaseRecord[]; fileError?: string } {
  interface Node { ev: NodeTestEvent; parent?: Node }
  const all: Node[] = [];
  let open: Node[] = [];
  let fileError: string | undefined;
  for (const ev of events) {
    const node: Node = { ev };
    for (const o of open) if (o.ev.nesting === ev.nesting + 1 && !o.parent) o.parent = node;
    open = open.filter((o) => o.ev.nesting <= ev.nesting);
    open.push(node);
    all.push(node);
  }
  const records: CaseRecord[] = [];
  for (const n of all) {
    const ev = n.ev;
    if (ev.nesting === 0 && (ev.name === scratch || scratch.endsWith(`/${ev.name}`) || ev.name.endsWith(scratch.slice(scratch.lastIndexOf('/'))))) {
      if (!ev.pass) fileError = trimMessage(ev.error?.stack ?? ev.error?.message ?? 'the test file failed');
      continue;
    }
    if (ev.suite) continue;
    const path: string[] = [];
    for (let p = n.parent; p; p = p.parent) path.unshift(p.ev.name);
    if (ev.pass) {
      records.push({ path, name: ev.name, status: ev.skip ? 'skipped' : 'passed' });
      continue;
    }
    const e = ev.error;
    const text = e?.stack ?? e?.message ?? '';
    const assertion = e?.code === 'ERR_ASSERTION' || e?.name === 'AssertionError' || looksLikeAssertion(text);
    records.push({ path, name: ev.name, status: 'failed', message: trimMessage(text), assertion });
  }
  return fileError !== undefined ? { records, fileError } : { records };
}

export const planNodeTest: Planner = async (ctx) => {
  const reporter = join(ctx.tmp, 'hearth-reporter.mjs');
  await writeFile(reporter, NODE_TEST_REPORTER);
  const events = join(ctx.tmp, 'node-test.ndjson');
  const pkg = (await readJson(() => readFile(join(ctx.projectDir, 'package.json'), 'utf8'))) as { scripts?: { test?: unknown } } | undefined;
  const script = typeof pkg?.scripts?.test === 'string' ? pkg.scripts.test : '';
  const v8 = v8Setup(ctx);
  const launch = await nodeLaunch(undefined, ctx.env);
  return {
    command: launch.command,
    args: [...launch.args, ...nodeFlagsFromScript(script), '--test', `--test-reporter=${reporter}`, `--test-reporter-destination=${events}`, rel(ctx, ctx.scratch)],
    cwd: ctx.projectDir, env: { ...v8.env, ...launch.env },
    async collect(run) {
      const text = await readFile(events, 'utf8').catch(() => undefined);
      const parsed: NodeTestEvent[] = [];
      // What the test file printed: the runner forwards it as events, not on its own stderr.
      let printed = '';
      for (const line of (text ?? '').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const ev = JSON.parse(line) as NodeTestEvent | { out: string };
          if ('out' in ev) printed = (printed + ev.out).slice(-4000);
          else parsed.push(ev);
        } catch {
          // a line cut by the kill
        }
      }
      const { records, fileError: failed } = nodeTestRecords(parsed, ctx.scratch);
      const fileError = failed !== undefined ? `${failed}\n${printed.trim()}`.trim() : undefined;
      const noReport = text === undefined && !run.timedOut;
      return {
        records,
        ...(fileError !== undefined ? { fileError: `${fileError}\n${outputTail(run, 2000)}`.trim() } : noReport ? { fileError: outputTail(run) || 'node --test wrote no report' } : {}),
        ...(await v8Coverage(ctx, v8.dir, v8.unavailable)),
      };
    },
  };
};
