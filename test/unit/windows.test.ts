// The prompt windows around the cursor: within budget, anchored so that typing moves only their
// tail, and usable on a line longer than the whole budget (minified code).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANCHOR_CHARS, ANCHOR_LINES, cutWindows, KEEP_SLACK, MAX_CLOSER_LINES, suffixParts } from '../../src/core/completion/windows';
import { TokenEstimator } from '../../src/core/model/tokens';

const est = (t: string) => Math.ceil(t.length / 4);
const lines = (n: number) => Array.from({ length: n }, (_, i) => `const value${i} = compute(${i});`).join('\n');
/** A minified bundle: one line, no newline, `chars` long. */
const minified = (chars: number) => {
  let s = '';
  for (let i = 0; s.length < chars; i++) s += `var a${i}=function(b){return b*${i}+c(${i})};`;
  return s.slice(0, chars);
};

describe('prompt windows', () => {
  it('small documents are used whole', () => {
    const w = cutWindows({ prefix: 'abc\ndef', suffix: 'ghi\n', prefixBudget: 100, suffixBudget: 100, estimate: est });
    assert.equal(w.prefix, 'abc\ndef');
    assert.equal(w.suffix, 'ghi\n');
    assert.equal(w.prefixStartColumn, 0);
  });

  it('the prefix fits its budget and starts on an anchored line', () => {
    const doc = `${lines(2000)}\n`;
    const w = cutWindows({ prefix: doc, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    assert.ok(w.prefixTokens <= 1000);
    assert.equal(w.prefixStartLine % ANCHOR_LINES, 0);
    assert.equal(w.prefixStartColumn, 0);
    assert.ok(w.prefixTokens > 1000 * 0.8, `window not wasted: ${w.prefixTokens}`);
  });

  it('typing (characters, then Enter) leaves the window start where it was', () => {
    const doc = `${lines(2000)}\n`;
    const base = cutWindows({ prefix: doc, suffix: '}\n', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    const typed = cutWindows({ prefix: `${doc}let y = 1;\n  ret`, suffix: '}\n', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    assert.equal(typed.prefixStartLine, base.prefixStartLine);
    assert.ok(typed.prefix.startsWith(base.prefix), 'only the tail changed');
  });

  it('a window nearly full when typing starts keeps its start (keepStartLine) until it outgrows the budget by KEEP_SLACK', () => {
    const doc = `${lines(2000)}\n`;
    // Find a cursor line where the window is within a few tokens of its budget.
    let base = cutWindows({ prefix: doc, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    let text = doc;
    while (base.prefixTokens < 995) {
      text += 'x';
      base = cutWindows({ prefix: text, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    }
    const typed = `${text}${' more words typed on the line'.repeat(4)}`;
    const moved = cutWindows({ prefix: typed, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est });
    assert.ok(moved.prefixStartLine > base.prefixStartLine, 'without it the window moves to the next anchor');
    const kept = cutWindows({ prefix: typed, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est, keepStartLine: base.prefixStartLine });
    assert.equal(kept.prefixStartLine, base.prefixStartLine);
    assert.ok(kept.prefixTokens <= 1000 * KEEP_SLACK);
    const far = cutWindows({ prefix: `${typed}\n${lines(60)}`, suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est, keepStartLine: base.prefixStartLine });
    assert.ok(far.prefixStartLine > base.prefixStartLine && far.prefixTokens <= 1000, 'past the slack it moves on, within the budget again');
    const above = cutWindows({ prefix: lines(100), suffix: '', prefixBudget: 1000, suffixBudget: 100, estimate: est, keepStartLine: base.prefixStartLine });
    assert.ok(above.prefixTokens <= 1000, 'a start below the cursor is ignored');
  });

  it('the suffix is whole lines within budget, unchanged by typing before the cursor', () => {
    const suffix = `${lines(500)}\n`;
    const a = cutWindows({ prefix: 'x', suffix, prefixBudget: 100, suffixBudget: 300, estimate: est });
    const b = cutWindows({ prefix: 'x\nmore typing', suffix, prefixBudget: 100, suffixBudget: 300, estimate: est });
    assert.ok(a.suffixTokens <= 300);
    assert.ok(a.suffix.endsWith('\n'));
    assert.equal(a.suffix, b.suffix);
  });

  it('what the editor closes right of the cursor never changes the lines kept below it', () => {
    const below = `${lines(500)}\n`;
    const cuts = ['', ')', '")', ');', ']))'].map((rest) => cutWindows({ prefix: 'call(', suffix: `${rest}\n${below}`, prefixBudget: 100, suffixBudget: 300, estimate: est }));
    const kept = cuts.map((w) => w.suffix.slice(w.suffix.indexOf('\n') + 1));
    for (const k of kept) assert.equal(k, kept[0]);
    for (const w of cuts) assert.ok(w.suffixTokens <= 300, `${w.suffixTokens} tokens`);
    assert.ok(kept[0].length > 0 && kept[0].endsWith('\n'));
  });

  it('Enter between brackets the editor closed moves the closer to a line of its own: the code further below stays', () => {
    const below = `${lines(500)}\n`;
    const states = [
      { prefix: 'on(() => {', suffix: `})\n${below}` },
      { prefix: 'on(() => {\n  ', suffix: `\n})\n${below}` },
      { prefix: 'on(() => {\n  go();\n  ', suffix: `\n})\n\n${below}` },
    ];
    const cuts = states.map((x) => cutWindows({ ...x, prefixBudget: 100, suffixBudget: 300, estimate: est }));
    const further = cuts.map((w) => suffixParts(w.suffix).below);
    for (const f of further) assert.equal(f, further[0]);
    assert.ok(further[0]?.startsWith('const value0'));
    assert.deepEqual(cuts.map((w) => suffixParts(w.suffix).rest), ['})', '\n})', '\n})\n']);
  });

  it('closer lines go with the cursor\'s line only up to MAX_CLOSER_LINES, and any line is judged in linear time', () => {
    const closers = Array.from({ length: MAX_CLOSER_LINES + 3 }, () => '}').join('\n');
    assert.equal(suffixParts(`x\n${closers}\nnext\n`).rest.split('\n').length, 1 + MAX_CLOSER_LINES);
    assert.deepEqual(suffixParts('a)\n  code();\n'), { rest: 'a)', below: '  code();\n' });
    assert.deepEqual(suffixParts('tail'), { rest: 'tail', below: undefined });
    const t0 = performance.now();
    suffixParts(`\n${')'.repeat(200_000)}x\nmore\n`);
    assert.ok(performance.now() - t0 < 1000, 'no catastrophic backtracking');
  });
});

describe('prompt windows on a line longer than the budget', () => {
  const LINE = minified(300_000);

  for (const column of [0, 1, 700, 5_000, 150_000, 299_999, 300_000]) {
    it(`a 300 KB one-line file, cursor at column ${column}: both windows within budget, ending and starting at the cursor`, () => {
      const w = cutWindows({ prefix: LINE.slice(0, column), suffix: LINE.slice(column), prefixBudget: 1536, suffixBudget: 512, estimate: est });
      assert.ok(w.prefixTokens <= 1536, `prefix ${w.prefixTokens}`);
      assert.ok(w.suffixTokens <= 512, `suffix ${w.suffixTokens}`);
      assert.ok(LINE.slice(0, column).endsWith(w.prefix), 'the prefix ends at the cursor');
      assert.ok(LINE.slice(column).startsWith(w.suffix), 'the suffix starts at the cursor');
      assert.equal(w.prefixStartLine, 0);
      assert.equal(w.prefixStartColumn, column - w.prefix.length);
      if (column >= 1536 * 4) {
        assert.equal(w.prefixStartColumn % ANCHOR_CHARS, 0, 'the cut is anchored');
        assert.ok(w.prefixTokens > 1536 - ANCHOR_CHARS / 4 - 1, `the window is not wasted: ${w.prefixTokens}`);
      } else {
        assert.equal(w.prefix, LINE.slice(0, column), 'a prefix within budget is whole');
      }
      if (LINE.length - column > 512 * 4) assert.ok(w.suffixTokens >= 511, `the suffix is not wasted: ${w.suffixTokens}`);
    });
  }

  it('typing on the long line moves the window start once every ANCHOR_CHARS characters, not per keystroke', () => {
    const starts = new Set<number>();
    const at = 150_000;
    let prev: ReturnType<typeof cutWindows> | undefined;
    for (let typed = 0; typed < 3 * ANCHOR_CHARS; typed += 7) {
      const prefix = LINE.slice(0, at) + 'x'.repeat(typed);
      const w = cutWindows({ prefix, suffix: LINE.slice(at), prefixBudget: 1536, suffixBudget: 512, estimate: est });
      if (prev && w.prefixStartColumn === prev.prefixStartColumn) assert.ok(w.prefix.startsWith(prev.prefix), 'same start: only the tail grew');
      starts.add(w.prefixStartColumn);
      prev = w;
    }
    assert.ok(starts.size <= 4, `the start moved ${starts.size - 1} times over ${3 * ANCHOR_CHARS} typed characters`);
  });

  it('a long cursor line after ordinary lines: the earlier lines drop out, the line is cut by characters', () => {
    const prefix = `${lines(50)}\n${LINE.slice(0, 100_000)}`;
    const w = cutWindows({ prefix, prefixFirstLine: 256, suffix: '\n}\n', prefixBudget: 1536, suffixBudget: 512, estimate: est });
    assert.equal(w.prefixStartLine, 256 + 50);
    assert.equal(w.prefixStartColumn % ANCHOR_CHARS, 0);
    assert.ok(w.prefixTokens <= 1536);
    assert.ok(prefix.endsWith(w.prefix));
  });

  it('a long line before the cursor\'s line is left out whole; the cursor\'s line stays whole', () => {
    const prefix = `${LINE.slice(0, 100_000)}\n  return `;
    const w = cutWindows({ prefix, suffix: '', prefixBudget: 1536, suffixBudget: 512, estimate: est });
    assert.equal(w.prefix, '  return ');
    assert.equal(w.prefixStartLine, 1);
    assert.equal(w.prefixStartColumn, 0);
  });

  it('a budget smaller than four blocks snaps to a finer step and still fills most of it', () => {
    const w = cutWindows({ prefix: LINE.slice(0, 50_000), suffix: '', prefixBudget: 300, suffixBudget: 100, estimate: est });
    assert.ok(w.prefixTokens <= 300 && w.prefixTokens >= 225, `${w.prefixTokens}`);
    assert.equal(w.prefixStartColumn % 256, 0);
  });

  it('with the real estimator, and never between the halves of a surrogate pair', () => {
    const estimator = new TokenEstimator();
    const emoji = '😀'.repeat(60_000); // 120 000 UTF-16 units
    for (const cut of [1, 2, 3]) {
      const w = cutWindows({ prefix: emoji.slice(0, 60_000 + cut * 2), suffix: emoji.slice(60_000 + cut * 2), prefixBudget: 1000 + cut, suffixBudget: 333 + cut, estimate: (t) => estimator.estimate(t) });
      assert.ok(!/^[\udc00-\udfff]/.test(w.prefix), 'the prefix does not start with a lone low surrogate');
      assert.ok(!/[\ud800-\udbff]$/.test(w.suffix), 'the suffix does not end with a lone high surrogate');
      assert.ok(w.prefixTokens <= 1000 + cut && w.suffixTokens <= 333 + cut);
    }
  });

  it('a 300 KB line costs little to cut', () => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) cutWindows({ prefix: LINE.slice(0, 150_000 + i), suffix: LINE.slice(150_000 + i), prefixBudget: 1536, suffixBudget: 512, estimate: est });
    const ms = (performance.now() - t0) / 20;
    assert.ok(ms < 20, `${ms.toFixed(2)} ms per cut`);
  });
});
