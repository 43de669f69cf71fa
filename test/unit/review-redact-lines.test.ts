// Credentials are removed from a review's text line by line in place: a private key across several
// lines leaves a marker on each, so staged line N is still line N when findings are validated.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Redactor, SecretSpan } from '../../src/core/privacy/redactor';
import { redactLines } from '../../src/core/privacy/redactor';

/** Finds every occurrence of the given strings, as the real redactor would find credentials. */
function finds(...secrets: string[]): Redactor {
  return {
    find: async (text) => {
      const spans: SecretSpan[] = [];
      for (const s of secrets) for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) spans.push({ start: i, end: i + s.length, kind: 'key' });
      return spans;
    },
  };
}

describe('redactLines', () => {
  it('a credential across line ends leaves one marker per line; the line count is unchanged', async () => {
    const text = 'const a = 1;\nconst k = `BEGIN\nSECRET\nEND`;\nconst b = 2;\n';
    const lines = await redactLines(finds('BEGIN\nSECRET\nEND'), text);
    assert.deepEqual(lines, ['const a = 1;', 'const k = `[redacted key]', '[redacted key]', '[redacted key]`;', 'const b = 2;']);
  });

  it('CRLF line ends and a missing final newline', async () => {
    assert.deepEqual(await redactLines(finds('tok'), 'a tok;\r\nb;'), ['a [redacted key];', 'b;']);
    assert.deepEqual(await redactLines(finds(), 'x\n\ny\n'), ['x', '', 'y']);
    assert.deepEqual(await redactLines(finds(), ''), []);
  });
});
