import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identifierTokens, jaccard, languageFamily, SimilarWindows, type OpenDocument } from '../../src/core/index/similar';
import { EditorContextProvider, SIMILAR_SHARE } from '../../src/core/index/editorContext';
import { IndexContextProvider } from '../../src/core/index/contextProvider';
import { RepoIndex } from '../../src/core/index/repoIndex';
import { snippetOf } from '../../src/core/index/snippets';
import { cursorFromText } from '../../src/core/text/cursorText';

const est = (t: string) => Math.ceil(t.length / 4);

/** A document whose text() calls are counted. */
function doc(path: string, text: string, version = 1, languageId = 'typescript'): OpenDocument & { reads: number } {
  const d = { path, languageId, version, reads: 0, text: () => { d.reads++; return text; } };
  return d;
}

const filler = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `const ${tag}${i} = ${i};`).join('\n');
/** A file with a block about orders far down, between unrelated lines. */
const ORDERS = `${filler('alpha', 40)}\nfunction totalOf(order: Order) {\n  let sum = 0;\n  for (const line of order.lines) sum += line.price * line.quantity;\n  return applyDiscount(sum, order.coupon);\n}\n${filler('omega', 40)}\n`;
const QUERY = 'function taxOf(order: Order) {\n  let sum = 0;\n  for (const line of order.lines) sum += line.price * line.quantity * TAX;\n';

describe('similar windows', () => {
  it('tokens leave out keywords; Jaccard is the shared share of the union', () => {
    assert.deepEqual([...identifierTokens('const total = order.price * quantity; return total')].sort(), ['order', 'price', 'quantity', 'total']);
    assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
    assert.equal(jaccard(new Set(), new Set()), 0);
    assert.equal(languageFamily('typescriptreact'), languageFamily('javascript'));
    assert.notEqual(languageFamily('python'), languageFamily('typescript'));
  });

  it('finds the window of an open tab that looks like the cursor code, one per file, within the budget', () => {
    const s = new SimilarWindows(est);
    s.setDocuments([doc('src/orders.ts', ORDERS), doc('src/noise.ts', filler('zeta', 80))]);
    const got = s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 1000);
    assert.equal(got.length, 1, JSON.stringify(got.map((g) => [g.path, g.startLine])));
    assert.equal(got[0].kind, 'similar');
    assert.equal(got[0].path, 'src/orders.ts');
    assert.ok(got[0].text.includes('applyDiscount(sum, order.coupon)'));
    assert.ok(got[0].startLine <= 41 && got[0].endLine >= 44);
    assert.equal(got[0].text, ORDERS.split('\n').slice(got[0].startLine, got[0].endLine + 1).join('\n'));
    assert.ok(got[0].tokens >= est(got[0].text));
    // Too small a budget: nothing rather than an overflow.
    assert.deepEqual(s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 20), []);
  });

  it('never offers the cursor\'s own file, another language, or ranges already in the prompt', () => {
    const s = new SimilarWindows(est);
    s.setDocuments([doc('src/orders.ts', ORDERS), doc('tools/orders.py', ORDERS, 1, 'python')]);
    assert.deepEqual(s.find({ path: 'src/orders.ts', languageId: 'typescript', text: QUERY }, 1000), []);
    const got = s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY, taken: [{ path: 'src/orders.ts', startLine: 40, endLine: 46 }] }, 1000);
    assert.ok(got.every((g) => g.path === 'src/orders.ts' && (g.endLine < 40 || g.startLine > 46)));
    assert.ok(got.every((g) => !g.text.includes('applyDiscount')));
  });

  it('a recent edit in another file is offered around the edited line, newest first', () => {
    const s = new SimilarWindows(est);
    const other = `${filler('beta', 60)}\nexport function parseInvoice(raw: string) {\n  return raw.split(',');\n}\n${filler('gamma', 60)}`;
    s.setDocuments([doc('src/invoice.ts', other), doc('src/orders.ts', ORDERS)]);
    s.recordEdit('src/invoice.ts', 61);
    const got = s.find({ path: 'src/tax.ts', languageId: 'typescript', text: 'const x = 1;\nfoo(bar);' }, 1000);
    const recent = got.find((g) => g.kind === 'recent');
    assert.ok(recent, JSON.stringify(got));
    assert.equal(recent.path, 'src/invoice.ts');
    assert.ok(recent.startLine <= 61 && 61 <= recent.endLine);
    assert.ok(recent.text.includes('parseInvoice'));
    // An edit in the cursor's own file is not offered to it.
    s.recordEdit('src/tax.ts', 3);
    assert.ok(s.find({ path: 'src/invoice.ts', languageId: 'typescript', text: 'parseInvoice raw split' }, 1000).every((g) => g.path !== 'src/invoice.ts'));
  });

  it('reads a document only when a cursor elsewhere needs it, and once per version', () => {
    const s = new SimilarWindows(est);
    const a = doc('src/orders.ts', ORDERS);
    s.setDocuments([a]);
    assert.equal(a.reads, 0);
    s.find({ path: 'src/orders.ts', languageId: 'typescript', text: QUERY }, 1000);
    assert.equal(a.reads, 0, 'the cursor\'s own document is never cut');
    s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 1000);
    s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 1000);
    s.setDocuments([a]);
    s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 1000);
    assert.equal(a.reads, 1);
    const rev = s.revision;
    const a2 = doc('src/orders.ts', ORDERS, 2);
    s.setDocuments([a2]);
    assert.deepEqual([...s.changedSince(rev)], ['src/orders.ts']);
    s.find({ path: 'src/tax.ts', languageId: 'typescript', text: QUERY }, 1000);
    assert.equal(a2.reads, 1);
    s.setDocuments([]);
    assert.equal(s.hasCandidates('src/tax.ts', 'typescript'), false);
  });
});

describe('editor context: definitions, then similar windows', () => {
  const GEO = 'export interface Point {\n  x: number;\n  y: number;\n}\n';
  const USE = `import { Point } from "./geo";\n\nexport function taxOf(order: Order, p: Point) {\n  let sum = 0;\n  for (const line of order.lines) sum += line.price * line.quantity * TAX;\n  return sum;\n}\n`;
  function setup() {
    const texts = new Map([['src/geo.ts', GEO], ['src/use.ts', USE]]);
    const idx = new RepoIndex();
    idx.upsert({ path: 'src/geo.ts', language: 'typescript', size: 1, mtimeMs: 0, definitions: [{ name: 'Point', kind: 'interface', line: 0, startLine: 0, endLine: 3, signatureEndLine: 0, path: 'src/geo.ts' }], references: new Map(), imports: [] });
    idx.upsert({ path: 'src/use.ts', language: 'typescript', size: 1, mtimeMs: 0, definitions: [{ name: 'taxOf', kind: 'function', line: 2, startLine: 2, endLine: 6, signatureEndLine: 2, path: 'src/use.ts' }], references: new Map([['Point', 1]]), imports: [{ source: './geo', names: ['Point'], line: 0 }] });
    const defs = new IndexContextProvider(idx, {
      estimate: est,
      snippet: (d) => { const lines = (texts.get(d.path) ?? '').split('\n'); return snippetOf(d, lines.length, (a, b) => lines.slice(a, b + 1).join('\n')); },
    });
    const similar = new SimilarWindows(est);
    return { similar, provider: new EditorContextProvider(defs, similar) };
  }

  it('without open tabs the definitions get the whole budget; with them, windows follow the definitions', async () => {
    const { similar, provider } = setup();
    const cursor = cursorFromText(USE, 4, 10, 'src/use.ts', 'typescript');
    const alone = await provider.contextFor(cursor, 2000);
    assert.deepEqual(alone.map((s) => s.kind), ['type']);
    similar.setDocuments([doc('src/orders.ts', ORDERS)]);
    const both = await provider.contextFor(cursor, 2000);
    assert.deepEqual(both.map((s) => s.kind), ['type', 'similar']);
    assert.equal(both[0].path, 'src/geo.ts');
    assert.equal(both[1].path, 'src/orders.ts');
    assert.ok(both.reduce((n, s) => n + s.tokens, 0) <= 2000);
    assert.ok(SIMILAR_SHARE > 0 && SIMILAR_SHARE < 0.5);
  });

  it('keystrokes in the scope and edits of the cursor\'s own file keep the section as it was; another tab changing renews it', async () => {
    const { similar, provider } = setup();
    similar.setDocuments([doc('src/orders.ts', ORDERS)]);
    const first = await provider.contextFor(cursorFromText(USE, 4, 10, 'src/use.ts', 'typescript'), 2000);
    assert.ok(first.some((s) => s.path === 'src/orders.ts'));
    // The body rewritten: on its own, this code resembles nothing in the open tab.
    const typed = USE.replace(/  let sum[^]*return sum;/, '  const w = parcel.weight;\n  return w;');
    similar.recordEdit('src/use.ts', 4);
    const second = await provider.contextFor(cursorFromText(typed, 4, 10, 'src/use.ts', 'typescript'), 2000);
    assert.deepEqual(second, first);
    const { similar: s2, provider: fresh } = setup();
    s2.setDocuments([doc('src/orders.ts', ORDERS)]);
    assert.ok(!(await fresh.contextFor(cursorFromText(typed, 4, 10, 'src/use.ts', 'typescript'), 2000)).some((s) => s.path === 'src/orders.ts'), 'only the memo keeps the window');
    similar.setDocuments([doc('src/orders.ts', ORDERS.replace('applyDiscount', 'applyCoupon'), 2)]);
    const third = await provider.contextFor(cursorFromText(USE, 4, 10, 'src/use.ts', 'typescript'), 2000);
    assert.notDeepEqual(third, first);
    assert.ok(third.some((s) => s.text.includes('applyCoupon')));
  });
});
