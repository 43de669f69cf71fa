// What the editor shows of a review, and what "Apply fix" may do, without the editor: the thread's
// label and body, where a finding on staged lines sits in the working file, and the re-check that
// the code a fix replaces is still the code the model saw. Pure, so each rule is table-tested.
import { stripControls } from '../text/sanitize';
import type { Finding } from './types';

/** "2 of 7": the thread's place among the review's findings (1-based). */
export function threadLabel(index: number, total: number): string {
  return `${index + 1} of ${total}`;
}

const SEVERITY_WORD: Record<Finding['severity'], string> = { high: 'High', medium: 'Medium', low: 'Low' };

/**
 * The comment's Markdown: severity and category, the title, the explanation, then the fix as a code
 * block. Model text is escaped as Markdown (it is shown, never interpreted: no links, no HTML), and
 * the fence is longer than any run of backticks in the fix, so a fix cannot close it early.
 */
export function threadBody(f: Pick<Finding, 'severity' | 'category' | 'title' | 'explanation' | 'fix' | 'confidence'>, language?: string): string {
  // The first line is what the Comments panel lists: severity, category and title together.
  const parts = [
    `**${SEVERITY_WORD[f.severity]}** · ${escapeMarkdown(oneLine(f.category || 'review'))} · **${escapeMarkdown(oneLine(f.title))}**`,
    escapeMarkdown(stripControls(f.explanation).trim()),
    `Confidence ${Math.round(f.confidence * 100)} %`,
  ];
  if (f.fix !== null) {
    const fix = stripControls(f.fix).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
    const longest = Math.max(2, ...[...fix.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    parts.push(`Suggested fix:\n\n${fence}${language ?? ''}\n${fix}\n${fence}`);
  }
  return parts.join('\n\n');
}

function oneLine(s: string): string {
  return stripControls(s).replace(/\s+/g, ' ').trim();
}

/** Markdown's special characters taken literally; line breaks kept. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/**
 * Where staged lines `line..endLine` are in the working tree, through `map` (entry i: the
 * working-tree line of staged line i+1, null when gone; see mapStagedToWorktree): the working-tree
 * range when every line of it is there and they still follow each other, else null (the user
 * removed or rewrote a line of it, or put lines in between). A finding with a null range is listed,
 * never placed.
 */
export function worktreeRange(map: ReadonlyArray<number | null>, line: number, endLine: number): { line: number; endLine: number } | null {
  const first = map[line - 1];
  if (first === null || first === undefined) return null;
  for (let l = line + 1; l <= endLine; l++) {
    if (map[l - 1] !== first + (l - line)) return null;
  }
  return { line: first, endLine: first + (endLine - line) };
}

/** What "Apply fix" needs of the document the fix goes into. */
export interface DocumentLines {
  readonly lineCount: number;
  /** The text of a 0-based line, without its line end. */
  lineAt(line: number): string;
}

export type FixCheck =
  | { readonly ok: true; /** 0-based first and last line to replace. */ readonly startLine: number; readonly endLine: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether a fix may go in: the document's lines from `startLine` (0-based, where the thread is now)
 * must be exactly the lines the model reviewed (`expected`, the staged text of the finding's range),
 * a CR at a line's end aside. Anything else (the user edited them, the file is shorter) refuses.
 */
export function checkFixTarget(doc: DocumentLines, startLine: number, expected: readonly string[]): FixCheck {
  if (expected.length === 0) return { ok: false, reason: 'the finding names no lines' };
  const endLine = startLine + expected.length - 1;
  if (startLine < 0 || endLine >= doc.lineCount) {
    return { ok: false, reason: `lines ${startLine + 1}–${endLine + 1} are no longer in the file` };
  }
  for (let i = 0; i < expected.length; i++) {
    const now = doc.lineAt(startLine + i).replace(/\r$/, '');
    if (now !== expected[i].replace(/\r$/, '')) {
      return { ok: false, reason: `line ${startLine + i + 1} changed since the review` };
    }
  }
  return { ok: true, startLine, endLine };
}

/**
 * The text that replaces the checked lines (from the first one's start to the last one's end, line
 * end excluded): the fix with the document's line ends and without a final line end (the replaced
 * range keeps its own). A fix of nothing removes the lines' text.
 */
export function fixReplacement(fix: string, eol: '\n' | '\r\n'): string {
  return fix.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n').join(eol);
}

/** One edit of a document, in 0-based lines: the replaced range's ends and the text put there. */
export interface LineEdit {
  readonly startLine: number;
  readonly endLine: number;
  /** The replaced range ends at the start of `endLine` (its text is untouched). */
  readonly endsAtLineStart: boolean;
  readonly text: string;
}

/**
 * Where a thread on 0-based lines `start..end` is after an edit: moved by the lines the edit added
 * or removed above it, unchanged by an edit below it, and 'touched' when the edit changed its lines
 * (it stays where it was; "Apply fix" then finds other text and refuses).
 */
export function shiftForEdit(start: number, end: number, edit: LineEdit): { start: number; end: number } | 'touched' {
  const above = edit.endLine < start || (edit.endLine === start && edit.endsAtLineStart && (edit.text === '' || edit.text.endsWith('\n')));
  if (above) {
    const delta = (edit.text.match(/\n/g)?.length ?? 0) - (edit.endLine - edit.startLine);
    return { start: start + delta, end: end + delta };
  }
  if (edit.startLine > end) return { start, end };
  return 'touched';
}
