// The test-generation reply's contract (issue 12): the JSON schema sent as Ollama's `format` and
// checked with Ajv on every answer (session.structured), and the words that describe it in the
// prompt. The field names are fixed by the issue and are TestBatch's; every field is required and no
// other is allowed, so the grammar Ollama builds from it leaves no room for extra keys. Generation
// and repair turns answer with the same schema.
import type { JsonSchema } from '../model/schemaValidator';

/** `{"imports":string,"tests":[{"name":string,"code":string}]}`. */
export const TEST_BATCH_SCHEMA: JsonSchema = Object.freeze({
  type: 'object',
  properties: {
    imports: { type: 'string' },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, code: { type: 'string' } },
        required: ['name', 'code'],
        additionalProperties: false,
      },
    },
  },
  required: ['imports', 'tests'],
  additionalProperties: false,
});

/** The schema in words, for the prompt: `format` constrains decoding, the model still needs the meaning. */
export const TEST_BATCH_DESCRIPTION = [
  'Answer with one JSON object and nothing else: {"imports": "...", "tests": [ ... ]}.',
  '- "imports": the import lines the test file needs at its top, one per line, as they are written in the file (the test framework\'s own import included when the framework needs one).',
  '- "tests": the tests; each has exactly these fields:',
  '  - "name": the test\'s name, exactly as the test declares it (see the rules for the form).',
  '  - "code": one complete test case in the framework\'s syntax, nothing else: no imports, no other test.',
].join('\n');
