// The Python part of the XDR dev set: pure-Python packages installed from Debian (real code the
// project did not write, installable without the internet), with ground truth from jedi (Debian's
// python3-jedi, run by Debian's python3): bench/eval/truth/jeditruth.py resolves the names used on
// lines of a package, taken in the sampling's hash order, until it has the package's points.
// Resolving every line of a package with jedi would take minutes; this takes the lines the sampling
// would take from a full resolution anyway (same order, same per-file cap), so the points are the
// same.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  DEVSET_FORMAT, hashOrder, partKey, perFileCap, roundRobin, toPoint,
  type CandidateLine, type DevPackage, type DevPoint, type DevSetPart, type PackageSpec, type PartBuilder, type SamplingSpec,
} from './devset';

/** Where Debian installs pure-Python packages. */
export const DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/** Packages (directories of DIST_PACKAGES) and the Debian package that installs each. */
export const PYTHON_PACKAGES: ReadonlyArray<{ readonly name: string; readonly deb: string }> = [
  { name: 'jedi', deb: 'python3-jedi' },
  { name: 'parso', deb: 'python3-parso' },
  { name: 'requests', deb: 'python3-requests' },
  { name: 'urllib3', deb: 'python3-urllib3' },
  { name: 'chardet', deb: 'python3-chardet' },
];

/** More points per file than the TypeScript part: a few big files hold most cross-file uses. */
export const PYTHON_SAMPLING: SamplingSpec = { perPackage: 40, minPerFile: 8, maxLineLength: 300 };

const HELPER = join(__dirname, 'truth', 'jeditruth.py');
const BUILDER_SOURCES = [join(__dirname, 'devset.ts'), join(__dirname, 'devsetPython.ts'), HELPER];
const PROVISION_HINT = 'run `npm run provision:eval` (bash scripts/provision-eval.sh: Debian\'s python3-jedi, python3-requests…)';

/** Debian's python3, which sees Debian's python3-jedi (another python on PATH may not); HEARTH_EVAL_PYTHON overrides. */
export function pythonCommand(): string {
  return process.env.HEARTH_EVAL_PYTHON ?? '/usr/bin/python3';
}

let jediVersion: string | undefined;
function resolverVersion(): string {
  if (!jediVersion) {
    try {
      jediVersion = execFileSync(pythonCommand(), ['-c', 'import jedi, sys; print("jedi %s (Python %s)" % (jedi.__version__, sys.version.split()[0]))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (e) {
      throw new Error(`the Python part of the dev set needs jedi under ${pythonCommand()}: ${(e as Error).message.split('\n')[0]}; ${PROVISION_HINT}`);
    }
  }
  return jediVersion;
}

export function pythonPackageSpecs(): PackageSpec[] {
  return PYTHON_PACKAGES.map(({ name }) => {
    const dir = join(DIST_PACKAGES, name);
    if (!existsSync(join(dir, '__init__.py'))) throw new Error(`no ${dir}/__init__.py; ${PROVISION_HINT}`);
    return { name, dir, sources: ['.'] };
  });
}

/** .py files of a package outside tests and caches, relative, sorted. */
export function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : posix.join(rel, name);
      if (statSync(join(dir, r)).isDirectory()) {
        if (!['__pycache__', 'test', 'tests', 'testing'].includes(name) && !name.startsWith('.')) walk(r);
      } else if (name.endsWith('.py') && !/^test_|_test\.py$/.test(name)) {
        out.push(r);
      }
    }
  };
  walk('');
  return out.sort();
}

/** Lines worth asking jedi about: code of acceptable length, not blank, not a comment, not an import. */
export function pythonCandidateLines(path: string, text: string, maxLineLength: number): Array<{ path: string; line: number }> {
  const out: Array<{ path: string; line: number }> = [];
  text.split('\n').forEach((raw, line) => {
    const t = raw.trim();
    if (t === '' || raw.length > maxLineLength || t.startsWith('#') || /^(import|from)\s/.test(t)) return;
    out.push({ path, line });
  });
  return out;
}

/** A code-point column of a line as UTF-16 units. */
export function codePointColumnToUtf16(lineText: string, column: number): number {
  return Array.from(lineText).slice(0, column).join('').length;
}

function debVersion(deb: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', deb], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || '?';
  } catch {
    return '?';
  }
}

export interface JediRequest {
  readonly root: string;
  readonly files: readonly string[];
  /** [path, 0-based line] in the order to try them. */
  readonly candidates: ReadonlyArray<readonly [string, number]>;
  readonly perPackage: number;
  readonly perFile: number;
}

export interface JediTruth { readonly jedi: string; readonly tried: number; readonly lines: readonly CandidateLine[] }

/** jedi's cross-file uses on the candidate lines, until it has `perPackage` (columns in CODE POINTS). */
export function jediTruth(request: JediRequest): JediTruth {
  const raw = execFileSync(pythonCommand(), [HELPER], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'] });
  return JSON.parse(raw) as JediTruth;
}

export const PYTHON_PART: PartBuilder = {
  language: 'python',
  key(repoRoot) {
    return partKey(repoRoot, pythonPackageSpecs(), (p) => pythonFiles(p.dir), BUILDER_SOURCES, { jedi: resolverVersion(), sampling: PYTHON_SAMPLING });
  },
  build(_repoRoot, key, log): DevSetPart {
    const t0 = performance.now();
    const resolver = resolverVersion();
    const packages: DevPackage[] = [];
    const perPackage: DevPoint[][] = [];
    for (const spec of pythonPackageSpecs()) {
      const t = performance.now();
      const files = pythonFiles(spec.dir);
      const texts = new Map(files.map((f) => [f, readFileSync(join(spec.dir, f), 'utf8')]));
      const candidates = hashOrder(spec.name, files.flatMap((f) => pythonCandidateLines(f, texts.get(f)!, PYTHON_SAMPLING.maxLineLength)));
      const request: JediRequest = { root: spec.dir, files, candidates: candidates.map((c) => [c.path, c.line] as const), perPackage: PYTHON_SAMPLING.perPackage, perFile: perFileCap(PYTHON_SAMPLING, files.length) };
      const out = jediTruth(request);
      const points = out.lines.map((u) => {
        const text = texts.get(u.path)!.split('\n')[u.line];
        return toPoint(spec.name, 'python', { ...u, column: codePointColumnToUtf16(text, u.column) }, text);
      });
      perPackage.push(points);
      const version = debVersion(PYTHON_PACKAGES.find((p) => p.name === spec.name)!.deb);
      packages.push({ name: spec.name, language: 'python', version, dir: spec.dir, files, candidateLines: out.tried, points: points.length });
      log(`  ${spec.name}@${version}: ${files.length} files, ${out.tried} lines resolved (of ${candidates.length}), ${points.length} points (cap ${request.perFile}/file; ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
    return { format: DEVSET_FORMAT, language: 'python', key, resolver, buildMs: Math.round(performance.now() - t0), packages, points: roundRobin(perPackage) };
  },
};
