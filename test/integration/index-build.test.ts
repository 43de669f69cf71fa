// The index build shares its thread with everything else (in the editor, the extension host's,
// where keystrokes reach the completion provider): its own work on that thread runs in slices with
// turns of the event loop between them. Measured by counting what happens between two turns, not
// by timing (the house rule: speed goes to the benchmarks).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { silentLogger } from '../../src/core/log';
import { IndexService } from '../../src/node/index/indexService';
import { SLICE_ITEMS } from '../../src/node/index/slices';

const FILES = 1200;

/** Samples `probe()` at every turn of the event loop until `work` settles. */
async function everyTurn<T, S>(work: Promise<T>, probe: () => S): Promise<{ result: T; samples: S[] }> {
  const samples: S[] = [probe()];
  let settled = false;
  const done = work.finally(() => { settled = true; });
  while (!settled) {
    await nextTurn();
    samples.push(probe());
  }
  return { result: await done, samples };
}

describe('the index build yields to the event loop', () => {
  let root: string;
  let cacheFile: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-build-'));
    mkdirSync(join(root, 'src'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, 'src', `m${i}.ts`), `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`);
    cacheFile = join(root, '..', `${root.split('/').pop()}-cache.json`);
    const cold = new IndexService({ root, cacheFile, logger: silentLogger, git: null });
    try {
      assert.equal((await cold.build()).parsed, FILES);
    } finally {
      await cold.dispose();
    }
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  });

  it(`a warm start takes the cached files in at most ${SLICE_ITEMS} per turn`, async () => {
    const warm = new IndexService({ root, cacheFile, logger: silentLogger, git: null });
    try {
      const { result, samples } = await everyTurn(warm.build(), () => warm.index.fileCount);
      assert.equal(result.cacheHits, FILES);
      assert.equal(warm.index.fileCount, FILES);
      const steps = samples.slice(1).map((n, i) => n - samples[i]);
      assert.ok(Math.max(...steps) <= SLICE_ITEMS, `at most ${SLICE_ITEMS} files between two turns, saw ${Math.max(...steps)}`);
    } finally {
      await warm.dispose();
    }
  });
});

describe('a file the parser cannot take', () => {
  it('stands with no symbols until it changes: the next start takes it from the cache instead of waiting on it again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-hang-'));
    const cacheFile = `${root}-cache.json`;
    try {
      mkdirSync(join(root, 'src'), { recursive: true });
      for (let i = 0; i < 6; i++) writeFileSync(join(root, 'src', `m${i}.ts`), `export function f${i}(): number {\n  return ${i};\n}\n`);
      writeFileSync(join(root, 'src', 'hang-me.ts'), 'export const x = 1;\n');
      const pool = { fileTimeoutMs: 3000, faults: { hangOn: 'hang-me' } };
      const cold = new IndexService({ root, cacheFile, logger: silentLogger, git: null, workers: 1, pool });
      const first = await cold.build();
      await cold.dispose();
      assert.equal(first.errors, 1, 'the hanging file timed out');
      assert.equal(first.files, 7);

      const warm = new IndexService({ root, cacheFile, logger: silentLogger, git: null, workers: 1, pool });
      const t0 = performance.now();
      const second = await warm.build();
      const ms = performance.now() - t0;
      assert.equal(second.cacheHits, 7, 'every file from the cache, the failed one included');
      assert.equal(second.parsed, 0);
      assert.ok(ms < 3000, `the warm start did not wait for the parser's timeout (${Math.round(ms)} ms)`);
      assert.deepEqual(warm.index.file('src/hang-me.ts')?.definitions, [], 'no symbols from it');
      await warm.dispose();

      // Changed, it is parsed again.
      writeFileSync(join(root, 'src', 'hang-me.ts'), 'export const x = 2;\nexport const y = 3;\n');
      const again = new IndexService({ root, cacheFile, logger: silentLogger, git: null, workers: 1, pool });
      const third = await again.build();
      await again.dispose();
      assert.equal(third.parsed, 1, 'the changed file is tried again');
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(cacheFile, { force: true });
    }
  });
});
