// `go test` in the scratch file's package, only the asked-for tests (`-run '^(TestA|TestB)$'`),
// never from the test cache (`-count=1`: a flakiness re-run must really run), with `-json` events
// and, for coverage, a cover profile of the package.
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { goProfileLines } from './coverage';
import { outputTail, type Planner } from './plan';
import { trimMessage, type CaseRecord } from './results';

interface GoEvent {
  Action: string;
  Test?: string;
  Output?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `go test -json` lines → records; subtests are reported under their parent's path. */
export function goRecords(stdout: string): { records: CaseRecord[]; nonJson: string } {
  const outputs = new Map<string, string[]>();
  const final = new Map<string, string>();
  const nonJson: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let ev: GoEvent;
    try {
      ev = JSON.parse(line) as GoEvent;
    } catch {
      nonJson.push(line);
      continue;
    }
    if (!ev.Test) {
      if (ev.Action === 'output' && ev.Output) nonJson.push(ev.Output.trimEnd());
      continue;
    }
    if (ev.Action === 'output') {
      const o = outputs.get(ev.Test) ?? [];
      o.push(ev.Output ?? '');
      outputs.set(ev.Test, o);
    } else if (ev.Action === 'pass' || ev.Action === 'fail' || ev.Action === 'skip') {
      final.set(ev.Test, ev.Action);
    }
  }
  const records: CaseRecord[] = [];
  for (const [test, action] of final) {
    const parts = test.split('/');
    const path = parts.slice(0, -1);
    const name = parts[parts.length - 1];
    if (action !== 'fail') {
      records.push({ path, name, status: action === 'pass' ? 'passed' : 'skipped' });
      continue;
    }
    const text = (outputs.get(test) ?? []).filter((l) => !/^\s*(=== (RUN|PAUSE|CONT)|--- FAIL)/.test(l)).join('');
    records.push({ path, name, status: 'failed', message: trimMessage(text), assertion: !/\bpanic:/.test(text) });
  }
  return { records, nonJson: nonJson.join('\n') };
}

export const planGo: Planner = async (ctx) => {
  const pkgDir = dirname(ctx.scratch);
  const profile = join(ctx.tmp, 'cover.out');
  const tops = [...new Set(ctx.req.names.map((n) => n.split('/')[0]))];
  const args = ['test', '-json', '-count=1'];
  if (tops.length > 0) args.push('-run', `^(${tops.map(escapeRegex).join('|')})$`);
  if (ctx.coverageTarget) args.push(`-coverprofile=${profile}`);
  args.push('.');
  return {
    command: 'go', args, cwd: pkgDir, env: ctx.env,
    // The results are the -json events on stdout: keep them all (a test's output can be long).
    maxOutput: 64 * 1024 * 1024,
    async collect(run) {
      const { records, nonJson } = goRecords(run.stdout);
      const buildFailed = records.length === 0 && !run.timedOut && !run.aborted;
      const fileError = buildFailed ? trimMessage([run.stderr.trim(), nonJson].filter(Boolean).join('\n') || outputTail(run)) : undefined;
      if (!ctx.coverageTarget) return { records, ...(fileError ? { fileError } : {}) };
      const text = await readFile(profile, 'utf8').catch(() => undefined);
      if (text === undefined) return { records, ...(fileError ? { fileError } : {}), coverageUnavailable: 'go test wrote no cover profile (the package did not build, or the run was killed)' };
      const mod = await readFile(join(ctx.projectDir, 'go.mod'), 'utf8').catch(() => '');
      const modulePath = /^module\s+(\S+)/m.exec(mod)?.[1];
      if (!modulePath) return { records, coverageUnavailable: `no module line in ${join(ctx.projectDir, 'go.mod')}` };
      const key = [modulePath, relative(ctx.projectDir, ctx.coverageTarget).split('\\').join('/')].join('/');
      const coverage = goProfileLines(text, key) ?? { covered: [] };
      return { records, ...(fileError ? { fileError } : {}), coverage };
    },
  };
};
