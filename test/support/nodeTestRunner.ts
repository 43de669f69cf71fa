// A small but real TestRunner for tests of the test-generation loop: it writes the scratch file,
// runs it with Node's own test runner (`node --test`, TAP output) as the leader of a new process
// group, kills the whole group when the run times out or ends (children the tests started
// included), removes the scratch file, and reads each test's result from the TAP lines. It measures
// no coverage and says so. The project's runners (src/node/testgen/runner.ts) do the same for
// Vitest, Jest, Mocha, pytest and go test.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOutcome, RunRequest, TestCaseResult, TestRunner } from '../../src/core/testgen/types';

export class NodeTestRunner implements TestRunner {
  /** Every request, in order (what the loop asked to run). */
  readonly runs: RunRequest[] = [];

  async run(req: RunRequest): Promise<RunOutcome> {
    this.runs.push(req);
    const abs = join(req.root, req.scratchFile);
    await writeFile(abs, req.content);
    try {
      // Not as a child of the test run this helper may be in: node:test then skips the file.
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, ['--test', '--test-reporter=tap', abs], { cwd: req.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString('utf8'); });
      const killGroup = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // the group is gone
        }
      };
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; killGroup(); }, req.timeoutMs);
      const onAbort = () => killGroup();
      req.signal?.addEventListener('abort', onAbort);
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      killGroup(); // whatever the tests started and left behind
      return {
        results: parseTap(out, req.names), timedOut, exitCode, output: out.slice(-4000),
        ...(req.coverageOf ? { coverageUnavailable: 'the node:test runner of this test measures no coverage' } : {}),
      };
    } finally {
      await rm(abs, { force: true });
    }
  }
}

/** Each asked-for name's result from node:test's TAP output; `missing` when it is not there. */
export function parseTap(out: string, names: readonly string[]): Map<string, TestCaseResult> {
  const found = new Map<string, TestCaseResult>();
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(not )?ok \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/.exec(lines[i]);
    if (!m) continue;
    const name = m[2].replace(/\\#/g, '#').replace(/\\\\/g, '\\');
    if (!m[1]) {
      found.set(name, { name, status: 'passed' });
      continue;
    }
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && !/^ {2}\.\.\.$/.test(lines[j]); j++) block.push(lines[j]);
    const yaml = block.join('\n');
    const error = /^ {2}error: (?:\|-\n((?: {4}.*\n?)*)|(.*))$/m.exec(yaml);
    const message = (error?.[1] ?? error?.[2] ?? 'failed').replace(/^ {4}/gm, '').trim();
    const assertion = /^ {2}(?:code: 'ERR_ASSERTION'|name: 'AssertionError')/m.test(yaml);
    found.set(name, { name, status: 'failed', message, assertion });
  }
  return new Map(names.map((n) => [n, found.get(n) ?? { name: n, status: 'missing' }]));
}
