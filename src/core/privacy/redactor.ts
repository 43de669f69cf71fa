// Credentials inside ordinary text (a config module exporting an AWS key, a token in a test, a
// database URL with its password) must not reach a model. Every piece of workspace text that joins
// a prompt goes through a Redactor first; the rules live in the node layer (a well-kept rule set).

export interface Redactor {
  /** The text with every credential found replaced by a short marker naming its kind. */
  redact(text: string): Promise<string>;
}

/** For tests and tools that handle no workspace text; never used by the editor or the CLI. */
export const NO_REDACTION: Redactor = { redact: async (text) => text };

/** The marker that stands for a removed credential: visible to the model, useless to anyone. */
export function redactionMarker(kind: string): string {
  return `[redacted ${kind}]`;
}
