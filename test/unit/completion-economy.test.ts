import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypedThroughCache } from '../../src/core/completion/cache';
import { AdaptiveDebounce, MAX_DEBOUNCE_MS, MIN_DEBOUNCE_MS } from '../../src/core/completion/debounce';

describe('typed-through cache', () => {
  it('serves what is left while the user types the suggestion, exact state included', () => {
    const c = new TypedThroughCache();
    c.store('doc', 'let x = ', ';\n', 'compute(1)');
    assert.deepEqual(c.lookup('doc', 'let x = ', ';\n'), { remaining: 'compute(1)', typed: 0 });
    assert.deepEqual(c.lookup('doc', 'let x = comp', ';\n'), { remaining: 'ute(1)', typed: 4 });
    assert.equal(c.lookup('doc', 'let x = compx', ';\n'), undefined, 'diverged');
    assert.equal(c.lookup('doc', 'let x = compute(1)', ';\n'), undefined, 'fully typed: ask again');
    assert.equal(c.lookup('doc', 'let x = comp', '\n'), undefined, 'text after the cursor changed');
    assert.equal(c.lookup('other', 'let x = comp', ';\n'), undefined, 'other document');
  });
  it('a completion shown over the closers right of the cursor stays a hit while they are typed over', () => {
    const c = new TypedThroughCache();
    c.store('doc', 'foo(', ')\nbar();\n', 'a, b);', 1);
    assert.deepEqual(c.lookup('doc', 'foo(', ')\nbar();\n'), { remaining: 'a, b);', typed: 0, replaces: 1 });
    assert.deepEqual(c.lookup('doc', 'foo(a, b', ')\nbar();\n'), { remaining: ');', typed: 4, replaces: 1 });
    // VS Code types over the `)` it auto-closed: the `)` moves from the right of the cursor to its left.
    assert.deepEqual(c.lookup('doc', 'foo(a, b)', '\nbar();\n'), { remaining: ';', typed: 5 });
    assert.equal(c.lookup('doc', 'foo(a, b)', ')\nbar();\n'), undefined, 'a second `)` typed in front of the first');
    assert.equal(c.lookup('doc', 'foo(a', 'bar();\n'), undefined, 'more gone right of the cursor than the completion replaces');
  });
  it('stays a hit when the editor auto-closes a bracket or quote the user typed through', () => {
    const c = new TypedThroughCache();
    c.store('doc', 'const f = ', ';\n', '(type: string, make: () => any) => {');
    // `(` typed: VS Code inserts `)` right of the cursor; the suggestion writes it later.
    assert.deepEqual(c.lookup('doc', 'const f = (', ');\n'), { remaining: 'type: string, make: () => any) => {', typed: 1, replaces: 1 });
    assert.deepEqual(c.lookup('doc', 'const f = (type: string, make: (', '));\n'), { remaining: ') => any) => {', typed: 22, replaces: 2 });
    // Typed over the inner `)` again: one closer left to replace.
    assert.deepEqual(c.lookup('doc', 'const f = (type: string, make: ()', ');\n'), { remaining: ' => any) => {', typed: 23, replaces: 1 });
    assert.equal(c.lookup('doc', 'const f = (', ']);\n'), undefined, 'a closer the suggestion never writes');
    assert.equal(c.lookup('doc', 'const f = ', ');\n'), undefined, 'a closer with no opener typed: not the editor\'s');
    assert.equal(c.lookup('doc', 'const f = (', 'x);\n'), undefined, 'other text right of the cursor');
    c.store('doc', 'log(', ')\n', '"hello", name)', 1);
    assert.deepEqual(c.lookup('doc', 'log("', '")\n'), { remaining: 'hello", name)', typed: 1, replaces: 2 }, 'a quote, and the closer it already replaced');
  });
  it('is no hit when all that is left writes again what is right of the cursor', () => {
    const c = new TypedThroughCache();
    // `() => {}` accepted with the cursor between the braces: the `}` left would change nothing.
    c.store('doc', 'on(type, () ', ')\n', '=> {}', 0, 1);
    assert.deepEqual(c.lookup('doc', 'on(type, () =', ')\n'), { remaining: '> {}', typed: 1, caretBack: 1 });
    assert.equal(c.lookup('doc', 'on(type, () => {', '})\n'), undefined);
  });
  it('backspacing to an earlier state is a hit; the newest matching entry wins', () => {
    const c = new TypedThroughCache();
    c.store('d', 'a', '', 'bc');
    c.store('d', 'ab', '', 'XY');
    assert.equal(c.lookup('d', 'ab', '')?.remaining, 'XY');
    assert.equal(c.lookup('d', 'a', '')?.remaining, 'bc');
  });
  it('is bounded per document and in documents', () => {
    const c = new TypedThroughCache(2, 2);
    c.store('d', 'p1', '', 'x');
    c.store('d', 'p2', '', 'y');
    c.store('d', 'p3', '', 'z');
    assert.equal(c.lookup('d', 'p1', ''), undefined);
    c.store('e', 'q', '', 'x');
    c.store('f', 'q', '', 'x');
    assert.equal(c.lookup('d', 'p3', ''), undefined, 'least recently used document evicted');
    assert.equal(c.lookup('f', 'q', '')?.remaining, 'x');
  });
});

describe('adaptive debounce', () => {
  it('follows the typing rhythm and the model latency, within bounds', () => {
    const fast = new AdaptiveDebounce();
    for (let t = 0; t < 2000; t += 60) fast.keystroke(t);
    const slow = new AdaptiveDebounce();
    for (let t = 0; t < 6000; t += 250) slow.keystroke(t);
    assert.ok(fast.delayMs < slow.delayMs, `fast typist ${fast.delayMs} ms < slow typist ${slow.delayMs} ms`);
    const before = fast.delayMs;
    for (let i = 0; i < 10; i++) fast.observeLatency(2000);
    assert.ok(fast.delayMs > before, 'a slow model makes wasted requests costly: wait a bit longer');
    for (let i = 0; i < 50; i++) slow.observeLatency(60_000);
    assert.equal(slow.delayMs, MAX_DEBOUNCE_MS);
    const quick = new AdaptiveDebounce();
    for (let t = 0; t < 2000; t += 5) quick.keystroke(t);
    for (let i = 0; i < 20; i++) quick.observeLatency(1);
    assert.equal(quick.delayMs, MIN_DEBOUNCE_MS);
  });
  it('pauses longer than 1.5 s do not count as typing rhythm; a fixed value wins', () => {
    const d = new AdaptiveDebounce();
    d.keystroke(0);
    d.keystroke(10_000);
    assert.equal(d.typingGapMs, 180, 'no rhythm learned from one long pause');
    assert.equal(new AdaptiveDebounce(200).delayMs, 200);
  });
});
