import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GROUPED_FROM, groupByFirstFolder, RepoIndex, type IndexedFile } from '../../src/core/index/repoIndex';
import { nearest, nearestOfName } from '../../src/core/index/resolve';
import type { LocatedDefinition } from '../../src/core/index/snippets';
import { compactSnippet, definitionSnippets, MAX_WHOLE_LINES, snippetOf } from '../../src/core/index/snippets';
import { bestFirst, rankFill } from '../../src/core/index/fillOrder';
import { IndexContextProvider, importMatches, proximity } from '../../src/core/index/contextProvider';
import type { Definition, FileTags, LanguageId } from '../../src/core/index/tags';
import { cursorFromText } from '../../src/core/text/cursorText';

const est = (t: string) => Math.ceil(t.length / 4);

function def(name: string, kind: Definition['kind'], startLine: number, endLine: number, signatureEndLine = startLine): Definition {
  return { name, kind, line: startLine, startLine, endLine, signatureEndLine };
}

const texts = new Map<string, string>();
function indexed(path: string, text: string, defs: Definition[], refs: Record<string, number> = {}, imports: FileTags['imports'] = [], language: LanguageId = 'typescript'): IndexedFile {
  texts.set(path, text);
  return { path, language, size: text.length, mtimeMs: 0, definitions: defs.map((d) => ({ ...d, path })), references: new Map(Object.entries(refs)), imports };
}
/** Snippets read "from disk": the texts the test indexed, cut on demand as the node layer does. */
function provider(idx: RepoIndex): IndexContextProvider {
  return new IndexContextProvider(idx, {
    estimate: est,
    snippet: (d) => {
      const text = texts.get(d.path);
      if (text === undefined || !idx.file(d.path)) return undefined;
      const lines = text.split('\n');
      return snippetOf(d, lines.length, (from, to) => lines.slice(from, to + 1).join('\n'));
    },
  });
}

const GEO = 'export interface Point {\n  x: number;\n  y: number;\n}\n\nexport function distance(a: Point, b: Point): number {\n  return Math.hypot(a.x - b.x, a.y - b.y);\n}\n';
const USE = 'import { Point, distance } from "./geo";\n\nexport function norm(p: Point): number {\n  return distance(p, ORIGIN);\n}\n';
const OTHER = 'export function distance(s: string): number {\n  return s.length;\n}\n';

function sample(): RepoIndex {
  const idx = new RepoIndex();
  idx.upsert(indexed('src/geo.ts', GEO, [def('Point', 'interface', 0, 3, 0), def('distance', 'function', 5, 7, 5)], { Point: 2, Math: 1 }));
  idx.upsert(indexed('src/use.ts', USE, [def('norm', 'function', 2, 4, 2)], { Point: 2, distance: 1, ORIGIN: 1 }, [{ source: './geo', names: ['Point', 'distance'], line: 0 }]));
  idx.upsert(indexed('lib/strings.ts', OTHER, [def('distance', 'function', 0, 2, 0)], {}));
  return idx;
}

describe('definition snippets', () => {
  it('small definitions whole, large ones by signature', () => {
    const body = Array.from({ length: MAX_WHOLE_LINES + 5 }, (_, i) => `  step${i}();`).join('\n');
    const text = `export function big(a: number,\n    b: number): void {\n${body}\n}\n`;
    const [s] = definitionSnippets('a.ts', text, { language: 'typescript', definitions: [def('big', 'function', 0, MAX_WHOLE_LINES + 7, 1)], references: [], imports: [] });
    assert.equal(s.whole, false);
    assert.equal(s.text, 'export function big(a: number,\n    b: number): void {');
    const [p] = definitionSnippets('g.ts', GEO, { language: 'typescript', definitions: [def('Point', 'interface', 0, 3)], references: [], imports: [] });
    assert.equal(p.whole, true);
    assert.equal(p.text, 'export interface Point {\n  x: number;\n  y: number;\n}');
  });
});

describe('compact snippets', () => {
  it('a definition\'s signature from its name line, at most three lines, whatever its size', () => {
    const body = Array.from({ length: 40 }, (_, i) => `  step${i}();`).join('\n');
    const text = `// leading\nexport function big(a: number,\n    b: number,\n    c: number,\n    d: number): void {\n${body}\n}\n`;
    const [s] = definitionSnippets('a.ts', text, { language: 'typescript', definitions: [{ ...def('big', 'function', 1, 46, 4) }], references: [], imports: [] });
    assert.deepEqual(compactSnippet(s), { text: 'export function big(a: number,\n    b: number,\n    c: number,', startLine: 1, endLine: 3 });
    const [p] = definitionSnippets('g.ts', GEO, { language: 'typescript', definitions: [def('Point', 'interface', 0, 3)], references: [], imports: [] });
    assert.deepEqual(compactSnippet(p), { text: 'export interface Point {', startLine: 0, endLine: 0 }, 'a small type too: its first line stands for it');
    const decorated = '@a\n@b\n@c\n@d\ndef run(x):\n    return x\n';
    const [d] = definitionSnippets('r.py', decorated, { language: 'python', definitions: [{ ...def('run', 'function', 0, 5, 4), line: 4 }], references: [], imports: [] });
    assert.deepEqual(compactSnippet(d), { text: 'def run(x):', startLine: 4, endLine: 4 }, 'a long run of decorators is left out');
  });
});

describe('RepoIndex', () => {
  it('symbol table follows upserts, removals and renames (a rename is a removal and an upsert)', () => {
    const idx = sample();
    assert.equal(idx.definitionsNamed('distance').length, 2);
    const rev = idx.revision;
    idx.remove('lib/strings.ts');
    assert.equal(idx.definitionsNamed('distance').length, 1);
    assert.deepEqual([...idx.changedSince(rev)!], ['lib/strings.ts']);
    idx.remove('src/geo.ts');
    idx.upsert(indexed('src/geometry.ts', GEO, [def('Point', 'interface', 0, 3, 0), def('distance', 'function', 5, 7, 5)], { Point: 2, Math: 1 }));
    assert.deepEqual(idx.definitionsNamed('Point').map((d) => d.path), ['src/geometry.ts']);
    assert.deepEqual([...idx.pathsWithStem('geometry')], ['src/geometry.ts']);
    assert.equal(idx.pathsWithStem('geo').size, 0);
    assert.deepEqual([...idx.filesUsing('Math')], ['src/geometry.ts']);
    assert.equal(idx.file('src/geo.ts'), undefined);
    idx.upsert(indexed('src/geometry.ts', GEO, [def('Point', 'interface', 0, 3)], {}));
    assert.equal(idx.definitionsNamed('Point').length, 1, 're-indexing a file replaces its definitions');
  });

  it('keeps a common name\'s definitions by first folder through upserts, updates and removals, as a grouping made anew has them', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const FOLDERS = ['', 'a/', 'a/b/', 'ab/', 'c/d/', 'e/'];
    const idx = new RepoIndex();
    const live = new Set<string>();
    for (let step = 0; step < 600; step++) {
      const path = `${FOLDERS[Math.floor(next() * FOLDERS.length)]}f${Math.floor(next() * 40)}.ts`;
      if (live.has(path) && next() < 0.3) {
        idx.remove(path);
        live.delete(path);
      } else {
        const n = 1 + Math.floor(next() * 3);
        idx.upsert(indexed(path, '', Array.from({ length: n }, (_, i) => def(next() < 0.7 ? 'common' : `rare${step}`, 'function', i * 3, i * 3 + 2))));
        live.add(path);
      }
      const list = idx.definitionsNamed('common');
      const kept = idx.definitionsNamedByFolder('common');
      if (list.length < GROUPED_FROM) {
        assert.equal(kept, undefined, `step ${step}: ${list.length} definitions are not grouped`);
        continue;
      }
      const sorted = (m: ReadonlyMap<string, readonly LocatedDefinition[]>) => [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1));
      assert.deepEqual(sorted(kept!), sorted(groupByFirstFolder(list)), `step ${step}`);
      for (const from of ['a/b/use.ts', 'ab/use.ts', 'use.ts', 'z/use.ts']) {
        assert.deepEqual(nearestOfName(list, from, proximity(from), 8, kept), nearest(list, proximity(from), 8), `step ${step}, from ${from}`);
      }
    }
    assert.ok(idx.definitionsNamed('common').length >= GROUPED_FROM, 'the walk ends with the name grouped');
  });

  it('knows the files of each folder', () => {
    const idx = sample();
    assert.deepEqual([...idx.filesInFolder('src')].sort(), ['src/geo.ts', 'src/use.ts']);
    idx.remove('src/geo.ts');
    assert.deepEqual([...idx.filesInFolder('src')], ['src/use.ts']);
    idx.upsert(indexed('top.ts', 'const t = 1;\n', [def('t', 'constant', 0, 0)]));
    assert.deepEqual([...idx.filesInFolder('')], ['top.ts']);
  });

  it('PageRank toward the focus ranks the files it uses above unrelated ones', () => {
    const idx = sample();
    const r = idx.rank(['src/use.ts']);
    assert.ok(r.get('src/geo.ts')! > r.get('lib/strings.ts')!, JSON.stringify([...r]));
    assert.equal(idx.rank(['src/use.ts']), r, 'cached until the index changes');
    idx.upsert(indexed('x.ts', 'const x = 1;\n', [def('x', 'constant', 0, 0)], {}));
    assert.notEqual(idx.rank(['src/use.ts']), r);
  });
});

describe('IndexContextProvider', () => {
  it('packs the imported definitions of the names used in the scope, resolved through the import', () => {
    const idx = sample();
    const p = provider(idx);
    const cursor = cursorFromText(USE, 3, 9, 'src/use.ts');
    const snippets = p.assemble(cursor, 1000);
    assert.deepEqual(snippets.map((s) => `${s.path}:${s.symbol}`), ['src/geo.ts:Point', 'src/geo.ts:distance']);
    assert.ok(snippets.every((s) => s.tokens > 0));
    assert.ok(!snippets.some((s) => s.path === 'lib/strings.ts'), 'the import decides between two "distance"s');
  });

  it('stays within the budget, highest priority first', () => {
    const p = provider(sample());
    const cursor = cursorFromText(USE, 3, 9, 'src/use.ts');
    const tight = p.assemble(cursor, 30);
    assert.ok(tight.reduce((n, s) => n + s.tokens, 0) <= 30);
    assert.equal(p.assemble(cursor, 0).length, 0);
  });

  it('is the same object while typing in the same scope, and changes when another file changes', () => {
    const idx = sample();
    const p = provider(idx);
    const a = p.assemble(cursorFromText(USE, 3, 9, 'src/use.ts'), 1000);
    const typed = USE.replace('  return distance', '  return distance(p, p) + distance');
    idx.upsert(indexed('src/use.ts', typed, [def('norm', 'function', 2, 4, 2)], { Point: 2, distance: 3 }, [{ source: './geo', names: ['Point', 'distance'], line: 0 }]));
    assert.equal(p.assemble(cursorFromText(typed, 3, 20, 'src/use.ts'), 1000), a, 'the active file\'s own updates do not disturb the stable context');
    idx.upsert(indexed('src/geo.ts', GEO.replace('y: number', 'y: number;\n  z: number'), [def('Point', 'interface', 0, 4, 0), def('distance', 'function', 6, 8, 6)], {}));
    const b = p.assemble(cursorFromText(typed, 3, 20, 'src/use.ts'), 1000);
    assert.notEqual(b, a);
    assert.match(b[0].text, /z: number/);
  });

  it('while the index is being built, the context of a scope stays as chosen, then changes once when the build ends', () => {
    const idx = new RepoIndex();
    const p = provider(idx);
    const cursor = cursorFromText(USE, 3, 9, 'src/use.ts');
    idx.beginBatch();
    idx.upsert(indexed('src/use.ts', USE, [def('norm', 'function', 2, 4, 2)], { Point: 2, distance: 1, ORIGIN: 1 }, [{ source: './geo', names: ['Point', 'distance'], line: 0 }]));
    const early = p.assemble(cursor, 1000);
    assert.deepEqual(early, [], 'nothing the scope uses is indexed yet');
    assert.equal(p.changeReason(), 'the cursor entered this scope');
    idx.upsert(indexed('src/geo.ts', GEO, [def('Point', 'interface', 0, 3, 0), def('distance', 'function', 5, 7, 5)], { Point: 2, Math: 1 }));
    assert.equal(p.assemble(cursor, 1000), early, 'a file the build adds does not change the context while the build runs');
    idx.endBatch();
    const done = p.assemble(cursor, 1000);
    assert.notEqual(done, early);
    assert.ok(done.some((s) => s.symbol === 'Point'));
    assert.equal(p.changeReason(), 'the index finished building');
    assert.equal(p.assemble(cursor, 1000), done, 'and then stays');
    idx.upsert(indexed('lib/strings.ts', OTHER, [def('distance', 'function', 0, 2, 0)], {}));
    p.assemble(cursor, 1000);
    assert.equal(p.changeReason(), 'a file of the index changed (lib/strings.ts)');
  });

  it('choosing a scope\'s context stops at its time budget after a few reads, and finishes off the keystroke path', async () => {
    const idx = new RepoIndex();
    const names = Array.from({ length: 10 }, (_, i) => `helper${i}`);
    const lib = names.map((n) => `export function ${n}(x: number): number {\n  return x + 1;\n}\n`).join('');
    idx.upsert(indexed('src/lib.ts', lib, names.map((n, i) => def(n, 'function', i * 3, i * 3 + 2, i * 3)), {}));
    const use = `import { ${names.join(', ')} } from "./lib";\n\nexport function all(x: number): number {\n  return ${names.map((n) => `${n}(x)`).join(' + ')};\n}\n`;
    idx.upsert(indexed('src/use.ts', use, [def('all', 'function', 2, 4, 2)], Object.fromEntries(names.map((n) => [n, 1])), [{ source: './lib', names, line: 0 }]));
    let clock = 0;
    let reads = 0;
    const slow = new IndexContextProvider(idx, {
      estimate: est,
      timeBudgetMs: 20,
      now: () => clock,
      snippet: (d) => {
        reads++;
        clock += 30; // a slow disk
        const lines = (texts.get(d.path) ?? '').split('\n');
        return snippetOf(d, lines.length, (from, to) => lines.slice(from, to + 1).join('\n'));
      },
    });
    const cursor = cursorFromText(use, 3, 9, 'src/use.ts');
    const early = slow.assemble(cursor, 4000);
    assert.equal(reads, 4, 'four reads always happen; then the budget (long spent) stops the reading');
    assert.equal(early.length, 4);
    assert.match(slow.changeReason() ?? '', /cut at its 20 ms time budget/);
    assert.equal(slow.assemble(cursor, 4000), early, 'kept for the next keystroke');
    await new Promise((r) => setTimeout(r, 5));
    const whole = slow.assemble(cursor, 4000);
    assert.equal(whole.length, 10, 'completed in the background: every helper the scope calls');
    assert.match(slow.changeReason() ?? '', /completed in the background/);
    assert.equal(slow.assemble(cursor, 4000), whole, 'and then stays');
  });

  it('skips definitions whose text is already in the prompt window', () => {
    const idx = sample();
    const p = provider(idx);
    const withPointInline = `${GEO.split('\n').slice(0, 4).join('\n')}\n${USE}`;
    const cursor = cursorFromText(withPointInline, 7, 9, 'src/use.ts');
    assert.ok(!p.assemble(cursor, 1000).some((s) => s.symbol === 'Point'));
  });

  it('a definition larger than a small share of the budget goes by its signature; a type or a constant may take more', () => {
    const body = Array.from({ length: 20 }, (_, i) => `  const step${i} = compute(step${i - 1 < 0 ? 0 : i - 1});`).join('\n');
    const fields = Array.from({ length: 10 }, (_, i) => `  field${i}: string;`).join('\n');
    const LIB = `export function run(input: string,\n    options: Options): number {\n${body}\n  return 0;\n}\nexport interface Options {\n${fields}\n}\nexport function tiny(a: number): number {\n  return a + 1;\n}\n`;
    const runEnd = 2 + 20 + 1;
    const optsStart = runEnd + 1;
    const tinyStart = optsStart + 12;
    const idx = new RepoIndex();
    idx.upsert(indexed('src/lib.ts', LIB, [def('run', 'function', 0, runEnd, 1), def('Options', 'interface', optsStart, optsStart + 11), def('tiny', 'function', tinyStart, tinyStart + 2)]));
    const CALL = 'import { run, tiny, Options } from "./lib";\n\nexport function go(o: Options): number {\n  return run("x", o) + tiny(1);\n}\n';
    idx.upsert(indexed('src/call.ts', CALL, [def('go', 'function', 2, 4, 2)], { run: 1, tiny: 1, Options: 1 }, [{ source: './lib', names: ['run', 'tiny', 'Options'], line: 0 }]));
    const got = new Map(provider(idx).assemble(cursorFromText(CALL, 3, 2, 'src/call.ts'), 2000).map((s) => [s.symbol, s]));
    assert.ok(est(LIB.split('\n').slice(0, runEnd + 1).join('\n')) > 2000 * 0.02, 'run is more than 2 % of the budget');
    assert.equal(got.get('run')?.text, 'export function run(input: string,\n    options: Options): number {');
    assert.equal(got.get('run')?.kind, 'definition');
    assert.equal(got.get('Options')?.text, LIB.split('\n').slice(optsStart, optsStart + 12).join('\n'), 'a type is all shape: whole at 8 %');
    assert.equal(got.get('Options')?.kind, 'type');
    assert.equal(got.get('tiny')?.text, 'export function tiny(a: number): number {\n  return a + 1;\n}');
  });

  it('an ambiguous name gives the same context whatever order the files were indexed in', () => {
    const files = Array.from({ length: 12 }, (_, i) => indexed(`pkg${String(i).padStart(2, '0')}/util.ts`, 'export function helper(x: number): number {\n  return x;\n}\n', [def('helper', 'function', 0, 2)]));
    const caller = indexed('pkg05/main.ts', 'export function run() {\n  return helper(1);\n}\n', [def('run', 'function', 0, 2)], { helper: 1 });
    const contextWith = (order: IndexedFile[]) => {
      const idx = new RepoIndex();
      for (const f of [...order, caller]) idx.upsert(f);
      return provider(idx).assemble(cursorFromText(texts.get('pkg05/main.ts')!, 1, 9, 'pkg05/main.ts'), 2000).map((s) => s.path);
    };
    const forward = contextWith(files);
    assert.deepEqual(contextWith([...files].reverse()), forward);
    assert.ok(forward.includes('pkg05/util.ts'), `the same folder's helper is among them: ${forward.join(', ')}`);
  });

  it('types on the syntax path: the enclosing class header and the declared types of the fields the scope uses', () => {
    // Java: types of the same package need no import, so only the syntax path names them.
    const idx = new RepoIndex();
    const STORE = 'public class Store {\n  public Entry get(String key) { return null; }\n}\n';
    const CLOCK = 'public interface Clock {\n  long now();\n}\n';
    const UNUSED = 'public class Ledger {\n  void post() {}\n}\n';
    const CACHE = 'public class Cache extends Store {\n  private final Clock clock;\n  private final Ledger ledger;\n\n  public Entry fresh(String key) {\n    long t = clock.now();\n    return null;\n  }\n}\n';
    idx.upsert(indexed('src/Store.java', STORE, [def('Store', 'class', 0, 2), { ...def('get', 'method', 1, 1), container: 'Store' }], {}, [], 'java'));
    idx.upsert(indexed('src/Clock.java', CLOCK, [def('Clock', 'interface', 0, 2), { ...def('now', 'method', 1, 1), container: 'Clock' }], {}, [], 'java'));
    // In another folder: the filling of the budget with the cursor's package would reach it otherwise.
    idx.upsert(indexed('lib/Ledger.java', UNUSED, [def('Ledger', 'class', 0, 2)], {}, [], 'java'));
    idx.upsert(indexed('src/Cache.java', CACHE, [
      def('Cache', 'class', 0, 8),
      { ...def('clock', 'field', 1, 1), container: 'Cache' },
      { ...def('ledger', 'field', 2, 2), container: 'Cache' },
      { ...def('fresh', 'method', 4, 7), container: 'Cache' },
    ], {}, [], 'java'));
    const got = provider(idx).assemble(cursorFromText(CACHE, 6, 4, 'src/Cache.java', 'java'), 1000).map((s) => s.symbol);
    assert.ok(got.includes('Store'), `the superclass in the class header: ${got.join(', ')}`);
    assert.ok(got.includes('Clock'), `the type of the field the method uses: ${got.join(', ')}`);
    assert.ok(!got.includes('Ledger'), 'a field the scope does not use brings nothing');
  });
});

/**
 * A Go package: the file at the cursor uses names of its own package (no import needed) outside
 * the scope of the cursor, a sibling file defines constants next to the one it uses, and a file of
 * another package is used by nothing.
 */
function goPackage(): { idx: RepoIndex; cursorText: string } {
  const idx = new RepoIndex();
  const SCANNER = 'package json\n\nconst (\n\tscanContinue = iota\n\tscanBeginObject\n\tscanEnd\n)\n\nfunc isSpace(c byte) bool {\n\treturn c == 32\n}\n';
  idx.upsert(indexed('json/scanner.go', SCANNER, [
    def('scanContinue', 'constant', 3, 3), def('scanBeginObject', 'constant', 4, 4), def('scanEnd', 'constant', 5, 5), def('isSpace', 'function', 8, 10, 8),
  ], {}, [], 'go'));
  const steps = Array.from({ length: 40 }, (_, i) => `\tx${i} := ${i}`).join('\n');
  const STATE = `package json\n\ntype decodeState struct {\n\tdata []byte\n\topcode int\n}\n\nfunc (d *decodeState) init(data []byte) *decodeState {\n${steps}\n\treturn d\n}\n`;
  idx.upsert(indexed('json/state.go', STATE, [
    def('decodeState', 'struct', 2, 5, 2), { ...def('data', 'field', 3, 3), container: 'decodeState' }, { ...def('opcode', 'field', 4, 4), container: 'decodeState' },
    { ...def('init', 'method', 7, 49, 7), container: 'decodeState' },
  ], { scanContinue: 1 }, [], 'go'));
  idx.upsert(indexed('other/unrelated.go', 'package other\n\nfunc Unrelated() int {\n\treturn 1\n}\n', [def('Unrelated', 'function', 2, 4, 2)], {}, [], 'go'));
  const cursorText = 'package json\n\nfunc value(d *decodeState) {\n\td.init(nil)\n\tif d.opcode == scanContinue {\n\t}\n}\n\nfunc skip(d *decodeState) {\n\tx := 1\n\t_ = x\n}\n';
  idx.upsert(indexed('json/decode.go', cursorText, [def('value', 'function', 2, 6, 2), def('skip', 'function', 8, 11, 8)], { decodeState: 2, init: 1, opcode: 1, scanContinue: 1 }, [], 'go'));
  return { idx, cursorText };
}

describe('filling the budget', () => {
  it('goes on past the scope\'s names with what the file uses elsewhere, then what stands next to it, compact and within the budget', () => {
    const { idx, cursorText } = goPackage();
    const p = provider(idx);
    // In skip(): the scope names only `d`, `decodeState` and `x`.
    const got = p.assemble(cursorFromText(cursorText, 9, 7, 'json/decode.go', 'go'), 2000);
    const symbols = got.map((s) => s.symbol);
    for (const want of ['decodeState', 'init', 'scanContinue']) assert.ok(symbols.includes(want), `${want} (used by the file outside the scope): ${symbols.join(', ')}`);
    assert.ok(!symbols.includes('opcode') && got.find((s) => s.symbol === 'decodeState')!.text.includes('opcode int'), 'a field of a type packed whole is not packed again');
    for (const want of ['scanBeginObject', 'scanEnd', 'isSpace']) assert.ok(symbols.includes(want), `${want} (next to what the file uses, same package): ${symbols.join(', ')}`);
    assert.ok(!symbols.includes('Unrelated'), 'nothing reaches another package\'s unused file');
    const init = got.find((s) => s.symbol === 'init')!;
    assert.equal(init.text, 'func (d *decodeState) init(data []byte) *decodeState {', 'a big method only by its signature');
    assert.equal(init.startLine, 7);
    assert.equal(init.endLine, 7);
    assert.ok(got.reduce((n, s) => n + s.tokens, 0) <= 2000);
    const order = got.map((s) => `${s.path}:${String(s.startLine).padStart(4, '0')}`);
    assert.deepEqual(order, [...order].sort(), 'one stable layout: by file and line');
  });

  it('a small budget is spent on the scope\'s own names first', () => {
    const { idx, cursorText } = goPackage();
    // In value(): the struct whole (25 tokens) and the constant (17); the method's body is too big even compact.
    const got = provider(idx).assemble(cursorFromText(cursorText, 4, 10, 'json/decode.go', 'go'), 50);
    assert.deepEqual(got.map((s) => s.symbol), ['scanContinue', 'decodeState'], 'by file: scanner.go, state.go');
  });

  it('stops reading the scope\'s definitions after a run that no longer fits, a thousand names or not', () => {
    const N = 200;
    const sig = (i: number) => `export function f${i}(\n${Array.from({ length: 9 }, (_, k) => `  parameterNumber${k}: string,`).join('\n')}\n): void {\n  return;\n}`;
    const LIB = Array.from({ length: N }, (_, i) => sig(i)).join('\n') + '\n';
    const defs = Array.from({ length: N }, (_, i) => def(`f${i}`, 'function', i * 13, i * 13 + 12, i * 13 + 10));
    const idx = new RepoIndex();
    idx.upsert(indexed('src/lib.ts', LIB, defs));
    const calls = Array.from({ length: N }, (_, i) => `  f${i}();`).join('\n');
    const CALL = `import { ${defs.map((d) => d.name).join(', ')} } from "./lib";\n\nexport function go(): void {\n${calls}\n}\n`;
    idx.upsert(indexed('src/call.ts', CALL, [def('go', 'function', 2, N + 3, 2)], Object.fromEntries(defs.map((d) => [d.name, 1])), [{ source: './lib', names: defs.map((d) => d.name), line: 0 }]));
    let reads = 0;
    const counting = new IndexContextProvider(idx, {
      estimate: est,
      snippet: (d) => {
        reads++;
        const lines = LIB.split('\n');
        return snippetOf(d, lines.length, (from, to) => lines.slice(from, to + 1).join('\n'));
      },
    });
    // Each signature is ~110 tokens: one fits in 150, then none whole; a few fit compact.
    const got = counting.assemble(cursorFromText(CALL, 4, 2, 'src/call.ts'), 150);
    assert.ok(got.length >= 1 && got.length < 5, `${got.length} snippets`);
    assert.ok(reads < 80, `${reads} reads for ${got.length} snippets`);
  });

  it('the filled context is chosen once per scope: typing in the cursor\'s file does not change it', () => {
    const { idx, cursorText } = goPackage();
    const p = provider(idx);
    const first = p.assemble(cursorFromText(cursorText, 9, 7, 'json/decode.go', 'go'), 2000);
    const typed = cursorText.replace('\tx := 1', '\tx := scanEnd + isSpace(1)');
    idx.upsert(indexed('json/decode.go', typed, [def('value', 'function', 2, 6, 2), def('skip', 'function', 8, 11, 8)], { decodeState: 2, init: 1, opcode: 1, scanContinue: 1, scanEnd: 1, isSpace: 1 }, [], 'go'));
    assert.equal(p.assemble(cursorFromText(typed, 9, 20, 'json/decode.go', 'go'), 2000), first);
  });

  it('Go: a name the file does not import is its own package\'s, when the package defines it', () => {
    const { idx, cursorText } = goPackage();
    idx.upsert(indexed('other/space.go', 'package other\n\nfunc isSpace(r rune) bool {\n\treturn r == 32\n}\n', [def('isSpace', 'function', 2, 4, 2)], {}, [], 'go'));
    const typed = cursorText.replace('\tx := 1', '\tx := isSpace(1)');
    idx.upsert(indexed('json/decode.go', typed, [def('value', 'function', 2, 6, 2), def('skip', 'function', 8, 11, 8)], { decodeState: 2, isSpace: 1 }, [], 'go'));
    const got = provider(idx).assemble(cursorFromText(typed, 9, 7, 'json/decode.go', 'go'), 2000);
    assert.deepEqual(got.filter((s) => s.symbol === 'isSpace').map((s) => s.path), ['json/scanner.go']);
  });

  it('Python: `mod.attr` of a module the file imports (`from . import mod`, `import pkg`) is that module\'s', () => {
    const idx = new RepoIndex();
    const fn = (name: string) => `def ${name}(x):\n    return x\n`;
    idx.upsert(indexed('req/utils.py', fn('quote'), [def('quote', 'function', 0, 1)], {}, [], 'python'));
    idx.upsert(indexed('req/compat/__init__.py', fn('urlparse'), [def('urlparse', 'function', 0, 1)], {}, [], 'python'));
    // Other definitions of the same names, nearer the cursor's folder.
    for (const dir of ['req/a', 'req/b', 'req/c']) {
      idx.upsert(indexed(`${dir}/quote.py`, `${fn('quote')}${fn('urlparse')}`, [def('quote', 'function', 0, 1), def('urlparse', 'function', 2, 3)], {}, [], 'python'));
    }
    const USE = 'from . import utils\nimport compat\n\ndef send(url):\n    u = compat.urlparse(url)\n    return utils.quote(u)\n';
    idx.upsert(indexed('req/sessions.py', USE, [def('send', 'function', 3, 5)], { utils: 1, compat: 1, quote: 1, urlparse: 1 },
      [{ source: '.', names: ['utils'], line: 0 }, { source: 'compat', names: ['*'], line: 1 }], 'python'));
    // A budget for two small definitions (signatures: each is more than 2 % of it): the modules' own come first.
    const got = provider(idx).assemble(cursorFromText(USE, 5, 4, 'req/sessions.py', 'python'), 40);
    assert.deepEqual(got.map((s) => `${s.path}:${s.symbol}`), ['req/compat/__init__.py:urlparse', 'req/utils.py:quote']);
  });

  it('ranks toward the cursor\'s file, the same whatever order the files were indexed in', () => {
    const { idx } = goPackage();
    const input = { path: 'json/decode.go', scopeNames: new Set<string>(), noise: () => false, near: proximity('json/decode.go'), pick: (d: readonly unknown[], k: number) => d.slice(0, k) as never, maxPerName: 8, folderIsPackage: true };
    const names = [...rankFill(idx, input)].map((d) => d.name);
    assert.deepEqual(names.slice(0, 4).sort(), ['decodeState', 'init', 'opcode', 'scanContinue'], 'first the names the file uses');
    assert.ok(!names.includes('Unrelated'));
    assert.ok(names.includes('scanEnd'));
    const reversed = new RepoIndex();
    for (const path of [...idx.paths()].reverse()) reversed.upsert(idx.file(path)!);
    assert.deepEqual([...rankFill(reversed, input)].map((d) => `${d.path}:${d.startLine}`), [...rankFill(idx, input)].map((d) => `${d.path}:${d.startLine}`));
  });
});

describe('bestFirst', () => {
  it('gives every item once, in the comparator\'s order, however many are taken', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const n of [0, 1, 2, 3, 10, 257]) {
      const items = Array.from({ length: n }, (_, i) => ({ i, v: Math.floor(random() * 20) }));
      const byValue = (a: { i: number; v: number }, b: { i: number; v: number }) => b.v - a.v || a.i - b.i;
      const expected = [...items].sort(byValue);
      assert.deepEqual([...bestFirst([...items], byValue)], expected, `n=${n}`);
      const firstThree = [];
      for (const x of bestFirst([...items], byValue)) if (firstThree.push(x) === 3) break;
      assert.deepEqual(firstThree, expected.slice(0, 3));
    }
  });
});

describe('proximity', () => {
  it('shared leading folders over the deeper path\'s depth, whole folder names only', () => {
    const near = proximity('src/b/c.ts');
    assert.equal(near('src/b/x.ts'), 2);
    assert.equal(near('src/bc/d.ts'), 1.5, '"bc" is not "b"');
    assert.equal(near('src/b/c/d.ts'), 1 + 2 / 3);
    assert.equal(near('lib/x.ts'), 1);
    assert.equal(near('x.ts'), 1);
    assert.equal(proximity('x.ts')('y.ts'), 1);
  });
});

describe('importMatches', () => {
  const cases: Array<[string, string, boolean]> = [
    ['./geo', 'src/geo.ts', true],
    ['../util/strings', 'src/util/strings.ts', true],
    ['./components', 'src/components/index.ts', true],
    ['pkg.sub.mod', 'pkg/sub/mod.py', true],
    ['pkg.sub', 'pkg/sub/__init__.py', true],
    ['crate::net::http', 'src/net/http.rs', true],
    ['./geo', 'src/geometry.ts', false],
    ['react', 'src/geo.ts', false],
  ];
  for (const [source, path, want] of cases) it(`${source} ~ ${path}: ${want}`, () => assert.equal(importMatches(source, path), want));
});
