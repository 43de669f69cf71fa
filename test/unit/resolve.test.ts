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

  it('neighbours are the nearest of the window, below first at equal distance, then nearer in the file: as a sort of the whole window has them', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 40; trial++) {
      const defsOf: Definition[] = [];
      for (let i = 0; i < 200; i++) {
        const line = Math.floor(next() * 60);
        defsOf.push(d(`C${i}`, next() < 0.8 ? 'constant' : 'variable', line, line + (next() < 0.9 ? 0 : 3), next() < 0.8 ? undefined : 'Box'));
      }
      const idx = new RepoIndex();
      idx.upsert(file('src/table.ts', defsOf));
      const seedDef = idx.file('src/table.ts')!.definitions.find((x) => x.name === `C${trial}`)!;
      idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { [seedDef.name]: 1 }));
      const r = resolveScope(idx, { path: 'src/use.ts', scopeText: `return ${seedDef.name};`, uses: new Map([[seedDef.name, 1]]), imports: [] });
      // The rule, written as the sort it replaced.
      const all = idx.file('src/table.ts')!.definitions.filter((x) => (x.kind === 'constant' || x.kind === 'variable') && x.endLine - x.startLine <= 2);
      const expected: string[] = [];
      if (seedDef.endLine - seedDef.startLine <= 2) {
        const ok = (x: LocatedDefinition) => x !== seedDef && x.kind === seedDef.kind && x.container === seedDef.container && Math.abs(x.startLine - seedDef.startLine) <= 12;
        const at = all.findIndex((x) => x.startLine >= seedDef.startLine);
        const below = all.slice(at).filter(ok);
        const above = all.slice(0, at).reverse().filter(ok);
        expected.push(...[...below, ...above].sort((a, b) => Math.abs(a.startLine - seedDef.startLine) - Math.abs(b.startLine - seedDef.startLine)).slice(0, 8).map((x) => x.name));
      }
      // Which ones: at the cut, the tie-breaks decide. (In `scored`, equal scores go by line.)
      assert.deepEqual(r.scored.filter((c) => c.def !== seedDef).map((c) => c.def.name).sort(), [...expected].sort(), `trial ${trial}`);
    }
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
  it('finds members and neighbouring constants however the file lists its definitions (the index puts them in line order)', () => {
    const idx = new RepoIndex();
    // As a few C and TypeScript files come from tree-sitter: members before their type, constants out of order.
    idx.upsert(file('src/big.ts', [
      d('gamma', 'method', 7, 9, 'Big'), d('alpha', 'method', 1, 3, 'Big'), d('Big', 'class', 0, 20),
      d('K2', 'constant', 24), d('beta', 'method', 4, 6, 'Big'), d('K1', 'constant', 23), d('Other', 'class', 30, 40), d('delta', 'method', 31, 33, 'Other'),
    ]));
    assert.deepEqual(idx.file('src/big.ts')!.definitions.map((x) => x.name), ['Big', 'alpha', 'beta', 'gamma', 'K1', 'K2', 'Other', 'delta']);
    idx.upsert(file('src/use.ts', [d('f', 'function', 2, 4)], { Big: 1, K1: 1 }));
    const r = resolveScope(idx, { path: 'src/use.ts', scopeText: 'new Big(K1);', uses: new Map([['Big', 1], ['K1', 1]]), imports: [] });
    assert.deepEqual(names(r).sort(), ['src/big.ts:Big', 'src/big.ts:K1', 'src/big.ts:K2', 'src/big.ts:alpha', 'src/big.ts:beta', 'src/big.ts:gamma']);
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
