// What a review is about: the changes of one repository, from one `git diff` through the safe git
// runner (one diff of the whole change set, split afterwards, so a rename is seen as one), parsed
// by parseDiff, then sorted into the files sent to the model and the files listed as not reviewed
// with the reason. The reviewed text is the INDEX blob for staged changes (what will be committed),
// the working-tree file only for "all uncommitted changes".
//
// Git is started a fixed number of times, whatever the number of files: the gate asks one `git
// ls-files` for all the paths and the staged blobs come from one `git cat-file --batch-check` and
// one `--batch` (a process per file cost 100-200 ms each on a busy machine).
//
// Encodings: git's diff reaches us decoded as UTF-8, so a file that is not UTF-8 cannot be
// reviewed faithfully (its diff is already lossy); such a file is skipped with the reason rather
// than guessed at. The staged blobs are read as bytes and decoded strictly.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSecretPath } from '../../core/privacy/secretPaths';
import { DIFF_ARGS, SYMLINK_MODE, parseDiff } from '../../core/review/parseDiff';
import type { DiffLine, SkippedFile, StagedFile } from '../../core/review/types';
import { MAX_SOURCE_BYTES, looksBinary } from '../fs/readText';
import { GitError, type GitRunner } from '../git/gitRunner';
import type { PathVerdict, PrivacyGate } from '../privacy/gate';

/** What to review: the index against HEAD, the work tree against HEAD, or one file's staged changes. */
export type ReviewScope =
  | { readonly kind: 'staged' }
  | { readonly kind: 'uncommitted' }
  /** `path` is relative to the repository root, '/'-separated; a rename is found by either name. */
  | { readonly kind: 'file'; readonly path: string };

export interface CollectedChanges {
  readonly scope: ReviewScope;
  /** The repository's root (git's top level). */
  readonly root: string;
  /** The commit compared with, or the empty tree when HEAD is unborn (no commit yet). */
  readonly base: string;
  readonly unbornHead: boolean;
  /**
   * Every changed file git reported, reviewed or not, in git's order (for 'uncommitted', then the
   * untracked files that could be read; one that could not is only in `skipped`).
   */
  readonly changed: readonly StagedFile[];
  /** The files sent to the model. */
  readonly files: readonly StagedFile[];
  /** The reviewed text of each file in `files`, by path: its index blob (its working-tree file for 'uncommitted'). */
  readonly texts: ReadonlyMap<string, string>;
  /** Every changed file not sent to the model, with the reason. */
  readonly skipped: readonly SkippedFile[];
  /**
   * The gate's verdict on each file of `files`, by the path it judged (root-relative to the gate's
   * root): the workspace pack need not ask again (PackOptions.judged).
   */
  readonly verdicts: ReadonlyMap<string, PathVerdict>;
}

export interface CollectOptions {
  readonly git: GitRunner;
  /** Judges every path before its text may go to the model. */
  readonly gate: PrivacyGate;
  readonly scope: ReviewScope;
  readonly signal?: AbortSignal;
}

/** The tree with no entries: the base of a repository with no commit. */
export const EMPTY_TREE = { sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321' } as const;

const DIFF_TIMEOUT_MS = 60_000;
/** Working-tree files read at once. */
const READ_CONCURRENCY = 4;

export async function collectChanges(opts: CollectOptions): Promise<CollectedChanges> {
  const { git, scope, signal } = opts;
  const repo = await resolveRepository(git, signal);
  const staged = scope.kind !== 'uncommitted';
  const diff = await git.run(['diff', ...(staged ? ['--cached'] : []), ...DIFF_ARGS, repo.base, '--'], { signal, timeoutMs: DIFF_TIMEOUT_MS });
  let changed = parseDiff(diff);
  if (scope.kind === 'file') changed = changed.filter((f) => f.path === scope.path || f.oldPath === scope.path);
  const skipped: SkippedFile[] = [];
  if (scope.kind === 'uncommitted') {
    const untracked = await untrackedFiles(git, opts.gate, repo.root, signal);
    changed = [...changed, ...untracked.files];
    skipped.push(...untracked.skipped);
  }

  // The gate judges every path that survives the cheaper reasons at once (one git for all).
  const early = changed.map((file) => ({ file, why: structuralReason(file) ?? noiseByName(file.path) ?? renamedSecret(file) }));
  const verdictOf = await opts.gate.admitFiles(early.filter((e) => e.why === undefined).map((e) => join(repo.root, e.file.path)));
  const candidates: StagedFile[] = [];
  for (const { file, why } of early) {
    const verdict = why === undefined ? verdictOf.get(join(repo.root, file.path)) : undefined;
    const refused = why ?? (verdict && !verdict.admitted ? verdict.message : undefined);
    if (refused !== undefined) skipped.push({ path: file.path, reason: refused });
    else candidates.push(file);
  }

  const reads = staged
    ? await readStagedTexts(git, candidates.map((f) => f.path), signal)
    : new Map((await mapLimit(candidates, READ_CONCURRENCY, async (f) => [f.path, await readWorktreeText(repo.root, f.path)] as const)));
  const texts = new Map<string, string>();
  const files: StagedFile[] = [];
  const verdicts = new Map<string, PathVerdict>();
  for (const file of candidates) {
    const text = reads.get(file.path)!;
    const why = text.ok ? noiseByContent(text.text) : text.reason;
    if (why !== undefined) skipped.push({ path: file.path, reason: why });
    else if (text.ok) {
      files.push(file);
      texts.set(file.path, text.text);
      const verdict = verdictOf.get(join(repo.root, file.path));
      if (verdict?.admitted) verdicts.set(verdict.path, verdict);
    }
  }
  return { scope, root: repo.root, base: repo.base, unbornHead: repo.unborn, changed, files, texts, skipped, verdicts };
}

interface Repository {
  readonly root: string;
  readonly base: string;
  readonly unborn: boolean;
}

async function resolveRepository(git: GitRunner, signal?: AbortSignal): Promise<Repository> {
  const [root, format] = (await git.run(['rev-parse', '--show-toplevel', '--show-object-format'], { signal })).trim().split('\n');
  try {
    const head = (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { signal })).trim();
    return { root, base: head, unborn: false };
  } catch (e) {
    // Exit 1 with --quiet: HEAD names no commit yet (an unborn branch).
    if (!(e instanceof GitError && e.code === 1)) throw e;
    return { root, base: format === 'sha256' ? EMPTY_TREE.sha256 : EMPTY_TREE.sha1, unborn: true };
  }
}

/** Files that have nothing a model can comment on, whatever their content. */
function structuralReason(f: StagedFile): string | undefined {
  if (f.kind === 'deleted') return 'deleted: no staged line to comment on';
  if (f.submodule) return 'submodule: only the commit it points to changed (review it in its own repository)';
  if (f.binary) return 'binary file';
  if (f.newMode === SYMLINK_MODE) return 'symbolic link: only the path it points to changed';
  if (f.hunks.length === 0) {
    if (f.kind === 'added') return 'empty file';
    if (f.kind === 'renamed') return `renamed from ${f.oldPath ?? '?'} without changes to its content`;
    if (f.kind === 'copied') return `copied from ${f.oldPath ?? '?'} without changes to its content`;
    if (f.oldMode !== f.newMode) return `only its mode changed (${f.oldMode ?? '?'} → ${f.newMode ?? '?'})`;
    return 'no change to its content';
  }
  if (!f.hunks.some((h) => h.lines.some((l) => l.kind === 'added'))) return 'lines removed only: no staged line to comment on';
  return undefined;
}

/**
 * The old path of a rename or copy no longer exists in the index (git would call it ignored), so it
 * is judged by its name alone: content that comes from a secret-looking file is not sent under its
 * new name either. The new path is the gate's to judge.
 */
function renamedSecret(f: StagedFile): string | undefined {
  if (f.oldPath !== undefined && isSecretPath(f.oldPath)) {
    return `${f.path} comes from ${f.oldPath}, which looks like a secret: Hearth never sends it to a model.`;
  }
  return undefined;
}

/** Lockfiles: written by package managers, reviewed by nobody. Lower-case file names. */
const LOCKFILES: ReadonlySet<string> = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'deno.lock',
  'cargo.lock', 'poetry.lock', 'pipfile.lock', 'pdm.lock', 'uv.lock', 'go.sum', 'go.work.sum', 'composer.lock',
  'gemfile.lock', 'podfile.lock', 'pubspec.lock', 'mix.lock', 'flake.lock', 'packages.lock.json', 'gradle.lockfile',
  'package.resolved', 'paket.lock', 'conan.lock', 'shard.lock',
]);

/** Minified bundles and source maps, by name. */
const MINIFIED_NAME = /\.min\.(js|mjs|cjs|css)$|\.(js|mjs|cjs|css)\.map$|\.map$/i;

/** A lockfile or a minified file, told by its name. */
export function noiseByName(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (LOCKFILES.has(name)) return 'lockfile: written by the package manager';
  if (MINIFIED_NAME.test(name)) return name.endsWith('.map') ? 'source map: generated' : 'minified file';
  return undefined;
}

/** Markers tools write at the top of what they generate (Go's convention, Facebook's @generated, .NET, protoc). */
const GENERATED_MARKERS: readonly RegExp[] = [
  /@generated\b/,
  /\bCode generated\b.*\bDO NOT EDIT\b/,
  /\bDO NOT EDIT\b/,
  /<auto-generated\b/i,
  /\b(?:this (?:file|code) (?:is|was) )(?:auto(?:matically)?[- ]?)generated\b/i,
  /\bGenerated by the protocol buffer compiler\b/,
];
/** How far from the top a marker counts. */
const HEADER_LINES = 10;
/** An average line longer than this, in a text of at least MIN_MINIFIED_CHARS, is a minified one. */
const MAX_AVERAGE_LINE = 250;
const MIN_MINIFIED_CHARS = 1000;

/** A generated or minified file, told by its text. */
export function noiseByContent(text: string): string | undefined {
  const header = text.split('\n', HEADER_LINES).join('\n').slice(0, 4000);
  const marker = GENERATED_MARKERS.map((re) => re.exec(header)).find((m) => m !== null);
  if (marker) return `generated: its header says "${marker[0]}"`;
  if (text.length >= MIN_MINIFIED_CHARS) {
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const average = Math.round(text.length / Math.max(1, lines));
    if (average > MAX_AVERAGE_LINE) return `minified: its lines are ${average} characters long on average`;
  }
  return undefined;
}

export type TextRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

const NOT_UTF8 = 'not UTF-8 text: Hearth reviews UTF-8 files only';
const tooLarge = (bytes: number) => `larger than ${MAX_SOURCE_BYTES / 1048576} MB${bytes > 0 ? ` (${(bytes / 1048576).toFixed(1)} MB)` : ''}`;

/**
 * The staged (index) text of `path`, relative to the repository root: what will be committed,
 * whatever the working tree holds. Refused with the reason when it is not UTF-8, binary, too large
 * or not in the index.
 */
export async function readStagedText(git: GitRunner, path: string, signal?: AbortSignal): Promise<TextRead> {
  return (await readStagedTexts(git, [path], signal)).get(path)!;
}

/** BATCH_FORMAT's line for an object that exists; any other line is git's "<name> missing" (or "ambiguous"). */
const BATCH_HEADER = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/;
const BATCH_FORMAT = '%(objectname) %(objecttype) %(objectsize)';
const BLOB_TIMEOUT_MS = 60_000;

/**
 * readStagedText for many paths, with two git processes in all: `cat-file --batch-check` for what
 * each index entry is and its size (a blob too large is never read), then `cat-file --batch` for
 * the contents, as bytes, so that the UTF-8 check is exact.
 */
export async function readStagedTexts(git: GitRunner, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, TextRead>> {
  const out = new Map<string, TextRead>();
  const unique = [...new Set(paths)];
  // cat-file takes one name per line (a CR before the LF is dropped): such a path is asked alone.
  const listable = unique.filter((p) => !/[\r\n]/.test(p));
  for (const p of unique) if (/[\r\n]/.test(p)) out.set(p, await readStagedAlone(git, p, signal));
  if (listable.length === 0) return out;

  const checked = (await git.run(['cat-file', `--batch-check=${BATCH_FORMAT}`], { signal, timeoutMs: BLOB_TIMEOUT_MS, input: listable.map((p) => `:0:${p}\n`).join('') }))
    .split('\n');
  const wanted = new Map<string, number>(); // object → size
  const objectOf = new Map<string, string>();
  listable.forEach((path, i) => {
    const m = BATCH_HEADER.exec(checked[i] ?? '');
    // `cat-file blob` refuses anything but a blob (a submodule's commit) as it refuses a missing path.
    if (!m || m[2] !== 'blob') out.set(path, { ok: false, reason: 'not in the index' });
    else if (Number(m[3]) > MAX_SOURCE_BYTES) out.set(path, { ok: false, reason: tooLarge(0) });
    else {
      wanted.set(m[1], Number(m[3]));
      objectOf.set(path, m[1]);
    }
  });
  if (wanted.size === 0) return out;

  const objects = [...wanted.keys()];
  const bytes = objects.reduce((n, o) => n + wanted.get(o)! + o.length + 32, 0);
  const blobs = parseBatch(await git.runBytes(['cat-file', `--batch=${BATCH_FORMAT}`], {
    signal, timeoutMs: BLOB_TIMEOUT_MS, maxBuffer: bytes + 1024, input: objects.map((o) => `${o}\n`).join(''),
  }));
  for (const [path, object] of objectOf) {
    const blob = blobs.get(object);
    out.set(path, blob ? decodeBlob(blob) : { ok: false, reason: 'not in the index' });
  }
  return out;
}

/** `cat-file --batch` output: each object's header line, its bytes and a line end. */
function parseBatch(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    const m = BATCH_HEADER.exec(buf.toString('latin1', at, nl));
    if (!m) {
      at = nl + 1; // "<name> missing": no content follows
      continue;
    }
    const size = Number(m[3]);
    out.set(m[1], buf.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return out;
}

/** A path that cannot be asked on a `--batch` line, read with its own `cat-file blob`. */
async function readStagedAlone(git: GitRunner, path: string, signal?: AbortSignal): Promise<TextRead> {
  try {
    return decodeBlob(await git.runBytes(['cat-file', 'blob', `:0:${path}`], { signal, maxBuffer: MAX_SOURCE_BYTES }));
  } catch (e) {
    if (e instanceof GitError && e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return { ok: false, reason: tooLarge(0) };
    if (e instanceof GitError && e.code === 128) return { ok: false, reason: 'not in the index' };
    throw e;
  }
}

/** A staged blob's text: refused when it holds NUL (binary) or is not valid UTF-8 (a BOM is kept, as git keeps it). */
function decodeBlob(bytes: Buffer): TextRead {
  if (bytes.includes(0)) return { ok: false, reason: 'binary file' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: NOT_UTF8 };
  }
}

/** The working-tree text of `path`, refused with the reason as readStagedText does. */
export async function readWorktreeText(root: string, path: string): Promise<TextRead> {
  const abs = join(root, path);
  try {
    const st = await lstat(abs);
    if (st.isSymbolicLink()) return { ok: false, reason: 'symbolic link' };
    if (!st.isFile()) return { ok: false, reason: 'not a file' };
    if (st.size > MAX_SOURCE_BYTES) return { ok: false, reason: tooLarge(st.size) };
    const buf = await readFile(abs);
    if (looksBinary(buf)) return { ok: false, reason: 'binary file' };
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf) };
  } catch (e) {
    if (e instanceof TypeError) return { ok: false, reason: NOT_UTF8 };
    return { ok: false, reason: `could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/**
 * Untracked files that git does not ignore, as added files: they are uncommitted changes too. Each
 * is one hunk of added lines. The gate judges each before it is read; what cannot be reviewed is
 * returned as skipped with the reason.
 */
async function untrackedFiles(git: GitRunner, gate: PrivacyGate, root: string, signal?: AbortSignal): Promise<{ files: StagedFile[]; skipped: SkippedFile[] }> {
  const listed = (await git.run(['ls-files', '--others', '--exclude-standard', '-z', '--full-name'], { signal })).split('\0').filter((p) => p.length > 0);
  const files: StagedFile[] = [];
  const skipped: SkippedFile[] = [];
  const verdicts = await gate.admitFiles(listed.map((path) => join(root, path)));
  const judged = await mapLimit(listed, READ_CONCURRENCY, async (path) => {
    const verdict = verdicts.get(join(root, path))!;
    return { path, read: verdict.admitted ? await readWorktreeText(root, path) : { ok: false as const, reason: verdict.message } };
  });
  for (const { path, read } of judged) {
    if (!read.ok) {
      skipped.push({ path, reason: read.reason });
      continue;
    }
    const lines = read.text.split('\n');
    if (read.text.endsWith('\n')) lines.pop();
    const added: DiffLine[] = lines.map((l, i) => ({ kind: 'added', text: l.endsWith('\r') ? l.slice(0, -1) : l, newLine: i + 1 }));
    files.push({
      path, kind: 'added', newMode: '100644', binary: false, submodule: false,
      hunks: added.length > 0 ? [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: added.length, heading: '', lines: added }] : [],
      ...(read.text.length > 0 && !read.text.endsWith('\n') ? { noNewlineAtEnd: true } : {}),
    });
  }
  return { files, skipped };
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
