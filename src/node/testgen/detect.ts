// Which framework a source file's tests use, and where they go (issue 12, item 2). In order:
// (a) an existing test file for the source, found by the usual naming conventions — its imports
// are the truth; (b) the CLOSEST manifest above the source that names a framework (in a monorepo,
// packages/a's package.json, not the root's); (c) undecided, with the candidates for the editor's
// question. Placement follows where the project's other tests live and how they are named.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameworkChoice, FrameworkId, Placement, TestLanguage, Undecided } from '../../core/testgen/types';
import { scratchFileFor } from './scratch';

/** The file system as detection reads it; paths are absolute. Injectable for tests. */
export interface ProjectFs {
  /** The file's text, or undefined when it does not exist or is not readable. */
  readText(path: string): Promise<string | undefined>;
  /** The directory's entries, or [] when it does not exist. */
  list(dir: string): Promise<readonly DirEntry[]>;
}

export interface DirEntry {
  readonly name: string;
  readonly dir: boolean;
}

export const nodeProjectFs: ProjectFs = {
  async readText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  async list(dir) {
    try {
      return (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, dir: e.isDirectory() }));
    } catch {
      return [];
    }
  },
};

/** A decided framework and where its tests go. */
export interface TestSetup {
  readonly framework: FrameworkChoice;
  readonly placement: Placement;
}

export interface DetectOptions {
  readonly fs?: ProjectFs;
  /**
   * The user's answer where nothing decides (the editor asks once per folder): used only when the
   * detection is undecided and it is one of the candidates; placement follows the project's layout.
   */
  readonly framework?: FrameworkId;
  /** The scratch file's id (random by default). */
  readonly scratchId?: string;
}

export function isUndecided(x: TestSetup | Undecided): x is Undecided {
  return (x as Undecided).candidates !== undefined;
}

const JS_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_FRAMEWORKS: readonly FrameworkId[] = ['vitest', 'jest', 'mocha', 'node:test'];

/** The test language of a source file by its extension, or undefined (no framework Hearth runs). */
export function languageOf(source: string): TestLanguage | undefined {
  const ext = extOf(source);
  if (ext === '.py') return 'python';
  if (ext === '.go') return 'go';
  if (['.ts', '.tsx', '.mts', '.cts'].includes(ext)) return 'typescript';
  if (['.js', '.jsx', '.mjs', '.cjs'].includes(ext)) return 'javascript';
  return undefined;
}

function extOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const joinRel = (...parts: string[]) => parts.filter((p) => p !== '').join('/');
/** Root-relative directories from `dir` up to the root ('' is the root). */
function upFrom(dir: string): string[] {
  const out = [dir];
  while (dir !== '') {
    dir = dirOf(dir);
    out.push(dir);
  }
  return out;
}

/** Reads the project through a per-call cache: many candidates share a few directories. */
class Reader {
  private readonly lists = new Map<string, Promise<readonly DirEntry[]>>();
  constructor(readonly root: string, readonly fs: ProjectFs) {}
  list(rel: string): Promise<readonly DirEntry[]> {
    let l = this.lists.get(rel);
    if (!l) {
      l = this.fs.list(join(this.root, rel));
      this.lists.set(rel, l);
    }
    return l;
  }
  async hasFile(rel: string): Promise<boolean> {
    return (await this.list(dirOf(rel))).some((e) => e.name === baseOf(rel) && !e.dir);
  }
  async hasDir(rel: string): Promise<boolean> {
    return (await this.list(dirOf(rel))).some((e) => e.name === baseOf(rel) && e.dir);
  }
  read(rel: string): Promise<string | undefined> {
    return this.fs.readText(join(this.root, rel));
  }
}

// ---- manifests -------------------------------------------------------------------------------

interface ManifestVerdict {
  readonly framework: FrameworkId;
  readonly evidence: string;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  jest?: unknown;
}

async function readPackageJson(r: Reader, dir: string): Promise<PackageJson | undefined> {
  const text = await r.read(joinRel(dir, 'package.json'));
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' ? (v as PackageJson) : {};
  } catch {
    return {};
  }
}

/** The JS framework a package.json (and the config files beside it) names, if any. */
async function jsFrameworkOf(r: Reader, dir: string, pkg: PackageJson): Promise<ManifestVerdict | undefined> {
  const where = joinRel(dir, 'package.json');
  const script = typeof pkg.scripts?.test === 'string' ? pkg.scripts.test : '';
  if (/\bvitest\b/.test(script)) return { framework: 'vitest', evidence: `${where}'s test script runs vitest` };
  if (/\bjest\b/.test(script)) return { framework: 'jest', evidence: `${where}'s test script runs jest` };
  if (/\bmocha\b/.test(script)) return { framework: 'mocha', evidence: `${where}'s test script runs mocha` };
  if (/(^|[\s;&|])(node|tsx)\b[^;&|]*\s--test\b/.test(script)) return { framework: 'node:test', evidence: `${where}'s test script runs node --test` };
  const deps = { ...pkg.peerDependencies, ...pkg.dependencies, ...pkg.devDependencies };
  if ('vitest' in deps) return { framework: 'vitest', evidence: `${where} lists vitest` };
  if ('jest' in deps || 'ts-jest' in deps || pkg.jest !== undefined) return { framework: 'jest', evidence: `${where} lists jest` };
  if ('mocha' in deps) return { framework: 'mocha', evidence: `${where} lists mocha` };
  const names = (await r.list(dir)).filter((e) => !e.dir).map((e) => e.name);
  const config = (re: RegExp) => names.find((n) => re.test(n));
  const vitestConfig = config(/^vitest\.config\.[cm]?[jt]s$/);
  if (vitestConfig) return { framework: 'vitest', evidence: `${joinRel(dir, vitestConfig)} exists` };
  const jestConfig = config(/^jest\.config\.[cm]?[jt]s(on)?$/);
  if (jestConfig) return { framework: 'jest', evidence: `${joinRel(dir, jestConfig)} exists` };
  const mocharc = config(/^\.mocharc(\.[cm]?js|\.ya?ml|\.jsonc?)?$/);
  if (mocharc) return { framework: 'mocha', evidence: `${joinRel(dir, mocharc)} exists` };
  return undefined;
}

/** The closest package.json at or above `dir` that names a framework, and its directory. */
async function closestJsManifest(r: Reader, dir: string): Promise<{ dir: string; verdict: ManifestVerdict } | undefined> {
  for (const d of upFrom(dir)) {
    const pkg = await readPackageJson(r, d);
    if (!pkg) continue;
    const verdict = await jsFrameworkOf(r, d, pkg);
    if (verdict) return { dir: d, verdict };
  }
  return undefined;
}

async function closestPackageDir(r: Reader, dir: string): Promise<string> {
  for (const d of upFrom(dir)) if (await r.hasFile(joinRel(d, 'package.json'))) return d;
  return '';
}

const PY_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini', 'pytest.ini', 'conftest.py', 'requirements.txt'];
const PY_REQUIREMENTS = ['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'requirements-test.txt', 'test-requirements.txt'];

/** Why `dir` runs its tests with pytest, or undefined. */
async function pytestSign(r: Reader, dir: string): Promise<string | undefined> {
  const at = (n: string) => joinRel(dir, n);
  if (await r.hasFile(at('pytest.ini'))) return `${at('pytest.ini')} exists`;
  if (await r.hasFile(at('conftest.py'))) return `${at('conftest.py')} exists`;
  const pyproject = await r.read(at('pyproject.toml'));
  if (pyproject !== undefined && /^\s*\[tool\.pytest/m.test(pyproject)) return `${at('pyproject.toml')} configures pytest`;
  if (pyproject !== undefined && /["']pytest\b/.test(pyproject)) return `${at('pyproject.toml')} lists pytest`;
  const setupCfg = await r.read(at('setup.cfg'));
  if (setupCfg !== undefined && /^\s*\[tool:pytest\]/m.test(setupCfg)) return `${at('setup.cfg')} configures pytest`;
  const tox = await r.read(at('tox.ini'));
  if (tox !== undefined && /^\s*\[pytest\]/m.test(tox)) return `${at('tox.ini')} configures pytest`;
  for (const req of PY_REQUIREMENTS) {
    const text = await r.read(at(req));
    if (text !== undefined && /^\s*pytest\b/m.test(text)) return `${at(req)} lists pytest`;
  }
  return undefined;
}

async function closestWith(r: Reader, dir: string, markers: readonly string[]): Promise<string | undefined> {
  for (const d of upFrom(dir)) {
    for (const m of markers) if (await r.hasFile(joinRel(d, m))) return d;
  }
  return undefined;
}

// ---- existing test files ---------------------------------------------------------------------

/** Strips a leading `src/` or `lib/` from a project-relative directory (the usual mirror). */
function mirrorDir(relDir: string): string {
  return relDir.replace(/^(src|lib)(\/|$)/, '');
}

function relTo(projectDir: string, path: string): string {
  return projectDir === '' ? path : path.slice(projectDir.length + 1);
}

function existingCandidates(source: string, language: TestLanguage, projectDir: string): string[] {
  const dir = dirOf(source);
  const name = baseOf(source);
  const relDir = dirOf(relTo(projectDir, source));
  const mirrors = [...new Set([mirrorDir(relDir), relDir, ''])];
  if (language === 'go') return [joinRel(dir, name.replace(/\.go$/, '_test.go'))];
  if (language === 'python') {
    const stem = name.replace(/\.py$/, '');
    const out = [joinRel(dir, `test_${stem}.py`), joinRel(dir, `${stem}_test.py`), joinRel(dir, 'tests', `test_${stem}.py`)];
    for (const t of ['tests', 'test']) for (const m of mirrors) out.push(joinRel(projectDir, t, m, `test_${stem}.py`));
    return [...new Set(out)];
  }
  const ext = extOf(name);
  const stem = name.slice(0, name.length - ext.length);
  const exts = [ext, ...JS_EXTS.filter((e) => e !== ext)];
  const out: string[] = [];
  for (const suffix of ['.test', '.spec']) for (const e of exts) out.push(joinRel(dir, `${stem}${suffix}${e}`));
  for (const suffix of ['.test', '.spec', '']) for (const e of exts) out.push(joinRel(dir, '__tests__', `${stem}${suffix}${e}`));
  for (const t of ['test', 'tests', '__tests__']) {
    for (const m of mirrors) for (const suffix of ['.test', '.spec', '']) for (const e of exts) out.push(joinRel(projectDir, t, m, `${stem}${suffix}${e}`));
  }
  return [...new Set(out)].filter((p) => p !== source);
}

async function findExisting(r: Reader, source: string, language: TestLanguage, projectDir: string): Promise<string | undefined> {
  for (const c of existingCandidates(source, language, projectDir)) if (await r.hasFile(c)) return c;
  return undefined;
}

/** The framework a test file's imports name (JS/TS, Python), or 'globals' for bare describe/it/test. */
function frameworkOfImports(text: string, language: TestLanguage): FrameworkId | 'globals' | undefined {
  if (language === 'go') return 'go';
  if (language === 'python') {
    if (/^\s*(import\s+pytest\b|from\s+pytest\b)/m.test(text)) return 'pytest';
    if (/^\s*(import\s+unittest\b|from\s+unittest\b)/m.test(text)) return 'unittest';
    if (/^def\s+test_\w*\s*\(/m.test(text)) return 'pytest';
    return undefined;
  }
  const mod = (m: string) => new RegExp(`(from\\s+|require\\(\\s*|import\\s*\\(?\\s*)['"]${m}['"]`).test(text);
  if (mod('vitest')) return 'vitest';
  if (mod('@jest/globals')) return 'jest';
  if (mod('node:test')) return 'node:test';
  if (mod('mocha')) return 'mocha';
  if (/\b(describe|it|test)\s*\(/.test(text)) return 'globals';
  return undefined;
}

// ---- placement ------------------------------------------------------------------------------

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '.next', '.cache', 'vendor']);
const JS_TEST_NAME = /\.(test|spec)\.[cm]?[jt]sx?$/;

interface JsTestLayout {
  readonly style: 'beside' | '__tests__' | 'mirror';
  readonly suffix: '.test' | '.spec' | '';
  /** For 'mirror': the test directory (project-relative) and whether it is flat. */
  readonly testDir?: string;
  readonly flat?: boolean;
}

/** How the project's JS/TS tests are laid out, from a bounded walk of the project. */
async function jsLayout(r: Reader, projectDir: string): Promise<JsTestLayout> {
  const counts = { beside: 0, __tests__: 0, mirror: 0 };
  const suffixes = { '.test': 0, '.spec': 0, '': 0 };
  const mirrorDirs = new Map<string, { files: number; nested: number }>();
  const queue = [''];
  let budget = 400;
  while (queue.length > 0 && budget-- > 0) {
    const rel = queue.shift()!;
    for (const e of await r.list(joinRel(projectDir, rel))) {
      const p = joinRel(rel, e.name);
      if (e.dir) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(p);
        continue;
      }
      if (!JS_EXTS.includes(extOf(e.name))) continue;
      const top = rel.split('/')[0];
      const inTestDir = top === 'test' || top === 'tests';
      const named = JS_TEST_NAME.exec(e.name);
      if (!named && !inTestDir && !rel.split('/').includes('__tests__')) continue;
      suffixes[named ? (`.${named[1]}` as '.test' | '.spec') : '']++;
      if (rel.split('/').includes('__tests__')) counts.__tests__++;
      else if (inTestDir) {
        counts.mirror++;
        const m = mirrorDirs.get(top) ?? { files: 0, nested: 0 };
        m.files++;
        if (rel !== top) m.nested++;
        mirrorDirs.set(top, m);
      } else counts.beside++;
    }
  }
  const suffix = suffixes['.spec'] > suffixes['.test'] && suffixes['.spec'] >= suffixes[''] ? '.spec'
    : suffixes[''] > suffixes['.test'] ? '' : '.test';
  if (counts.__tests__ > counts.beside && counts.__tests__ >= counts.mirror) return { style: '__tests__', suffix };
  if (counts.mirror > counts.beside) {
    const [testDir, m] = [...mirrorDirs].sort((a, b) => b[1].files - a[1].files)[0];
    return { style: 'mirror', suffix, testDir, flat: m.nested === 0 };
  }
  return { style: 'beside', suffix: suffix === '' ? '.test' : suffix };
}

async function conventionalTestFile(r: Reader, source: string, language: TestLanguage, projectDir: string): Promise<string> {
  const dir = dirOf(source);
  const name = baseOf(source);
  if (language === 'go') return joinRel(dir, name.replace(/\.go$/, '_test.go'));
  if (language === 'python') {
    const stem = name.replace(/\.py$/, '');
    if (await r.hasDir(joinRel(projectDir, 'tests'))) return joinRel(projectDir, 'tests', `test_${stem}.py`);
    return joinRel(dir, `test_${stem}.py`);
  }
  const ext = extOf(name);
  const stem = name.slice(0, name.length - ext.length);
  const layout = await jsLayout(r, projectDir);
  if (layout.style === '__tests__') return joinRel(dir, '__tests__', `${stem}${layout.suffix}${ext}`);
  if (layout.style === 'mirror' && layout.testDir) {
    const sub = layout.flat ? '' : mirrorDir(dirOf(relTo(projectDir, source)));
    return joinRel(projectDir, layout.testDir, sub, `${stem}${layout.suffix}${ext}`);
  }
  return joinRel(dir, `${stem}${layout.suffix}${ext}`);
}

// ---- detection ------------------------------------------------------------------------------

/**
 * Decides the framework and placement for a root-relative source file under the absolute `root`.
 * Never reads above `root`.
 */
export async function detectTestSetup(root: string, source: string, opts: DetectOptions = {}): Promise<TestSetup | Undecided> {
  const r = new Reader(root, opts.fs ?? nodeProjectFs);
  const language = languageOf(source);
  if (!language) return { reason: `Hearth runs no test framework for ${extOf(source) || 'extensionless'} files`, candidates: [] };
  const dir = dirOf(source);
  let decided = await decide(r, source, language, dir);
  if ('candidates' in decided) {
    if (!opts.framework || !decided.candidates.includes(opts.framework)) return decided;
    decided = await chosen(r, source, language, dir, opts.framework);
  }
  const { choice, existing } = decided;
  const projectDirRel = choice.projectDir === '.' ? '' : choice.projectDir;
  const testFile = existing ?? (await conventionalTestFile(r, source, language, projectDirRel));
  return {
    framework: choice,
    placement: { testFile, testFileExists: existing !== undefined, scratchFile: scratchFileFor(source, language, opts.scratchId) },
  };
}

/** The framework the user chose, run from the closest project directory, with its existing test file if any. */
async function chosen(r: Reader, source: string, language: TestLanguage, dir: string, framework: FrameworkId): Promise<{ choice: FrameworkChoice; existing?: string }> {
  const projectDir = language === 'go' ? dir
    : language === 'python' ? (await closestWith(r, dir, PY_MARKERS)) ?? ''
      : await closestPackageDir(r, dir);
  const existing = await findExisting(r, source, language, projectDir);
  return { choice: { framework, language, projectDir: projectDir === '' ? '.' : projectDir, evidence: 'chosen by you for this folder' }, ...(existing ? { existing } : {}) };
}

async function decide(r: Reader, source: string, language: TestLanguage, dir: string): Promise<{ choice: FrameworkChoice; existing?: string } | Undecided> {
  const choice = (framework: FrameworkId, projectDir: string, evidence: string): FrameworkChoice =>
    ({ framework, language, projectDir: projectDir === '' ? '.' : projectDir, evidence });

  if (language === 'go') {
    const mod = await closestWith(r, dir, ['go.mod']);
    if (mod === undefined) return { reason: `no go.mod at or above ${dir || 'the root'}: go test needs a module`, candidates: ['go'] };
    const existing = await findExisting(r, source, language, mod);
    return { choice: choice('go', mod, existing ? `${existing} exists` : `${joinRel(mod, 'go.mod')} exists`), ...(existing ? { existing } : {}) };
  }

  if (language === 'python') {
    const projectDir = (await closestWith(r, dir, PY_MARKERS)) ?? '';
    const existing = await findExisting(r, source, language, projectDir);
    let pytestDir: { dir: string; why: string } | undefined;
    for (const d of upFrom(dir)) {
      const why = await pytestSign(r, d);
      if (why) {
        pytestDir = { dir: d, why };
        break;
      }
    }
    if (existing) {
      const text = (await r.read(existing)) ?? '';
      const fw = frameworkOfImports(text, language);
      if (fw === 'pytest' || fw === 'unittest') {
        const what = fw === 'pytest' ? 'uses pytest' : 'imports unittest';
        return { choice: choice(fw, fw === 'pytest' && pytestDir ? pytestDir.dir : projectDir, `${existing} ${what}`), existing };
      }
    }
    if (pytestDir) return { choice: choice('pytest', pytestDir.dir, pytestDir.why), ...(existing ? { existing } : {}) };
    return {
      choice: choice('unittest', projectDir, 'no pytest configuration or requirement found: Python\'s own unittest'),
      ...(existing ? { existing } : {}),
    };
  }

  // JavaScript / TypeScript
  const packageDir = await closestPackageDir(r, dir);
  const manifest = await closestJsManifest(r, dir);
  const existing = await findExisting(r, source, language, packageDir);
  if (existing) {
    const fw = frameworkOfImports((await r.read(existing)) ?? '', language);
    if (fw !== undefined && fw !== 'globals') {
      return { choice: choice(fw, manifest?.dir ?? packageDir, `${existing} imports ${fw}`), existing };
    }
    if (fw === 'globals' && manifest) {
      return {
        choice: choice(manifest.verdict.framework, manifest.dir, `${existing} uses describe/it globals and ${manifest.verdict.evidence}`),
        existing,
      };
    }
  }
  if (manifest) return { choice: choice(manifest.verdict.framework, manifest.dir, manifest.verdict.evidence), ...(existing ? { existing } : {}) };
  const where = packageDir === '' ? 'the workspace root' : packageDir;
  return {
    reason: existing
      ? `${existing} imports no known framework and no package.json at or above ${dir || 'the root'} names one`
      : `no test file for ${source} and no package.json at or above ${where} names vitest, jest, mocha or node --test`,
    candidates: JS_FRAMEWORKS,
  };
}
