// The log of prompt-layout changes: each part the server's prefix cache relies on that moved between
// two prompts of one document is reported once, with its reason; typing within a scope reports none.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LayoutWatch, type PromptLayout } from '../../src/core/completion/layoutLog';

const base: PromptLayout = { document: 'file:///a.ts', context: 'ctx', below: '}\n', prefixStart: { line: 32, column: 0 }, cursorLine: 150 };

describe('LayoutWatch', () => {
  const rows: Array<{ name: string; next: Partial<PromptLayout>; reason?: string; expect: RegExp[] }> = [
    { name: 'typing on the same line: nothing moved', next: {}, expect: [] },
    { name: 'Enter: the cursor line moved, nothing else', next: { cursorLine: 151 }, expect: [] },
    { name: 'context chosen anew', next: { context: 'ctx2' }, reason: 'the index finished building', expect: [/^context section changed: the index finished building$/] },
    { name: 'context without a reason', next: { context: 'ctx2' }, expect: [/no reason given/] },
    { name: 'cursor moved to another line', next: { below: 'x\n}\n', cursorLine: 149 }, expect: [/code below the cursor's line changed: the cursor moved from line 151 to 150/] },
    { name: 'text below edited', next: { below: '}\n\n' }, expect: [/the text below the cursor was edited/] },
    { name: 'line anchor crossed', next: { prefixStart: { line: 64, column: 0 } }, expect: [/starts at line 65 \(was 33\): the window outgrew its budget/] },
    { name: 'cursor above the start', next: { prefixStart: { line: 0, column: 0 } }, expect: [/starts at line 1 \(was 33\): the cursor moved above/] },
    { name: 'column anchor on a long line', next: { prefixStart: { line: 32, column: 1024 } }, expect: [/starts at line 33:1025 \(was 33\): .*column anchor/] },
    { name: 'two parts at once', next: { context: 'c', below: '' }, reason: 'the cursor entered this scope', expect: [/context section changed: the cursor entered this scope/, /code below/] },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const w = new LayoutWatch();
      assert.deepEqual(w.observe(base), [], 'a document\'s first prompt reports nothing');
      const out = w.observe({ ...base, ...r.next }, r.reason);
      assert.equal(out.length, r.expect.length, JSON.stringify(out));
      r.expect.forEach((re, i) => assert.match(out[i], re));
    });
  }

  it('documents are compared only with themselves', () => {
    const w = new LayoutWatch();
    w.observe(base);
    assert.deepEqual(w.observe({ ...base, document: 'file:///b.ts', context: 'other' }), []);
    assert.deepEqual(w.observe({ ...base, context: 'ctx' }), []);
  });
});
