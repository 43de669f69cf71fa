// The repository index on a real corpus (this project's node_modules: 5,000+ JS/TS files): cold
// build with two workers, warm start from the cache, single-file updates, context assembly for a
// completion, and memory. Targets from the index issue are printed beside the figures.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextLines } from '../src/core/text/cursorText';
import { silentLogger } from '../src/core/log';
import { openWorkspace } from '../src/node/workspace';
import { readFileSync } from 'node:fs';
import { summarize, type Summary } from './stats';

export interface IndexBenchResult {
  files: number; mb: number; symbols: number;
  coldMs: number; coldMbPerSec: number; warmMs: number; warmFiles: number;
  update: Summary; gitUpdate: Summary; assemble: Summary; heapMb: number; rssMb: number;
}

/**
 * node_modules is ignored by this repository, so the walk (and every update) judges it in the
 * plain mode. In a git work tree an update also asks git about the path: measured on a repository
 * of 300 tracked files made for the purpose.
 */
async function gitModeUpdates(dir: string): Promise<Summary> {
  const root = join(dir, 'repo');
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(root, 'src', `f${i}.ts`), `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`.repeat(20));
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '.'], { cwd: root });
  const workspace = openWorkspace({ root, logger: silentLogger, workers: 2 });
  await workspace.build();
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await workspace.service.updateFile(`src/f${(i * 7) % 300}.ts`);
    times.push(performance.now() - t0);
  }
  await workspace.dispose();
  return summarize(times);
}

export async function benchIndex(root = join('node_modules')): Promise<IndexBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-index-bench-'));
  const cacheFile = join(dir, 'cache.json');
  try {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const cold = openWorkspace({ root, cacheFile, logger: silentLogger, workers: 2 });
    const c = await cold.build();
    global.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 1048576;
    const rssMb = process.memoryUsage().rss / 1048576;

    // Single-file updates, as after a save: files under 100 KB.
    // In path order: the index holds files in the order the workers finished them, which varies
    // from run to run, and with it which files the cursors below would fall in.
    const paths = [...cold.index.paths()].sort();
    const small = paths.filter((p) => (cold.index.file(p)?.size ?? 0) < 100_000);
    const update: number[] = [];
    for (let i = 0; i < 200; i++) {
      const p = small[(i * 7919) % small.length];
      const t0 = performance.now();
      await cold.service.updateFile(p);
      update.push(performance.now() - t0);
    }

    // Context assembly for a completion at 400 cursors (line ends of indexed files), with the
    // editor's time budget. Each is its own turn of the event loop, as each completion request is
    // in the editor: V8 runs its young-generation collections as tasks between turns, and in one
    // synchronous loop they fell inside the assemblies instead (9-11 of the 400; none this way).
    const provider = cold.definitions;
    const assemble: number[] = [];
    for (let i = 0; i < 400; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const p = paths[(i * 104729) % paths.length];
      const lines = new TextLines(readFileSync(join(root, p), 'utf8'));
      const line = (i * 31) % Math.max(1, lines.lineCount);
      const { cursor } = lines.cursorSlice(line, Number.MAX_SAFE_INTEGER, p);
      const t0 = performance.now();
      provider.assemble(cursor, 2048);
      assemble.push(performance.now() - t0);
    }
    await cold.dispose();

    const warm = openWorkspace({ root, cacheFile, logger: silentLogger, workers: 2 });
    const w = await warm.build();
    await warm.dispose();
    const gitUpdate = await gitModeUpdates(dir);
    return {
      files: c.files, mb: c.bytes / 1048576, symbols: c.symbols, coldMs: c.ms, coldMbPerSec: c.mbPerSec,
      warmMs: w.ms, warmFiles: w.cacheHits, update: summarize(update), gitUpdate, assemble: summarize(assemble), heapMb, rssMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
