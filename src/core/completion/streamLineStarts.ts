// Stage 2 of the stream shaper: at each line start, text that may be a prompt tag or header line, or
// (before any code) a "Here is…" line, a file-path line or a copy of the code before the cursor, is
// held until the line shows what it is; then it is dropped, ends the completion, or is passed on to
// the content checks (streamContent.ts). Fences were taken off before, by the shared output cleanup.
import type { ShapingContext } from './types';
import type { ShaperHost } from './streamShaper';
import type { ContentChecks } from './streamContent';
import { PROMPT_SECTION_HEADERS, PROMPT_SECTION_TAGS } from './markers';
import { indentOf, type CursorAnalysis } from './cursorAnalysis';
import { isSignificantLine, normalizeLine } from './lineCompare';

/** A line start held longer than this is released as ordinary text. */
const MAX_HELD = 200;

const PROSE_STARTERS = [
  'here', 'sure', 'certainly', 'of course', 'okay', 'ok', 'below', 'the ', 'this ', 'i ', "i'", 'completion',
  'output', 'answer', 'sorry', 'unfortunately', 'note',
];
/** An introduction or refusal a chat model writes instead of code: "Sure! Here's the completion:". */
const PROSE_LINE = /^\s*(?:here(?:'s| is| are)|sure|certainly|of course|okay|ok|below|the (?:following|completed?|completion|code|rest|missing)|this (?:is|completes|code)|i(?:'ll|'m| will| have| cannot| can't| can| don't| am)|completion|output|answer|sorry|unfortunately|note)\b[^=;{}()[\]<>]*[:.!]\s*$/i;

function isTagLine(line: string): boolean {
  const m = /^\s*<\/?([A-Za-z_]+)(?:\s[^<>]*)?\/?>\s*$/.exec(line);
  return m !== null && PROMPT_SECTION_TAGS.includes(m[1].toLowerCase());
}

/** Whether a line start may still turn into a prompt tag line. */
function couldBeTagLine(t: string): boolean {
  const m = /^<\/?([A-Za-z_]*)(.*)$/s.exec(t);
  if (!m) return false;
  const name = m[1].toLowerCase();
  if (m[2] === '') return PROMPT_SECTION_TAGS.some((tag) => tag.startsWith(name));
  return PROMPT_SECTION_TAGS.includes(name) && /^[\s/>]/.test(m[2]);
}

function isHeaderLine(line: string): boolean {
  const t = line.trimStart();
  return PROMPT_SECTION_HEADERS.some((h) => t.startsWith(h));
}

function couldBeHeaderLine(t: string): boolean {
  return PROMPT_SECTION_HEADERS.some((h) => h.startsWith(t) || t.startsWith(h));
}

/** Lines a model writes to name the file before the code: `// src/a.ts`, `File: src/a.ts`. */
function pathLines(path: string): string[] {
  if (path === '') return [];
  const base = path.slice(path.lastIndexOf('/') + 1);
  const names = base === path ? [path] : [path, base];
  return names.flatMap((p) => [`// ${p}`, `# ${p}`, `-- ${p}`, `File: ${p}`, `file: ${p}`, `Path: ${p}`, p]);
}

/** What a new LineStarts takes over from the one it replaces when the shaper starts over. */
export interface FenceState {
  /** An opening fence was dropped: the answer is a fenced snippet. */
  readonly fenced: boolean;
  /** Indentation added to fenced lines written as a snippet from column 0 (see `release`). */
  readonly fenceShift: string;
}

export class LineStarts {
  private readonly linePrefix: string;
  private readonly proseAllowed: boolean;
  private readonly tagsAllowed: boolean;
  private readonly pathLines: readonly string[];
  private holding = true;
  private held = '';
  private inPreamble = true;
  private preambleBlankLines = 0;
  private fenced: boolean;
  private fenceShift: string;
  /**
   * Whole lines held because they copy the code before the cursor, line for line, as a model does
   * when it echoes the prompt up to the cursor marker. Dropped at the marker; passed on as soon as
   * a line departs from the prefix.
   */
  private echoLines: string[] = [];
  /** Where in `prefixTail` the next echoed line would start. */
  private echoPos = 0;
  /** Starts of the prefix lines that the line being held still copies. */
  private echoCandidates: number[] = [];
  private echoChars = 0;
  private prefixLineStartsCache: number[] | undefined;

  constructor(
    ctx: ShapingContext,
    private readonly a: CursorAnalysis,
    private readonly content: ContentChecks,
    private readonly host: ShaperHost,
    private readonly maxChars: number,
    fence: FenceState,
  ) {
    this.linePrefix = ctx.cursor.linePrefix;
    // "Here is…" lines and path lines are chat noise only where code is expected; in a comment or a
    // string they are what the user is writing.
    this.proseAllowed = a.lexState.mode === 'code';
    this.tagsAllowed = !a.syntax.markup;
    this.pathLines = pathLines(ctx.cursor.path);
    this.fenced = fence.fenced;
    this.fenceShift = fence.fenceShift;
  }

  /** Nothing has been passed on yet: no code has started. */
  get preamble(): boolean {
    return this.inPreamble;
  }

  get fence(): FenceState {
    return { fenced: this.fenced, fenceShift: this.fenceShift };
  }

  /** An opening fence was dropped by the output cleanup: what was held before it was chat, not code. */
  fenceOpened(): void {
    this.fenced = true;
    this.preambleBlankLines = 0;
    this.echoLines = [];
  }

  /** Whether what was written so far is the model copying the code before the cursor. */
  echoesPrefix(): boolean {
    if (this.echoLines.length > 0) return true;
    const sofar = (this.content.text + this.held).trimStart();
    return sofar.trim() !== '' && this.a.prefixTail.endsWith(sofar);
  }

  char(c: string): void {
    if (!this.holding) {
      this.content.char(c);
      if (c === '\n') {
        this.holding = true;
        this.held = '';
      }
      return;
    }
    if (c === '\n') {
      this.heldLineDone(true);
      return;
    }
    this.held += c;
    const echo = this.mayBeEcho(this.held);
    if (!echo && !this.mayBeSpecial(this.held)) this.release();
  }

  /** End of stream: a held partial line is judged as a whole line; held echo lines were code. */
  flushHeld(): void {
    if (this.holding && this.held !== '') this.heldLineDone(false);
    if (!this.host.stopped) this.replayEcho();
  }

  /**
   * Whether the line being held (one character longer than at the last call) still copies a line
   * of the prefix: before any code, on a fresh line, the first echoed line may be any line of the
   * prefix, each later one only the prefix's next line. Candidates shrink with each character.
   */
  private mayBeEcho(held: string): boolean {
    if (!this.inPreamble || this.linePrefix.trim() !== '') return false;
    const k = held.length - 1;
    if (k === 0) this.echoCandidates = this.echoLines.length > 0 ? [this.echoPos] : this.prefixLineStarts();
    if (this.echoCandidates.length === 0) return false;
    const tail = this.a.prefixTail;
    const c = held[k];
    this.echoCandidates = this.echoCandidates.filter((p) => tail[p + k] === c);
    return this.echoCandidates.length > 0;
  }

  private prefixLineStarts(): number[] {
    if (this.prefixLineStartsCache === undefined) {
      const tail = this.a.prefixTail;
      const starts = [0];
      for (let i = tail.indexOf('\n'); i >= 0; i = tail.indexOf('\n', i + 1)) starts.push(i + 1);
      this.prefixLineStartsCache = starts;
    }
    return this.prefixLineStartsCache;
  }

  /**
   * Whether the start of a line may still be a prompt tag or header, or (first) a preamble line.
   * Only lines that start in code: inside a docstring or block comment they are text.
   */
  private mayBeSpecial(held: string): boolean {
    if (held.length > MAX_HELD || !this.content.inCode) return false;
    const t = held.trimStart();
    if (t === '') return true;
    if (t[0] === '<') return this.tagsAllowed && couldBeTagLine(t);
    if (couldBeHeaderLine(t)) return true;
    if (!this.inPreamble) return false;
    if (this.proseAllowed) {
      const lower = t.toLowerCase();
      if (PROSE_STARTERS.some((w) => w.startsWith(lower) || lower.startsWith(w))) return true;
    }
    return this.pathLines.some((p) => p.startsWith(t));
  }

  /** The held line start is ordinary text: pass it on and stop holding until the next line. */
  private release(): void {
    if (this.echoLines.length > 0) {
      // Lines held as a possible copy of the prefix come first.
      const pending = this.held;
      this.held = '';
      this.replayEcho();
      if (this.host.stopped) return;
      this.held = pending;
    }
    let held = this.held;
    if (this.inPreamble) {
      this.inPreamble = false;
      for (; this.preambleBlankLines > 0 && !this.host.stopped; this.preambleBlankLines--) this.content.char('\n');
      // A chat model's fenced snippet starts at column 0 however deep the cursor is: when its first
      // line has no indent, the lines after it get the cursor line's indent.
      if (this.fenced && indentOf(held) === '') this.fenceShift = indentOf(this.linePrefix);
    } else if (this.fenceShift !== '' && held.trim() !== '') {
      held = this.fenceShift + held;
    }
    this.held = '';
    this.holding = false;
    for (let i = 0; i < held.length && !this.host.stopped; i++) this.content.char(held[i]);
  }

  /** A whole line was held: drop it, stop at it, or pass it on. */
  private heldLineDone(newline: boolean): void {
    const line = this.held;
    const trimmed = line.trim();
    this.held = '';
    if (!this.content.inCode) {
      this.releaseLine(line, newline);
      return;
    }
    if ((this.tagsAllowed && isTagLine(line)) || isHeaderLine(line)) {
      if (this.inPreamble) return;
      this.host.stop('prompt-echo', this.content.length);
      return;
    }
    if (this.inPreamble && newline && this.holdsAsEcho(line)) return;
    this.replayEcho();
    if (this.inPreamble) {
      if (this.proseAllowed && PROSE_LINE.test(line)) return;
      if (this.pathLines.includes(trimmed) || this.pathLines.includes(trimmed.replace(/:$/, ''))) return;
      if (trimmed === '' && newline) {
        // On a fresh line the completion starts where the cursor is; after `{█` a break is meaningful.
        if (this.linePrefix.trim() !== '') this.preambleBlankLines++;
        return;
      }
    }
    this.releaseLine(line, newline);
  }

  private releaseLine(line: string, newline: boolean): void {
    this.held = line;
    this.release();
    if (newline && !this.host.stopped) {
      this.content.char('\n');
      this.holding = true;
    }
  }

  /**
   * Whether a complete line before any code continues a copy of the prefix (see `mayBeEcho`); the
   * first echoed line must be a significant one, not a `}` that is everywhere.
   */
  private holdsAsEcho(line: string): boolean {
    if (this.linePrefix.trim() !== '') return false;
    const tail = this.a.prefixTail;
    if (this.echoLines.length > 0) {
      if (!tail.startsWith(`${line}\n`, this.echoPos)) return false;
    } else {
      if (!isSignificantLine(normalizeLine(line))) return false;
      const whole = this.echoCandidates.filter((p) => tail[p + line.length] === '\n');
      if (line === '' || whole.length === 0) return false;
      // The copy most likely ends at the cursor: prefer the latest occurrence.
      this.echoPos = whole[whole.length - 1];
    }
    this.echoPos += line.length + 1;
    this.echoLines.push(line);
    this.echoChars += line.length + 1;
    // A copy longer than the cap is not going anywhere useful.
    if (this.echoChars > this.maxChars) this.host.stop('prompt-echo', this.content.length);
    return true;
  }

  /** The held copy of the prefix turned out to be code after all: pass it on, in order. */
  private replayEcho(): void {
    const lines = this.echoLines;
    if (lines.length === 0) return;
    this.echoLines = [];
    for (const line of lines) {
      if (this.host.stopped) return;
      this.releaseLine(line, true);
    }
  }
}
