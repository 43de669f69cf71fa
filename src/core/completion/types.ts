// Data that flows through the completion pipeline:
// prefilter → context → prompt → generate (stream) → stream shaper → post-process → cache.

export type { CursorContext, ContextSnippet, ContextProvider } from '../context/types';
export { NO_CONTEXT } from '../context/types';
import type { CursorContext } from '../context/types';

/** How much the model may write at this cursor. */
export type CompletionShape = 'single-line' | 'multi-line';

/** Everything the stream shaper and the post-processor need to judge what the model wrote. */
export interface ShapingContext {
  readonly cursor: CursorContext;
  readonly shape: CompletionShape;
}
