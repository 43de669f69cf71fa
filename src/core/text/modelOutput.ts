// What a model wraps around its answer, taken off before the answer is used: thought text that
// leaked into the reply (Gemma 4's `<|channel>thought … <channel|>`, other models' `<think>` tags),
// control tokens (an end-of-turn token ends the answer, any other is dropped) and a markdown fence.
// Structured output (src/core/model/structured.ts) reads JSON through it; it is written to be the
// first stage of the completion stream shaper (OutputCleaner, fed as chunks stream), so both
// features agree on what is noise.
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

/** What a generic token looks like before it is complete; only at the end of what has arrived. */
const GENERIC_TOKEN_START = /^<\|?[a-z_]{0,24}\|?$/;
const GENERIC_TOKEN_MAX = 28;

type MarkerKind = 'end' | 'thought-open' | 'thought-close' | 'drop' | 'caller';
interface Marker {
  readonly kind: MarkerKind;
  readonly close?: string;
}

export interface CleanOptions {
  /**
   * The answer is JSON: once its first `{` or `[` has come, string literals pass untouched, so a
   * finding that quotes `<turn|>` or a thought delimiter keeps it (the quote is data, not a token).
   */
  readonly json?: boolean;
}

export interface OutputCleanerOptions extends CleanOptions {
  /**
   * The listed control tokens that do not end a turn (`<bos>`, `<pad>`, `<|"|>`, `<|tool_call>`):
   * dropped (default), or left as text where they may be what the user writes (code).
   */
  readonly controlTokens?: 'drop' | 'text';
  /** Tokens of the `<|name|>` shapes that no list names: dropped (default), or the end of the answer. */
  readonly unknownTokens?: 'drop' | 'end';
  /** The caller's own markers (the completion prompt's cursor marker), reported through `marker`. */
  readonly markers?: readonly string[];
}

/** Where the cleaner's output goes, as it is decided. */
export interface OutputSink {
  /** Answer text, in order. */
  text(piece: string): void;
  /** A thought block opened with `open`; its text follows through `thought`. */
  thoughtStart?(open: string): void;
  thought?(piece: string): void;
  /** The thought block ended: its closer came, or the answer ended inside it. */
  thoughtEnd?(open: string): void;
  /** A thought closer came with no opener: the template opened the thought, all answer so far was thinking. */
  retract(): void;
  /** The answer ended: an end-of-turn token, or 'fence' for a closing fence. Nothing follows. */
  end(by: string): void;
  /** One of the caller's markers, outside thought. */
  marker?(text: string): void;
  /** An opening fence line was dropped. */
  fenceOpened?(): void;
  /** Whether answer text has come, so that a fence now closes the answer rather than opening it. */
  answerStarted(): boolean;
  /** Whether the line starting now is code, the only place a fence is looked for. Default: always. */
  lineInCode?(): boolean;
  /** Whether the sink needs nothing more (it stopped the stream). */
  stopped?(): boolean;
}

interface MarkerTable {
  readonly markers: ReadonlyMap<string, Marker>;
  readonly pattern: RegExp;
  readonly generic: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const tables = new Map<string, MarkerTable>();

/** The markers for a set of options: ends before thoughts before the rest, so a token in two lists gets the strongest meaning. */
function markerTable(opts: OutputCleanerOptions): MarkerTable {
  const unknown = opts.unknownTokens ?? 'drop';
  const control = opts.controlTokens ?? 'drop';
  const callers = opts.markers ?? [];
  const key = `${unknown}|${control}|${callers.join('\u0000')}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const markers = new Map<string, Marker>();
  for (const text of [...END_OF_TURN_TOKENS, ...END_OF_TURN_PREFIXES]) markers.set(text, { kind: 'end' });
  for (const d of THOUGHT_DELIMITERS) {
    if (!markers.has(d.open)) markers.set(d.open, { kind: 'thought-open', close: d.close });
    if (!markers.has(d.close)) markers.set(d.close, { kind: 'thought-close' });
  }
  for (const text of callers) if (!markers.has(text)) markers.set(text, { kind: 'caller' });
  if (control === 'drop') for (const text of CONTROL_TOKENS) if (!markers.has(text)) markers.set(text, { kind: 'drop' });
  // One sticky pattern: listed tokens longest first (`<|tool_call>` is not `<|tool>` and more), then
  // the generic shapes.
  const pattern = new RegExp(
    [...[...markers.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp), GENERIC_TOKEN].join('|'),
    'y',
  );
  const table = { markers, pattern, generic: unknown === 'end' };
  tables.set(key, table);
  return table;
}

/**
 * Takes off what a model wraps around its answer, incrementally: fed chunk by chunk as they stream
 * (a chunk may end inside a token, `<|tu` + `rn>`, or a fence), it passes the answer on to a sink as
 * soon as each piece is decided. The rules, left to right:
 * - a thought block goes to the sink's `thought`, never to `text`; one left open runs to the end; a
 *   closer with no opener means the template opened the thought (`retract`);
 * - an end-of-turn token (also inside a thought) ends the answer; other control tokens are dropped
 *   or kept as text, unknown `<|name|>` tokens dropped or ending the answer, as the options say;
 * - a fence line (three backticks or tildes after nothing but blanks on a line of code) before any
 *   answer text is dropped (an opening fence); a later one ends the answer (the closing fence, or a
 *   fence after prose, which the caller then sees as unusable).
 * Each push costs O(chunk length).
 */
export class OutputCleaner {
  private readonly table: MarkerTable;
  private readonly json: boolean;
  private pending = '';
  private ended = false;
  /** The closer the open thought block waits for. */
  private thoughtClose: string | undefined;
  private thoughtOpen = '';
  private inString = false;
  private jsonStarted = false;
  /** The answer's current line holds nothing but blanks so far. */
  private lineBlank = true;
  /** Blanks held at the start of a line of code until the line shows whether it is a fence. */
  private head = '';
  /** Whether the current line is code (asked once per line, at its first blank or fence character). */
  private lineCode: boolean | undefined;
  /** Swallowing the rest of an opening fence line. */
  private inFenceLine = false;
  private fenceOpened = false;

  constructor(private readonly sink: OutputSink, opts: OutputCleanerOptions = {}) {
    this.table = markerTable(opts);
    this.json = opts.json === true;
  }

  /** Whether the answer ended (an end-of-turn token or a closing fence). */
  get done(): boolean {
    return this.ended;
  }

  push(chunk: string): void {
    if (this.halted() || chunk === '') return;
    this.scan(this.pending + chunk, false);
  }

  /** The reply ended: a partial token or fence is text after all; held blanks are passed on. */
  finish(): void {
    if (this.halted()) return;
    this.scan(this.pending, true);
    if (this.halted()) return;
    this.releaseHead();
    if (this.thoughtClose !== undefined) {
      this.thoughtClose = undefined;
      this.sink.thoughtEnd?.(this.thoughtOpen);
    }
  }

  private halted(): boolean {
    return this.ended || this.sink.stopped?.() === true;
  }

  private scan(s: string, final: boolean): void {
    this.pending = '';
    const n = s.length;
    let i = 0;
    // Plain text runs are passed on in slices rather than a character at a time.
    let from = 0;
    const flush = (to: number) => {
      if (to > from) {
        if (this.thoughtClose !== undefined) this.sink.thought?.(s.slice(from, to));
        else this.sink.text(s.slice(from, to));
      }
      from = to;
    };
    while (i < n) {
      if (this.halted()) return;
      const c = s[i];
      if (this.inFenceLine) {
        const nl = s.indexOf('\n', i);
        if (nl < 0) return;
        this.inFenceLine = false;
        this.lineBlank = true;
        this.lineCode = undefined;
        i = from = nl + 1;
        continue;
      }
      if (this.inString) {
        if (c === '\\') {
          if (i + 1 >= n && !final) {
            flush(i);
            this.pending = s.slice(i);
            return;
          }
          i += 2;
        } else {
          if (c === '"') this.inString = false;
          i++;
        }
        continue;
      }
      if (c === '<') {
        this.table.pattern.lastIndex = i;
        const m = this.table.pattern.exec(s);
        if (m === null) {
          if (!final && this.couldBeMarker(s, i)) {
            flush(i);
            this.pending = s.slice(i);
            return;
          }
          this.lineBlank = false;
          if (this.thoughtClose === undefined) this.lineCode = undefined;
          i++;
          continue;
        }
        flush(i);
        i = from = i + m[0].length;
        this.onMarker(m[0], this.table.markers.get(m[0]) ?? { kind: this.table.generic ? 'end' : 'drop' });
        continue;
      }
      if (this.thoughtClose !== undefined) {
        i++;
        continue;
      }
      if (this.lineBlank) {
        if (c === ' ' || c === '\t') {
          if (this.isLineCode()) {
            flush(i);
            this.head += c;
            from = i + 1;
          }
          i++;
          continue;
        }
        if ((c === '`' || c === '~') && this.isLineCode()) {
          if (i + 2 >= n && !final && s.slice(i + 1).split('').every((x) => x === c)) {
            flush(i);
            this.pending = s.slice(i);
            return;
          }
          if (s[i + 1] === c && s[i + 2] === c) {
            flush(i);
            this.head = '';
            if (this.sink.answerStarted() || this.fenceOpened) {
              this.ended = true;
              this.sink.end('fence');
              return;
            }
            this.fenceOpened = true;
            this.sink.fenceOpened?.();
            this.inFenceLine = true;
            i = from = i + 3;
            continue;
          }
        }
        if (c !== '\n') {
          flush(i);
          this.releaseHead();
          this.lineBlank = false;
        }
      }
      if (c === '\n') {
        flush(i);
        this.releaseHead();
        this.lineBlank = true;
        this.lineCode = undefined;
      } else if (this.json) {
        if (c === '"' && this.jsonStarted) this.inString = true;
        else if (c === '{' || c === '[') this.jsonStarted = true;
      }
      i++;
    }
    flush(n);
  }

  private isLineCode(): boolean {
    this.lineCode ??= this.sink.lineInCode?.() ?? true;
    return this.lineCode;
  }

  /** Whether `s` from `i` (a '<') to its end may be the start of a token that the next chunk completes. */
  private couldBeMarker(s: string, i: number): boolean {
    const rest = s.slice(i);
    if (rest.length > GENERIC_TOKEN_MAX + 8) return false;
    for (const text of this.table.markers.keys()) if (text.length > rest.length && text.startsWith(rest)) return true;
    return GENERIC_TOKEN_START.test(rest);
  }

  private releaseHead(): void {
    if (this.head === '') return;
    const head = this.head;
    this.head = '';
    this.sink.text(head);
  }

  private onMarker(token: string, m: Marker): void {
    if (m.kind === 'end') {
      if (this.thoughtClose === undefined) this.releaseHead();
      this.ended = true;
      if (this.thoughtClose !== undefined) {
        this.thoughtClose = undefined;
        this.sink.thoughtEnd?.(this.thoughtOpen);
      }
      this.sink.end(token);
      return;
    }
    if (this.thoughtClose !== undefined) {
      if (token === this.thoughtClose) {
        this.thoughtClose = undefined;
        this.sink.thoughtEnd?.(this.thoughtOpen);
      } else if (m.kind !== 'drop') this.sink.thought?.(token);
      return;
    }
    if (m.kind === 'thought-open') {
      this.thoughtClose = m.close;
      this.thoughtOpen = token;
      this.sink.thoughtStart?.(token);
    } else if (m.kind === 'thought-close') {
      this.head = '';
      this.lineBlank = true;
      this.lineCode = undefined;
      this.jsonStarted = false;
      this.sink.retract();
    } else if (m.kind === 'caller') {
      this.releaseHead();
      this.lineBlank = false;
      this.sink.marker?.(token);
    }
  }
}

export interface CleanedOutput {
  /** The answer without leaked thought, control tokens or fence lines; not trimmed. */
  readonly text: string;
  /** Thought text that leaked into the answer, without its delimiters. Never part of `text`. */
  readonly thought: string;
  /** What ended the answer before the reply did: an end-of-turn token, or 'fence' for a closing fence. */
  readonly endedBy?: string;
}

/** Cleans a whole reply in one pass (see OutputCleaner). */
export function cleanModelOutput(raw: string, opts: CleanOptions = {}): CleanedOutput {
  // Strings only ever grow at their end here and are never read back character by character: a
  // read would flatten the rope each time and make the pass quadratic.
  let out = '';
  let hasText = false;
  const thoughts: string[] = [];
  let block = '';
  let endedBy: string | undefined;
  const cleaner = new OutputCleaner(
    {
      text(piece) {
        out += piece;
        if (!hasText) hasText = /\S/.test(piece);
      },
      thoughtStart() {
        block = '';
      },
      thought(piece) {
        block += piece;
      },
      thoughtEnd(open) {
        // Gemma 4 names its channel after the opener: `<|channel>thought\n`.
        thoughts.push(open === '<|channel>' && block.startsWith('thought\n') ? block.slice('thought\n'.length) : block);
        block = '';
      },
      retract() {
        thoughts.push(out);
        out = '';
        hasText = false;
      },
      end(by) {
        endedBy = by;
      },
      answerStarted: () => hasText,
    },
    opts,
  );
  cleaner.push(raw);
  cleaner.finish();
  const thought = thoughts.map((t) => t.trim()).filter((t) => t !== '').join('\n');
  return { text: out, thought, ...(endedBy !== undefined ? { endedBy } : {}) };
}
