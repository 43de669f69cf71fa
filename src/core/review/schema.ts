// The review reply's contract: the JSON schema sent as Ollama's `format` (constrained decoding) and
// checked with Ajv on every answer (session.structured), and the words that describe it in the
// prompt. The field names are fixed by issue 11 and are RawFinding's; every field is required and no
// other is allowed, so the grammar Ollama builds from it has no room for extra keys.
import type { JsonSchema } from '../model/schemaValidator';
import type { RawFinding, Severity } from './types';

/** Most findings asked for and kept per file (PR-Agent keeps 3): a review that says more is noise. */
export const MAX_FINDINGS_PER_FILE = 3;

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** The reply as the schema guarantees it. */
export interface ReviewReply {
  readonly findings: readonly RawFinding[];
}

const FINDING_PROPERTIES = {
  file: { type: 'string' },
  line: { type: 'integer' },
  end_line: { type: 'integer' },
  anchor: { type: 'string' },
  severity: { type: 'string', enum: [...SEVERITIES] },
  category: { type: 'string' },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  title: { type: 'string' },
  explanation: { type: 'string' },
  fix: { type: ['string', 'null'] },
} as const;

/**
 * `{"findings":[{file, line, end_line, anchor, severity, category, confidence, title, explanation, fix}]}`.
 * Line numbers carry no minimum on purpose: a wrong number is one finding to relocate or drop in
 * validate.ts, not a reason to throw away (and ask again for) the whole reply.
 */
export const REVIEW_REPLY_SCHEMA: JsonSchema = Object.freeze({
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: FINDING_PROPERTIES,
        required: Object.keys(FINDING_PROPERTIES),
        additionalProperties: false,
      },
    },
  },
  required: ['findings'],
  additionalProperties: false,
});

/** The schema in words, for the prompt: `format` constrains decoding, the model still needs the meaning. */
export const REVIEW_REPLY_DESCRIPTION = [
  'Answer with one JSON object and nothing else: {"findings": [ ... ]}. Each finding has exactly these fields:',
  '- "file": the file\'s path exactly as given in <file path="...">.',
  '- "line": the staged line number where the problem is (the number at the start of the line).',
  '- "end_line": the last staged line of the problem (equal to "line" for one line).',
  '- "anchor": the exact text of line "line", copied without its number, the "+" mark and the "|".',
  '- "severity": "high" (wrong results, crashes, data loss, security), "medium" (a bug in some cases), or "low" (a real but minor defect).',
  '- "category": one word such as "bug", "security", "performance", "error-handling", "concurrency", "resource-leak".',
  '- "confidence": how sure you are that this is a real problem, from 0 to 1.',
  '- "title": one short sentence naming the problem.',
  '- "explanation": why it is wrong, with a concrete scenario that triggers it (which input or state, and what happens then).',
  '- "fix": the code that replaces lines "line" through "end_line", complete and indented as in the file, or null when there is no simple fix.',
].join('\n');
