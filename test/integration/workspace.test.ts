// The workspace seam (src/node/workspace.ts): what the editor, the CLI and the benchmarks open. Its
// long-window pack takes a file's text from outside the working tree (review packs what is
// staged), and the privacy gate still has the last word on every path whatever text comes with it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packForRanges } from '../../src/core/index/packer';
import { silentLogger } from '../../src/core/log';
import { TextLines } from '../../src/core/text/cursorText';
import { openWorkspace, type Workspace } from '../../src/node/workspace';

const CART = 'import { Item } from "./types";\nimport { sum, round2 } from "./math";\n\nexport function total(items: Item[]): number {\n  const lines = items.map((i) => i.price * i.quantity);\n  return round2(sum(lines));\n}\n\nexport function isEmpty(items: Item[]): boolean {\n  return items.length === 0;\n}\n';
/** What is staged of cart.ts: isEmpty() gave way to discounted(), on the same lines. */
const STAGED_CART = 'import { Item } from "./types";\nimport { sum, round2 } from "./math";\n\nexport function total(items: Item[]): number {\n  const lines = items.map((i) => i.price * i.quantity);\n  return round2(sum(lines));\n}\n\nexport function discounted(items: Item[], rate: number): number {\n  return round2(total(items) * (1 - rate));\n}\n';

const INVOICE = 'import { total } from "./cart";\n\nexport function invoice(items: Item[]): string {\n  return `Invoice: ${total(items)}`;\n}\n';

const FILES: Record<string, string> = {
  '.hearthignore': 'private/\n',
  'src/types.ts': 'export interface Item {\n  name: string;\n  price: number;\n  quantity: number;\n}\n',
  'src/math.ts': 'export function sum(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0);\n}\n\nexport function round2(x: number): number {\n  return Math.round(x * 100) / 100;\n}\n',
  'src/cart.ts': CART,
  'src/checkout.ts': 'import { total } from "./cart";\nimport type { Item } from "./types";\n\nexport function receipt(items: Item[]): string {\n  return `Total: ${total(items)}`;\n}\n',
  'src/credentials.ts': 'export const API_TOKEN = "working-tree-token";\n',
  'private/plan.ts': 'export function plan(): string {\n  return "working-tree-plan";\n}\n',
};

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

const git = (root: string, ...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
const range = (path: string, startLine: number, endLine: number) => ({ path, startLine, endLine });

describe('workspace: one index, context and pack', () => {
  let root: string;
  let ws: Workspace;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-workspace-'));
    write(root, FILES);
    git(root, 'init', '-q');
    // Stage the new cart.ts, then put the working tree's back as it was: staged and on disk differ.
    // invoice.ts is staged and then deleted: it is only in git's index.
    write(root, { 'src/cart.ts': STAGED_CART, 'src/invoice.ts': INVOICE, 'src/blob.ts': 'export const x = 1;\0\0', 'notes.md': '# notes\n' });
    git(root, 'add', '.');
    write(root, { 'src/cart.ts': CART });
    rmSync(join(root, 'src/invoice.ts'));
    ws = openWorkspace({ root, logger: silentLogger, timeBudgetMs: Infinity });
    await ws.build();
  });
  after(async () => {
    await ws.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('without supplied text, the pack is the working tree\'s, as packForRanges over the index gives it', async () => {
    const r = range('src/cart.ts', 9, 9);
    const packed = await ws.pack([r], 4000);
    const direct = packForRanges(ws.index, [r], 4000, { estimate: ws.estimate, snippet: (d) => ws.service.snippet(d), lines: (p, a, b) => ws.service.lines(p, a, b) });
    assert.deepEqual(packed, { ...direct, refused: [] });
    assert.equal(packed.items[0].symbol, 'isEmpty');
  });

  it('packs a range of the staged text, not of the working tree', async () => {
    const staged = git(root, 'show', ':src/cart.ts');
    assert.equal(staged, STAGED_CART);
    const { items, tokens, refused } = await ws.pack([range('src/cart.ts', 9, 9)], 4000, { texts: new Map([['src/cart.ts', staged]]) });
    assert.deepEqual(refused, []);
    assert.equal(items[0].kind, 'enclosing');
    assert.equal(items[0].symbol, 'discounted');
    assert.equal(items[0].text, 'export function discounted(items: Item[], rate: number): number {\n  return round2(total(items) * (1 - rate));\n}');
    assert.deepEqual([items[0].startLine, items[0].endLine], [8, 10]);
    assert.ok(!items.some((i) => i.text.includes('items.length === 0')), 'nothing of the working tree\'s isEmpty()');
    assert.ok(!items.some((i) => i.symbol === 'isEmpty'));
    const used = items.filter((i) => i.kind === 'used').map((i) => `${i.path}:${i.symbol}`);
    assert.ok(used.includes('src/math.ts:round2'), `round2 from math.ts, used by the staged code: ${used}`);
    // The outline lists cart.ts as staged too.
    const outline = items.filter((i) => i.kind === 'outline' && i.path === 'src/cart.ts').map((i) => i.symbol);
    assert.ok(outline.includes('discounted') && !outline.includes('isEmpty'), `outline of cart.ts: ${outline}`);
    assert.ok(tokens <= 4000);
    // The index itself still holds the working tree.
    assert.deepEqual(ws.index.file('src/cart.ts')?.definitions.map((d) => d.name), ['total', 'isEmpty']);
  });

  it('a staged file that is not in the working tree is packed from its text', async () => {
    const { items, refused } = await ws.pack([range('src/invoice.ts', 3, 3)], 4000, { texts: new Map([['src/invoice.ts', git(root, 'show', ':src/invoice.ts')]]) });
    assert.deepEqual(refused, []);
    assert.equal(items[0].symbol, 'invoice');
    assert.ok(items.some((i) => i.kind === 'used' && i.path === 'src/cart.ts' && i.symbol === 'total'));
  });

  it('a secret-looking path is never packed, whatever text is supplied for it', async () => {
    const texts = new Map([
      ['src/credentials.ts', 'export const API_TOKEN = "staged-token";\n'],
      ['.env', 'SECRET_TOKEN=staged-secret\n'],
      ['src/cart.ts', STAGED_CART],
    ]);
    const { items, refused } = await ws.pack([range('src/credentials.ts', 0, 0), range('.env', 0, 0), range('src/cart.ts', 9, 9)], 4000, { texts });
    assert.ok(items.length > 0, 'the admitted file is packed');
    for (const i of items) {
      assert.ok(i.path !== 'src/credentials.ts' && i.path !== '.env', `${i.path} packed`);
      assert.ok(!/staged-(token|secret)|working-tree-token/.test(i.text), `secret in ${i.path}:${i.symbol}`);
    }
    assert.deepEqual(refused.map((r) => r.path).sort(), ['.env', 'src/credentials.ts']);
    for (const r of refused) assert.match(r.message, /looks like a secret/);
  });

  it('a path the privacy gate refuses is not packed, neither as supplied nor from the working tree', async () => {
    const texts = new Map([
      ['private/plan.ts', 'export function plan(): string {\n  return "staged-plan";\n}\n'],
      ['../outside.ts', 'export function outside(): string {\n  return "staged-outside";\n}\n'],
    ]);
    const { items, refused } = await ws.pack([range('private/plan.ts', 1, 1), range('../outside.ts', 1, 1), range('src/checkout.ts', 4, 4)], 4000, { texts });
    assert.equal(items[0].symbol, 'receipt');
    assert.ok(!items.some((i) => /plan|outside/.test(i.text) || i.path === 'private/plan.ts' || i.path === '../outside.ts'), items.map((i) => `${i.path}:${i.symbol}`).join(' '));
    assert.deepEqual(refused.map((r) => r.path).sort(), ['../outside.ts', 'private/plan.ts']);
    assert.match(refused.find((r) => r.path === 'private/plan.ts')!.message, /\.hearthignore/);
  });

  it('a supplied text that is binary or has no grammar is refused with its reason', async () => {
    const { items, refused } = await ws.pack([range('src/blob.ts', 0, 0), range('notes.md', 0, 0)], 4000, {
      texts: new Map([['src/blob.ts', 'export const x = 1;\0\0'], ['notes.md', '# notes\n']]),
    });
    assert.deepEqual(items.filter((i) => i.kind === 'enclosing'), []);
    assert.match(refused.find((r) => r.path === 'src/blob.ts')!.message, /binary/);
    assert.match(refused.find((r) => r.path === 'notes.md')!.message, /no grammar/);
  });

  it('the completion context is chosen over the same index', () => {
    const { cursor } = new TextLines(CART).cursorSlice(5, Number.MAX_SAFE_INTEGER, 'src/cart.ts');
    const snippets = ws.context.assemble(cursor, 2000);
    const got = snippets.map((s) => `${s.path}:${s.symbol}`);
    for (const want of ['src/math.ts:round2', 'src/math.ts:sum', 'src/types.ts:Item']) assert.ok(got.includes(want), `${want} in ${got}`);
  });
});

describe('workspace over a given list of files (the context eval)', () => {
  it('indexes exactly the listed files the gate admits', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-workspace-files-'));
    try {
      write(root, FILES);
      write(root, { 'src/extra.ts': 'export function extra() {}\n' });
      const ws = openWorkspace({ root, git: null, logger: silentLogger, files: ['src/math.ts', 'src/cart.ts', 'src/credentials.ts', 'private/plan.ts'] });
      try {
        const stats = await ws.build();
        assert.deepEqual([...ws.index.paths()].sort(), ['src/cart.ts', 'src/math.ts']);
        assert.equal(stats.files, 2);
      } finally {
        await ws.dispose();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
