// What a model wraps around its answer, taken off before the answer is used: thought text that
// leaked into the reply (Gemma 4's `<|channel>thought … <channel|>`, other models' `<think>` tags),
// control tokens (an end-of-turn token ends the answer, any other is dropped) and a markdown fence.
// Structured output (src/core/model/structured.ts) reads JSON through it; it is written to be the
// first stage of the completion stream shaper too, so both features agree on what is noise.
import { CONTROL_TOKENS } from '../prompt/neutralize';

/** Delimiters of thinking text. Gemma 4 names its channel after the opener: `<|channel>thought\n`. */
export const THOUGHT_DELIMITERS: ReadonlyArray<{ readonly open: string; readonly close: string }> = [
  { open: '<|channel>', close: '<channel|>' },
  { open: '<think>', close: '</think>' },
  { open: '<thought>', close: '</thought>' },
  { open: '<thinking>', close: '</thinking>' },
];

/**
 * Tokens that end the model's turn or start another one (Gemma 4, Gemma 2/3, ChatML, Llama 3, plain
 * end-of-text): everything after one is noise. Ollama usually strips them, but a raw prompt, a
 * mismatched template or a parser bug lets them through.
 */
export const END_OF_TURN_TOKENS: readonly string[] = [
  '<turn|>', '<|turn>', '<end_of_turn>', '<start_of_turn>', '<eos>', '<|endoftext|>', '<|end_of_text|>',
  '<|im_end|>', '<|im_start|>', '<|eot_id|>', '<|start_header_id|>', '<|end|>', '<|file_separator|>',
];

/** Token families matched by their start: a fill-in-the-middle token means the model left its answer. */
export const END_OF_TURN_PREFIXES: readonly string[] = ['<|fim', '<fim_'];

/** Other special tokens of the `<|name|>`, `<|name>`, `<name|>` shapes that no list names. */
const GENERIC_TOKEN = '<(?:\\|[a-z_]{1,24}\\|?|[a-z_]{1,24}\\|)>';

type MarkerKind = 'end' | 'thought-open' | 'thought-close' | 'drop';
interface Marker {
  readonly kind: MarkerKind;
  readonly close?: string;
}

// Ends before thoughts before the rest, so that a token in two lists gets the strongest meaning.
const MARKERS = new Map<string, Marker>();
for (const text of [...END_OF_TURN_TOKENS, ...END_OF_TURN_PREFIXES]) MARKERS.set(text, { kind: 'end' });
for (const d of THOUGHT_DELIMITERS) {
  if (!MARKERS.has(d.open)) MARKERS.set(d.open, { kind: 'thought-open', close: d.close });
  if (!MARKERS.has(d.close)) MARKERS.set(d.close, { kind: 'thought-close' });
}
for (const text of CONTROL_TOKENS) if (!MARKERS.has(text)) MARKERS.set(text, { kind: 'drop' });

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One sticky pattern, listed tokens longest first (`<|tool_call>` is not `<|tool>` and more), then the
// generic shapes.
const MARKER = new RegExp(
  [...[...MARKERS.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp), GENERIC_TOKEN].join('|'),
  'y',
);

/** The marker starting at `s[i]` (a '<'), with its length, or undefined. */
function markerAt(s: string, i: number): { text: string; marker: Marker } | undefined {
  MARKER.lastIndex = i;
  const m = MARKER.exec(s);
  if (!m) return undefined;
  return { text: m[0], marker: MARKERS.get(m[0]) ?? { kind: 'drop' } };
}

/** A fence line: three or more backticks or tildes, an optional info string, nothing else. */
const FENCE = /(?:`{3,}[^`\n]*|~{3,}[^\n]*)(?:\n|$)/y;

export interface CleanOptions {
  /**
   * The answer is JSON: once its first `{` or `[` has come, string literals pass untouched, so a
   * finding that quotes `<turn|>` or a thought delimiter keeps it (the quote is data, not a token).
   */
  readonly json?: boolean;
}

export interface CleanedOutput {
  /** The answer without leaked thought, control tokens or fence lines; not trimmed. */
  readonly text: string;
  /** Thought text that leaked into the answer, without its delimiters. Never part of `text`. */
  readonly thought: string;
  /** What ended the answer before the reply did: an end-of-turn token, or 'fence' for a closing fence. */
  readonly endedBy?: string;
}

/**
 * Cleans a whole reply in one pass, left to right:
 * - a thought block is moved to `thought`; one left open runs to the end of the reply; a closer with
 *   no opener means the template opened the thought, so everything before it was thinking;
 * - an end-of-turn token (also inside a thought) ends the answer; any other control token is dropped;
 * - a fence line before any answer text is dropped (an opening fence); a later one ends the answer
 *   (the closing fence, or a fence after prose, which the caller then sees as unusable).
 */
export function cleanModelOutput(raw: string, opts: CleanOptions = {}): CleanedOutput {
  // Strings only ever grow at their end here and are never read back character by character: a
  // read (out[j], endsWith) would flatten the rope each time and make the pass quadratic.
  let out = '';
  /** Whether the last line of `out` holds nothing but spaces and tabs so far. */
  let lineBlank = true;
  /** Whether `out` holds anything but white space. */
  let hasText = false;
  const thoughts: string[] = [];
  let block = '';
  let thoughtClose: string | undefined;
  let inString = false;
  let jsonStarted = false;
  let endedBy: string | undefined;
  let i = 0;
  let plainFrom = 0;
  // Plain text runs are copied in slices rather than a character at a time.
  const flush = (to: number) => {
    if (to <= plainFrom) return;
    if (thoughtClose !== undefined) {
      block += raw.slice(plainFrom, to);
      return;
    }
    out += raw.slice(plainFrom, to);
    for (let j = to - 1; j >= plainFrom; j--) {
      const c = raw[j];
      if (c === '\n') {
        lineBlank = true;
        break;
      }
      if (c !== ' ' && c !== '\t') {
        lineBlank = false;
        break;
      }
    }
    if (!hasText) hasText = /\S/.test(raw.slice(plainFrom, to));
  };

  while (i < raw.length) {
    const c = raw[i];
    if (inString) {
      if (c === '\\') i += 2;
      else {
        if (c === '"') inString = false;
        i++;
      }
      continue;
    }
    if (c === '<') {
      const found = markerAt(raw, i);
      if (found) {
        const { text: token, marker: m } = found;
        flush(i);
        i += token.length;
        plainFrom = i;
        if (m.kind === 'end') {
          endedBy = token;
          break;
        }
        if (thoughtClose !== undefined) {
          if (token === thoughtClose) {
            thoughtClose = undefined;
            thoughts.push(block);
            block = '';
          } else if (m.kind !== 'drop') block += token;
        } else if (m.kind === 'thought-open') {
          thoughtClose = m.close;
          if (token === '<|channel>' && raw.startsWith('thought\n', i)) plainFrom = i += 'thought\n'.length;
        } else if (m.kind === 'thought-close') {
          thoughts.push(out);
          out = '';
          lineBlank = true;
          hasText = false;
          jsonStarted = false;
        }
        continue;
      }
    } else if (thoughtClose === undefined) {
      if ((c === '`' || c === '~') && lineIsBlank(raw, plainFrom, i, lineBlank)) {
        FENCE.lastIndex = i;
        const fence = FENCE.exec(raw);
        if (fence) {
          flush(i);
          // The fence line's indentation goes with it.
          out = out.slice(0, out.lastIndexOf('\n') + 1);
          lineBlank = true;
          if (hasText) {
            endedBy = 'fence';
            break;
          }
          plainFrom = i += fence[0].length;
          continue;
        }
      }
      if (opts.json) {
        if (c === '"' && jsonStarted) inString = true;
        else if (c === '{' || c === '[') jsonStarted = true;
      }
    }
    i++;
  }
  if (endedBy === undefined) flush(raw.length);
  if (thoughtClose !== undefined) thoughts.push(block);
  const thought = thoughts.map((t) => t.trim()).filter((t) => t !== '').join('\n');
  return { text: out, thought, ...(endedBy !== undefined ? { endedBy } : {}) };
}

/**
 * Whether only spaces and tabs stand between the start of the line and position `i`; the text
 * before `plainFrom` is already out, and `outLineBlank` says the same of its last line. Walks back
 * over blanks only, so a long line costs nothing.
 */
function lineIsBlank(raw: string, plainFrom: number, i: number, outLineBlank: boolean): boolean {
  for (let j = i - 1; j >= plainFrom; j--) {
    const c = raw[j];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return outLineBlank;
}
