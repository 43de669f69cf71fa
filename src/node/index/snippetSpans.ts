// Where each definition's prompt text lies in its file, found by the parse worker while it holds
// the file's text and bytes. Context assembly then reads just those bytes for a definition instead
// of the whole file (up to 1 MB) plus a line index of it: reading whole files on first use was the
// tail of assembly latency (one assembly can touch hundreds of files). Which lines, and whether
// whole or cut, come from the same rule as cutting from the whole file (planSnippet); this file
// only measures lines the way TextLines does (CRLF read as LF) and maps string indices to bytes.
import { isUtf8 } from 'node:buffer';
import { MAX_SIGNATURE_CHARS, planSnippet } from '../../core/index/snippets';
import type { Definition, SnippetSpan } from '../../core/index/tags';

/**
 * The definitions with their `span`, for a file whose bytes are `bytes` and whose decoded text
 * (BOM dropped, as decodeText does) is `text`. As they are when the bytes are not valid UTF-8:
 * string indices would not map to bytes.
 */
export function locateSnippets(definitions: readonly Definition[], text: string, bytes: Uint8Array): readonly Definition[] {
  if (definitions.length === 0 || !isUtf8(bytes)) return definitions;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lines = new RawLines(text);
  const ranges = definitions.map((d) => lines.rangeOf(d));
  const toByte = byteOffsets(text, bytes.length - bom === text.length, ranges);
  return definitions.map((d, i) => {
    const { from, to, plan } = ranges[i];
    // The reader takes the snippet's first line to be the definition's: true of any tree-sitter row.
    if (plan.start !== d.startLine) return d;
    const byteStart = bom + toByte(from);
    const span: SnippetSpan = { byteStart, byteLength: bom + toByte(to) - byteStart, endLine: plan.end, whole: plan.whole, cut: plan.cut };
    return { ...d, span };
  });
}

interface TextRange {
  /** String indices in the raw text (CRLF as in the file). */
  readonly from: number;
  readonly to: number;
  readonly plan: ReturnType<typeof planSnippet>;
}

/** Line starts of the raw text, with lengths as TextLines counts them (a '\r' before '\n' dropped). */
class RawLines {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Where line `i`'s text ends: before its '\n' and before a '\r' ahead of it (a file with one CRLF has them all read as LF). */
  private contentEnd(i: number): number {
    if (i + 1 >= this.starts.length) return this.text.length;
    const nl = this.starts[i + 1] - 1;
    return nl > this.starts[i] && this.text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
  }

  /** Length of lines from..to joined by '\n'. */
  private rangeLength(from: number, to: number): number {
    let n = to - from;
    for (let i = from; i <= to; i++) n += this.contentEnd(i) - this.starts[i];
    return n;
  }

  rangeOf(def: Definition): TextRange {
    const plan = planSnippet(def, this.starts.length, (a, b) => this.rangeLength(a, b));
    const from = this.starts[plan.start];
    return { from, to: plan.cut ? this.cutEnd(plan.start) : this.contentEnd(plan.end), plan };
  }

  /**
   * Where the first MAX_SIGNATURE_CHARS code units (as TextLines reads them) from line `start`
   * end in the raw text; a surrogate pair there is kept whole, as bytes cannot split it. Only
   * called when the lines hold more than that.
   */
  private cutEnd(start: number): number {
    let n = 0;
    let line = start;
    let pos = this.starts[start];
    for (;;) {
      const take = Math.min(MAX_SIGNATURE_CHARS - n, this.contentEnd(line) - pos);
      pos += take;
      n += take;
      if (n >= MAX_SIGNATURE_CHARS) break;
      // The line's '\n' (CRLF included) is one unit.
      line++;
      pos = this.starts[line];
      n++;
      if (n >= MAX_SIGNATURE_CHARS) break;
    }
    const last = this.text.charCodeAt(pos - 1);
    if (last >= 0xd800 && last <= 0xdbff && pos < this.text.length) {
      const next = this.text.charCodeAt(pos);
      if (next >= 0xdc00 && next <= 0xdfff) pos++;
    }
    return pos;
  }
}

/** String index → UTF-8 byte offset (without a BOM), for the indices the ranges use: one pass over the text. */
function byteOffsets(text: string, ascii: boolean, ranges: readonly TextRange[]): (index: number) => number {
  if (ascii) return (i) => i;
  const points = [...new Set(ranges.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const offsets = new Map<number, number>();
  let at = 0;
  let bytes = 0;
  for (const p of points) {
    // Range ends never split a surrogate pair, so neither do these slices.
    bytes += Buffer.byteLength(text.slice(at, p), 'utf8');
    at = p;
    offsets.set(p, bytes);
  }
  return (i) => offsets.get(i) as number;
}
