// The XDR dev set: completion points in real multi-file code the project did not write, with the
// cross-file definitions each point needs, per language, each resolved by that language's own tools:
//   typescript  packages that ship their sources in node_modules (TypeScript sources and plain
//               JavaScript, ES modules and CommonJS); the TypeScript compiler (groundTruth.ts)
//   python      pure-Python packages installed from Debian; jedi (devsetPython.ts)
//   go          Go's standard library sources from Debian's golang-src; go/types (devsetGo.ts)
// Each language's part is built once and cached under .cache/eval/devset-<language>-<key>.json,
// keyed by a hash of everything that goes into it (the builder's own sources, the resolver's
// version, the package list and sampling parameters, and every source file's path and content).
// `scripts/provision-eval.sh` installs what Python and Go need (Debian packages).
//
// A completion point is a line that uses ≥ 1 definition from another file of its package (import
// and require lines excluded). The cursor is put where the line's FIRST cross-file identifier starts,
// and the rest of the line from there on is removed from the document: the provider sees the line
// up to that identifier (`linePrefix`) and, after the cursor, the following lines (the suffix starts
// with the line break that ended the target line). The CursorContext is the editor's bounded slice
// of that document (TextLines.cursorSlice: ≤ 1500 lines before, ≤ 400 after).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { languageIdForPath, TextLines } from '../../src/core/text/cursorText';
import type { CursorContext } from '../../src/core/completion/types';
import { resolveCrossFileUses, RESOLVER_OPTIONS } from './groundTruth';
import type { GroundTruthDef } from './metric';

/** Bump when the dev set's meaning or shape changes: it invalidates every cached copy. */
export const DEVSET_FORMAT = 2;

/** The languages of the dev set: which resolver gave the ground truth (JavaScript is in `typescript`). */
export type DevLanguage = 'typescript' | 'python' | 'go';
export const DEV_LANGUAGES: readonly DevLanguage[] = ['typescript', 'python', 'go'];

export interface PackageSpec {
  /** The package name, also the key points refer to (unique across languages). */
  readonly name: string;
  /**
   * The package's directory (the "repository" a provider indexes): relative to the repository
   * root, or absolute for code installed on the system (Python and Go).
   */
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
  readonly language: DevLanguage;
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
  /** The dev-set language (the resolver of its ground truth); `languageId` is the file's own. */
  readonly language: DevLanguage;
  readonly path: string;
  readonly languageId: string;
  /** 0-based line and column of the cursor. */
  readonly line: number;
  readonly column: number;
  /** The text removed from the line (what a perfect completion would write). */
  readonly target: string;
  readonly defs: readonly GroundTruthDef[];
}

/** One language's part of the dev set, as cached. */
export interface DevSetPart {
  readonly format: number;
  readonly language: DevLanguage;
  readonly key: string;
  /** The resolver: `typescript 5.9.3`, `jedi 0.18.2 (Python 3.11.2)`, `go/types go1.19.8`. */
  readonly resolver: string;
  readonly buildMs: number;
  readonly packages: readonly DevPackage[];
  /** Interleaved across packages (round robin), so any prefix is balanced. */
  readonly points: readonly DevPoint[];
}

export interface DevSet {
  readonly format: number;
  /** The parts' keys, joined. */
  readonly key: string;
  readonly parts: ReadonlyArray<Omit<DevSetPart, 'points' | 'packages'> & { readonly cached: boolean; readonly file: string; readonly points: number }>;
  /** Build time of the parts built by this load (0 when all were cached). */
  readonly buildMs: number;
  readonly packages: readonly DevPackage[];
  /** Interleaved across every package of every language (round robin), so any prefix is balanced. */
  readonly points: readonly DevPoint[];
}

/** The code that builds the TypeScript part: editing it invalidates the cache. */
const BUILDER_SOURCES = [join(__dirname, 'devset.ts'), join(__dirname, 'groundTruth.ts')];

const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_RE = /(\.d\.[mc]?ts$|\.(test|spec)\.[a-z]+$|(^|\/)(__tests__|node_modules|test|tests)\/)/;

/** Package-relative source files of a package, sorted. */
export function packageFiles(repoRoot: string, spec: PackageSpec): string[] {
  const root = packageRoot(repoRoot, spec);
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

/** Hash of every input of one language's part: the builders' sources, `extra` (versions, settings), each source file. */
export function partKey(repoRoot: string, packages: readonly PackageSpec[], files: (spec: PackageSpec) => readonly string[], builderSources: readonly string[], extra: unknown): string {
  const h = createHash('sha1');
  h.update(JSON.stringify({ DEVSET_FORMAT, extra, packages }));
  for (const code of builderSources) h.update(readFileSync(code));
  for (const p of packages) {
    for (const f of files(p)) {
      h.update(`\n${p.name}/${f}\n`);
      h.update(readFileSync(join(packageRoot(repoRoot, p), f)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** Hash of every input of the TypeScript part. */
export function devSetKey(repoRoot: string, packages: readonly PackageSpec[], sampling: SamplingSpec): string {
  return partKey(repoRoot, packages, (p) => packageFiles(repoRoot, p), BUILDER_SOURCES, { ts: ts.version, sampling });
}

/** A package's directory: `dir` as it is when absolute, else under the repository root. */
export function packageRoot(repoRoot: string, spec: { readonly dir: string }): string {
  return isAbsolute(spec.dir) ? spec.dir : join(repoRoot, spec.dir);
}

export function cacheDir(repoRoot: string): string {
  return join(repoRoot, '.cache', 'eval');
}

/** How one language's part is keyed and built (devsetPython.ts and devsetGo.ts export theirs). */
export interface PartBuilder {
  readonly language: DevLanguage;
  /** Throws, saying how to provision it, when the resolver is missing. */
  key(repoRoot: string): string;
  build(repoRoot: string, key: string, log: (m: string) => void): DevSetPart;
}

export const TYPESCRIPT_PART: PartBuilder = {
  language: 'typescript',
  key: (repoRoot) => devSetKey(repoRoot, PACKAGES, DEFAULT_SAMPLING),
  build: (repoRoot, key, log) => buildDevSet(repoRoot, PACKAGES, DEFAULT_SAMPLING, key, log),
};

export interface LoadResult { devset: DevSet; cached: boolean; file: string }

/** One language's cached part for these inputs, or a freshly built (and cached) one. */
export function loadPart(repoRoot: string, builder: PartBuilder, opts: { rebuild?: boolean; log?: (m: string) => void } = {}): { part: DevSetPart; cached: boolean; file: string } {
  const key = builder.key(repoRoot);
  const dir = cacheDir(repoRoot);
  const prefix = `devset-${builder.language}-`;
  const file = join(dir, `${prefix}${key}.json`);
  if (!opts.rebuild && existsSync(file)) {
    const part = JSON.parse(readFileSync(file, 'utf8')) as DevSetPart;
    if (part.format === DEVSET_FORMAT && part.key === key && part.language === builder.language) return { part, cached: true, file };
  }
  opts.log?.(`building the ${builder.language} dev set…`);
  const part = builder.build(repoRoot, key, opts.log ?? (() => {}));
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(part));
  for (const old of readdirSync(dir)) {
    const stale = old.startsWith(prefix) || /^devset-[0-9a-f]+\.json$/.test(old); // the single-language format before parts
    if (stale && old.endsWith('.json') && join(dir, old) !== file) rmSync(join(dir, old));
  }
  return { part, cached: false, file };
}

/**
 * The dev set of these languages (default all), each part from its cache or built. The builders
 * of Python and Go are passed in by the caller (context.ts), so that this module needs neither.
 */
export function loadDevSet(repoRoot: string, builders: readonly PartBuilder[], opts: { rebuild?: boolean; log?: (m: string) => void } = {}): LoadResult {
  const parts = builders.map((b) => loadPart(repoRoot, b, opts));
  const packages = parts.flatMap((p) => p.part.packages);
  const byPackage = new Map<string, DevPoint[]>();
  for (const { part } of parts) {
    for (const point of part.points) {
      const list = byPackage.get(point.pkg) ?? [];
      list.push(point);
      byPackage.set(point.pkg, list);
    }
  }
  const devset: DevSet = {
    format: DEVSET_FORMAT,
    key: parts.map((p) => p.part.key).join('+'),
    parts: parts.map(({ part, cached, file }) => ({ format: part.format, language: part.language, key: part.key, resolver: part.resolver, buildMs: part.buildMs, cached, file, points: part.points.length })),
    buildMs: parts.reduce((n, p) => n + (p.cached ? 0 : p.part.buildMs), 0),
    packages,
    points: roundRobin(packages.map((p) => byPackage.get(p.name) ?? [])),
  };
  return { devset, cached: parts.every((p) => p.cached), file: parts.map((p) => p.file).join(', ') };
}

/** Interleaves lists: the first of each, then the second of each… (any prefix stays balanced). */
export function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((p) => i < p.length); i++) for (const p of lists) if (i < p.length) out.push(p[i]);
  return out;
}

/** A line that uses definitions of other files, as every resolver reports it (0-based line; column in UTF-16 units). */
export interface CandidateLine {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly defs: readonly GroundTruthDef[];
}

/** Points per file at most, for a package of `files` files. */
export function perFileCap(sampling: SamplingSpec, files: number): number {
  return Math.max(sampling.minPerFile, Math.ceil(sampling.perPackage / Math.max(1, files)));
}

/**
 * The points of one package: candidate lines in the order of a hash of `<package>:<path>:<line>`
 * (deterministic, unrelated to position), at most `perFileCap` per file, `perPackage` in all.
 */
export function samplePoints<T extends CandidateLine>(pkg: string, candidates: readonly T[], sampling: SamplingSpec, files: number): T[] {
  const perFile = perFileCap(sampling, files);
  const taken = new Map<string, number>();
  const points: T[] = [];
  for (const u of hashOrder(pkg, candidates)) {
    if (points.length >= sampling.perPackage) break;
    const n = taken.get(u.path) ?? 0;
    if (n >= perFile) continue;
    taken.set(u.path, n + 1);
    points.push(u);
  }
  return points;
}

/** Hash order of a package's lines, the order samplePoints takes them in. */
export function hashOrder<T extends { path: string; line: number }>(pkg: string, lines: readonly T[]): T[] {
  return lines.map((u) => ({ u, h: sha1(`${pkg}:${u.path}:${u.line}`) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0)).map((x) => x.u);
}

/** The dev point of a sampled line. */
export function toPoint(pkg: string, language: DevLanguage, u: CandidateLine, lineText: string): DevPoint {
  return { id: `${pkg}:${u.path}:${u.line + 1}`, pkg, language, path: u.path, languageId: languageIdForPath(u.path), line: u.line, column: u.column, target: lineText.slice(u.column), defs: u.defs };
}

/** The TypeScript part. */
export function buildDevSet(repoRoot: string, packages: readonly PackageSpec[], sampling: SamplingSpec, key: string, log: (m: string) => void = () => {}): DevSetPart {
  const t0 = performance.now();
  const devPackages: DevPackage[] = [];
  const perPackage: DevPoint[][] = [];
  for (const spec of packages) {
    const t = performance.now();
    const root = packageRoot(repoRoot, spec);
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
    const points = samplePoints(spec.name, candidates, sampling, files.length).map((u) => toPoint(spec.name, 'typescript', u, linesOf(u.path)[u.line]));
    perPackage.push(points);
    devPackages.push({ name: spec.name, language: 'typescript', version, dir: spec.dir, files, candidateLines: candidates.length, points: points.length });
    log(`  ${spec.name}@${version}: ${files.length} files, ${candidates.length} candidate lines, ${points.length} points (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  return { format: DEVSET_FORMAT, language: 'typescript', key, resolver: `typescript ${ts.version}`, buildMs: Math.round(performance.now() - t0), packages: devPackages, points: roundRobin(perPackage) };
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
