// The review feature's data: what is staged (parsed from git's diff of the index), and what the model
// reports about it. Line numbers are 1-based; "staged" lines are lines of the index blob, which is
// what will be committed; the working tree may differ (unstaged edits) and is mapped separately.

/** How a file changed between HEAD and the index. */
export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied';

export interface DiffLine {
  readonly kind: 'context' | 'added' | 'removed';
  /** The line's text, without its line end (a CR of a CRLF line is kept off too). */
  readonly text: string;
  /** Line number in the staged (new) text; absent for removed lines. */
  readonly newLine?: number;
  /** Line number in HEAD's (old) text; absent for added lines. */
  readonly oldLine?: number;
}

export interface Hunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** The `@@ … @@ heading` text after the second `@@`, if any (git's function context). */
  readonly heading: string;
  readonly lines: readonly DiffLine[];
}

export interface StagedFile {
  /** Path in the index (the new path of a rename or copy), relative to the repository root, '/'-separated. */
  readonly path: string;
  /** The old path of a rename or copy. */
  readonly oldPath?: string;
  readonly kind: ChangeKind;
  /** Similarity of a rename or copy, 0–100. */
  readonly similarity?: number;
  readonly oldMode?: string;
  readonly newMode?: string;
  /** Git reported the file as binary: listed, never reviewed. */
  readonly binary: boolean;
  /** A submodule pointer (mode 160000): listed, never reviewed. */
  readonly submodule: boolean;
  /** The file's hunks; empty for binary files, pure renames and mode-only changes. */
  readonly hunks: readonly Hunk[];
  /** The staged text had no newline at its end. */
  readonly noNewlineAtEnd?: boolean;
}

/** A file that is not sent to the model, and why (shown to the user, `skipped` in the CLI's JSON). */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export type Severity = 'high' | 'medium' | 'low';

/** One finding exactly as the model's reply gives it (the schema's field names). */
export interface RawFinding {
  readonly file: string;
  readonly line: number;
  readonly end_line: number;
  readonly anchor: string;
  readonly severity: Severity;
  readonly category: string;
  readonly confidence: number;
  readonly title: string;
  readonly explanation: string;
  readonly fix: string | null;
}

/** A finding that passed validation: anchored on staged lines `line..endLine` of `path`. */
export interface Finding {
  readonly path: string;
  readonly line: number;
  readonly endLine: number;
  readonly severity: Severity;
  readonly category: string;
  readonly confidence: number;
  readonly title: string;
  readonly explanation: string;
  /** Replaces staged lines line..endLine; null: no fix offered. */
  readonly fix: string | null;
  /** How far the model's line number was moved to the line its anchor names (0: exact). */
  readonly relocatedBy: number;
}

/** A finding that did not pass, with the reason; reachable behind "Show skipped" and as `dropped` in JSON. */
export interface DroppedFinding {
  readonly finding: RawFinding;
  readonly reason: string;
}
