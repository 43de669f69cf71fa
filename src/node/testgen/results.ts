// From what a runner reported to one result per asked-for name. Runners report tests by their
// own paths (suite > test, Class::method, TestX/sub, test_x[param]); the model named each test
// by its title or function name. A name matches a reported test by its leaf name, its full path,
// or as an ancestor (a suite or class the model called a test); several matches are aggregated.
import type { TestCaseResult, TestStatus } from '../../core/testgen/types';

/** One test as a runner reported it. */
export interface CaseRecord {
  /** Enclosing suites/classes, outermost first. */
  readonly path: readonly string[];
  readonly name: string;
  readonly status: Exclude<TestStatus, 'missing'>;
  readonly message?: string;
  readonly assertion?: boolean;
}

const MAX_MESSAGE = 2000;

/** A failure message trimmed for the model and the report: no colour codes, at most 2000 chars. */
export function trimMessage(text: string): string {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '').trim();
  return plain.length <= MAX_MESSAGE ? plain : `${plain.slice(0, MAX_MESSAGE)}…`;
}

/**
 * The failure reads as an assertion about a value (expect/assert/AssertionError), not a crash.
 * For runners that give only the message text (vitest, jest without matcher details).
 */
export function looksLikeAssertion(message: string): boolean {
  const first = message.trimStart();
  return /^(\w+\.)?AssertionError\b/.test(first)
    || /^(Error:\s*)?expect\(/.test(first)
    || /^assert(\.\w+)?\(/.test(first)
    || /^assert\s/.test(first)
    || /^ERR_ASSERTION\b/.test(first);
}

/** Strips a parameter suffix: `test_x[1-2]` → `test_x`. */
const unparam = (n: string) => n.replace(/\[.*\]$/, '');

function aggregate(name: string, matches: readonly CaseRecord[]): TestCaseResult {
  const failed = matches.find((m) => m.status === 'failed');
  if (failed) {
    return {
      name, status: 'failed',
      ...(failed.message !== undefined ? { message: failed.message } : {}),
      ...(failed.assertion !== undefined ? { assertion: failed.assertion } : {}),
    };
  }
  if (matches.some((m) => m.status === 'passed')) return { name, status: 'passed' };
  const skipped = matches[0];
  return { name, status: 'skipped', ...(skipped.message !== undefined ? { message: skipped.message } : {}) };
}

export interface MissingNote {
  /** Why names went unreported (the file did not load; the run timed out), given to each. */
  readonly message?: string;
}

/** One result per name, in the order asked; `missing` for a name no record matches. */
export function matchResults(names: readonly string[], records: readonly CaseRecord[], missing: MissingNote = {}): Map<string, TestCaseResult> {
  const out = new Map<string, TestCaseResult>();
  for (const name of names) {
    const full = (r: CaseRecord) => [...r.path, r.name];
    let matches = records.filter((r) => r.name === name);
    if (matches.length === 0) matches = records.filter((r) => full(r).join(' > ') === name || full(r).join(' ') === name || full(r).join('.') === name || full(r).join('::') === name);
    if (matches.length === 0) matches = records.filter((r) => r.path.includes(name));
    if (matches.length === 0) matches = records.filter((r) => unparam(r.name) === name || r.name.split('/')[0] === name);
    out.set(name, matches.length > 0 ? aggregate(name, matches) : {
      name, status: 'missing', ...(missing.message !== undefined ? { message: missing.message } : {}),
    });
  }
  return out;
}
