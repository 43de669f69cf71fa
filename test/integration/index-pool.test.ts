// The parse pool in real workers (child processes, the default, and threads) with the real grammars, on a made-up corpus and on real
// code from node_modules, and the tags cache on real tags. Throughput figures are printed, never
// asserted: this machine may be shared.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileTags } from '../../src/core/index/tags';
import { fromWire, toWire } from '../../src/node/index/packedTags';
import { ParsePool, type ParseResult } from '../../src/node/index/parsePool';
import { CHUNK_FILES, type CachedTags, TagsCache } from '../../src/node/index/tagsCache';
import { type WalkedFile, walkWorkspace } from '../../src/node/index/walk';
import { extractTags } from '../../src/node/treesitter/extract';
import { GrammarLoader, defaultGrammarPaths } from '../../src/node/treesitter/loader';

const REPO = join(__dirname, '..', '..');

const TEMPLATES: Record<string, (i: number) => string> = {
  ts: (i) => `import { beta } from './beta';\nexport function alpha${i}(x: number): number {\n  return beta(x);\n}\nexport class Gamma${i} {\n  run(): number { return alpha${i}(1); }\n}\n`,
  py: (i) => `from beta import beta\n\ndef alpha${i}(x):\n    return beta(x)\n\nclass Gamma${i}:\n    def run(self):\n        return alpha${i}(1)\n`,
  go: (i) => `package p\n\nfunc alpha${i}(x int) int {\n\treturn beta(x)\n}\n`,
  js: (i) => `const { beta } = require('./beta');\nfunction alpha${i}(x) {\n  return beta(x);\n}\nmodule.exports = { alpha${i} };\n`,
};

/** n files `src/f<i>.<ext>` cycling through the templates, each defining `alpha<i>`. */
function makeCorpus(n: number, extra: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'hearth-pool-'));
  const exts = Object.keys(TEMPLATES);
  const files: Record<string, string> = { ...extra };
  for (let i = 0; i < n; i++) {
    const ext = exts[i % exts.length];
    files[`src/f${i}.${ext}`] = TEMPLATES[ext](i);
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

type Results = Map<string, ParseResult>;

async function parseAll(pool: ParsePool, files: readonly WalkedFile[], signal?: AbortSignal) {
  const results: Results = new Map();
  let duplicates = 0;
  const stats = await pool.parseFiles(files, (f, r) => {
    if (results.has(f.path)) duplicates++;
    results.set(f.path, r);
  }, signal);
  return { results, stats, duplicates };
}

const defNames = (t: FileTags | undefined): string[] => (t?.definitions ?? []).map((d) => d.name);

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

describe('ParsePool', () => {
  const roots: string[] = [];
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
  const corpus = (n: number, extra?: Record<string, string>): string => {
    const r = makeCorpus(n, extra);
    roots.push(r);
    return r;
  };

  it('gives every file of a mixed corpus exactly one result, with its definitions', async () => {
    const root = corpus(80);
    const { files } = await walkWorkspace({ root });
    assert.equal(files.length, 80);
    const pool = new ParsePool({ workers: 2, batchFiles: 8 });
    try {
      const { results, stats, duplicates } = await parseAll(pool, files);
      assert.equal(duplicates, 0);
      assert.equal(results.size, 80);
      assert.equal(stats.files, 80);
      assert.equal(stats.errors, 0);
      assert.equal(stats.bytes, files.reduce((a, f) => a + f.size, 0));
      for (const [path, r] of results) {
        const i = Number(/f(\d+)\./.exec(path)?.[1]);
        assert.ok(defNames(r.tags).includes(`alpha${i}`), `${path}: ${defNames(r.tags).join(', ')}`);
      }
      assert.equal(pool.threads, 2);
    } finally {
      await pool.dispose();
    }
    assert.equal(pool.threads, 0);
  });

  it('compiles a language\'s query in one worker unless there is enough of it to share', async () => {
    // 2 MB of TypeScript is worth both workers; two batches each of small Go and Python files are not.
    const big = (i: number) => `export function alpha${i}(x: number): number {\n${'  x = x * 2 + 1;\n'.repeat(2000)}  return x;\n}\n`;
    const extra: Record<string, string> = {};
    for (let i = 0; i < 60; i++) extra[`big/b${i}.ts`] = big(i);
    for (let i = 0; i < 40; i++) {
      extra[`small/g${i}.go`] = TEMPLATES.go(i);
      extra[`small/p${i}.py`] = TEMPLATES.py(i);
    }
    const root = corpus(0, extra);
    const { files } = await walkWorkspace({ root });
    assert.ok(files.filter((f) => f.language === 'typescript').reduce((a, f) => a + f.size, 0) > 1.5 * 1024 * 1024);
    const pool = new ParsePool({ workers: 2 });
    try {
      const { results, stats } = await parseAll(pool, files);
      assert.equal(results.size, files.length);
      assert.equal(stats.errors, 0);
      const langs = pool.workerLanguages();
      assert.equal(langs.length, 2);
      const holders = (l: string) => langs.filter((ls) => ls.includes(l as never)).length;
      assert.equal(holders('typescript'), 2, JSON.stringify(langs));
      assert.equal(holders('go'), 1, JSON.stringify(langs));
      assert.equal(holders('python'), 1, JSON.stringify(langs));
    } finally {
      await pool.dispose();
    }
  });

  it('a worker holds its next batch, so it parses on while the calling thread is busy', async () => {
    // In the editor the calling thread is the extension host's, which the editor's start-up keeps
    // busy for a second at a time: the worker must not wait for it between two batches.
    const root = corpus(12);
    const files = (await walkWorkspace({ root })).files.filter((f) => f.language === 'typescript');
    assert.equal(files.length, 3);
    const pool = new ParsePool({ workers: 1, batchFiles: 1 });
    try {
      await pool.parseText('warm.ts', 'typescript', 'let x = 1;\n'); // the worker is up, its grammar loaded
      let results = 0;
      const running = pool.parseFiles(files, () => { results++; });
      // The calling thread busy for a second (a tiny file parses in a millisecond or two).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      // Everything the worker sent meanwhile is read in the next turn of the event loop (a turn
      // that polls: a child process's messages come through a pipe).
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      assert.ok(results >= 2, `${results} result(s) waiting: the worker stopped after its first batch`);
      await running;
    } finally {
      await pool.dispose();
    }
  });

  it('start() brings the workers up ahead of work', async () => {
    const pool = new ParsePool({ workers: 2 });
    try {
      pool.start();
      assert.equal(pool.threads, 2);
      assert.ok((await pool.parseText('x.ts', 'typescript', 'function ok() {}')).definitions.length > 0);
    } finally {
      await pool.dispose();
    }
    assert.equal(pool.threads, 0);
  });

  it('start(n) brings up n workers, start() the rest', async () => {
    const pool = new ParsePool({ workers: 2 });
    try {
      pool.start(1);
      assert.equal(pool.threads, 1);
      pool.start(5);
      assert.equal(pool.threads, 2);
    } finally {
      await pool.dispose();
    }
  });

  it('an idle pool keeps one worker and drops the others', async () => {
    const root = corpus(40);
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 2, batchFiles: 4, idleTimeoutMs: 150 });
    try {
      await parseAll(pool, files);
      assert.equal(pool.threads, 2);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(pool.threads, 1);
      assert.ok((await pool.parseText('x.ts', 'typescript', 'function ok() {}')).definitions.length > 0);
      const again = await parseAll(pool, files);
      assert.equal(again.stats.errors, 0);
    } finally {
      await pool.dispose();
    }
  });

  it('reports a file that vanished or turned binary as an error and goes on', async () => {
    const root = corpus(12);
    const { files } = await walkWorkspace({ root });
    unlinkSync(join(root, 'src/f2.go'));
    writeFileSync(join(root, 'src/f5.py'), Buffer.from([0x61, 0, 0x62]));
    const pool = new ParsePool({ workers: 1 });
    try {
      const { results, stats } = await parseAll(pool, files);
      assert.equal(results.size, 12);
      assert.equal(stats.errors, 2);
      assert.match(results.get('src/f2.go')?.error ?? '', /ENOENT/);
      assert.match(results.get('src/f5.py')?.error ?? '', /binary/);
      assert.ok(results.get('src/f4.ts')?.tags);
    } finally {
      await pool.dispose();
    }
  });

  for (const fault of ['crashOn', 'exitOn', 'throwOn'] as const) {
    it(`a file on which the worker ${fault === 'throwOn' ? 'parser throws' : fault === 'crashOn' ? 'crashes' : 'exits'} costs only that file`, async () => {
      const root = corpus(40, { 'src/poison-me.ts': 'export const x = 1;\n' });
      const { files } = await walkWorkspace({ root });
      // The poisoned file sits in the middle of a batch of 8, behind files already parsed.
      const ordered = [...files.filter((f) => !f.path.includes('poison')).slice(0, 3), files.find((f) => f.path.includes('poison')) as WalkedFile,
        ...files.filter((f) => !f.path.includes('poison')).slice(3)];
      const pool = new ParsePool({ workers: 2, batchFiles: 8, faults: { [fault]: 'poison-me' } });
      try {
        const { results, stats, duplicates } = await parseAll(pool, ordered);
        assert.equal(duplicates, 0);
        assert.equal(results.size, 41);
        assert.equal(stats.errors, 1);
        const bad = [...results].filter(([, r]) => r.error !== undefined).map(([p, r]) => `${p}: ${r.error}`);
        assert.equal(bad.length, 1);
        assert.match(bad[0], /^src\/poison-me\.ts: /);
        if (fault === 'crashOn') assert.match(bad[0], /crashed: planted crash/);
        // The pool goes on working after the fault.
        const again = await parseAll(pool, files.slice(0, 5));
        assert.equal(again.stats.errors, 0);
        assert.ok((await pool.parseText('x.ts', 'typescript', 'function ok() {}')).definitions.length > 0);
      } finally {
        await pool.dispose();
      }
      assert.equal(pool.threads, 0);
    });
  }

  it('a file that hangs the parser times out, and the rest of its batch is parsed', async () => {
    const root = corpus(64, { 'src/hang-me.ts': 'export const x = 1;\n' });
    // TypeScript only: the replacement worker loads one grammar, well within the timeout.
    const files = (await walkWorkspace({ root })).files.filter((f) => f.language === 'typescript');
    const pool = new ParsePool({ workers: 1, batchFiles: 32, fileTimeoutMs: 4000, faults: { hangOn: 'hang-me' } });
    try {
      const { results, stats } = await parseAll(pool, files);
      assert.equal(results.size, files.length);
      assert.equal(files.length, 17);
      assert.equal(stats.errors, 1);
      assert.match(results.get('src/hang-me.ts')?.error ?? '', /timed out/);
    } finally {
      await pool.dispose();
    }
  });

  it('fails loudly when workers cannot start at all', async () => {
    const root = corpus(4);
    const script = join(root, 'broken-worker.js');
    writeFileSync(script, "throw new Error('cannot load');\n");
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 1, workerScript: script });
    try {
      await assert.rejects(pool.parseFiles(files, () => undefined), /cannot start.*cannot load/);
      await assert.rejects(pool.parseText('x.ts', 'typescript', 'let a;'), /cannot start|cannot load/);
    } finally {
      await pool.dispose();
    }
  });

  it('a throwing onResult rejects the run', async () => {
    const root = corpus(10);
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 1 });
    try {
      await assert.rejects(pool.parseFiles(files, () => {
        throw new Error('consumer broke');
      }), /consumer broke/);
    } finally {
      await pool.dispose();
    }
  });

  it('cancellation stops dispatching and resolves promptly; no result arrives after', async () => {
    const root = corpus(600);
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 2 });
    try {
      const ac = new AbortController();
      let resolved = false;
      let late = 0;
      let abortedAt = 0;
      const run = pool.parseFiles(files, () => {
        if (resolved) late++;
        if (!abortedAt) {
          abortedAt = performance.now();
          ac.abort();
        }
      }, ac.signal);
      const stats = await run;
      resolved = true;
      const lag = performance.now() - abortedAt;
      assert.ok(stats.files < files.length, `${stats.files} of ${files.length} parsed`);
      assert.ok(lag < 100, `resolved ${lag.toFixed(1)} ms after the abort`);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(late, 0);
      // The pool is still usable.
      const again = await parseAll(pool, files.slice(0, 40));
      assert.equal(again.results.size, 40);
    } finally {
      await pool.dispose();
    }
  });

  it('dispose ends runs in progress and every thread; the pool then refuses work', async () => {
    const root = corpus(400);
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 2 });
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const run = pool.parseFiles(files, () => first());
    await started;
    await pool.dispose();
    const stats = await run;
    assert.ok(stats.files < files.length);
    assert.equal(pool.threads, 0);
    await assert.rejects(pool.parseText('x.ts', 'typescript', 'let a;'), /disposed/);
    await assert.rejects(pool.parseFiles(files, () => undefined), /disposed/);
  });

  it('parseText: tags of an unsaved buffer; latency cold, idle, busy and in-thread', async () => {
    const text = readFileSync(join(REPO, 'src/node/index/parsePool.ts'), 'utf8');
    const pool = new ParsePool({ workers: 2 });
    try {
      let t = performance.now();
      const tags = await pool.parseText('src/node/index/parsePool.ts', 'typescript', text);
      const cold = performance.now() - t;
      assert.ok(defNames(tags).includes('ParsePool'));
      for (let i = 0; i < 10; i++) await pool.parseText('p.ts', 'typescript', text); // let the JIT settle
      const idle: number[] = [];
      for (let i = 0; i < 10; i++) {
        t = performance.now();
        await pool.parseText('p.ts', 'typescript', text);
        idle.push(performance.now() - t);
      }
      // While both workers are busy with a big run, a text is served between two files.
      const root = corpus(800);
      const { files } = await walkWorkspace({ root });
      const run = pool.parseFiles(files, () => undefined);
      await new Promise((r) => setTimeout(r, 300));
      const busy: number[] = [];
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        await pool.parseText('p.ts', 'typescript', text);
        busy.push(performance.now() - t);
      }
      await run;

      const loader = new GrammarLoader(defaultGrammarPaths());
      const grammar = await loader.parserFor('typescript');
      const inThread: number[] = [];
      for (let i = 0; i < 10; i++) {
        t = performance.now();
        extractTags(text, 'typescript', grammar);
        inThread.push(performance.now() - t);
      }
      loader.dispose();
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);
      console.log(`parseText of a ${(text.length / 1024).toFixed(0)} KB file: cold (worker start + grammar) ${cold.toFixed(0)} ms; `
        + `idle pool median ${med(idle)} ms; busy pool median ${med(busy)} ms; in-thread extract median ${med(inThread)} ms (blocks the caller)`);
    } finally {
      await pool.dispose();
    }
  });

  it('parses every TypeScript declaration file of the typescript package', async () => {
    const dir = join(REPO, 'node_modules/typescript/lib');
    const files: WalkedFile[] = readdirSync(dir).filter((n) => n.endsWith('.d.ts')).map((n) => {
      const st = statSync(join(dir, n));
      return { path: n, abs: join(dir, n), size: st.size, mtimeMs: st.mtimeMs, language: 'typescript' as const };
    }).filter((f) => f.size <= 1024 * 1024);
    assert.ok(files.length > 50);
    const pool = new ParsePool({ workers: 2 });
    try {
      const { results, stats } = await parseAll(pool, files);
      assert.equal(results.size, files.length);
      assert.equal(stats.errors, 0, [...results].filter(([, r]) => r.error).map(([p, r]) => `${p}: ${r.error}`).join('\n'));
      assert.ok(defNames(results.get('lib.es5.d.ts')?.tags).includes('Array'));
    } finally {
      await pool.dispose();
    }
  });
});

/** Real tags from the throughput run, reused by the cache benchmark. */
const realTags: { path: string; size: number; mtimeMs: number; tags: FileTags }[] = [];

describe('throughput on node_modules (printed, not asserted)', { skip: process.env.HEARTH_SKIP_BENCH ? 'HEARTH_SKIP_BENCH is set' : false }, () => {
  let files: WalkedFile[] = [];
  before(async () => {
    const walked = await walkWorkspace({ root: join(REPO, 'node_modules') });
    const js = walked.files.filter((f) => f.language === 'javascript' || f.language === 'typescript');
    // 3,000 files spread evenly over the packages rather than the first packages alphabetically.
    const step = js.length / Math.min(3000, js.length);
    files = Array.from({ length: Math.min(3000, js.length) }, (_, i) => js[Math.floor(i * step)]);
  });

  for (const workers of [1, 2]) {
    it(`cold parse with ${workers} worker${workers > 1 ? 's' : ''}`, async () => {
      assert.ok(files.length >= 3000, `corpus has ${files.length} files`);
      const pool = new ParsePool({ workers });
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const load0 = loadavg()[0];
      try {
        const { results, stats } = await parseAll(pool, files);
        const cpu = process.cpuUsage(cpu0);
        const elu = performance.eventLoopUtilization(elu0);
        const cpuS = (cpu.user + cpu.system) / 1e6;
        assert.equal(results.size, files.length);
        console.log(`${workers} worker(s): ${stats.files} files, ${mb(stats.bytes)} MB in ${(stats.ms / 1000).toFixed(1)} s = `
          + `${(stats.bytes / 1048576 / (stats.ms / 1000)).toFixed(2)} MB/s (${stats.errors} errors; `
          + `${cpuS.toFixed(1)} CPU-s all threads = ${(stats.bytes / 1048576 / cpuS).toFixed(2)} MB per CPU-s; `
          + `calling thread busy ${(elu.utilization * 100).toFixed(0)} % of the time; load average ${load0.toFixed(1)})`);
        if (workers === 2) {
          for (const f of files) {
            const t = results.get(f.path)?.tags;
            if (t) realTags.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, tags: t });
          }
        }
      } finally {
        await pool.dispose();
      }
    });
  }
});

describe('TagsCache', () => {
  let dir: string;
  let sample: Map<string, CachedTags>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-cache-'));
    const root = makeCorpus(40);
    const { files } = await walkWorkspace({ root });
    const pool = new ParsePool({ workers: 2 });
    sample = new Map();
    try {
      await pool.parseFiles(files, (f, r) => {
        if (r.tags) sample.set(f.path, { size: f.size, mtimeMs: f.mtimeMs, tags: r.tags });
      });
    } finally {
      await pool.dispose();
      rmSync(root, { recursive: true, force: true });
    }
    assert.equal(sample.size, 40);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips real tags exactly, and leaves no temporary file', async () => {
    const file = join(dir, 'nested', 'folder', 'tags-cache.json');
    const cache = new TagsCache(file, 'grammars-1');
    await cache.save(sample);
    assert.deepEqual(await cache.load(), sample);
    await cache.save(new Map([...sample].slice(0, 3)));
    assert.equal((await cache.load()).size, 3);
    assert.deepEqual(readdirSync(dirname(file)), ['tags-cache.json']);
  });

  it('keeps definitions with and without containers, and imports with no names', async () => {
    const tags: FileTags = {
      language: 'python',
      definitions: [
        { name: 'A', kind: 'class', line: 0, startLine: 0, endLine: 3, signatureEndLine: 0, span: { byteStart: 3, byteLength: 900, endLine: 0, whole: false, cut: true } },
        { name: 'm', kind: 'method', line: 1, startLine: 1, endLine: 2, signatureEndLine: 1, container: 'A', span: { byteStart: 920, byteLength: 40, endLine: 2, whole: true, cut: false } },
        { name: 'n', kind: 'method', line: 3, startLine: 3, endLine: 3, signatureEndLine: 3, container: 'A' },
      ],
      references: [{ name: 'print', kind: 'call', line: 2 }],
      imports: [{ source: 'os', names: [], line: 0 }, { source: './x', names: ['default', '*', 'y'], line: 1 }],
    };
    const cache = new TagsCache(join(dir, 'shapes.json'), 'v');
    const entries = new Map([['a.py', { size: 10, mtimeMs: 1732345234123.4567, tags }]]);
    await cache.save(entries);
    assert.deepEqual(await cache.load(), entries);
    // The same layout is what a worker posts: it survives the structured clone too.
    assert.deepEqual(fromWire(structuredClone(toWire(tags))), tags);
  });

  it('another version, a missing, corrupt, partial or foreign file all load as empty', async () => {
    const file = join(dir, 'v.json');
    await new TagsCache(file, 'grammars-1').save(sample);
    assert.equal((await new TagsCache(file, 'grammars-2').load()).size, 0);
    assert.equal((await new TagsCache(join(dir, 'missing.json'), 'grammars-1').load()).size, 0);
    const full = readFileSync(file, 'utf8');
    // A header line, then chunks of files, each with the strings it adds to the table.
    const [header, ...chunks] = full.split('\n');
    const withChunk = (f: (chunk: Record<string, unknown>) => Record<string, unknown>) => [header, ...chunks.map((c) => JSON.stringify(f(JSON.parse(c) as Record<string, unknown>)))].join('\n');
    const cases: Record<string, string> = {
      partial: full.slice(0, Math.floor(full.length / 2)),
      lastLineMissing: [header, ...chunks.slice(0, -1)].join('\n'),
      headerOnly: header,
      garbage: '\u0000\u0001not json',
      empty: '',
      foreign: JSON.stringify({ hello: 'world' }),
      wrongShape: withChunk((c) => ({ ...c, strings: 5 })),
      badIndex: withChunk((c) => ({ ...c, strings: [] })),
    };
    for (const [name, text] of Object.entries(cases)) {
      writeFileSync(file, text);
      assert.equal((await new TagsCache(file, 'grammars-1').load()).size, 0, name);
    }
  });

  it('reads and writes a big cache a chunk per turn of the event loop, so its thread keeps turning', async () => {
    const entries = new Map<string, CachedTags>();
    const source = [...sample];
    for (let i = 0; entries.size < 2000; i++) {
      const [path, e] = source[i % source.length];
      entries.set(`${i}/${path}`, e);
    }
    const chunks = Math.ceil(entries.size / CHUNK_FILES);
    const cache = new TagsCache(join(dir, 'turns.json'), 'v');
    // Which turns of the event loop the cache parses or writes JSON in: one JSON document would be one turn.
    const turnsOf = async <T>(name: 'parse' | 'stringify', work: () => Promise<T>): Promise<{ result: T; turns: number }> => {
      let turn = 0;
      let settled = false;
      const turns = new Set<number>();
      const original = JSON[name] as (...args: unknown[]) => unknown;
      (JSON as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        turns.add(turn);
        return original.apply(JSON, args);
      };
      try {
        const running = work().finally(() => { settled = true; });
        while (!settled) {
          await new Promise((r) => setImmediate(r));
          turn++;
        }
        return { result: await running, turns: turns.size };
      } finally {
        (JSON as unknown as Record<string, unknown>)[name] = original;
      }
    };
    // The probe's own first turn comes after the cache's first pause: its first two chunks share a count.
    const saved = await turnsOf('stringify', () => cache.save(entries));
    assert.ok(saved.turns >= chunks - 1, `written in ${saved.turns} turns, ${chunks} chunks`);
    const loaded = await turnsOf('parse', () => cache.load());
    assert.deepEqual(loaded.result, entries);
    assert.ok(loaded.turns >= chunks - 1, `read in ${loaded.turns} turns, ${chunks} chunks`);
  });

  it('loads 5,000 files of real tags (printed)', async () => {
    // Real tags from the throughput run when it ran, else the small corpus, cycled to 5,000 paths.
    const source = realTags.length > 0 ? realTags : [...sample].map(([path, e]) => ({ path, ...e }));
    const entries = new Map<string, CachedTags>();
    for (let i = 0; entries.size < 5000; i++) {
      const e = source[i % source.length];
      entries.set(`${i}/${e.path}`, { size: e.size, mtimeMs: e.mtimeMs, tags: e.tags });
    }
    const cache = new TagsCache(join(dir, 'big.json'), 'v');
    let t = performance.now();
    await cache.save(entries);
    const saveMs = performance.now() - t;
    const times: number[] = [];
    let loaded = new Map<string, CachedTags>();
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      loaded = await cache.load();
      times.push(performance.now() - t);
    }
    assert.equal(loaded.size, 5000);
    let defs = 0;
    let refs = 0;
    for (const e of entries.values()) {
      defs += e.tags.definitions.length;
      refs += e.tags.references.length;
    }
    times.sort((a, b) => a - b);
    console.log(`tags cache, 5,000 files (${defs} definitions, ${refs} references${realTags.length > 0 ? ', real node_modules tags' : ', synthetic corpus'}): `
      + `${mb(statSync(join(dir, 'big.json')).size)} MB, save ${saveMs.toFixed(0)} ms, load median ${times[2].toFixed(0)} ms (min ${times[0].toFixed(0)})`);
  });
});
