// Which file an import names, when several files match its last parts; what a scope's names
// resolve to on a real RepoIndex: which names count, which neighbours come along.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromImport, nearest, nearestOfName, proximity, resolveScope } from '../../src/core/index/resolve';
import type { LocatedDefinition } from '../../src/core/index/snippets';
import { RepoIndex, type IndexedFile } from '../../src/core/index/repoIndex';
import type { Definition, FileTags } from '../../src/core/index/tags';

const defs = (...paths: string[]) => paths.map((path) => ({ path }));

describe('fromImport', () => {
  it('a relative TypeScript specifier names one file, index files included', () => {
    const all = defs('src/p1/parse.ts', 'src/p5/parse.ts', 'lib/parse/index.ts');
    assert.deepEqual(fromImport('./p5/parse', 'src/use.ts', all), defs('src/p5/parse.ts'));
    assert.deepEqual(fromImport('../lib/parse', 'src/use.ts', all), defs('lib/parse/index.ts'));
    assert.deepEqual(fromImport('./p5/parse.js', 'src/use.ts', all), defs('src/p5/parse.ts'), 'the .js an ES module imports a .ts by');
  });

  it('Python: one dot is the package of the importing file, each further dot one up', () => {
    const all = defs('pkg/models.py', 'pkg/sub/models.py', 'other/models/__init__.py');
    assert.deepEqual(fromImport('.models', 'pkg/sub/view.py', all), defs('pkg/sub/models.py'));
    assert.deepEqual(fromImport('..models', 'pkg/sub/view.py', all), defs('pkg/models.py'));
  });

  it('a package name, or a relative one that names no indexed file, keeps every file its last parts match', () => {
    const all = defs('a/parse.ts', 'b/parse.ts');
    assert.deepEqual(fromImport('parse', 'src/use.ts', all), all);
    assert.deepEqual(fromImport('./elsewhere/parse', 'src/use.ts', all), all);
    assert.deepEqual(fromImport('./parse', 'src/use.ts', defs('src/other.ts')), []);
  });
});

function file(path: string, defs: Definition[], refs: Record<string, number> = {}, imports: FileTags['imports'] = []): IndexedFile {
  return { path, language: 'typescript', size: 100, mtimeMs: 0, definitions: defs.map((d) => ({ ...d, path })), references: new Map(Object.entries(refs)), imports };
}
function d(name: string, kind: Definition['kind'], startLine: number, endLine = startLine, container?: string): Definition {
  return { name, kind, line: startLine, startLine, endLine, signatureEndLine: startLine, ...(container ? { container } : {}) };
}
const names = (r: ReturnType<typeof resolveScope>) => r.scored.map((s) => `${s.def.path}:${s.def.name}`);

describe('resolveScope', () => {
  it('a one-letter or keyword-like name counts when the file imports it, and only then', () => {
    const idx = new RepoIndex();
    idx.upsert(file('src/lodash.ts', [d('_', 'function', 0, 2)]));
    idx.upsert(file('src/y.ts', [d('y', 'function', 0, 2)]));
    const imports = [{ source: './lodash', names: ['_'], line: 0 }];
    idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { _: 1, y: 1 }, imports));
    const r = resolveScope(idx, { path: 'src/use.ts', scopeText: 'return _(x) + y(1);', uses: new Map([['_', 1], ['y', 1]]), imports });
    assert.deepEqual(names(r), ['src/lodash.ts:_']);
    assert.equal(r.noise('_'), false);
    assert.equal(r.noise('y'), true, 'an unimported one-letter name identifies nothing');
    assert.equal(r.noise('string'), true);
  });

  it('short constants standing next to one the scope uses come along, nearer ones first; far ones and other kinds do not', () => {
    const idx = new RepoIndex();
    idx.upsert(file('src/status.ts', [
      d('StatusOK', 'constant', 0), d('StatusCreated', 'constant', 1), d('StatusAccepted', 'constant', 8),
      d('helper', 'function', 10, 12), d('StatusTeapot', 'constant', 40),
    ]));
    idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { StatusOK: 1 }));
    const r = resolveScope(idx, { path: 'src/use.ts', scopeText: 'return StatusOK;', uses: new Map([['StatusOK', 1]]), imports: [] });
    assert.deepEqual(names(r), ['src/status.ts:StatusOK', 'src/status.ts:StatusCreated', 'src/status.ts:StatusAccepted']);
    assert.ok(r.scored[1].score < r.scored[0].score / 2 + 1e-9, 'a neighbour weighs at most half the constant it stands by');
  });

  it('a table of thousands of constants, a dozen to a line: a few nearest neighbours, not the whole window', () => {
    const idx = new RepoIndex();
    const table = Array.from({ length: 600 }, (_, i) => d(`K${i}`, 'constant', Math.floor(i / 12)));
    idx.upsert(file('src/table.ts', table));
    idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { K300: 1 }));
    const r = resolveScope(idx, { path: 'src/use.ts', scopeText: 'return K300;', uses: new Map([['K300', 1]]), imports: [] });
    assert.equal(names(r)[0], 'src/table.ts:K300');
    const neighbours = r.scored.slice(1);
    assert.ok(neighbours.length > 0 && neighbours.length <= 8, `${neighbours.length} neighbours`);
    assert.ok(neighbours.every((c) => Math.abs(c.def.startLine - 25) <= 1), 'the nearest lines first');
  });

  it('members of a type in play that the file never names rank below those it names', () => {
    const idx = new RepoIndex();
    idx.upsert(file('src/big.ts', [
      d('Big', 'class', 0, 20), d('alpha', 'method', 1, 3, 'Big'), d('beta', 'method', 4, 6, 'Big'), d('gamma', 'method', 7, 9, 'Big'),
    ]));
    idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { Big: 1, gamma: 1 }));
    const r = resolveScope(idx, { path: 'src/use.ts', scopeText: 'const b = new Big();', uses: new Map([['Big', 1]]), imports: [] });
    const score = (n: string) => r.scored.find((s) => s.def.name === n)?.score ?? 0;
    assert.deepEqual(names(r).slice(0, 2), ['src/big.ts:Big', 'src/big.ts:gamma'], 'gamma is named elsewhere in the file');
    assert.ok(score('alpha') > 0 && score('alpha') < score('gamma') / 2);
    assert.equal(score('alpha'), score('beta'));
  });
});

describe('nearestOfName', () => {
  // A seeded generator: the same lists on every run.
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const FOLDERS = ['', 'pkg/', 'pkg/sub/', 'pkg/sub/deep/', 'pkgx/', 'other/', 'other/pkg/', 'lib/a/', 'lib/b/c/'];
  const listOf = (next: () => number, n: number): LocatedDefinition[] => Array.from({ length: n }, () => ({
    name: 'value', kind: 'function', path: `${FOLDERS[Math.floor(next() * FOLDERS.length)]}f${Math.floor(next() * 6)}.ts`,
    startLine: Math.floor(next() * 4), endLine: 9, signatureEndLine: 4,
  }) as LocatedDefinition);

  it('picks what a scan of every definition picks, in the same order, from any folder, as the list grows', () => {
    const next = random(7);
    let compared = 0;
    for (let trial = 0; trial < 60; trial++) {
      const list = listOf(next, 40 + Math.floor(next() * 200));
      for (const from of ['pkg/sub/use.ts', 'pkg/use.ts', 'use.ts', 'other/x/use.ts', 'lib/b/c/use.ts', 'nowhere/use.ts']) {
        const near = proximity(from);
        for (const k of [1, 8, 30]) {
          assert.deepEqual(nearestOfName(list, from, near, k), nearest(list, near, k), `trial ${trial}, from ${from}, k ${k}`);
          compared++;
        }
      }
      // The index appends to a name's list: the next answer counts the new definitions too.
      list.push(...listOf(next, 20));
      const near = proximity('pkg/sub/use.ts');
      assert.deepEqual(nearestOfName(list, 'pkg/sub/use.ts', near, 8), nearest(list, near, 8));
    }
    assert.equal(compared, 60 * 6 * 3);
  });

  it('a folder with fewer than k of the definitions: all of them first, then the others by path and line', () => {
    const list: LocatedDefinition[] = [];
    for (let i = 0; i < 70; i++) list.push({ name: 'v', kind: 'constant', path: `z${String(i).padStart(2, '0')}/v.ts`, startLine: i, endLine: i, signatureEndLine: i } as LocatedDefinition);
    list.push({ name: 'v', kind: 'constant', path: 'mine/deep/v.ts', startLine: 3, endLine: 3, signatureEndLine: 3 } as LocatedDefinition);
    const picked = nearestOfName(list, 'mine/use.ts', proximity('mine/use.ts'), 3);
    assert.deepEqual(picked.map((d) => d.path), ['mine/deep/v.ts', 'z00/v.ts', 'z01/v.ts']);
  });
});
