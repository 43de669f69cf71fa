// Staged-diff data for review tests, written the way a unified diff reads.
import type { DiffLine, Hunk, StagedFile } from '../../src/core/review/types';

/** A hunk from lines written as in a unified diff: ' ' context, '+' added, '-' removed. */
export function hunk(newStart: number, written: readonly string[], oldStart = newStart): Hunk {
  let n = newStart;
  let o = oldStart;
  const lines: DiffLine[] = written.map((w) => {
    const text = w.slice(1);
    if (w[0] === '+') return { kind: 'added', text, newLine: n++ };
    if (w[0] === '-') return { kind: 'removed', text, oldLine: o++ };
    return { kind: 'context', text, newLine: n++, oldLine: o++ };
  });
  return {
    oldStart, newStart, heading: '', lines,
    oldLines: lines.filter((l) => l.kind !== 'added').length,
    newLines: lines.filter((l) => l.kind !== 'removed').length,
  };
}

/** A modified text file with these hunks. */
export function staged(path: string, hunks: readonly Hunk[], more: Partial<StagedFile> = {}): StagedFile {
  return { path, kind: 'modified', binary: false, submodule: false, hunks, ...more };
}
