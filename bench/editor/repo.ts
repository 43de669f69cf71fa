// The repository the editor benchmark opens: a real TypeScript code base the project did not write,
// fetched from the npm registry by its pinned version (the package ships its .ts sources), cut down to
// what its git repository would hold (sources and manifests, no build output: the compiled copies of
// the file being typed would hand the model the answer through the repository context), and made a
// git work tree so the index runs in git mode as it does for users. Cached under .cache/bench-repos/
// (git-ignored): the first run takes a few seconds, later ones copy the cached tree.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CACHE_DIR = join(REPO_ROOT, '.cache', 'bench-repos');

export interface BenchRepo {
  /** npm package name and pinned version. */
  readonly pkg: string;
  readonly version: string;
  /** Top-level entries of the published package kept in the work tree. */
  readonly keep: readonly string[];
}

/** RxJS 7.8.2: 251 TypeScript sources under src/, Apache-2.0. */
export const RXJS: BenchRepo = {
  pkg: 'rxjs',
  version: '7.8.2',
  keep: ['src', 'package.json', 'tsconfig.json', 'README.md', 'LICENSE.txt', 'CHANGELOG.md', 'ajax', 'fetch', 'operators', 'testing', 'webSocket'],
};

const READY = '.bench-repo-ready';

/** The cached git work tree of `repo`, built once. */
export function ensureRepo(repo: BenchRepo = RXJS): string {
  const dir = join(CACHE_DIR, `${repo.pkg}-${repo.version}`);
  if (existsSync(join(dir, READY))) return dir;
  mkdirSync(CACHE_DIR, { recursive: true });
  const tarball = join(CACHE_DIR, `${repo.pkg}-${repo.version}.tgz`);
  if (!existsSync(tarball)) {
    // `npm pack` prints the tarball's file name; it goes through the user's npm config (registry, proxy).
    const name = execFileSync('npm', ['pack', `${repo.pkg}@${repo.version}`, '--pack-destination', CACHE_DIR, '--silent'], { cwd: CACHE_DIR, encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop();
    if (!name || !existsSync(join(CACHE_DIR, name))) throw new Error(`npm pack ${repo.pkg}@${repo.version} produced no tarball`);
    if (join(CACHE_DIR, name) !== tarball) renameSync(join(CACHE_DIR, name), tarball);
  }
  const staging = `${dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', staging], { timeout: 60_000 });
  const unpacked = join(staging, 'package');
  for (const name of readdirSync(unpacked)) {
    if (!repo.keep.includes(name)) rmSync(join(unpacked, name), { recursive: true, force: true });
  }
  git(unpacked, 'init', '-q');
  git(unpacked, 'add', '-A');
  git(unpacked, 'commit', '-q', '-m', `${repo.pkg} ${repo.version} as published`);
  renameSync(unpacked, dir);
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(join(dir, '.git', 'info', 'exclude'), `${READY}\n`, { flag: 'a' });
  writeFileSync(join(dir, READY), `${new Date().toISOString()}\n`);
  return dir;
}

/** Copies the cached work tree (with its .git) into an empty workspace folder. */
export function copyRepo(cached: string, workspace: string): void {
  for (const name of readdirSync(cached)) {
    if (name === READY) continue;
    cpSync(join(cached, name), join(workspace, name), { recursive: true });
  }
}

/** Files and bytes of the work tree, .git excluded. */
export function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === '.git' || name === READY) continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else {
        files++;
        bytes += st.size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Hearth bench', '-c', 'user.email=bench@localhost', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] });
}
