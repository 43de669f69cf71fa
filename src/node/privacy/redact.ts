// Credential detection with secretlint's recommended rule preset (AWS, GCP, GitHub, GitLab, Slack,
// npm, OpenAI, Anthropic, private keys, basic-auth URLs, database connection strings, ...): a
// maintained rule set rather than patterns of our own. The one addition is for text cut out of a
// file: a private-key block whose other end lies outside the text is still key material.
// Results are cached by text, because most prompt parts (repository context) repeat from one
// request to the next; the rules load on first use, not at activation.
import type { Redactor, SecretSpan } from '../../core/privacy/redactor';

type Lint = typeof import('@secretlint/core').lintSource;

const CACHE_ENTRIES = 512;
/** Values shorter than this are not searched for elsewhere in the text (too likely to hit code). */
const MIN_VALUE_LENGTH = 8;

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/g;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/g;

let loaded: Promise<{ lint: Lint; config: unknown }> | undefined;
function rules(): Promise<{ lint: Lint; config: unknown }> {
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]).then(([core, preset]) => ({
    lint: core.lintSource,
    config: {
      rules: [{
        id: preset.creator.meta.id,
        rule: preset.creator,
        // Access key IDs are not secret on their own, but they name an account and travel with the key.
        rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
      }],
    },
  }));
  return loaded;
}

export class SecretlintRedactor implements Redactor {
  private readonly cache = new Map<string, Promise<readonly SecretSpan[]>>();

  find(text: string, opts: { cache?: boolean } = {}): Promise<readonly SecretSpan[]> {
    if (text === '') return Promise.resolve([]);
    if (opts.cache === false) return this.scan(text);
    const hit = this.cache.get(text);
    if (hit) {
      // Refresh its place: the cache keeps what is used.
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    const p = this.scan(text);
    this.cache.set(text, p);
    p.catch(() => this.cache.delete(text));
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  private async scan(text: string): Promise<SecretSpan[]> {
    const { lint, config } = await rules();
    const result = await lint({
      source: { filePath: 'prompt.txt', content: text, contentType: 'text' },
      options: { config: config as never, noPhysicFilePath: true },
    });
    const spans: SecretSpan[] = [];
    for (const m of result.messages) {
      const kind = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
      // Some rules report the start of their whole pattern with the length of the value: the value
      // itself (in the message's data) is what must go, wherever it appears.
      const values = Object.values((m as { data?: Record<string, unknown> }).data ?? {})
        .filter((v): v is string => typeof v === 'string' && v.length >= MIN_VALUE_LENGTH && text.includes(v));
      for (const v of values) {
        for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length)) spans.push({ start: i, end: i + v.length, kind });
      }
      if (values.length === 0) spans.push({ start: m.range[0], end: trimClosing(text, m.range[0], m.range[1]), kind });
    }
    return [...spans, ...cutKeyBlocks(text)];
  }
}

/** A range that ends in the quote and punctuation closing the literal it was in keeps those out. */
function trimClosing(text: string, start: number, end: number): number {
  while (end > start + 1 && /["'`;,)\s]/.test(text[end - 1])) end--;
  return end;
}

/**
 * Private-key blocks the text holds only part of: BEGIN with no END after it (the rest of the text
 * is key material), END with no BEGIN before it (all of the text up to it is).
 */
function cutKeyBlocks(text: string): SecretSpan[] {
  const begins = [...text.matchAll(PEM_BEGIN)].map((m) => m.index ?? 0);
  const ends = [...text.matchAll(PEM_END)].map((m) => (m.index ?? 0) + m[0].length);
  const out: SecretSpan[] = [];
  const firstBegin = begins[0] ?? Infinity;
  const lastEnd = ends[ends.length - 1] ?? -1;
  if (ends.length > 0 && ends[0] < firstBegin) out.push({ start: 0, end: ends[0], kind: 'privatekey' });
  if (begins.length > 0 && begins[begins.length - 1] > lastEnd) out.push({ start: begins[begins.length - 1], end: text.length, kind: 'privatekey' });
  return out;
}
