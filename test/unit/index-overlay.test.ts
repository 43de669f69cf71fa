// The index as the long-window pack reads it when some files stand as staged (overlay.ts): their
// definitions and references replace the indexed ones, a file left out is gone from every lookup,
// and the index itself does not change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overlayIndex } from '../../src/core/index/overlay';
import { RepoIndex, type IndexedFile } from '../../src/core/index/repoIndex';
import type { Definition } from '../../src/core/index/tags';

function file(path: string, defs: Array<[string, number]>, refs: string[] = []): IndexedFile {
  const definitions = defs.map(([name, line]): Definition & { path: string } => ({ name, kind: 'function', line, startLine: line, endLine: line + 2, signatureEndLine: line, path }));
  return { path, language: 'typescript', size: 0, mtimeMs: 0, definitions, references: new Map(refs.map((r) => [r, 1])), imports: [] };
}

function sample(): RepoIndex {
  const idx = new RepoIndex();
  idx.upsert(file('src/a.ts', [['alpha', 0], ['shared', 4]], ['beta']));
  idx.upsert(file('src/b.ts', [['beta', 0]], ['alpha']));
  idx.upsert(file('src/c.ts', [['shared', 0]], ['alpha', 'beta']));
  return idx;
}

const where = (defs: readonly { path: string; startLine: number }[]) => defs.map((d) => `${d.path}:${d.startLine}`);

describe('overlayIndex', () => {
  it('a file given anew replaces the indexed one in every lookup', () => {
    const idx = sample();
    const view = overlayIndex(idx, new Map([['src/a.ts', file('src/a.ts', [['gamma', 2], ['shared', 8]], ['shared'])]]));
    assert.deepEqual(view.file('src/a.ts')?.definitions.map((d) => d.name), ['gamma', 'shared']);
    assert.deepEqual(where(view.definitionsNamed('alpha')), []);
    assert.deepEqual(where(view.definitionsNamed('gamma')), ['src/a.ts:2']);
    assert.deepEqual(where(view.definitionsNamed('shared')), ['src/c.ts:0', 'src/a.ts:8']);
    assert.deepEqual([...view.filesUsing('beta')].sort(), ['src/c.ts']);
    assert.deepEqual([...view.filesUsing('shared')].sort(), ['src/a.ts']);
    // Unchanged files read through.
    assert.equal(view.file('src/b.ts'), idx.file('src/b.ts'));
    // The index is not touched.
    assert.deepEqual(idx.file('src/a.ts')?.definitions.map((d) => d.name), ['alpha', 'shared']);
    assert.deepEqual(where(idx.definitionsNamed('alpha')), ['src/a.ts:0']);
  });

  it('a file given as undefined is left out; a file the index lacks is added', () => {
    const view = overlayIndex(sample(), new Map<string, IndexedFile | undefined>([['src/c.ts', undefined], ['src/new.ts', file('src/new.ts', [['delta', 0]], ['beta'])]]));
    assert.equal(view.file('src/c.ts'), undefined);
    assert.deepEqual(where(view.definitionsNamed('shared')), ['src/a.ts:4']);
    assert.deepEqual([...view.filesUsing('alpha')].sort(), ['src/b.ts']);
    assert.deepEqual([...view.filesUsing('beta')].sort(), ['src/a.ts', 'src/new.ts']);
    assert.deepEqual(where(view.definitionsNamed('delta')), ['src/new.ts:0']);
  });
});
