// A finished review as the CLI prints it: the JSON issue 11 fixes, SARIF 2.1.0 for code-scanning
// tools, and text for a terminal. Pure: the caller hands in the review's result.
import type * as Sarif from 'sarif';
import { stripControls } from '../text/sanitize';
import type { DroppedFinding, Finding, Severity, SkippedFile } from './types';

/** What a report needs of a review (ReviewResult has it). */
export interface ReviewReport {
  readonly reviewed: readonly string[];
  readonly skipped: readonly SkippedFile[];
  readonly findings: ReadonlyArray<Finding & { readonly worktreeLine: number | null }>;
  readonly dropped: readonly DroppedFinding[];
  readonly incomplete?: { readonly reason: string };
}

/** `--fail-on`: the least severity that fails the run; 'none' never does. */
export type FailOn = Severity | 'none';

const RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** True when a finding is at or above the threshold. */
export function failsOn(report: ReviewReport, failOn: FailOn): boolean {
  return failOn !== 'none' && report.findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

/**
 * Exactly `{reviewed:[path], skipped:[{path,reason}], findings:[{path,line,endLine,worktreeLine,
 * severity,category,confidence,title,explanation,fix}], dropped:[{...,reason}]}`. A dropped finding
 * carries its fields as the model gave them (its path as written, its own line numbers), then the reason.
 */
export function reviewJson(report: ReviewReport): unknown {
  return {
    reviewed: [...report.reviewed],
    skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    findings: report.findings.map((f) => ({
      path: f.path, line: f.line, endLine: f.endLine, worktreeLine: f.worktreeLine, severity: f.severity, category: f.category,
      confidence: f.confidence, title: f.title, explanation: f.explanation, fix: f.fix,
    })),
    dropped: report.dropped.map(({ finding: d, reason }) => ({
      path: d.file, line: d.line, endLine: d.end_line, severity: d.severity, category: d.category,
      confidence: d.confidence, title: d.title, explanation: d.explanation, fix: d.fix, reason,
    })),
  };
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Sarif.Result.level> = { high: 'error', medium: 'warning', low: 'note' };

/**
 * SARIF 2.1.0: one run, a rule per category, a result per finding on its staged lines (what will be
 * committed) relative to the repository root (`SRCROOT`), a fix as a replacement of those lines.
 * Files not reviewed are tool notifications; an incomplete review is an unsuccessful invocation.
 */
export function reviewSarif(report: ReviewReport, tool: { name: string; version: string; /** The repository root as a file: URI ending in '/'. */ rootUri?: string }): Sarif.Log {
  const categories = [...new Set(report.findings.map((f) => f.category || 'review'))].sort();
  const rules: Sarif.ReportingDescriptor[] = categories.map((id) => ({ id, shortDescription: { text: `Review finding: ${id}` } }));
  const results: Sarif.Result[] = report.findings.map((f) => {
    const artifactLocation: Sarif.ArtifactLocation = { uri: uriOf(f.path), uriBaseId: 'SRCROOT' };
    const region: Sarif.Region = { startLine: f.line, endLine: f.endLine };
    const result: Sarif.Result = {
      ruleId: f.category || 'review',
      ruleIndex: categories.indexOf(f.category || 'review'),
      level: LEVEL[f.severity],
      message: { text: `${f.title}\n\n${f.explanation}` },
      locations: [{ physicalLocation: { artifactLocation, region } }],
      properties: { severity: f.severity, confidence: f.confidence, worktreeLine: f.worktreeLine },
    };
    if (f.fix !== null) {
      result.fixes = [{
        description: { text: f.title },
        artifactChanges: [{ artifactLocation, replacements: [{ deletedRegion: region, insertedContent: { text: f.fix.endsWith('\n') ? f.fix : `${f.fix}\n` } }] }],
      }];
    }
    return result;
  });
  const notifications: Sarif.Notification[] = report.skipped.map((s) => ({
    level: 'note',
    message: { text: `Not reviewed: ${s.path}: ${s.reason}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(s.path), uriBaseId: 'SRCROOT' } } }],
  }));
  const invocation: Sarif.Invocation = {
    executionSuccessful: report.incomplete === undefined,
    ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
    ...(report.incomplete ? { toolConfigurationNotifications: [{ level: 'error', message: { text: report.incomplete.reason } }] } : {}),
  };
  const run: Sarif.Run = {
    tool: { driver: { name: tool.name, version: tool.version, rules } },
    invocations: [invocation],
    results,
    columnKind: 'utf16CodeUnits',
  };
  if (tool.rootUri !== undefined) run.originalUriBaseIds = { SRCROOT: { uri: tool.rootUri } };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** A repository-relative path as a relative URI reference (each segment percent-encoded). */
function uriOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * For a terminal: per file, each finding with its severity, file:line, title, explanation and fix;
 * then what was not reviewed and why, and one summary line. Model and repository text pass through
 * stripControls: no escape sequence of theirs acts on the terminal.
 */
export function reviewText(report: ReviewReport): string {
  const out: string[] = [];
  const byPath = new Map<string, Array<ReviewReport['findings'][number]>>();
  for (const f of report.findings) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
  for (const [path, list] of byPath) {
    out.push(clean(path));
    for (const f of list) {
      const where = `${clean(f.path)}:${f.line}${f.endLine > f.line ? `-${f.endLine}` : ''}`;
      const moved = f.worktreeLine === null ? ' (line gone from the working tree)' : f.worktreeLine !== f.line ? ` (working tree: line ${f.worktreeLine})` : '';
      out.push(`  ${f.severity.toUpperCase().padEnd(6)} ${where}${moved}  [${clean(f.category)}, confidence ${f.confidence}]`);
      out.push(`         ${clean(f.title)}`);
      for (const line of clean(f.explanation).split('\n')) out.push(`         ${line}`);
      if (f.fix !== null) {
        out.push('         fix:');
        for (const line of clean(f.fix).split('\n')) out.push(`         | ${line}`);
      }
      out.push('');
    }
  }
  if (report.skipped.length) {
    out.push('Not reviewed:');
    for (const s of report.skipped) out.push(`  ${clean(s.path)}: ${clean(s.reason)}`);
    out.push('');
  }
  const counts = (['high', 'medium', 'low'] as const).map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const findings = report.findings.length === 0 ? 'no findings' : `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})`;
  const dropped = report.dropped.length ? `; ${report.dropped.length} dropped in validation (see --format json)` : '';
  out.push(`${report.incomplete ? 'Review INCOMPLETE: ' : ''}${report.reviewed.length} file${report.reviewed.length === 1 ? '' : 's'} reviewed, ${findings}${dropped}.`);
  return out.join('\n');
}

function clean(text: string): string {
  return stripControls(text).replace(/\r\n?/g, '\n');
}
