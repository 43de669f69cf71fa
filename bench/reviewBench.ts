// Hearth's own time in a review (issue 11's targets), against the fake Ollama answering instantly:
//
// 1. Preparation of a 5,000-line staged diff: a real refactor staged in RxJS 7.8.2's sources (the
//    editor benchmark's tree, from the npm registry): eight common local names renamed (`subscriber`
//    to `sink`, `source` to `upstream`, ...) in whole files until at least 5,000 lines changed, or
//    every file of src/ is in it (3,159 lines changed: a diff of 6,318 changed lines, 210 files). Measured from the reviewChanges
//    call to the first request on the wire: collection through git (diff and the staged blobs), the
//    diff parsed, every text redacted, each hunk's enclosing definition (tree-sitter) and the
//    definitions it uses (the index's pack), the plan. The index is built beforehand, as the editor
//    and the CLI have it before a review; the whole review (8 requests answered instantly, mapping to
//    the working tree) is given too.
// 2. Validation of 100 findings (validateFindings): a realistic set over that diff (exact anchors,
//    wrong line numbers with the right anchor, anchors retyped by the model — a dropped semicolon,
//    other quotes — and hallucinations), and the worst case: 100 fuzzy anchors each searched in a
//    hunk of 200 near-identical lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FakeOllama } from '../test/fake-ollama/index';
import { serviceFor } from '../test/support/model';
import { silentLogger } from '../src/core/log';
import { parseDiff } from '../src/core/review/parseDiff';
import type { Hunk, RawFinding, StagedFile } from '../src/core/review/types';
import { validateFindings } from '../src/core/review/validate';
import { GitRunner } from '../src/node/git/gitRunner';
import { SecretlintRedactor } from '../src/node/privacy/redact';
import { reviewChanges } from '../src/node/review/review';
import { openWorkspace } from '../src/node/workspace';
import { copyRepo, ensureRepo, RXJS } from './editor/repo';
import { summarize, type Summary } from './stats';

export interface ReviewBenchResult {
  files: number;
  addedLines: number;
  removedLines: number;
  requests: number;
  prepare: Summary;
  whole: Summary;
  validateRealistic: Summary;
  validateWorst: Summary;
}

const TARGET_LINES = 5000;
/** The refactor: RxJS's most used local names, renamed (whole words, comments included, as an IDE rename would not). */
const RENAMES: readonly [RegExp, string][] = [
  [/\bsubscriber\b/g, 'sink'], [/\bsource\b/g, 'upstream'], [/\bvalue\b/g, 'item'], [/\bscheduler\b/g, 'clock'],
  [/\bdestination\b/g, 'target'], [/\bindex\b/g, 'position'], [/\bsubscription\b/g, 'handle'], [/\bobservable\b/g, 'stream'],
];

/** Stages the rename refactor in whole files of `root` until TARGET_LINES lines changed; returns the files. */
function stageRefactor(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) files.push(p);
    }
  };
  walk(join(root, 'src'));
  const touched: string[] = [];
  let changed = 0;
  for (const f of files) {
    if (changed >= TARGET_LINES) break;
    const before = readFileSync(f, 'utf8');
    const after = RENAMES.reduce((t, [from, to]) => t.replace(from, to), before);
    if (after === before) continue;
    const a = before.split('\n');
    const b = after.split('\n');
    changed += b.filter((l, i) => l !== a[i]).length;
    writeFileSync(f, after);
    touched.push(relative(root, f));
  }
  git(root, 'add', '--', ...touched);
  return touched;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function benchReview(runs = 3, validations = 200): Promise<ReviewBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'hearth-review-bench-'));
  const fake = new FakeOllama();
  fake.setDefaultReply(() => ({ response: '{"findings":[]}' }));
  try {
    copyRepo(ensureRepo(RXJS), root);
    stageRefactor(root);
    const diff = git(root, 'diff', '--cached', '-M', '--no-color', '--no-ext-diff');
    const staged = parseDiff(diff);
    let addedLines = 0;
    let removedLines = 0;
    for (const f of staged) for (const h of f.hunks) for (const l of h.lines) {
      if (l.kind === 'added') addedLines++;
      else if (l.kind === 'removed') removedLines++;
    }

    const url = await fake.start(0);
    const { service } = serviceFor(url);
    const session = await service.session('review');
    const gitRunner = new GitRunner(root);
    const workspace = openWorkspace({ root, logger: silentLogger, git: gitRunner, workers: 1, timeBudgetMs: Infinity });
    const prepare: number[] = [];
    const whole: number[] = [];
    let requests = 0;
    try {
      await workspace.build();
      for (let i = 0; i < runs + 1; i++) {
        fake.clearLog();
        const redactor = new SecretlintRedactor(); // a fresh one: no redaction cached from the last run
        const t0 = performance.now();
        const r = await reviewChanges({ git: gitRunner, gate: workspace.gate, scope: { kind: 'staged' }, session, redactor, workspace, think: true });
        const t1 = performance.now();
        const first = fake.requests.find((q) => q.path === '/api/chat');
        if (!first) throw new Error('the review sent no request');
        requests = r.requests;
        if (i === 0) continue; // the first run loads grammars and compiles secretlint's rules
        prepare.push(first.receivedAt - t0);
        whole.push(t1 - t0);
      }
    } finally {
      await workspace.dispose();
    }

    const realistic = realisticFindings(staged);
    const worst = worstCase();
    const time = (raw: readonly RawFinding[], files: readonly StagedFile[]) => {
      const out: number[] = [];
      for (let i = 0; i < validations; i++) {
        const t = performance.now();
        validateFindings(raw, files);
        out.push(performance.now() - t);
      }
      return summarize(out.slice(Math.floor(validations / 10))); // the first tenth warms the JIT up
    };
    return {
      files: staged.length, addedLines, removedLines, requests,
      prepare: summarize(prepare), whole: summarize(whole),
      validateRealistic: time(realistic, staged), validateWorst: time(worst.raw, worst.files),
    };
  } finally {
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const finding = (file: string, line: number, anchor: string, i: number): RawFinding => ({
  file, line, end_line: line, anchor, severity: i % 3 === 0 ? 'high' : 'medium', category: ['bug', 'error-handling', 'performance', 'concurrency'][i % 4],
  confidence: 0.5 + (i % 5) / 10, title: `Finding ${i}: a problem with ${anchor.trim().slice(0, 20)}`, explanation: 'A scenario that triggers it.', fix: null,
});

/**
 * 100 findings over the staged diff, as models give them: 50 exact, 25 with the right anchor on a
 * wrong line (1 to 6 off), 15 with the anchor retyped (a character dropped or changed: fuzzy
 * relocation), 10 hallucinated (an anchor that is no line of the hunk).
 */
function realisticFindings(files: readonly StagedFile[]): RawFinding[] {
  const added: { path: string; line: number; text: string }[] = [];
  for (const f of files) for (const h of f.hunks) for (const l of h.lines) {
    if (l.kind === 'added' && l.newLine !== undefined && l.text.trim().length > 12) added.push({ path: f.path, line: l.newLine, text: l.text });
  }
  const out: RawFinding[] = [];
  const step = Math.max(1, Math.floor(added.length / 100));
  for (let i = 0; i < 100; i++) {
    const a = added[(i * step) % added.length];
    if (i < 50) out.push(finding(a.path, a.line, a.text, i));
    else if (i < 75) out.push(finding(a.path, a.line + 1 + (i % 6), a.text, i));
    else if (i < 90) {
      const t = a.text.trim();
      const k = Math.floor(t.length / 2);
      out.push(finding(a.path, a.line, t.slice(0, k) + (i % 2 ? '' : '_') + t.slice(k + 1), i));
    } else out.push(finding(a.path, a.line, `const hallucinated${i} = await somethingElse(${i});`, i));
  }
  return out;
}

/** One hunk of 200 added lines that differ in one number each, and 100 anchors that match none exactly. */
function worstCase(): { raw: RawFinding[]; files: StagedFile[] } {
  const lines = Array.from({ length: 200 }, (_, i) => `    const value${i} = computeSomething(input.field${i}, options.limit, ${i});`);
  const hunk: Hunk = {
    oldStart: 0, oldLines: 0, newStart: 1, newLines: lines.length, heading: '',
    lines: lines.map((text, i) => ({ kind: 'added' as const, text, newLine: i + 1 })),
  };
  const files: StagedFile[] = [{ path: 'src/many.ts', kind: 'added', binary: false, submodule: false, hunks: [hunk] }];
  const raw = Array.from({ length: 100 }, (_, i) => finding('src/many.ts', (i * 7) % 200 + 1, `const value${i * 2} = computeSomething(input.field${i * 2}, options.limit, ${i * 2})`, i));
  return { raw, files };
}
