// How two lines of code are compared, by the stream's checks (an echo of the next line, repeated
// lines) and by the post-processor (a completion that duplicates the code around it).
import { editDistanceAtMost } from '../text/editDistance';

/**
 * The form in which two lines are compared: without whitespace, without a trailing `;` or `,`,
 * with one quote style. `return a+b;` and `  return a + b` compare equal.
 */
export function normalizeLine(line: string): string {
  let s = line.replace(/\s+/g, '');
  while (s.endsWith(';') || s.endsWith(',')) s = s.slice(0, -1);
  return s.replace(/['`]/g, '"');
}

/** Lines worth comparing: some word character, at least 3 characters, not just `end` or `}`. */
export function isSignificantLine(norm: string): boolean {
  if (norm.length < 3 || !/[A-Za-z0-9_]/.test(norm)) return false;
  return !/^(end|fi|done|esac|endif|else|pass|break|continue)[)\]};,.]*$/.test(norm);
}

/**
 * Near-equal normalized lines: equal, or for lines of 24+ characters at most one edit per 24
 * characters. Short lines must match exactly, so `push(1)` above an existing `push(2)` survives.
 */
export function nearEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const longer = Math.max(a.length, b.length);
  if (Math.min(a.length, b.length) < 24 || longer > 400) return false;
  const budget = Math.floor(longer / 24);
  return editDistanceAtMost(a, b, budget) <= budget;
}
