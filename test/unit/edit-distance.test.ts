// The banded edit distance both features use, against the plain full-table Levenshtein.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistanceAtMost } from '../../src/core/text/editDistance';

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    prev = cur;
  }
  return prev[b.length];
}

describe('editDistanceAtMost', () => {
  it('is the distance when it is at most k, else k + 1', () => {
    assert.equal(editDistanceAtMost('kitten', 'sitting', 3), 3);
    assert.equal(editDistanceAtMost('kitten', 'sitting', 2), 3);
    assert.equal(editDistanceAtMost('', 'abc', 5), 3);
    assert.equal(editDistanceAtMost('same', 'same', 0), 0);
  });

  it('agrees with the full table on random strings, every k from 0 to 6', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = () => Array.from({ length: Math.floor(rnd() * 14) }, () => 'abc'[Math.floor(rnd() * 3)]).join('');
    for (let n = 0; n < 400; n++) {
      const a = word();
      const b = rnd() < 0.5 ? word() : a.slice(0, Math.floor(rnd() * a.length)) + word().slice(0, 2) + a.slice(Math.floor(rnd() * a.length));
      const d = levenshtein(a, b);
      for (let k = 0; k <= 6; k++) assert.equal(editDistanceAtMost(a, b, k), Math.min(d, k + 1), `${a} / ${b}, k=${k}`);
    }
  });
});
