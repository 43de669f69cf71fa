// Model replies for the tests eval, recorded from a real server or written by hand: one JSON file per
// request, named by function and request number (1 = generation, 2 and 3 = the repair turns).
// `--record DIR` saves what a real server answered; `--replay DIR` serves the files through the fake
// Ollama, so CI runs the whole pipeline (context, prompt, structured output, the real syntax check,
// the real Vitest runs, repair, flakiness, coverage) with no model.
//
// Replies are matched by function and request number, not by prompt: a repair prompt carries the
// runner's failure output, which names the temporary project and the random scratch file. The
// generation prompt is deterministic, so request 1 also carries its prompt's key (the review eval's
// promptKey); a changed prompt is a miss, reported, unless `--rekey` accepts it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, ModelBackend } from '../../../src/core/model/backend';
import { tapChat } from '../tapChat';
import type { TestBatch } from '../../../src/core/testgen/types';
import { FakeOllama } from '../../../test/fake-ollama/index';
import type { ScriptedReply } from '../../../test/fake-ollama/types';
import { promptKey } from '../review/recorded';

export interface RecordedTestReply {
  /** The function's id (functions.ts). */
  function: string;
  /** 1 for the generation request, then one per later request of that function (repairs, retries). */
  request: number;
  /** Request 1: promptKey of its messages. */
  prompt?: string;
  /** 'hand-written' for the committed CI set; 'recorded' for a real model's answer (with the model's name). */
  source: 'hand-written' | 'recorded';
  model?: string;
  /** Why this reply is what it is (hand-written ones say what they test). */
  note?: string;
  /** The reply as a batch (hand-written), or `response`: the text exactly as a model wrote it. */
  batch?: TestBatch;
  response?: string;
  thinking?: string;
  doneReason?: 'stop' | 'length';
}

export function replyFile(dir: string, fn: string, request: number): string {
  return join(dir, `${fn}.request${request}.json`);
}

export function loadTestReplies(dir: string): RecordedTestReply[] {
  if (!existsSync(dir)) throw new Error(`no recorded replies at ${dir}`);
  return readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => {
    const r = JSON.parse(readFileSync(join(dir, n), 'utf8')) as RecordedTestReply;
    if (typeof r.function !== 'string' || typeof r.request !== 'number' || (r.batch === undefined && typeof r.response !== 'string')) {
      throw new Error(`${n}: not a recorded reply of the tests eval`);
    }
    return r;
  });
}

export function saveTestReply(dir: string, r: RecordedTestReply): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(replyFile(dir, r.function, r.request), `${JSON.stringify(r, null, 2)}\n`);
}

/** Which function's tests are being generated, and how many model requests it has made. */
export class CurrentFunction {
  id = '';
  requests = 0;
  begin(id: string): void {
    this.id = id;
    this.requests = 0;
  }
}

export interface TestReplayMiss { readonly function: string; readonly request: number; readonly prompt: string; readonly why: string }

/** The fake Ollama answering each chat request with the reply for its function and request number. */
export class TestReplayServer {
  readonly fake = new FakeOllama();
  readonly misses: TestReplayMiss[] = [];
  private readonly byKey = new Map<string, RecordedTestReply>();
  private readonly rekeyed: RecordedTestReply[] = [];

  constructor(private readonly dir: string, private readonly current: CurrentFunction, private readonly rekey = false) {
    for (const r of loadTestReplies(dir)) this.byKey.set(`${r.function}#${r.request}`, r);
    this.fake.setDefaultReply((req) => this.answer(req.body?.messages ?? []));
  }

  /** The functions that have a reply for their generation request. */
  functions(): Set<string> {
    return new Set([...this.byKey.values()].filter((r) => r.request === 1).map((r) => r.function));
  }

  start(): Promise<string> {
    return this.fake.start(0);
  }

  async stop(): Promise<void> {
    await this.fake.stop();
    for (const r of this.rekeyed) saveTestReply(this.dir, r);
  }

  private answer(messages: ChatMessage[]): ScriptedReply {
    const request = ++this.current.requests;
    const key = promptKey(messages);
    let r = this.byKey.get(`${this.current.id}#${request}`);
    const miss = (why: string): ScriptedReply => {
      this.misses.push({ function: this.current.id, request, prompt: key, why });
      return { error: { status: 500, message: `hearth eval: ${why} (${this.current.id}, request ${request})` } };
    };
    if (!r) return miss('no recorded reply');
    if (request === 1 && r.prompt !== key) {
      if (!this.rekey) return miss(`the generation prompt changed (recorded ${r.prompt ?? 'none'}, now ${key})`);
      r = { ...r, prompt: key };
      this.byKey.set(`${r.function}#${request}`, r);
      this.rekeyed.push(r);
    }
    return {
      response: r.response ?? JSON.stringify(r.batch),
      ...(r.thinking ? { thinking: r.thinking } : {}), ...(r.doneReason ? { doneReason: r.doneReason } : {}),
    };
  }
}

/** A backend that passes everything through and saves each chat answer as a recorded reply. */
export function recordingBackend(inner: ModelBackend, current: CurrentFunction, record: { dir: string; model: string }): ModelBackend {
  return tapChat(inner, {
    start: () => ++current.requests,
    answer: (request, req, { text, thinking, doneReason }) => saveTestReply(record.dir, {
      function: current.id, request, ...(request === 1 ? { prompt: promptKey(req.messages) } : {}), source: 'recorded', model: record.model,
      response: text, ...(thinking ? { thinking } : {}), ...(doneReason === 'length' ? { doneReason: 'length' as const } : {}),
    }),
  });
}
