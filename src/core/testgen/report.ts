// A finished test generation as the CLI prints it: the JSON issue 12 fixes, and text for a terminal
// (each kept test with its outcome, each dropped one with the reason, possible bugs set apart).
// Pure: the caller hands in the pipeline's report.
import { stripControls } from '../text/sanitize';
import type { TestGenReport } from './types';

/**
 * Exactly `{framework, testFile, kept:[{name, runs, passed, coverageGain}], dropped:[{name, reason,
 * possibleBug}]}`: the report without the code.
 */
export function testGenJson(r: TestGenReport): unknown {
  return {
    framework: r.framework,
    testFile: r.testFile,
    kept: r.kept.map((k) => ({ name: k.name, runs: k.runs, passed: k.passed, coverageGain: k.coverageGain })),
    dropped: r.dropped.map((d) => ({ name: d.name, reason: d.reason, possibleBug: d.possibleBug })),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function indent(text: string, by: string): string {
  return text.split('\n').map((l, i) => (i === 0 ? l : `${by}${l}`)).join('\n');
}

/** For a terminal: repository and model text goes through stripControls, so no escape sequence of it acts there. */
export function testGenText(r: TestGenReport, opts: { written?: boolean } = {}): string {
  const out: string[] = [`${r.framework} tests for ${stripControls(r.testFile)}`];
  if (r.executionRefused) {
    out.push('', `Not run: ${stripControls(r.executionRefused)}`);
    const unverified = r.unverified ?? [];
    if (unverified.length) out.push(`${plural(unverified.length, 'test was', 'tests were')} generated but not checked:`, ...unverified.map((t) => `  ? ${stripControls(t.name)}`));
  }
  if (r.kept.length) {
    out.push('', 'Kept:');
    for (const k of r.kept) {
      const gain = k.coverageGain === null ? '' : `, +${plural(k.coverageGain, 'line')} covered`;
      out.push(`  ✓ ${stripControls(k.name)}: passed ${k.passed}/${k.runs}${gain}`);
    }
  }
  const bugs = r.dropped.filter((d) => d.possibleBug);
  const others = r.dropped.filter((d) => !d.possibleBug);
  if (bugs.length) {
    out.push('', 'Possible bugs (tests that fail on an assertion about the code):');
    for (const d of bugs) out.push(`  ! ${stripControls(d.name)}: ${indent(stripControls(d.reason), '      ')}`);
  }
  if (others.length) {
    out.push('', 'Dropped:');
    for (const d of others) out.push(`  ✗ ${stripControls(d.name)}: ${indent(stripControls(d.reason), '      ')}`);
  }
  if (r.coverageNote && r.kept.length) out.push('', `Coverage: ${stripControls(r.coverageNote)}`);
  const tail = [`${plural(r.kept.length, 'test')} kept`, `${r.dropped.length} dropped`];
  if (bugs.length) tail.push(`${plural(bugs.length, 'possible bug')}`);
  tail.push(plural(r.requests, 'model request'));
  out.push('', `${tail.join(', ')}${opts.written && r.kept.length ? `; written to ${stripControls(r.testFile)}` : ''}.`);
  return out.join('\n');
}
