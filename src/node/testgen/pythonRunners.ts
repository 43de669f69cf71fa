// pytest and unittest. Results come from a small reporter Hearth writes into the run's temporary
// directory (a pytest plugin; for unittest, a driver with its own TestResult), one JSON line per
// report as it happens, so a run killed at its timeout still tells which tests finished.
// Coverage: coverage.py (Debian's python3-coverage) when the interpreter has it.
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, relative } from 'node:path';
import { coveragePyLines } from './coverage';
import { findPython, pythonHas } from './locate';
import { outputTail, readJson, type Collected, type Plan, type Planner, type RunContext } from './plan';
import { runProcessTree, type TreeRunResult } from './processTree';
import { trimMessage, type CaseRecord } from './results';

const PYTEST_PLUGIN = `
import json, os
import pytest

_OUT = os.environ.get("HEARTH_REPORT")

def _write(rec):
    with open(_OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\\n")

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if call.excinfo is not None:
        rep.hearth_assertion = bool(call.excinfo.errisinstance((AssertionError, pytest.fail.Exception)))

def pytest_runtest_logreport(report):
    message = None
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = (crash.message if crash is not None else "") + "\\n" + report.longreprtext[-1500:]
    elif report.skipped and isinstance(report.longrepr, tuple):
        message = str(report.longrepr[-1])
    _write({"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
            "message": message, "assertion": getattr(report, "hearth_assertion", None)})

def pytest_collectreport(report):
    if report.failed:
        _write({"collectError": report.longreprtext[-3000:]})
`;

const UNITTEST_DRIVER = `
import importlib.util, json, os, sys, traceback, unittest

scratch, out = sys.argv[1], sys.argv[2]
sys.path[0] = os.path.dirname(os.path.abspath(scratch))
if os.getcwd() not in sys.path:
    sys.path.insert(1, os.getcwd())

def write(rec):
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\\n")

def describe(err):
    return "".join(traceback.format_exception(*err))[-2000:]

class Result(unittest.TestResult):
    def rec(self, test, status, message=None, assertion=None):
        name = getattr(test, "_testMethodName", None) or str(test)
        write({"cls": type(test).__name__, "name": name, "status": status, "message": message, "assertion": assertion})
    def addSuccess(self, test):
        super().addSuccess(test); self.rec(test, "passed")
    def addFailure(self, test, err):
        super().addFailure(test, err); self.rec(test, "failed", describe(err), True)
    def addError(self, test, err):
        super().addError(test, err); self.rec(test, "failed", describe(err), False)
    def addSkip(self, test, reason):
        super().addSkip(test, reason); self.rec(test, "skipped", reason)
    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err); self.rec(test, "passed")
    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test); self.rec(test, "failed", "unexpected success", True)
    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.rec(test, "failed", describe(err), issubclass(err[0], test.failureException))

name = os.path.splitext(os.path.basename(scratch))[0]
try:
    spec = importlib.util.spec_from_file_location(name, scratch)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
except BaseException:
    write({"fileError": traceback.format_exc()[-3000:]})
    sys.exit(2)
result = Result()
unittest.defaultTestLoader.loadTestsFromModule(module).run(result)
sys.exit(0 if result.wasSuccessful() else 1)
`;

async function readLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by the kill
    }
  }
  return out;
}

interface PyEnv {
  readonly python: string;
  readonly env: NodeJS.ProcessEnv;
  /** coverage.py's data file, when coverage is measured. */
  readonly dataFile?: string;
  readonly coverageUnavailable?: string;
}

async function pythonSetup(ctx: RunContext, module: string): Promise<PyEnv | { unavailable: string }> {
  const python = await findPython(ctx.projectDir, ctx.req.root, module, ctx.python);
  if (!python) {
    const how = module === 'pytest' ? ' (Debian: apt install python3-pytest; or pip install pytest)' : '';
    return { unavailable: `no Python interpreter with ${module} found (looked for a virtualenv, python3 and /usr/bin/python3)${how}` };
  }
  const env: NodeJS.ProcessEnv = {
    ...ctx.env,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: [ctx.tmp, ctx.env.PYTHONPATH].filter(Boolean).join(delimiter),
    HEARTH_REPORT: join(ctx.tmp, 'report.ndjson'),
  };
  if (!ctx.coverageTarget) return { python, env };
  if (!(await pythonHas(python, ['coverage']))) {
    return { python, env, coverageUnavailable: `${python} has no coverage module (Debian: apt install python3-coverage; or pip install coverage)` };
  }
  const dataFile = join(ctx.tmp, '.coverage');
  return { python, env: { ...env, COVERAGE_FILE: dataFile }, dataFile };
}

function prefix(py: PyEnv, ctx: RunContext): string[] {
  return py.dataFile && ctx.coverageTarget ? ['-m', 'coverage', 'run', `--include=${ctx.coverageTarget}`] : [];
}

async function pyCoverage(ctx: RunContext, py: PyEnv, run: TreeRunResult): Promise<Pick<Collected, 'coverage' | 'coverageUnavailable'>> {
  if (!ctx.coverageTarget) return {};
  if (py.coverageUnavailable || !py.dataFile) return { coverageUnavailable: py.coverageUnavailable ?? 'no coverage data' };
  if (run.timedOut || run.aborted) return { coverageUnavailable: 'coverage.py writes its data when the run ends; this run was killed' };
  const json = join(ctx.tmp, 'coverage.json');
  const res = await runProcessTree(py.python, ['-m', 'coverage', 'json', '-o', json, `--include=${ctx.coverageTarget}`], {
    cwd: ctx.projectDir, env: py.env, timeoutMs: 30_000,
  });
  const report = await readJson(() => readFile(json, 'utf8'));
  if (report === undefined) return { coverageUnavailable: `coverage json failed: ${outputTail(res, 500)}` };
  return { coverage: coveragePyLines(report, ctx.coverageTarget) ?? { covered: [] } };
}

/**
 * pytest's report lines → records: setup, call and teardown of one test folded into one. A test
 * whose call never reported (the run was killed inside it) is no record: it stays missing.
 */
export function pytestRecords(lines: readonly Record<string, unknown>[]): { records: CaseRecord[]; fileError?: string } {
  const byId = new Map<string, { status?: CaseRecord['status']; message?: string; assertion?: boolean }>();
  let fileError: string | undefined;
  for (const l of lines) {
    if (typeof l.collectError === 'string') {
      fileError = trimMessage(l.collectError);
      continue;
    }
    const id = String(l.nodeid);
    const cur = byId.get(id) ?? {};
    byId.set(id, cur);
    if (cur.status === 'failed') continue;
    if (l.outcome === 'failed') {
      byId.set(id, { status: 'failed', message: trimMessage(String(l.message ?? '')), assertion: l.when === 'call' && l.assertion === true });
    } else if (l.outcome === 'skipped') {
      byId.set(id, { status: 'skipped', ...(typeof l.message === 'string' ? { message: l.message } : {}) });
    } else if (l.when === 'call' && cur.status === undefined) {
      byId.set(id, { status: 'passed' });
    }
  }
  const records: CaseRecord[] = [];
  for (const [id, r] of byId) {
    if (r.status === undefined) continue;
    const parts = id.split('::').slice(1);
    records.push({
      path: parts.slice(0, -1), name: parts[parts.length - 1] ?? id, status: r.status,
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.assertion !== undefined ? { assertion: r.assertion } : {}),
    });
  }
  return fileError !== undefined ? { records, fileError } : { records };
}

export const planPytest: Planner = async (ctx) => {
  const py = await pythonSetup(ctx, 'pytest');
  if ('unavailable' in py) return py;
  await writeFile(join(ctx.tmp, 'hearth_pytest_report.py'), PYTEST_PLUGIN);
  const report = join(ctx.tmp, 'report.ndjson');
  const plan: Plan = {
    command: py.python,
    args: [...prefix(py, ctx), '-m', 'pytest', '-p', 'no:cacheprovider', '-p', 'hearth_pytest_report', '-q', relative(ctx.projectDir, ctx.scratch)],
    cwd: ctx.projectDir, env: py.env,
    ...(py.coverageUnavailable ? { coverageUnavailable: py.coverageUnavailable } : {}),
    async collect(run) {
      const { records, fileError } = pytestRecords(await readLines(report));
      const exitError = records.length === 0 && fileError === undefined && !run.timedOut && !run.aborted ? outputTail(run) : undefined;
      return { records, ...(fileError ?? exitError ? { fileError: fileError ?? exitError } : {}), ...(await pyCoverage(ctx, py, run)) };
    },
  };
  return plan;
};

export const planUnittest: Planner = async (ctx) => {
  const py = await pythonSetup(ctx, 'unittest');
  if ('unavailable' in py) return py;
  const driver = join(ctx.tmp, 'hearth_unittest_driver.py');
  await writeFile(driver, UNITTEST_DRIVER);
  const report = join(ctx.tmp, 'report.ndjson');
  return {
    command: py.python,
    args: [...prefix(py, ctx), driver, ctx.scratch, report],
    cwd: ctx.projectDir, env: py.env,
    ...(py.coverageUnavailable ? { coverageUnavailable: py.coverageUnavailable } : {}),
    async collect(run) {
      const lines = await readLines(report);
      const records: CaseRecord[] = [];
      let fileError: string | undefined;
      for (const l of lines) {
        if (typeof l.fileError === 'string') {
          fileError = trimMessage(l.fileError);
          continue;
        }
        const status = l.status === 'passed' || l.status === 'failed' || l.status === 'skipped' ? l.status : 'failed';
        records.push({
          path: [String(l.cls)], name: String(l.name), status,
          ...(typeof l.message === 'string' ? { message: trimMessage(l.message) } : {}),
          ...(typeof l.assertion === 'boolean' ? { assertion: l.assertion } : {}),
        });
      }
      if (lines.length === 0 && !run.timedOut && !run.aborted) fileError = outputTail(run) || 'the unittest driver wrote no report';
      return { records, ...(fileError !== undefined ? { fileError } : {}), ...(await pyCoverage(ctx, py, run)) };
    },
  };
};
