// Levenshtein distance when it is small: computed only in the band of width 2k+1 around the
// diagonal, O(length × k), stopping as soon as every cell of a row is over k. Shared by the
// completion's line comparison and the review's anchor matching.

/** The two rows, reused between calls (grown when a longer text comes). */
let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/** The edit distance between `a` and `b` if it is at most `k`, else k + 1. */
export function editDistanceAtMost(a: string, b: string, k: number): number {
  if (a === b) return 0;
  const over = k + 1;
  if (Math.abs(a.length - b.length) > k) return over;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(2 * (b.length + 1));
    rowB = new Int32Array(2 * (b.length + 1));
  }
  let prev = rowA;
  let cur = rowB;
  // A cell outside the band is `over`; only the band and its two edge cells are touched.
  prev.fill(over, 0, b.length + 1);
  for (let j = 0; j <= Math.min(b.length, k); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - k);
    const to = Math.min(b.length, i + k);
    cur[from - 1] = from === 1 && i <= k ? i : over;
    let rowMin = cur[from - 1];
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const v = Math.min(prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
      cur[j] = v < over ? v : over;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (to < b.length) cur[to + 1] = over;
    if (rowMin > k) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], over);
}
