// Which file an import names, when several files match its last parts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromImport } from '../../src/core/index/resolve';

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
