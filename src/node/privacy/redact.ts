// Credential redaction with secretlint's recommended rule preset (AWS, GCP, GitHub, GitLab, Slack,
// npm, OpenAI, Anthropic, private keys, basic-auth URLs, database connection strings, ...): a
// maintained rule set rather than patterns of our own. Results are cached by text, because most
// prompt parts (repository context) repeat from one request to the next.
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { redactionMarker, type Redactor } from '../../core/privacy/redactor';

const CONFIG = {
  rules: [{
    id: recommended.meta.id,
    rule: recommended,
    // Access key IDs are not secret on their own, but they name an account and travel with the key.
    rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
  }],
};

const CACHE_ENTRIES = 512;
/** Values shorter than this are not searched for elsewhere in the text (too likely to hit code). */
const MIN_VALUE_LENGTH = 8;

interface Span { start: number; end: number; kind: string }

export class SecretlintRedactor implements Redactor {
  private readonly cache = new Map<string, Promise<string>>();
  /** Credentials found so far, by rule: for the log, never the values. */
  readonly found = new Map<string, number>();

  redact(text: string): Promise<string> {
    if (text === '') return Promise.resolve(text);
    const hit = this.cache.get(text);
    if (hit) {
      // Refresh its place: the cache keeps what is used.
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    const p = this.scan(text);
    this.cache.set(text, p);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  private async scan(text: string): Promise<string> {
    const result = await lintSource({
      source: { filePath: 'prompt.txt', content: text, contentType: 'text' },
      options: { config: CONFIG as never, noPhysicFilePath: true },
    });
    if (result.messages.length === 0) return text;
    const spans: Span[] = [];
    for (const m of result.messages) {
      const kind = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
      this.found.set(kind, (this.found.get(kind) ?? 0) + 1);
      // Some rules report the start of their whole pattern with the length of the value: the value
      // itself (in the message's data) is what must go, wherever it appears.
      const values = Object.values((m as { data?: Record<string, unknown> }).data ?? {})
        .filter((v): v is string => typeof v === 'string' && v.length >= MIN_VALUE_LENGTH && text.includes(v));
      for (const v of values) {
        for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length)) spans.push({ start: i, end: i + v.length, kind });
      }
      if (values.length === 0) spans.push({ start: m.range[0], end: m.range[1], kind });
    }
    return replaceSpans(text, spans);
  }
}

/** Replaces the union of `spans` (overlaps merged) by markers. */
function replaceSpans(text: string, spans: Span[]): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length;) {
    const { start, kind } = spans[i];
    let end = spans[i].end;
    for (i++; i < spans.length && spans[i].start < end; i++) end = Math.max(end, spans[i].end);
    out += text.slice(at, start) + redactionMarker(kind);
    at = end;
  }
  return out + text.slice(at);
}
