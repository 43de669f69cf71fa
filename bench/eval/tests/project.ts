// A package's published sources as a temporary project that Vitest can test: the cached tree
// (bench/editor/repo.ts: npm pack once, a git work tree after) copied into a temporary folder, its
// package.json replaced by a manifest naming Vitest (its "type" kept, so .js files load as they do
// for the package's users), and node_modules linked to this repository's, where vitest and
// @vitest/coverage-v8 are devDependencies. The package's own devDependencies (tap, mocha…) are
// not installed, so its test setup is not the one Hearth should detect.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyRepo, ensureRepo, REPO_ROOT } from '../../editor/repo';
import { PACKAGES, type EvalFunction } from './functions';

export class EvalProject {
  private constructor(readonly pkg: string, readonly version: string, readonly root: string) {}

  /** Fetches the package once (npm pack through the user's npm config), then copies the cached tree. */
  static open(pkg: string): EvalProject {
    const spec = PACKAGES[pkg];
    if (!spec) throw new Error(`unknown package ${pkg}`);
    const cached = ensureRepo(spec);
    const root = mkdtempSync(join(tmpdir(), `hearth-eval-tests-${pkg}-`));
    try {
      copyRepo(cached, root);
      const published = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { type?: string };
      const manifest = {
        name: `hearth-eval-${pkg}`, private: true, ...(published.type ? { type: published.type } : {}),
        scripts: { test: 'vitest run' }, devDependencies: { vitest: '*', '@vitest/coverage-v8': '*' },
      };
      writeFileSync(join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      // Not part of the package: the index and the privacy gate leave it out, as a user's .gitignore would.
      appendFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules\n');
    } catch (e) {
      rmSync(root, { recursive: true, force: true });
      throw e;
    }
    return new EvalProject(pkg, spec.version, root);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  /** The 1-based line of the function's `at` text, which must occur exactly once. */
  lineOf(f: EvalFunction): number {
    const text = this.read(f.path);
    const at = text.indexOf(f.at);
    if (at < 0 || text.indexOf(f.at, at + 1) >= 0) throw new Error(`${f.id}: ${JSON.stringify(f.at)} must occur exactly once in ${f.path}`);
    return text.slice(0, at).split('\n').length;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
