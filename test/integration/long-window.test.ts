// The long-window pack for review and test generation, on a real repository indexed by tree-sitter:
// enclosing definitions first, then what they use, their callers, and an outline, within budget.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packForRanges } from '../../src/core/index/packer';
import { silentLogger } from '../../src/core/log';
import { TokenEstimator } from '../../src/core/model/tokens';
import { IndexService } from '../../src/node/index/indexService';

const FILES: Record<string, string> = {
  'src/types.ts': 'export interface Item {\n  name: string;\n  price: number;\n  quantity: number;\n}\n',
  'src/math.ts': 'export function sum(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0);\n}\n\nexport function round2(x: number): number {\n  return Math.round(x * 100) / 100;\n}\n',
  'src/cart.ts': 'import { Item } from "./types";\nimport { sum, round2 } from "./math";\n\nexport function total(items: Item[]): number {\n  const lines = items.map((i) => i.price * i.quantity);\n  return round2(sum(lines));\n}\n\nexport function isEmpty(items: Item[]): boolean {\n  return items.length === 0;\n}\n',
  'src/checkout.ts': 'import { total } from "./cart";\nimport type { Item } from "./types";\n\nexport function receipt(items: Item[]): string {\n  return `Total: ${total(items)}`;\n}\n',
  'src/unrelated.ts': 'export const VERSION = "1.0.0";\n\nexport function banner(): string {\n  return `v${VERSION}`;\n}\n',
  '.env': 'SECRET_TOKEN=never-in-a-prompt\n',
};

describe('long-window pack (review / test generation)', () => {
  let root: string;
  let service: IndexService;
  const estimator = new TokenEstimator();
  const sources = () => ({ estimate: (t: string) => estimator.estimate(t), snippet: service.snippet.bind(service), lines: service.lines.bind(service) });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-pack-'));
    for (const [p, text] of Object.entries(FILES)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    service = new IndexService({ root, logger: silentLogger });
    await service.build();
  });
  after(async () => {
    await service.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('packs the enclosing function, what it uses, its callers and an outline, in that order', () => {
    // A hunk inside total() (lines 5-6, 0-based 4-5).
    const { items, tokens } = packForRanges(service.index, [{ path: 'src/cart.ts', startLine: 4, endLine: 5 }], 4000, sources());
    const kinds = items.map((i) => i.kind);
    assert.equal(kinds[0], 'enclosing');
    assert.equal(items[0].symbol, 'total');
    assert.match(items[0].text, /^export function total\(items: Item\[\]\): number \{[\s\S]*return round2\(sum\(lines\)\);\n\}$/);
    const usedSymbols = items.filter((i) => i.kind === 'used').map((i) => `${i.path}:${i.symbol}`);
    for (const want of ['src/types.ts:Item', 'src/math.ts:sum', 'src/math.ts:round2']) assert.ok(usedSymbols.includes(want), `${want} in ${usedSymbols}`);
    const callers = items.filter((i) => i.kind === 'caller');
    assert.deepEqual(callers.map((c) => `${c.path}:${c.symbol}`), ['src/checkout.ts:receipt']);
    assert.ok(kinds.includes('outline'), 'the rest of the budget goes to an outline');
    const order = ['enclosing', 'used', 'caller', 'outline'];
    assert.deepEqual([...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)), kinds, 'priority order');
    assert.ok(tokens <= 4000);
    assert.equal(tokens, items.reduce((n, i) => n + i.tokens, 0));
    assert.ok(!items.some((i) => i.text.includes('never-in-a-prompt')), 'no secret');
  });

  it('asked for some kinds only, packs those and ranks nothing when no outline is wanted', () => {
    let ranked = 0;
    const index = new Proxy(service.index, {
      get: (target, key) => (key === 'rank' ? (focus: readonly string[]) => { ranked++; return target.rank(focus); } : Reflect.get(target, key, target)),
    });
    const all = packForRanges(index, [{ path: 'src/cart.ts', startLine: 4, endLine: 5 }], 4000, sources());
    assert.equal(ranked, 1);
    const some = packForRanges(index, [{ path: 'src/cart.ts', startLine: 4, endLine: 5 }], 4000, sources(), { kinds: ['enclosing', 'used'] });
    assert.equal(ranked, 1, 'no ranking for a pack without an outline');
    assert.deepEqual(some.items, all.items.filter((i) => i.kind === 'enclosing' || i.kind === 'used'), 'the same enclosing and used items, in the same order');
    assert.equal(some.tokens, some.items.reduce((n, i) => n + i.tokens, 0));
  });

  it('ranks follow the index: the file graph is rebuilt when a file changes', async () => {
    const before = service.index.rank(['src/checkout.ts']);
    assert.equal(service.index.rank(['src/checkout.ts']), before, 'cached while nothing changes');
    writeFileSync(join(root, 'src/unrelated.ts'), 'import { total } from "./cart";\nexport const VERSION = "1.0.0";\nexport function banner(): string {\n  return `v${VERSION} ${total([])}`;\n}\n');
    await service.updateFile('src/unrelated.ts');
    const after = service.index.rank(['src/unrelated.ts']);
    const top = [...after].filter(([p]) => p !== 'src/unrelated.ts').sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(top, 'src/cart.ts', 'the new link from unrelated.ts to cart.ts ranks cart.ts first from there');
  });

  it('a tight budget keeps the highest priorities', () => {
    const { items, tokens } = packForRanges(service.index, [{ path: 'src/cart.ts', startLine: 4, endLine: 5 }], 120, sources());
    assert.ok(tokens <= 120);
    assert.equal(items[0]?.kind, 'enclosing');
    assert.ok(!items.some((i) => i.kind === 'outline'));
  });

  it('several ranges across files; a range outside any definition is packed as itself', () => {
    const { items } = packForRanges(service.index, [
      { path: 'src/checkout.ts', startLine: 4, endLine: 4 },
      { path: 'src/unrelated.ts', startLine: 0, endLine: 0 },
    ], 4000, sources());
    const enclosing = items.filter((i) => i.kind === 'enclosing').map((i) => `${i.path}:${i.startLine}-${i.endLine}`);
    assert.deepEqual(enclosing, ['src/checkout.ts:3-5', 'src/unrelated.ts:0-0']);
    assert.ok(items.some((i) => i.kind === 'used' && i.symbol === 'total'), 'total(), used by receipt, from cart.ts');
  });
});

describe('long-window pack: what the enclosing code uses is resolved as a completion resolves it', () => {
  let root: string;
  let service: IndexService;
  const estimator = new TokenEstimator();
  // Five files define parse(); the code imports the fifth. Store's methods are reached only
  // through a parameter of that type.
  const files: Record<string, string> = {
    ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`src/p${n}/parse.ts`, `export function parse(text: string): number {\n  return ${n};\n}\n`])),
    'src/store.ts': 'export class Store {\n  get(key: string): string | undefined {\n    return undefined;\n  }\n  put(key: string, value: string): void {\n    void key;\n    void value;\n  }\n}\n'.replace('class Store {', `class Store {\n${Array.from({ length: 40 }, (_, i) => `  field${i} = ${i};`).join('\n')}`),
    'src/use.ts': 'import { parse } from "./p5/parse";\nimport { Store } from "./store";\n\nexport function load(store: Store, key: string): number {\n  return parse(store.get(key) ?? "");\n}\n',
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-pack-resolve-'));
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    service = new IndexService({ root, logger: silentLogger });
    await service.build();
  });
  after(async () => {
    await service.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('packs the imported parse() before any other of the same name, and the methods of the parameter\'s type', () => {
    const sources = { estimate: (t: string) => estimator.estimate(t), snippet: service.snippet.bind(service), lines: service.lines.bind(service) };
    const { items } = packForRanges(service.index, [{ path: 'src/use.ts', startLine: 4, endLine: 4 }], 100_000, sources, { kinds: ['enclosing', 'used'] });
    const used = items.filter((i) => i.kind === 'used').map((i) => `${i.path}:${i.symbol}`);
    assert.equal(used.find((u) => u.endsWith(':parse')), 'src/p5/parse.ts:parse', `the imported one first: ${used.join(', ')}`);
    assert.ok(used.includes('src/store.ts:get'), `Store.get, reached through store: Store: ${used.join(', ')}`);
    // The other parse() functions are no candidates at all: the import says which file it is.
    assert.deepEqual(used.filter((u) => u.endsWith(':parse')), ['src/p5/parse.ts:parse']);
  });
});
