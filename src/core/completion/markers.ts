// Strings shared by the prompt builder and the stream shaper. What the prompt wraps around the code
// is exactly what the shaper strips when a small model echoes it back, so both read it from here.

/** Marks the cursor in the prompt; the model is asked to write what goes there. */
export const CURSOR_MARKER = '<CURSOR>';

// The control tokens that end a turn (STOP_TOKENS), the FIM token families (STOP_TOKEN_PREFIXES)
// and the thought delimiters are the shared output cleanup's (src/core/text/modelOutput.ts), so
// completions and structured output agree on what is noise.
export {
  END_OF_TURN_TOKENS as STOP_TOKENS,
  END_OF_TURN_PREFIXES as STOP_TOKEN_PREFIXES,
  THOUGHT_DELIMITERS,
} from '../text/modelOutput';
import { END_OF_TURN_TOKENS as STOP_TOKENS, END_OF_TURN_PREFIXES as STOP_TOKEN_PREFIXES } from '../text/modelOutput';

/**
 * Section tags the prompt builder may wrap code in (`<prefix>`, `</suffix>`, `<file path="...">`).
 * A line holding nothing but one of these tags is the model echoing the prompt: dropped before the
 * completion starts, and the end of the completion when it comes later. Not applied to markup
 * languages, where such a line can be real code.
 */
export const PROMPT_SECTION_TAGS: readonly string[] = [
  'before',
  'after',
  'file',
  'context',
  'snippet',
  'code',
  'prefix',
  'suffix',
  'before_cursor',
  'after_cursor',
  'completion',
  'document',
  'instructions',
];

/**
 * How completionPrompt.ts introduces its sections ("Code before the cursor in src/a.ts …:"). A line
 * starting with one is the model echoing the prompt. Keep in step with the prompt builder.
 */
export const SECTION_HEADER = {
  before: 'Code before the cursor',
  after: 'Code after the cursor',
  context: 'Code from other files',
} as const;

export const PROMPT_SECTION_HEADERS: readonly string[] = Object.values(SECTION_HEADER);

/**
 * Stop strings for the server (`options.stop`): the control tokens, any FIM token, and the closing
 * tags of the prompt's sections, which the model writes only when it echoes the prompt. Opening
 * tags and fences are not here: a reply that starts with one can still be salvaged by the stream shaper.
 */
export const STOP_SEQUENCES: readonly string[] = [
  ...STOP_TOKENS,
  ...STOP_TOKEN_PREFIXES,
  // Only the tags completionPrompt.ts writes: `</code>` and the like are real HTML.
  '</before>',
  '</after>',
  '</file>',
];
