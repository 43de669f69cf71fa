// Credentials inside ordinary text (a config module exporting an AWS key, a token in a test, a
// database URL with its password) must not reach a model. Every piece of workspace text that joins
// a prompt goes through a Redactor first. The rules that find credentials live in the node layer (a
// well-kept rule set); what is done with the spans they find — markers, and windows cut around a
// cursor — is here.

/** A credential found in a text: `text.slice(start, end)` is what must not be sent. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  /** What it is, for the marker ("aws", "github", "privatekey", ...). */
  readonly kind: string;
}

export interface Redactor {
  /**
   * Where the credentials in `text` are. `cache: false` for texts that will not come again (the
   * code around a cursor changes with every key).
   */
  find(text: string, opts?: { cache?: boolean }): Promise<readonly SecretSpan[]>;
}

/** Finds nothing: only for tests and tools that handle no workspace text, and only when said so. */
export const NO_REDACTION: Redactor = { find: async () => [] };

/** The marker that stands for a removed credential: visible to the model, useless to anyone. */
export function redactionMarker(kind: string): string {
  return `[redacted ${kind}]`;
}

/** `text` with every credential replaced by its marker. */
export async function redact(redactor: Redactor, text: string, opts?: { cache?: boolean }): Promise<string> {
  if (text === '') return text;
  return replaceSpans(text, await redactor.find(text, opts), 0, text.length);
}

/**
 * The lines of `text` with every credential replaced by its marker, in place: a credential across
 * line ends (a private key) leaves a marker on each of its lines, so line N stays line N (review
 * and test generation number the lines they send). Line ends (and a CR of CRLF) are not part of
 * the lines.
 */
export async function redactLines(redactor: Redactor, text: string): Promise<string[]> {
  if (text === '') return [];
  const spans = await redactor.find(text);
  const out: string[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (start === text.length && end === text.length) break; // the final line end starts no line
    const line = spans.length ? replaceSpans(text, spans, start, end) : text.slice(start, end);
    out.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    start = end + 1;
  }
  return out;
}

/**
 * The windows around a cursor with their credentials removed, judged on more text than the windows
 * hold: a credential that the cursor splits in two, or that a window's edge cuts (a private key whose
 * BEGIN line lies above the window), is found whole and removed from both sides. `before` ends at
 * the cursor and `after` starts there; the windows sent are the last `keepBefore` characters of
 * `before` and the first `keepAfter` of `after`. A marker for a credential across the cursor goes
 * before it.
 */
export async function redactAroundCursor(redactor: Redactor, before: string, after: string, keepBefore: number, keepAfter: number): Promise<{ prefix: string; suffix: string }> {
  const text = before + after;
  const cursor = before.length;
  const from = Math.max(0, cursor - keepBefore);
  const to = Math.min(text.length, cursor + keepAfter);
  const spans = await redactor.find(text, { cache: false });
  const crossing = spans.filter((s) => s.start < cursor && s.end > cursor);
  const prefix = replaceSpans(text, spans, from, cursor);
  // The part after the cursor of a credential that crosses it is gone already (its marker is in the prefix).
  let suffixFrom = cursor;
  for (const s of crossing) suffixFrom = Math.max(suffixFrom, Math.min(s.end, to));
  return { prefix, suffix: replaceSpans(text, spans, suffixFrom, to) };
}

/** `text.slice(from, to)` with the spans that touch it (merged where they overlap) replaced by markers. */
export function replaceSpans(text: string, spans: readonly SecretSpan[], from: number, to: number): string {
  const inside = spans.filter((s) => s.end > from && s.start < to).sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = from;
  for (let i = 0; i < inside.length;) {
    const { kind } = inside[i];
    const start = Math.max(from, inside[i].start);
    let end = inside[i].end;
    for (i++; i < inside.length && inside[i].start < end; i++) end = Math.max(end, inside[i].end);
    out += text.slice(at, start) + redactionMarker(kind);
    at = Math.min(end, to);
  }
  return out + text.slice(at, to);
}
