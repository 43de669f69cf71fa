// Completion prompts for three kinds of model, chosen from capabilities, never from names:
// - 'insert': the model has fill-in-the-middle; Ollama's template places prefix and suffix.
// - 'gemma-raw': Gemma 4 (no FIM) as an instruction task in its own turn format, raw, thinking
//   off, with an explicit cursor marker and the answer seeded with the cursor line's prefix.
// - 'chat': any other model, through /api/chat with the same instruction.
// Layout for the server's prefix cache: instruction, stable repository context, the code below the
// cursor's line, then the code from above down to the cursor's line — the cursor marker and the
// rest of that line last (with the lines of closing brackets right below it) — then the model-turn
// opener. Everything that changes per keystroke is at the end: the typed characters and what the
// editor closes right of the cursor (`foo(█)`, `{\n█\n}`); the code further below does not change
// while the user types, Enter included.
import type { ModelDescription, SamplingOptions } from '../model/backend';
import type { ChatModelRequest, GenerateModelRequest } from '../model/session';
import type { ContextSnippet, CursorContext } from './types';
import { CURSOR_MARKER, SECTION_HEADER } from './markers';
import { neutralize } from '../prompt/neutralize';
import { suffixParts } from './windows';
import { lineCommentFor } from '../text/languages';
import { gemmaRawPrompt } from '../prompt/gemmaTurns';

export type CompletionRoute = 'gemma-raw' | 'insert' | 'chat';

export function chooseRoute(d: ModelDescription): CompletionRoute {
  if (d.insert) return 'insert';
  if (d.promptFormat === 'gemma4-small' || d.promptFormat === 'gemma4-large') return 'gemma-raw';
  return 'chat';
}

export const COMPLETION_SYSTEM = [
  'You are a code completion engine inside a code editor.',
  `The user shows part of a file in two pieces: first code from further below the cursor, then the code above it down to the cursor, where ${CURSOR_MARKER} marks the cursor and the rest of the cursor's line follows it.`,
  `Write only the text that belongs at ${CURSOR_MARKER}, exactly as it would appear in the file, continuing from the last character before the cursor.`,
  'No explanations, no markdown fences, and never repeat code that is already before or after the cursor.',
  'Finish the current statement or block, then stop. If nothing should be inserted, reply with nothing.',
].join('\n');

export interface CompletionPromptInput {
  readonly cursor: CursorContext;
  /** Windows of the document around the cursor (see windows.ts). */
  readonly prefix: string;
  readonly suffix: string;
  readonly snippets: readonly ContextSnippet[];
  readonly options: SamplingOptions;
}

export interface CompletionPrompt {
  readonly route: CompletionRoute;
  readonly request: GenerateModelRequest | ChatModelRequest;
  /** Text the model's answer continues (already in the model turn); the completion follows it. */
  readonly seed: string;
}

const MARKERS = [CURSOR_MARKER, '<before>', '</before>', '<after>', '</after>'];
const clean = (t: string) => neutralize(t, MARKERS);

/** Longest seed: the model continues the line from its end, and the whole line is in the prompt already. */
export const SEED_MAX_CHARS = 512;

/**
 * The cursor line's text before the cursor, as far as the prefix window holds it (a line longer
 * than the window is cut by characters) and at most SEED_MAX_CHARS, so that a minified line is not
 * put into the prompt a second time.
 */
function seedFor(input: CompletionPromptInput): string {
  const { linePrefix } = input.cursor;
  const inWindow = input.prefix.endsWith(linePrefix) ? linePrefix : input.prefix.slice(input.prefix.lastIndexOf('\n') + 1);
  if (inWindow.length <= SEED_MAX_CHARS) return inWindow;
  let from = inWindow.length - SEED_MAX_CHARS;
  const c = inWindow.charCodeAt(from);
  if (c >= 0xdc00 && c <= 0xdfff) from++; // not between the halves of a surrogate pair
  return inWindow.slice(from);
}

/**
 * The user turn: stable context first, then the code further below the cursor, then the code above
 * down to the cursor, with the marker and the rest of the cursor's line (and any lines of closers
 * right below it) at the very end.
 */
export function completionUserContent(input: CompletionPromptInput): string {
  const { cursor } = input;
  const parts: string[] = [];
  const context = renderContextSection(input.snippets);
  if (context) parts.push(context);
  const where = `${clean(cursor.path)} (${clean(cursor.languageId)})`;
  const { rest, below } = suffixParts(input.suffix);
  parts.push(`${SECTION_HEADER.after} in ${where}, further below:\n<after>\n${clean(below ?? '')}\n</after>`);
  parts.push(`${SECTION_HEADER.before} in ${where}, down to the cursor:\n<before>\n${clean(input.prefix)}${CURSOR_MARKER}${clean(rest.replace(/\r$/, ''))}\n</before>`);
  return parts.join('\n\n');
}

/** The repository-context section of the prompt, exactly as sent (empty when there is none). */
export function renderContextSection(snippets: readonly ContextSnippet[]): string {
  if (snippets.length === 0) return '';
  const parts = [`${SECTION_HEADER.context} of this repository, for reference:`];
  for (const s of snippets) {
    parts.push(`<file path="${clean(s.path)}" lines="${s.startLine + 1}-${s.endLine + 1}">\n${clean(s.text.replace(/\n$/, ''))}\n</file>`);
  }
  return parts.join('\n\n');
}

export function buildCompletionPrompt(route: CompletionRoute, d: ModelDescription, input: CompletionPromptInput): CompletionPrompt {
  const common = { feature: 'completion', options: input.options } as const;
  switch (route) {
    case 'gemma-raw': {
      const seed = seedFor(input);
      const prompt = gemmaRawPrompt({ system: COMPLETION_SYSTEM, user: completionUserContent(input), format: d.promptFormat, seed: clean(seed) });
      return { route, seed, request: { ...common, kind: 'generate', raw: true, prompt, think: false } };
    }
    case 'insert': {
      const context = input.snippets.map((s) => commentBlock(input.cursor.languageId, s)).join('');
      return {
        route,
        seed: '',
        request: { ...common, kind: 'generate', prompt: clean(context) + clean(input.prefix), suffix: clean(input.suffix), think: false },
      };
    }
    case 'chat':
      return {
        route,
        seed: '',
        request: { ...common, kind: 'chat', think: false, messages: [{ role: 'system', content: COMPLETION_SYSTEM }, { role: 'user', content: completionUserContent(input) }] },
      };
  }
}


/** Repository context for FIM models: each snippet under a comment naming its file. */
function commentBlock(languageId: string, s: ContextSnippet): string {
  const c = lineCommentFor(languageId);
  return `${c} ${s.path}:${s.startLine + 1}-${s.endLine + 1}\n${s.text.replace(/\n?$/, '\n')}`;
}
