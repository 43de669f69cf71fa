// A model backend that passes everything through and tells, for each chat request, when it starts
// (before the inner request is read) and, when its stream ends, the whole answer. The evaluations
// use it to record a real model's replies and to observe what it wrote before any retry.
import type { ModelBackend, StreamEvent, WireChatRequest } from '../../src/core/model/backend';

export interface ChatAnswer {
  readonly text: string;
  readonly thinking: string;
  readonly doneReason?: string;
}

export interface ChatTap<C> {
  /** A chat request is about to go out; what it returns is handed to `answer`. */
  start(req: WireChatRequest): C;
  answer(started: C, req: WireChatRequest, answer: ChatAnswer): void;
}

export function tapChat<C>(inner: ModelBackend, tap: ChatTap<C>): ModelBackend {
  return {
    kind: inner.kind,
    url: inner.url,
    version: (s) => inner.version(s),
    list: (s) => inner.list(s),
    describe: (m, s) => inner.describe(m, s),
    loaded: (s) => inner.loaded(s),
    generate: (req, s) => inner.generate(req, s),
    pull: (m, s) => inner.pull(m, s),
    chat: (req, signal) => observe(inner.chat(req, signal), req),
  };

  async function* observe(stream: AsyncIterable<StreamEvent>, req: WireChatRequest): AsyncIterable<StreamEvent> {
    const started = tap.start(req);
    let text = '';
    let thinking = '';
    for await (const ev of stream) {
      if (ev.type === 'text') text += ev.text;
      else if (ev.type === 'thinking') thinking += ev.text;
      else tap.answer(started, req, { text, thinking, ...(ev.stats.doneReason ? { doneReason: ev.stats.doneReason } : {}) });
      yield ev;
    }
  }
}
