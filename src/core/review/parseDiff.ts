// Git's unified diff of the index (or the work tree) against a base, parsed into the files a review
// is about. The `diff` package parses the hunks and most of git's extended headers (rename and
// copy, new/deleted file mode, old/new mode, binary, C-quoted paths); this module adds what it
// leaves out: the similarity, the mode on the `index` line (how a submodule pointer or a symbolic
// link shows when its mode did not change), the hunk headings, line numbers, CR of CRLF lines, and
// which side ends without a newline. Pure: no Node I/O.
import { diffLines, parsePatch, type StructuredPatch } from 'diff';
import type { ChangeKind, DiffLine, Hunk, StagedFile } from './types';

/**
 * The diff options the parser expects, after `git diff` and a base (`--cached <base>` for the index).
 * Each one overrides a config key that would change the output's shape: `a/`/`b/` prefixes (not
 * `diff.noprefix` or `diff.mnemonicPrefix`), paths from the repository root (not `diff.relative`),
 * full object names, a submodule as its pointer line (not `diff.submodule=log`), submodules compared
 * by commit only (no git run inside their work trees), three lines of context (not `diff.context`).
 * Paths that git C-quotes (`core.quotePath`, tabs, quotes) are unquoted by the parser.
 */
export const DIFF_ARGS: readonly string[] = [
  '-M', '-C', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative',
  '--full-index', '--submodule=short', '--ignore-submodules=dirty', '--unified=3',
];

export const SUBMODULE_MODE = '160000';
export const SYMLINK_MODE = '120000';

/**
 * Every file of `git diff` output made with DIFF_ARGS, in git's order. Hunk starts and counts are
 * the hunk header's own numbers (for a side with no lines, the start is the line before the hunk,
 * 0 at the top, as git writes it). Throws when a file's section is not a unified diff.
 */
export function parseDiff(output: string): StagedFile[] {
  return splitSections(output).map(parseSection);
}

/** Each `diff --git` section; a hunk line never starts with `diff`, so the split is exact. */
function splitSections(output: string): string[] {
  const sections: string[] = [];
  const lines = output.split('\n');
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('diff --git ')) continue;
    if (start >= 0) sections.push(lines.slice(start, i).join('\n'));
    start = i;
  }
  if (start >= 0) sections.push(lines.slice(start).join('\n'));
  return sections;
}

interface ExtendedHeaders {
  similarity?: number;
  /** The mode on the `index <old>..<new> <mode>` line: the file's mode on both sides. */
  indexMode?: string;
  /** The text after the second `@@` of each hunk header, in order. */
  headings: string[];
}

function parseSection(section: string): StagedFile {
  let patch: StructuredPatch;
  try {
    const parsed = parsePatch(section);
    if (parsed.length !== 1) throw new Error(`${parsed.length} patches in one section`);
    patch = parsed[0];
  } catch (e) {
    throw new Error(`cannot parse the diff section "${firstLine(section)}": ${e instanceof Error ? e.message : String(e)}`);
  }
  const ext = readExtendedHeaders(section);
  const oldName = stripPrefix(patch.oldFileName, 'a/');
  const newName = stripPrefix(patch.newFileName, 'b/');
  const kind: ChangeKind = patch.isCreate ? 'added' : patch.isDelete ? 'deleted' : patch.isRename ? 'renamed' : patch.isCopy ? 'copied' : 'modified';
  const path = kind === 'deleted' ? oldName : newName;
  if (path === undefined) throw new Error(`cannot find the path in the diff section "${firstLine(section)}"`);

  // A mode the `index` line gives holds on each side that exists.
  const oldMode = patch.oldMode ?? (kind === 'added' ? undefined : ext.indexMode);
  const newMode = patch.newMode ?? (kind === 'deleted' ? undefined : ext.indexMode);
  const hunks = patch.hunks.map((h, i) => toHunk(h, ext.headings[i] ?? ''));
  const noNewlineAtEnd = kind !== 'deleted' && newSideEndsWithoutNewline(patch);
  return {
    path,
    ...(kind === 'renamed' || kind === 'copied' ? { oldPath: oldName } : {}),
    kind,
    ...(ext.similarity !== undefined ? { similarity: ext.similarity } : {}),
    ...(oldMode !== undefined ? { oldMode } : {}),
    ...(newMode !== undefined ? { newMode } : {}),
    binary: patch.isBinary === true,
    submodule: oldMode === SUBMODULE_MODE || newMode === SUBMODULE_MODE,
    hunks,
    ...(noNewlineAtEnd ? { noNewlineAtEnd: true } : {}),
  };
}

/** What parsePatch does not keep: similarity, the `index` line's mode, hunk headings. */
function readExtendedHeaders(section: string): ExtendedHeaders {
  const ext: ExtendedHeaders = { headings: [] };
  let inHeader = true;
  for (const line of section.split('\n')) {
    if (inHeader) {
      if (line.startsWith('--- ') || line.startsWith('@@ ')) inHeader = false;
      const sim = /^similarity index (\d+)%$/.exec(line);
      if (sim) ext.similarity = Number(sim[1]);
      const index = /^index [0-9a-f]+\.\.[0-9a-f]+ (\d{6})$/.exec(line);
      if (index) ext.indexMode = index[1];
    }
    // A hunk line starts with ' ', '+', '-' or '\', so '@@ ' starts only hunk headers.
    const hunk = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/.exec(line);
    if (hunk) ext.headings.push(hunk[1].replace(/\r$/, ''));
  }
  return ext;
}

type PatchHunk = StructuredPatch['hunks'][number];

function toHunk(h: PatchHunk, heading: string): Hunk {
  const lines: DiffLine[] = [];
  // parsePatch moves the start of an empty side one line on; git's header says the line before.
  let oldLine = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
  let newLine = h.newLines === 0 ? h.newStart - 1 : h.newStart;
  const oldStart = oldLine;
  const newStart = newLine;
  for (const raw of h.lines) {
    const op = raw[0];
    const text = stripCr(raw.slice(1));
    if (op === '+') lines.push({ kind: 'added', text, newLine: newLine++ });
    else if (op === '-') lines.push({ kind: 'removed', text, oldLine: oldLine++ });
    // parsePatch reads an empty line inside a hunk as context (git's diff.suppressBlankEmpty).
    else if (op === ' ' || op === undefined) lines.push({ kind: 'context', text, oldLine: oldLine++, newLine: newLine++ });
    // '\': "No newline at end of file", read by newSideEndsWithoutNewline.
  }
  return { oldStart, oldLines: h.oldLines, newStart, newLines: h.newLines, heading, lines };
}

/** The marker after a line that is on the new side (added or context) says the staged text has no final newline. */
function newSideEndsWithoutNewline(patch: StructuredPatch): boolean {
  const last = patch.hunks.at(-1);
  if (!last) return false;
  for (let i = 1; i < last.lines.length; i++) {
    if (last.lines[i].startsWith('\\') && !last.lines[i - 1].startsWith('-')) return true;
  }
  return false;
}

function firstLine(section: string): string {
  return section.split('\n', 1)[0].slice(0, 300);
}

function stripPrefix(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The CR of a CRLF line end (git keeps it in the line); one only, a CR inside the line stays. */
function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/**
 * Where each staged line is in the working tree: entry `i` is the working-tree line (1-based) of
 * staged line `i + 1`, or null when the working tree changed or removed that line. A CRLF working
 * tree over an LF index (core.autocrlf) and a missing final newline are not differences. When the
 * texts are too different to compare within `timeoutMs`, every line is null (unknown).
 */
export function mapStagedToWorktree(staged: string, worktree: string, timeoutMs = 2000): Array<number | null> {
  const map: Array<number | null> = [];
  if (staged === worktree) {
    const n = countLines(staged);
    for (let i = 1; i <= n; i++) map.push(i);
    return map;
  }
  const changes = diffLines(staged, worktree, { stripTrailingCr: true, ignoreNewlineAtEof: true, timeout: timeoutMs });
  if (!changes) return new Array<number | null>(countLines(staged)).fill(null);
  let wt = 1;
  for (const c of changes) {
    if (c.added) wt += c.count;
    else if (c.removed) for (let i = 0; i < c.count; i++) map.push(null);
    else for (let i = 0; i < c.count; i++) map.push(wt++);
  }
  return map;
}

/** Lines of a text: a final line end does not start another line. */
function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (i < text.length - 1) n++;
  return n;
}
