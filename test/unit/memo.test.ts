// rememberedPerKey: a pure function's answers kept per key, within a bound.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rememberedPerKey } from '../../src/core/memo';

describe('rememberedPerKey', () => {
  it('computes each key once, false and undefined answers included', () => {
    const asked: string[] = [];
    const f = rememberedPerKey((k: string) => { asked.push(k); return k === 'u' ? undefined : k.length > 1; }, 10);
    assert.equal(f('ab'), true);
    assert.equal(f('a'), false);
    assert.equal(f('u'), undefined);
    assert.equal(f('ab'), true);
    assert.equal(f('a'), false);
    assert.equal(f('u'), undefined);
    assert.deepEqual(asked, ['ab', 'a', 'u']);
  });

  it('past its bound it forgets everything at once and answers the same', () => {
    const asked: number[] = [];
    const f = rememberedPerKey((k: number) => { asked.push(k); return k * 2; }, 3);
    for (const k of [1, 2, 3]) f(k);
    assert.equal(f(4), 8); // the fourth key: the three before are forgotten
    assert.equal(f(1), 2);
    assert.equal(f(4), 8);
    assert.deepEqual(asked, [1, 2, 3, 4, 1]);
  });
});
