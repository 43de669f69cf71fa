// The Go part of the XDR dev set: packages of Go's own standard library, from the sources Debian's
// golang-src installs (real code the project did not write, installable without the internet), with
// ground truth from go/types: bench/eval/truth/gotruth.go type-checks every package under a
// package's directory (the package and those below it, e.g. net/http with httputil, httptest…) and
// reports the lines that use an object declared in another file of that tree. Most of them are
// names of the same Go package, which need no import.
//
// The "repository" a provider indexes is the package's directory tree, every non-test .go file in
// it (other operating systems' files included, as an editor would see them); points come from the
// files the linux/amd64 build (cgo off) compiles, the ones go/types checks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  cacheDir, DEVSET_FORMAT, partKey, perFileCap, roundRobin, samplePoints, toPoint,
  type CandidateLine, type DevPackage, type DevPoint, type DevSetPart, type PackageSpec, type PartBuilder, type SamplingSpec,
} from './devset';

/** Import paths of the packages (each with the packages below it). */
export const GO_PACKAGES: readonly string[] = ['net/http', 'go/types', 'crypto/tls', 'text/template', 'encoding/json'];

/** More points per file than the TypeScript part: a few big files hold most cross-file uses. */
export const GO_SAMPLING: SamplingSpec = { perPackage: 40, minPerFile: 8, maxLineLength: 300 };

const HELPER = join(__dirname, 'truth', 'gotruth.go');
const BUILDER_SOURCES = [join(__dirname, 'devset.ts'), join(__dirname, 'devsetGo.ts'), HELPER];
const PROVISION_HINT = 'run `npm run provision:eval` (bash scripts/provision-eval.sh: Debian\'s golang-go and golang-src)';

function go(args: readonly string[]): string {
  try {
    return execFileSync('go', args, { encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    throw new Error(`the Go part of the dev set needs the go command: ${(e as Error).message.split('\n')[0]}; ${PROVISION_HINT}`);
  }
}

interface GoToolchain { readonly goroot: string; readonly version: string }
let toolchain: GoToolchain | undefined;

function goToolchain(): GoToolchain {
  if (!toolchain) {
    const goroot = go(['env', 'GOROOT']);
    if (!existsSync(join(goroot, 'src', 'net', 'http', 'server.go'))) throw new Error(`no Go sources under ${goroot}/src; ${PROVISION_HINT}`);
    toolchain = { goroot, version: go(['env', 'GOVERSION']) };
  }
  return toolchain;
}

/** Package specs: `dir` is the real path (no symlink in it, so nothing looks like a link out of the workspace). */
export function goPackageSpecs(): PackageSpec[] {
  const { goroot } = goToolchain();
  return GO_PACKAGES.map((name) => ({ name, dir: realpathSync(join(goroot, 'src', name)), sources: ['.'] }));
}

/** Non-test .go files under a directory, outside testdata and `_`/`.` folders, relative, sorted. */
export function goFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : posix.join(rel, name);
      if (statSync(join(dir, r)).isDirectory()) {
        if (name !== 'testdata' && !name.startsWith('_') && !name.startsWith('.')) walk(r);
      } else if (name.endsWith('.go') && !name.endsWith('_test.go')) {
        out.push(r);
      }
    }
  };
  walk('');
  return out.sort();
}

/** The helper, built once per version of its source with the installed go. */
function helperBinary(repoRoot: string): string {
  const hash = createHash('sha1').update(readFileSync(HELPER)).update(goToolchain().version).digest('hex').slice(0, 12);
  const bin = join(cacheDir(repoRoot), 'bin', `gotruth-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(join(cacheDir(repoRoot), 'bin'), { recursive: true });
    go(['build', '-o', bin, HELPER]);
  }
  return bin;
}

export interface GoTruth { readonly go: string; readonly packages: number; readonly errors: number; readonly lines: readonly CandidateLine[] }

/**
 * go/types' cross-file uses under a directory (lines 0-based, columns in BYTES). `dir` as GOROOT
 * spells it for standard library packages: go/build applies GOROOT's vendor rules only to that spelling.
 */
export function goTruth(repoRoot: string, dir: string): GoTruth {
  const raw = execFileSync(helperBinary(repoRoot), [dir], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CGO_ENABLED: '0' } });
  return JSON.parse(raw) as GoTruth;
}

/** A byte column of a line as UTF-16 units. */
export function utf16Column(lineText: string, byteColumn: number): number {
  return Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8').length;
}

export const GO_PART: PartBuilder = {
  language: 'go',
  key(repoRoot) {
    const specs = goPackageSpecs();
    return partKey(repoRoot, specs, (p) => goFiles(p.dir), BUILDER_SOURCES, { go: goToolchain().version, sampling: GO_SAMPLING });
  },
  build(repoRoot, key, log): DevSetPart {
    const t0 = performance.now();
    const { goroot, version } = goToolchain();
    const packages: DevPackage[] = [];
    const perPackage: DevPoint[][] = [];
    for (const spec of goPackageSpecs()) {
      const t = performance.now();
      const files = goFiles(spec.dir);
      const out = goTruth(repoRoot, join(goroot, 'src', spec.name));
      const texts = new Map<string, string[]>();
      const linesOf = (p: string) => {
        let l = texts.get(p);
        if (!l) texts.set(p, (l = readFileSync(join(spec.dir, p), 'utf8').split('\n')));
        return l;
      };
      const candidates = out.lines
        .map((u) => ({ ...u, column: utf16Column(linesOf(u.path)[u.line] ?? '', u.column) }))
        .filter((u) => (linesOf(u.path)[u.line] ?? '').length <= GO_SAMPLING.maxLineLength);
      const points = samplePoints(spec.name, candidates, GO_SAMPLING, files.length).map((u) => toPoint(spec.name, 'go', u, linesOf(u.path)[u.line]));
      perPackage.push(points);
      packages.push({ name: spec.name, language: 'go', version, dir: spec.dir, files, candidateLines: candidates.length, points: points.length });
      log(`  ${spec.name}@${version}: ${files.length} files, ${out.packages} packages checked${out.errors ? ` (${out.errors} type errors)` : ''}, ${candidates.length} candidate lines, ${points.length} points (cap ${perFileCap(GO_SAMPLING, files.length)}/file; ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
    return { format: DEVSET_FORMAT, language: 'go', key, resolver: `go/types ${version}`, buildMs: Math.round(performance.now() - t0), packages, points: roundRobin(perPackage) };
  },
};
