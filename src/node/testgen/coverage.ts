// Lines of the target a run executed, from each tool's own report: istanbul's coverage-final.json
// (jest, vitest), V8's raw coverage (NODE_V8_COVERAGE: node:test, mocha), Go's cover profile and
// coverage.py's JSON report. Each returns undefined when the report does not mention the target.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CoverageOfTarget } from '../../core/testgen/types';

const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

interface IstanbulFile {
  path?: string;
  statementMap: Record<string, { start: { line: number } }>;
  s: Record<string, number>;
}

/** Statement start lines of `absTarget` in an istanbul coverage-final.json, covered and all. */
export function istanbulLines(report: unknown, absTarget: string): CoverageOfTarget | undefined {
  if (report === null || typeof report !== 'object') return undefined;
  const entry = (report as Record<string, IstanbulFile>)[absTarget]
    ?? Object.values(report as Record<string, IstanbulFile>).find((f) => f?.path === absTarget);
  if (!entry?.statementMap || !entry.s) return undefined;
  const covered = new Set<number>();
  const executable = new Set<number>();
  for (const [id, loc] of Object.entries(entry.statementMap)) {
    executable.add(loc.start.line);
    if ((entry.s[id] ?? 0) > 0) covered.add(loc.start.line);
  }
  return { covered: sorted(covered), executable: sorted(executable) };
}

interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

/**
 * Lines of `absTarget` that ran, from V8 coverage files in `dir` (one per process). A line counts
 * as run when the innermost range holding its first non-blank character ran; lines are taken
 * from `sourceText`, the file as it was run (offsets are in UTF-16 units, as JS strings are).
 */
export async function v8Lines(dir: string, absTarget: string, sourceText: string): Promise<CoverageOfTarget | undefined> {
  const url = pathToFileURL(absTarget).href;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  } catch {
    return undefined;
  }
  const rangeSets: V8Range[][] = [];
  for (const f of files) {
    let data: { result?: { url: string; functions: { ranges: V8Range[] }[] }[] };
    try {
      data = JSON.parse(await readFile(join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    for (const script of data.result ?? []) {
      if (script.url === url) rangeSets.push(script.functions.flatMap((fn) => fn.ranges));
    }
  }
  if (rangeSets.length === 0) return undefined;
  const covered = new Set<number>();
  const executable = new Set<number>();
  let offset = 0;
  const lines = sourceText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    const text = line.trim();
    const at = offset + indent;
    offset += line.length + 1;
    if (text === '' || text.startsWith('//') || text === '}' || text === '};' || text === '});' || text.startsWith('*') || text.startsWith('/*')) continue;
    executable.add(i + 1);
    for (const ranges of rangeSets) {
      let best: V8Range | undefined;
      for (const r of ranges) {
        if (r.startOffset <= at && at < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
      }
      if (best && best.count > 0) {
        covered.add(i + 1);
        break;
      }
    }
  }
  return { covered: sorted(covered), executable: sorted(executable) };
}

/** Lines of the file `importPath/name.go` in a `go test -coverprofile` profile. */
export function goProfileLines(profile: string, fileKey: string): CoverageOfTarget | undefined {
  const covered = new Set<number>();
  const executable = new Set<number>();
  let seen = false;
  for (const line of profile.split('\n')) {
    // example.com/m/pkg/file.go:3.24,5.2 1 1
    const m = /^(.+):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$/.exec(line.trim());
    if (!m || m[1] !== fileKey) continue;
    seen = true;
    const [start, end, count] = [Number(m[2]), Number(m[3]), Number(m[5])];
    for (let l = start; l <= end; l++) {
      executable.add(l);
      if (count > 0) covered.add(l);
    }
  }
  if (!seen) return undefined;
  // A block covered in one run and not in another (overlapping blocks): covered wins.
  return { covered: sorted(covered), executable: sorted(executable) };
}

/** Lines of `absTarget` in coverage.py's `coverage json` report. */
export function coveragePyLines(report: unknown, absTarget: string): CoverageOfTarget | undefined {
  const files = (report as { files?: Record<string, { executed_lines?: number[]; missing_lines?: number[] }> } | null)?.files;
  if (!files) return undefined;
  const entry = files[absTarget] ?? Object.entries(files).find(([k]) => absTarget.endsWith(`/${k}`))?.[1];
  if (!entry) return undefined;
  const covered = entry.executed_lines ?? [];
  return { covered: [...covered].sort((a, b) => a - b), executable: [...covered, ...(entry.missing_lines ?? [])].sort((a, b) => a - b) };
}
