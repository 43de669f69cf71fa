// The stream shaper: shapes what the model streams into what may be shown, and says when to stop so
// the caller can abort the HTTP stream and free the GPU. Three stages, each fed incrementally:
//   1. cleanup      the output cleanup every feature shares (src/core/text/modelOutput.ts): thinking
//                   is skipped, a control token ends the text, an opening fence is dropped and a
//                   closing one ends it; here also the completion prompt's cursor marker, echoed.
//   2. line starts  (streamLineStarts.ts) prompt tags and headers, "Here is…" and path lines, and a
//                   copy of the code before the cursor are held at each line start and dropped.
//   3. content      (streamContent.ts) brackets, echoes of the text after the cursor, repetition,
//                   the block's end and the size limits.
// A push costs O(chunk length), never a rescan of the accepted text.
import type { ShapingContext } from './types';
import { CURSOR_MARKER } from './markers';
import { analyzeCursor, type CursorAnalysis } from './cursorAnalysis';
import { lineRest } from './merge';
import { OutputCleaner, type OutputSink } from '../text/modelOutput';
import { ContentChecks, type ContentLimits } from './streamContent';
import { LineStarts } from './streamLineStarts';

export type StopReason =
  | 'control-token' // an end-of-turn or other control token
  | 'thinking' // thinking text that went on too long
  | 'fence' // the closing markdown fence, or a fence after code
  | 'prompt-echo' // a prompt section tag or header after the completion started
  | 'suffix-echo' // the model began writing the text after the cursor
  | 'next-line-echo' // a line equal or near-equal to the next line of the document
  | 'repetition' // a line, a cycle of lines, or a run of characters repeating
  | 'unmatched-closer' // a bracket or quote closing a scope the text after the cursor already closes, or
  //                    the end of a line that wrote the closers right of the cursor again and nothing after
  | 'single-line' // end of the one line a single-line completion may have
  | 'block-end' // a multi-line completion left the block it started in
  | 'max-lines'
  | 'max-chars';

export interface ShaperOptions {
  maxLines?: number;
  maxChars?: number;
  /**
   * Let the first line write the closers right of the cursor again, to be shown over them (see
   * merge.ts); false: stop at the first of them, as where they cannot be merged. Default true.
   */
  mergeRest?: boolean;
}

export const DEFAULT_MAX_LINES = 16;
export const DEFAULT_MAX_CHARS = 1500;

/** What the stages see of the shaper: whether it stopped, and how to stop it. */
export interface ShaperHost {
  readonly stopped: boolean;
  /** Stops the stream, keeping the accepted text up to `cut`. */
  stop(reason: StopReason, cut: number): void;
}

export class StreamShaper implements ShaperHost {
  private readonly a: CursorAnalysis;
  private readonly limits: ContentLimits;
  private readonly cleaner: OutputCleaner;
  private content!: ContentChecks;
  private lineStarts!: LineStarts;
  private isStopped = false;
  private reason: StopReason | undefined;
  private thoughtChars = 0;

  constructor(private readonly ctx: ShapingContext, opts: ShaperOptions = {}) {
    this.a = analyzeCursor(ctx.cursor);
    const rest = lineRest(ctx.cursor);
    this.limits = {
      maxLines: Math.max(1, opts.maxLines ?? DEFAULT_MAX_LINES),
      maxChars: Math.max(1, opts.maxChars ?? DEFAULT_MAX_CHARS),
      mergeableRest: opts.mergeRest !== false && rest.trim() !== '' ? rest : undefined,
    };
    this.startOver();
    // Code may hold `<bos>` or `<pad>` as text; a `<|name|>` token it never holds.
    this.cleaner = new OutputCleaner(this.cleanupSink(), {
      controlTokens: 'text',
      unknownTokens: 'end',
      markers: [CURSOR_MARKER],
    });
  }

  /** The text accepted so far (without what is held back pending a decision). */
  get text(): string {
    return this.content.text;
  }

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  /** Feeds a raw chunk of model output; `stop: true` means abort the stream, nothing more is needed. */
  push(chunk: string): { stop: boolean } {
    if (!this.isStopped && chunk.length > 0) this.cleaner.push(chunk);
    return { stop: this.isStopped };
  }

  /** The stream ended (or was stopped): the accepted text, lines joined with '\n'. */
  finish(): string {
    if (!this.isStopped) this.cleaner.finish();
    if (!this.isStopped) this.lineStarts.flushHeld();
    if (!this.isStopped) this.content.finish();
    return this.text;
  }

  stop(reason: StopReason, cut: number): void {
    this.content.cutAt(cut);
    this.isStopped = true;
    this.reason = reason;
  }

  /** Everything accepted so far was not the completion (thinking, or a copy of the prompt): start again. */
  private startOver(): void {
    const fence = this.lineStarts?.fence ?? { fenced: false, fenceShift: '' };
    this.content = new ContentChecks(this.ctx, this.a, this.limits, this);
    this.lineStarts = new LineStarts(this.ctx, this.a, this.content, this, this.limits.maxChars, fence);
  }

  private cleanupSink(): OutputSink {
    return {
      stopped: () => this.isStopped,
      text: (piece) => {
        for (let i = 0; i < piece.length && !this.isStopped; i++) {
          const c = piece[i];
          if (c !== '\r') this.lineStarts.char(c);
        }
      },
      thoughtStart: () => {
        this.thoughtChars = 0;
      },
      thought: (piece) => {
        this.thoughtChars += piece.length;
        if (this.thoughtChars > this.limits.maxChars) this.stop('thinking', this.content.length);
      },
      // A closer without an opener: the template opened the thought, so all so far was thinking.
      retract: () => this.startOver(),
      end: (by) => {
        if (by !== 'fence') this.lineStarts.flushHeld();
        if (!this.isStopped) this.stop(by === 'fence' ? 'fence' : 'control-token', this.content.length);
      },
      // `const x = <CURSOR>5`: the model copied the code before the cursor, then the marker.
      marker: () => {
        if (this.lineStarts.echoesPrefix()) this.startOver();
      },
      fenceOpened: () => this.lineStarts.fenceOpened(),
      answerStarted: () => !this.lineStarts.preamble,
      lineInCode: () => this.content.inCode,
    };
  }
}
