// Where a request's cursor was, read back from the raw Gemma prompt (shared by the replayed and the
// real-editor typing benchmarks): the text between `<before>\n` and the last `<CURSOR>` is the end of
// the document before the cursor (the rest of the cursor's line follows the marker), which is `text` up to the typed position as long as the person typed
// what the file holds. Returns the offset into the re-typed region, or undefined.
export function cursorPositionIn(prompt: string, text: string, regionStart: number, regionLength: number): number | undefined {
  const close = prompt.lastIndexOf('\n</before>');
  const end = close < 0 ? -1 : prompt.lastIndexOf('<CURSOR>', close);
  const start = end < 0 ? -1 : prompt.lastIndexOf('<before>\n', end);
  if (start < 0) return undefined;
  const before = prompt.slice(start + '<before>\n'.length, end);
  for (let p = regionLength; p >= 0; p--) {
    const at = regionStart + p;
    if (at >= before.length && text.startsWith(before, at - before.length)) return p;
  }
  return undefined;
}
