// Reading a structured answer: JSON of the schema after the shared cleanup, never the thought; and
// the validator's messages, which go back to the model when it is asked again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readStructuredReply } from '../../src/core/model/structured';
import { SchemaValidator } from '../../src/core/model/schemaValidator';

describe('readStructuredReply: JSON of the schema, never the thought', () => {
  const schema = {
    type: 'object',
    properties: {
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: { line: { type: 'integer', minimum: 1 }, severity: { enum: ['error', 'warning'] }, message: { type: 'string' } },
          required: ['line', 'severity', 'message'],
          additionalProperties: false,
        },
      },
    },
    required: ['findings'],
    additionalProperties: false,
  } as const;
  const check = new SchemaValidator().checkFor(schema);
  const good = '{"findings": [{"line": 3, "severity": "error", "message": "off by one"}]}';

  const rows: Array<{ what: string; said: string; ok: boolean; problem?: RegExp }> = [
    { what: 'valid JSON of the schema', said: good, ok: true },
    { what: 'fenced', said: `\`\`\`json\n${good}\n\`\`\``, ok: true },
    { what: 'after a leaked thought that holds other JSON', said: `<|channel>thought\n{"findings": "none"}<channel|>${good}<turn|>`, ok: true },
    { what: 'empty', said: '', ok: false, problem: /the answer was empty/ },
    { what: 'only a thought', said: `<|channel>thought\n${good}<channel|>`, ok: false, problem: /nothing but thinking/ },
    { what: 'cut off', said: good.slice(0, 30), ok: false, problem: /not valid JSON/ },
    { what: 'prose around the JSON', said: `Sure! ${good}`, ok: false, problem: /not valid JSON/ },
    { what: 'a wrong type', said: '{"findings": [{"line": "3", "severity": "error", "message": "x"}]}', ok: false, problem: /\/findings\/0\/line must be integer/ },
    { what: 'a value outside the enum', said: '{"findings": [{"line": 3, "severity": "fatal", "message": "x"}]}', ok: false, problem: /\/findings\/0\/severity must be equal to one of the allowed values \("error", "warning"\)/ },
    { what: 'a missing property', said: '{"findings": [{"line": 3, "severity": "error"}]}', ok: false, problem: /must have required property 'message'/ },
    { what: 'an extra property', said: '{"findings": [], "summary": "ok"}', ok: false, problem: /must NOT have additional properties \("summary"\)/ },
    { what: 'an array instead of the object', said: '[]', ok: false, problem: /the top-level value must be object/ },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const r = readStructuredReply<{ findings: unknown[] }>(row.said, check);
      assert.equal(r.ok, row.ok, JSON.stringify(r));
      if (r.ok) assert.deepEqual(r.value, JSON.parse(good));
      else assert.match(r.problem, row.problem ?? /./);
    });
  }

  it('keeps the leaked thought apart', () => {
    const r = readStructuredReply(`<|channel>thought\nDraft: {"findings": []}<channel|>${good}`, check);
    assert.ok(r.ok);
    assert.equal(r.thought, 'Draft: {"findings": []}');
  });

  it('names a few errors of an answer wrong everywhere, not hundreds', () => {
    const many = JSON.stringify({ findings: Array.from({ length: 50 }, () => ({ line: 0, severity: 'x', message: 1 })) });
    const r = readStructuredReply(many, check);
    assert.ok(!r.ok);
    assert.match(r.problem, /and \d+ more$/);
    assert.ok(r.problem.length < 800, `${r.problem.length} characters`);
  });

  it('a schema Hearth wrote wrong is refused when compiled, before any request', () => {
    const validator = new SchemaValidator();
    assert.throws(() => validator.checkFor({ type: 'object', properties: {}, required: ['nope'] }), /Invalid JSON schema for structured output: .*required property "nope"/);
    assert.throws(() => validator.checkFor({ type: 'objekt' }), /Invalid JSON schema/);
  });

  it('compiles each schema object once', () => {
    const validator = new SchemaValidator();
    assert.equal(validator.checkFor(schema), validator.checkFor(schema));
  });
});
