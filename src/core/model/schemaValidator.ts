// Checks a model's JSON answer against the JSON schema it was asked for. Ollama's `format` constrains
// decoding, but not everywhere: the thought is free text, some builds wrap the answer in fences or
// emit values that break the schema, and other servers may ignore the field. So every structured
// answer is validated here, with Ajv (compiled validators; the extension host allows `new Function`).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/** A JSON schema (draft-07), as sent in Ollama's `format` and checked here. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Undefined when the value matches; otherwise what is wrong, in words a model can act on. */
export type SchemaCheck = (value: unknown) => string | undefined;

/** Errors named in one description; a reply that breaks the schema everywhere needs no more. */
const MAX_ERRORS_SHOWN = 6;

export class SchemaValidator {
  // Strict: a schema keyword Ajv does not know, a `required` property never defined or a type the
  // keywords do not fit is a mistake in Hearth's schema, reported when it is compiled, not ignored.
  private readonly ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });
  private readonly compiled = new WeakMap<JsonSchema, SchemaCheck>();

  /** The check for a schema, compiled once per schema object. Throws if the schema itself is invalid. */
  checkFor(schema: JsonSchema): SchemaCheck {
    let check = this.compiled.get(schema);
    if (!check) {
      let validate: ValidateFunction;
      try {
        validate = this.ajv.compile(schema as Record<string, unknown>);
      } catch (e) {
        throw new Error(`Invalid JSON schema for structured output: ${e instanceof Error ? e.message : String(e)}`);
      }
      check = (value) => (validate(value) ? undefined : describeErrors(validate.errors ?? []));
      this.compiled.set(schema, check);
    }
    return check;
  }
}

let shared: SchemaValidator | undefined;

/** One validator for the process: compiled schemas are kept for every session that uses them. */
export function sharedSchemaValidator(): SchemaValidator {
  shared ??= new SchemaValidator();
  return shared;
}

/** `/findings/0/line must be integer; / must have required property 'summary'`. */
export function describeErrors(errors: readonly ErrorObject[]): string {
  const parts = errors.slice(0, MAX_ERRORS_SHOWN).map((e) => {
    const at = e.instancePath === '' ? 'the top-level value' : e.instancePath;
    const params = e.params as Record<string, unknown>;
    let detail = '';
    if (e.keyword === 'additionalProperties') detail = ` (${JSON.stringify(params.additionalProperty)})`;
    else if (e.keyword === 'enum') detail = ` (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
    else if (e.keyword === 'const') detail = ` (${JSON.stringify(params.allowedValue)})`;
    return `${at} ${e.message ?? 'is invalid'}${detail}`;
  });
  const more = errors.length - MAX_ERRORS_SHOWN;
  return parts.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
