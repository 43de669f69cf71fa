// XDR (cross-file definition recall at a token budget): the metric on hand-made cases, the
// ground-truth resolver on a tiny program written to a temp dir, the dev-set cursor and the open-tabs
// baseline's budget.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContextSnippet } from '../../src/core/completion/types';
import {
  aggregate, countedSnippets, isDefinitionPresent, mentionsName, normalizeSnippetPath, scorePoint, usefulTokens,
  type DefSite, type GroundTruthDef,
} from '../../bench/eval/metric';
import { resolveCrossFileUses, RESOLVER_OPTIONS, type UseLine } from '../../bench/eval/groundTruth';
import { cursorForPoint, type DevPoint } from '../../bench/eval/devset';
import { OpenTabsProvider, jaccard, treeDistance } from '../../bench/eval/openTabs';

function site(path: string, nameLine: number, startLine = nameLine, endLine = nameLine, signatureEndLine = nameLine): DefSite {
  return { path, nameLine, startLine, endLine, signatureEndLine, kind: 'FunctionDeclaration' };
}

function def(name: string, s: DefSite, via: GroundTruthDef['via'] = 'name'): GroundTruthDef {
  return { name, via, sites: [s] };
}

function snip(path: string, startLine: number, endLine: number, text: string, tokens: number): ContextSnippet {
  return { kind: 'definition', path, startLine, endLine, text, tokens };
}

describe('XDR metric', () => {
  // `parse` is declared at lines 10-20 of src/parse.ts, its name on line 11, its signature ending on 12.
  const parse = def('parse', site('src/parse.ts', 11, 10, 20, 12));

  it('counts a definition whose name line a snippet of the same file covers and names', () => {
    assert.equal(isDefinitionPresent(parse, [snip('src/parse.ts', 10, 12, '/** doc */\nexport function parse(\n  text: string) {', 12)]), true);
    assert.equal(isDefinitionPresent(parse, [snip('src/parse.ts', 11, 11, 'export function parse(', 5)]), true, 'the name line alone (a signature) is enough');
  });

  it('does not count a snippet of another file, or one that misses the name line', () => {
    assert.equal(isDefinitionPresent(parse, [snip('src/other.ts', 10, 20, 'export function parse() {}', 8)]), false);
    assert.equal(isDefinitionPresent(parse, [snip('src/parse.ts', 12, 20, '  return parse(text.trim());\n}', 8)]), false, 'body only: partial overlap');
    assert.equal(isDefinitionPresent(parse, [snip('src/parse.ts', 0, 10, 'import x from "y";\n/** doc */', 8)]), false, 'ends just before the name line');
  });

  it('does not count a range that covers the name line when its text does not name the definition (an elided outline)', () => {
    assert.equal(isDefinitionPresent(parse, [snip('src/parse.ts', 0, 40, 'class Parser {\n  …\n}', 6)]), false);
    assert.equal(mentionsName('const parser = parse2(x)', 'parse'), false);
    assert.equal(mentionsName('x = $parse + parse_', 'parse'), false);
    assert.equal(mentionsName('return parse(x)', 'parse'), true);
    assert.equal(mentionsName('anything', ''), true, 'unnamed definitions (module.exports = [...]) are judged by lines alone');
  });

  it('accepts any site of a definition declared more than once', () => {
    const overloaded: GroundTruthDef = { name: 'f', via: 'name', sites: [site('a.ts', 3), site('a.ts', 4), site('a.ts', 5, 5, 9, 5)] };
    assert.equal(isDefinitionPresent(overloaded, [snip('a.ts', 5, 9, 'function f(x?: number) {\n}', 9)]), true);
  });

  it('normalizes snippet paths: ./ prefix, backslashes, absolute under the package root', () => {
    assert.equal(normalizeSnippetPath('./src/parse.ts'), 'src/parse.ts');
    assert.equal(normalizeSnippetPath('src\\parse.ts'), 'src/parse.ts');
    assert.equal(normalizeSnippetPath('/repo/pkg/src/parse.ts', '/repo/pkg/'), 'src/parse.ts');
    assert.equal(isDefinitionPresent(parse, [snip('/repo/pkg/src/parse.ts', 11, 11, 'function parse(', 4)], '/repo/pkg'), true);
  });

  it('drops the snippets past the budget, in the provider order, and flags the overflow', () => {
    const a = def('a', site('a.ts', 0));
    const b = def('b', site('b.ts', 0));
    const snippets = [snip('a.ts', 0, 0, 'function a() {}', 600), snip('b.ts', 0, 0, 'function b() {}', 600)];
    const within = scorePoint([a, b], snippets, 1200);
    assert.equal(within.present, 2);
    assert.equal(within.overflow, false);
    const over = scorePoint([a, b], snippets, 1000);
    assert.equal(over.overflow, true);
    assert.equal(over.present, 1, 'b does not fit: not counted');
    assert.equal(over.packedTokens, 600);
    assert.equal(over.returnedTokens, 1200);
    // A later, smaller snippet is not counted either once one has been cut: the order is the provider's.
    const cut = countedSnippets([snip('a.ts', 0, 0, 'x', 900), snip('b.ts', 0, 0, 'y', 200), snip('c.ts', 0, 0, 'z', 50)], 1000);
    assert.deepEqual(cut.counted.map((s) => s.path), ['a.ts']);
    assert.equal(cut.overflow, true);
  });

  it('counts snippets with a bad token count or a reversed range as invalid, never as present', () => {
    const a = def('a', site('a.ts', 0));
    const s = scorePoint([a], [snip('a.ts', 0, 0, 'function a() {}', Number.NaN), snip('a.ts', 3, 1, 'function a() {}', 3)], 1000);
    assert.equal(s.invalid, 2);
    assert.equal(s.present, 0);
  });

  it('efficiency: the share of packed tokens on lines of needed definitions', () => {
    const d = def('parse', site('src/parse.ts', 11, 10, 14, 11));
    // 10 lines (5..14), 5 of them inside the definition (10..14): half of 100 tokens.
    assert.equal(usefulTokens(snip('src/parse.ts', 5, 14, 'parse', 100), [d]), 50);
    assert.equal(usefulTokens(snip('src/other.ts', 5, 14, 'parse', 100), [d]), 0);
    const s = scorePoint([d], [snip('src/parse.ts', 5, 14, 'function parse()', 100), snip('src/other.ts', 0, 9, 'noise', 100)], 1000);
    assert.equal(s.usefulTokens, 50);
    const agg = aggregate([s]);
    assert.equal(agg.efficiency, 0.25);
    assert.equal(agg.xdr, 1);
  });

  it('aggregates micro (over definitions) and per-point means', () => {
    const a = def('a', site('a.ts', 0));
    const b = def('b', site('b.ts', 0), 'member');
    const c = def('c', site('c.ts', 0));
    const hitA = [snip('a.ts', 0, 0, 'function a() {}', 10)];
    const agg = aggregate([scorePoint([a, b, c], hitA, 100), scorePoint([a], hitA, 100)]);
    assert.equal(agg.defs, 4);
    assert.equal(agg.xdr, 2 / 4);
    assert.equal(agg.xdrPointMean, (1 / 3 + 1) / 2);
    assert.deepEqual(agg.xdrByVia, { name: 2 / 3, member: 0 });
    assert.equal(agg.anyHit, 2);
    assert.equal(agg.allHit, 1);
    assert.equal(aggregate([scorePoint([a], [], 100)]).efficiency, null);
  });
});

describe('ground truth: TypeScript resolves cross-file definitions', () => {
  let dir = '';
  let lines: UseLine[] = [];
  const A = [
    '// a.ts',
    'export interface Options {',
    '  depth: number;',
    '}',
    '',
    '/** Adds one. */',
    'export function inc(x: number): number {',
    '  return x + 1;',
    '}',
    '',
    'export class Box {',
    '  get(opts: Options): number {',
    '    return opts.depth;',
    '  }',
    '}',
    'export const LIMIT = 3;',
  ].join('\n');
  const B = [
    "import { inc, Box, type Options } from './a';",
    "import * as a from './a';",
    '',
    'const local = 2;',
    'export function run(o: Options): number {',
    '  const box = new Box();',
    '  return inc(local) + box.get(o) + a.LIMIT;',
    '}',
    'export const same = run({ depth: local });',
  ].join('\n');
  const C = [
    'function helper(s) {',
    '  return s.trim();',
    '}',
    'module.exports = { helper };',
  ].join('\n');
  const D = [
    "const { helper } = require('./c');",
    "const c = require('./c');",
    'exports.go = (s) => helper(s) + c.helper(s);',
  ].join('\n');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-xdr-'));
    writeFileSync(join(dir, 'a.ts'), A);
    writeFileSync(join(dir, 'b.ts'), B);
    writeFileSync(join(dir, 'c.js'), C);
    writeFileSync(join(dir, 'd.js'), D);
    // No default library: faster, and resolution does not need it.
    lines = resolveCrossFileUses(dir, ['a.ts', 'b.ts', 'c.js', 'd.js'], { ...RESOLVER_OPTIONS, noLib: true, lib: undefined }).lines;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const at = (path: string, line: number) => lines.find((l) => l.path === path && l.line === line);
  const names = (l: UseLine | undefined) => (l?.defs ?? []).map((d) => `${d.name}:${d.via}@${d.sites[0].path}:${d.sites[0].nameLine}`).sort();

  it('finds the lines that use definitions of other files, not import lines or same-file uses', () => {
    assert.deepEqual(lines.filter((l) => l.path === 'b.ts').map((l) => l.line), [4, 5, 6]);
    assert.equal(lines.some((l) => l.path === 'a.ts'), false);
    assert.equal(at('b.ts', 8), undefined, '`run` and `local` are defined in b.ts itself');
  });

  it('resolves through imports to the declarations, with lines of name, start (doc comment included), signature and end', () => {
    assert.deepEqual(names(at('b.ts', 4)), ['Options:name@a.ts:1']);
    assert.deepEqual(names(at('b.ts', 6)), ['LIMIT:name@a.ts:15', 'get:member@a.ts:11', 'inc:name@a.ts:6']);
    const inc = at('b.ts', 6)!.defs.find((d) => d.name === 'inc')!.sites[0];
    assert.deepEqual({ start: inc.startLine, name: inc.nameLine, sig: inc.signatureEndLine, end: inc.endLine }, { start: 5, name: 6, sig: 6, end: 8 });
    const box = at('b.ts', 5)!.defs[0].sites[0];
    assert.deepEqual({ name: box.nameLine, end: box.endLine, kind: box.kind }, { name: 10, end: 14, kind: 'ClassDeclaration' });
  });

  it('puts the cursor at the first cross-file identifier of the line', () => {
    assert.equal(at('b.ts', 4)!.column, B.split('\n')[4].indexOf('Options'));
    assert.equal(at('b.ts', 5)!.column, B.split('\n')[5].indexOf('Box'));
    assert.equal(at('b.ts', 6)!.column, B.split('\n')[6].indexOf('inc'));
  });

  it('follows CommonJS: destructured require and module.exports shorthand, and members of a required module', () => {
    assert.deepEqual(names(at('d.js', 2)), ['helper:name@c.js:0']);
    assert.equal(at('d.js', 0), undefined, 'require lines are not uses');
    assert.equal(at('d.js', 1), undefined);
  });
});

describe('dev set cursor', () => {
  it('removes the line from the first cross-file identifier on and slices like the editor', () => {
    const text = 'import { inc } from "./a";\nconst x = 1;\nconst y = inc(x) + 2;\nconsole.log(y);\n';
    const point: DevPoint = { id: 't', pkg: 'p', language: 'typescript', path: 'src/b.ts', languageId: 'typescript', line: 2, column: 10, target: 'inc(x) + 2;', defs: [] };
    const c = cursorForPoint(point, text);
    assert.equal(c.prefix, 'import { inc } from "./a";\nconst x = 1;\nconst y = ');
    assert.equal(c.suffix, '\nconsole.log(y);\n');
    assert.equal(c.linePrefix, 'const y = ');
    assert.equal(c.lineSuffix, '');
    assert.equal(c.path, 'src/b.ts');
    assert.equal(c.languageId, 'typescript');
  });
});

describe('open-tabs baseline', () => {
  const files = [
    { path: 'src/util/math.ts', text: 'export function clamp(value: number, lo: number, hi: number) {\n  return Math.min(hi, Math.max(lo, value));\n}\n' },
    { path: 'src/util/strings.ts', text: Array.from({ length: 200 }, (_, i) => `export const s${i} = 'padding text ${i}';`).join('\n') },
    { path: 'src/main.ts', text: 'unused' },
    { path: 'src/other.js', text: 'function clamp(value, lo, hi) {}' },
  ];

  it('ranks windows by Jaccard, keeps to the language, and stays within the budget', async () => {
    const p = new OpenTabsProvider(files);
    const cursor = cursorForPoint({ id: 't', pkg: 'p', language: 'typescript', path: 'src/main.ts', languageId: 'typescript', line: 1, column: 10, target: 'clamp(value, lo, hi);', defs: [] },
      'import { clamp } from "./util/math";\nconst v = clamp(value, lo, hi);\n');
    const got = await p.contextFor(cursor, 1000);
    assert.equal(got[0]?.path, 'src/util/math.ts');
    assert.ok(got.every((s) => !s.path.endsWith('.js') && s.path !== 'src/main.ts'));
    assert.ok(got.reduce((n, s) => n + s.tokens, 0) <= 1000);
    const tiny = await p.contextFor(cursor, 5);
    assert.deepEqual(tiny, []);
  });

  it('helpers: Jaccard and directory distance', () => {
    assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
    assert.equal(treeDistance('src/a/x.ts', 'src/a/y.ts'), 0);
    assert.equal(treeDistance('src/a/x.ts', 'src/b/y.ts'), 2);
    assert.equal(treeDistance('x.ts', 'src/b/y.ts'), 2);
  });
});
