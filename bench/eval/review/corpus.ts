// The seeded-bug diffs on disk: each package's published sources (npm pack at the pinned version,
// cached under .cache/bench-repos/ by the editor benchmark's ensureRepo: the registry is asked once,
// later runs are offline) copied into a temporary git work tree, where each case's variant is written
// and staged in turn, reviewed, and taken back out of the index.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import { copyRepo, ensureRepo } from '../../editor/repo';
import { CASES, PACKAGES, type SeededCase } from './cases';

export type VariantKind = 'buggy' | 'clean';

/** One staged diff of the set. */
export interface Variant {
  readonly case: SeededCase;
  readonly kind: VariantKind;
  /** `<case id>/<kind>`: names the variant in reports and recorded replies. */
  readonly id: string;
  /** The staged text of `case.path`. */
  readonly text: string;
  /** The bug's staged lines (1-based, inclusive); only for the buggy variant. */
  readonly truth?: { readonly line: number; readonly endLine: number };
}

/** `text` with `find` (which must occur exactly once) replaced. */
function replaceOnce(text: string, find: string, replace: string, what: string): string {
  const at = text.indexOf(find);
  if (at < 0) throw new Error(`${what}: text not found: ${JSON.stringify(find.slice(0, 80))}`);
  if (text.indexOf(find, at + 1) >= 0) throw new Error(`${what}: text found more than once: ${JSON.stringify(find.slice(0, 80))}`);
  return text.slice(0, at) + replace + text.slice(at + find.length);
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The two variants of a case from the published file's text; throws when the case is malformed. */
export function variantsOf(c: SeededCase, original: string): [Variant, Variant] {
  const what = `case ${c.id}`;
  let base = original;
  for (const e of c.also ?? []) base = replaceOnce(base, e.find, e.replace, what);
  if (c.clean.split(c.bug.from).length !== 2) throw new Error(`${what}: bug.from must occur exactly once in clean`);
  const clean = replaceOnce(base, c.find, c.clean, what);
  const buggy = replaceOnce(base, c.find, c.clean.replace(c.bug.from, c.bug.to), what);
  if (clean === original || buggy === clean) throw new Error(`${what}: the edit or the bug changes nothing`);

  let truth: { line: number; endLine: number };
  if (c.at !== undefined) {
    const at = buggy.indexOf(c.at);
    if (at < 0 || buggy.indexOf(c.at, at + 1) >= 0) throw new Error(`${what}: \`at\` must occur exactly once in the buggy file`);
    truth = { line: lineOf(buggy, at), endLine: lineOf(buggy, at + c.at.length) };
  } else {
    const a = clean.split('\n');
    const b = buggy.split('\n');
    let top = 0;
    while (top < a.length && top < b.length && a[top] === b[top]) top++;
    let bottom = 0;
    while (bottom < a.length - top && bottom < b.length - top && a[a.length - 1 - bottom] === b[b.length - 1 - bottom]) bottom++;
    truth = { line: top + 1, endLine: Math.max(top + 1, b.length - bottom) };
  }
  // The bug must sit on added lines of the staged diff: seeded in the change, not in old code.
  const added = new Set<number>();
  for (const h of structuredPatch(c.path, c.path, original, buggy, '', '', { context: 0 }).hunks) {
    let n = h.newStart;
    for (const l of h.lines) {
      if (l.startsWith('+')) added.add(n++);
      else if (!l.startsWith('-')) n++;
    }
  }
  for (let l = truth.line; l <= truth.endLine; l++) {
    if (!added.has(l)) throw new Error(`${what}: ground-truth line ${l} is not an added line of the diff`);
  }
  return [
    { case: c, kind: 'buggy', id: `${c.id}/buggy`, text: buggy, truth },
    { case: c, kind: 'clean', id: `${c.id}/clean`, text: clean },
  ];
}

/** A package's sources as a temporary git work tree, where variants are staged one at a time. */
export class PackageTree {
  private constructor(readonly pkg: string, readonly root: string) {}

  /** Fetches the package once (npm pack through the user's npm config), then copies the cached tree. */
  static open(pkg: string): PackageTree {
    const spec = PACKAGES[pkg];
    if (!spec) throw new Error(`unknown package ${pkg}`);
    const cached = ensureRepo(spec);
    const root = mkdtempSync(join(tmpdir(), `hearth-eval-review-${pkg}-`));
    copyRepo(cached, root);
    return new PackageTree(pkg, root);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  /** Writes `text` as `path` and stages it: the index now holds exactly this change. */
  stage(path: string, text: string): void {
    writeFileSync(join(this.root, path), text);
    git(this.root, 'add', '--', path);
  }

  /** Puts `path` back as committed, in the index and the working tree. */
  restore(path: string, original: string): void {
    writeFileSync(join(this.root, path), original);
    git(this.root, 'add', '--', path);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The cases of the set (all, or those whose id contains one of `filters`), grouped by package in set order. */
export function selectCases(filters: readonly string[] = []): Map<string, SeededCase[]> {
  const out = new Map<string, SeededCase[]>();
  for (const c of CASES) {
    if (filters.length && !filters.some((f) => c.id.includes(f))) continue;
    const list = out.get(c.pkg) ?? [];
    list.push(c);
    out.set(c.pkg, list);
  }
  return out;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd, timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] });
}
