// The XDR dev set: completion points in real multi-file packages that ship their sources in
// node_modules (TypeScript sources and plain JavaScript, ES modules and CommonJS), with the cross-file
// definitions each point needs (groundTruth.ts). Built once and cached under .cache/eval/, keyed by
// a hash of everything that goes into it (the builder's own source, the TypeScript version, the
// package list and sampling parameters, and every source file's path and content).
//
// A completion point is a line that uses ≥ 1 definition from another file of its package (import
// and require lines excluded). The cursor is put where the line's FIRST cross-file identifier starts,
// and the rest of the line from there on is removed from the document: the provider sees the line
// up to that identifier (`linePrefix`) and, after the cursor, the following lines (the suffix starts
// with the line break that ended the target line). The CursorContext is the editor's bounded slice
// of that document (TextLines.cursorSlice: ≤ 1500 lines before, ≤ 400 after).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { languageIdForPath, TextLines } from '../../src/core/text/cursorText';
import type { CursorContext } from '../../src/core/completion/types';
import { resolveCrossFileUses, RESOLVER_OPTIONS } from './groundTruth';
import type { GroundTruthDef } from './metric';

/** Bump when the dev set's meaning or shape changes: it invalidates every cached copy. */
export const DEVSET_FORMAT = 1;

export interface PackageSpec {
  /** The package name, also the key points refer to. */
  readonly name: string;
  /** The package's directory, relative to the repository root (the "repository" a provider indexes). */
  readonly dir: string;
  /** Source directories or files inside `dir` whose files form the package's code. */
  readonly sources: readonly string[];
}

/** Packages with real multi-file sources (several repositories, TS and JS, ESM and CommonJS). */
export const PACKAGES: readonly PackageSpec[] = [
  { name: 'ajv', dir: 'node_modules/ajv', sources: ['lib'] },
  { name: '@azure/msal-common', dir: 'node_modules/@azure/msal-common', sources: ['src'] },
  { name: 'cheerio', dir: 'node_modules/cheerio', sources: ['src'] },
  { name: 'web-tree-sitter', dir: 'node_modules/web-tree-sitter', sources: ['src'] },
  { name: 'ollama', dir: 'node_modules/ollama', sources: ['src'] },
  { name: 'eslint', dir: 'node_modules/eslint', sources: ['lib'] },
  { name: 'markdown-it', dir: 'node_modules/markdown-it', sources: ['lib'] },
  { name: 'semver', dir: 'node_modules/semver', sources: ['classes', 'functions', 'internal', 'ranges', 'index.js', 'preload.js'] },
  { name: 'undici', dir: 'node_modules/undici', sources: ['lib', 'index.js'] },
];

export interface SamplingSpec {
  /** Points drawn from each package (fewer when it has fewer candidate lines). */
  readonly perPackage: number;
  /** Points per file at most: max(minPerFile, ceil(perPackage / files)), to spread points over files. */
  readonly minPerFile: number;
  /** Target lines longer than this (minified or generated code) are skipped. */
  readonly maxLineLength: number;
}

export const DEFAULT_SAMPLING: SamplingSpec = { perPackage: 32, minPerFile: 2, maxLineLength: 300 };

export interface DevPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** Package-relative source paths, forward slashes, sorted. */
  readonly files: readonly string[];
  readonly candidateLines: number;
  readonly points: number;
}

export interface DevPoint {
  /** `<package>:<path>:<line 1-based>` */
  readonly id: string;
  readonly pkg: string;
  readonly path: string;
  readonly languageId: string;
  /** 0-based line and column of the cursor. */
  readonly line: number;
  readonly column: number;
  /** The text removed from the line (what a perfect completion would write). */
  readonly target: string;
  readonly defs: readonly GroundTruthDef[];
}

export interface DevSet {
  readonly format: number;
  readonly key: string;
  readonly typescript: string;
  readonly buildMs: number;
  readonly packages: readonly DevPackage[];
  /** Interleaved across packages (round robin), so any prefix is balanced. */
  readonly points: readonly DevPoint[];
}

/** The code that builds the dev set: editing it invalidates the cache. */
const BUILDER_SOURCES = [join(__dirname, 'devset.ts'), join(__dirname, 'groundTruth.ts')];

const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_RE = /(\.d\.[mc]?ts$|\.(test|spec)\.[a-z]+$|(^|\/)(__tests__|node_modules|test|tests)\/)/;

/** Package-relative source files of a package, sorted. */
export function packageFiles(repoRoot: string, spec: PackageSpec): string[] {
  const root = join(repoRoot, spec.dir);
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(rel === '' ? name : posix.join(rel, name));
    } else if (SOURCE_RE.test(rel) && !SKIP_RE.test(rel)) {
      out.push(rel);
    }
  };
  for (const s of spec.sources) walk(s);
  return [...new Set(out)].sort();
}

function sha1(s: string | Buffer): string {
  return createHash('sha1').update(s).digest('hex');
}

/** Hash of every input of the dev set. */
export function devSetKey(repoRoot: string, packages: readonly PackageSpec[], sampling: SamplingSpec): string {
  const h = createHash('sha1');
  h.update(JSON.stringify({ DEVSET_FORMAT, ts: ts.version, sampling, packages }));
  for (const code of BUILDER_SOURCES) h.update(readFileSync(code));
  for (const p of packages) {
    for (const f of packageFiles(repoRoot, p)) {
      h.update(`\n${p.name}/${f}\n`);
      h.update(readFileSync(join(repoRoot, p.dir, f)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

export function cacheDir(repoRoot: string): string {
  return join(repoRoot, '.cache', 'eval');
}

export interface LoadResult { devset: DevSet; cached: boolean; file: string }

/** The cached dev set for these inputs, or a freshly built (and cached) one. */
export function loadDevSet(repoRoot: string, opts: { rebuild?: boolean; packages?: readonly PackageSpec[]; sampling?: SamplingSpec; log?: (m: string) => void } = {}): LoadResult {
  const packages = opts.packages ?? PACKAGES;
  const sampling = opts.sampling ?? DEFAULT_SAMPLING;
  const key = devSetKey(repoRoot, packages, sampling);
  const dir = cacheDir(repoRoot);
  const file = join(dir, `devset-${key}.json`);
  if (!opts.rebuild && existsSync(file)) {
    const devset = JSON.parse(readFileSync(file, 'utf8')) as DevSet;
    if (devset.format === DEVSET_FORMAT && devset.key === key) return { devset, cached: true, file };
  }
  const devset = buildDevSet(repoRoot, packages, sampling, key, opts.log);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(devset));
  for (const old of readdirSync(dir)) if (/^devset-[0-9a-f]+\.json$/.test(old) && join(dir, old) !== file) rmSync(join(dir, old));
  return { devset, cached: false, file };
}

export function buildDevSet(repoRoot: string, packages: readonly PackageSpec[], sampling: SamplingSpec, key: string, log: (m: string) => void = () => {}): DevSet {
  const t0 = performance.now();
  const devPackages: DevPackage[] = [];
  const perPackage: DevPoint[][] = [];
  for (const spec of packages) {
    const t = performance.now();
    const root = join(repoRoot, spec.dir);
    const files = packageFiles(repoRoot, spec);
    if (files.length < 2) {
      log(`  ${spec.name}: skipped (${files.length} source files)`);
      continue;
    }
    const version = readPackageVersion(root);
    const { lines } = resolveCrossFileUses(root, files, RESOLVER_OPTIONS);
    const texts = new Map<string, string[]>();
    const linesOf = (p: string) => {
      let l = texts.get(p);
      if (!l) {
        l = readFileSync(join(root, p), 'utf8').replace(/\r\n/g, '\n').split('\n');
        texts.set(p, l);
      }
      return l;
    };
    const candidates = lines.filter((u) => {
      const text = linesOf(u.path)[u.line] ?? '';
      return text.length <= sampling.maxLineLength && text.slice(u.column).trim() !== '';
    });
    const perFile = Math.max(sampling.minPerFile, Math.ceil(sampling.perPackage / files.length));
    const ordered = candidates
      .map((u) => ({ u, h: sha1(`${spec.name}:${u.path}:${u.line}`) }))
      .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    const taken = new Map<string, number>();
    const points: DevPoint[] = [];
    for (const { u } of ordered) {
      if (points.length >= sampling.perPackage) break;
      const n = taken.get(u.path) ?? 0;
      if (n >= perFile) continue;
      taken.set(u.path, n + 1);
      points.push({
        id: `${spec.name}:${u.path}:${u.line + 1}`,
        pkg: spec.name,
        path: u.path,
        languageId: languageIdForPath(u.path),
        line: u.line,
        column: u.column,
        target: linesOf(u.path)[u.line].slice(u.column),
        defs: u.defs,
      });
    }
    perPackage.push(points);
    devPackages.push({ name: spec.name, version, dir: spec.dir, files, candidateLines: candidates.length, points: points.length });
    log(`  ${spec.name}@${version}: ${files.length} files, ${candidates.length} candidate lines, ${points.length} points (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  const points: DevPoint[] = [];
  for (let i = 0; perPackage.some((p) => i < p.length); i++) for (const p of perPackage) if (i < p.length) points.push(p[i]);
  return { format: DEVSET_FORMAT, key, typescript: ts.version, buildMs: Math.round(performance.now() - t0), packages: devPackages, points };
}

function readPackageVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/**
 * The editor's view of a point: its file with the target (from the cursor to the end of the line)
 * removed, sliced around the cursor as the editor adapter does.
 */
export function cursorForPoint(point: DevPoint, fileText: string): CursorContext {
  const doc = new TextLines(fileText);
  const lines = doc.text.split('\n');
  const line = lines[point.line] ?? '';
  lines[point.line] = line.slice(0, point.column);
  const edited = new TextLines(lines.join(doc.eol));
  return edited.cursorSlice(point.line, point.column, point.path, point.languageId).cursor;
}
