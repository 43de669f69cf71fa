// Model replies for the review eval, recorded or written by hand: one JSON file per request, keyed by
// a hash of the prompt (the request's messages, role and content). `--record DIR` writes what a real
// server answered; `--replay DIR` serves the files back through the fake Ollama, so CI runs the whole
// pipeline (collection, context, prompt, structured output, validation, scoring) with no model.
//
// A prompt changes whenever anything that builds it changes (prompt.ts, the context pack, the
// redactor, a case). A reply whose prompt is not in the set is then a miss, reported with the
// variant it was for; `--rekey` accepts the new prompts for replies matched by variant and attempt
// instead (right for hand-written replies, which name lines of the staged file and not of the prompt).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, ModelBackend } from '../../../src/core/model/backend';
import { tapChat } from '../tapChat';
import { FakeOllama } from '../../../test/fake-ollama/index';
import type { ScriptedReply } from '../../../test/fake-ollama/types';

export interface RecordedReply {
  /** promptKey of the request's messages. */
  prompt: string;
  /** The variant (`<case>/<buggy|clean>`) and the request of its review (1; 2 when the first answer was asked for again). */
  variant: string;
  attempt: number;
  /** 'hand-written' for the committed CI set; 'recorded' for a real model's answer (with the model's name). */
  source: 'hand-written' | 'recorded';
  model?: string;
  /** Why this reply is what it is (hand-written ones say what they test). */
  note?: string;
  response: string;
  thinking?: string;
  doneReason?: 'stop' | 'length';
}

/** The key of a request: the first 16 hex digits of the SHA-256 of its messages' roles and contents. */
export function promptKey(messages: readonly Pick<ChatMessage, 'role' | 'content'>[]): string {
  return createHash('sha256').update(JSON.stringify(messages.map((m) => [m.role, m.content]))).digest('hex').slice(0, 16);
}

/** The file a reply lives in: named by variant and attempt, so people can find it. */
export function replyFile(dir: string, variant: string, attempt: number): string {
  return join(dir, `${variant.replace('/', '.')}${attempt > 1 ? `.attempt${attempt}` : ''}.json`);
}

export function loadReplies(dir: string): RecordedReply[] {
  if (!existsSync(dir)) throw new Error(`no recorded replies at ${dir}`);
  return readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => {
    const r = JSON.parse(readFileSync(join(dir, n), 'utf8')) as RecordedReply;
    if (typeof r.prompt !== 'string' || typeof r.variant !== 'string' || typeof r.response !== 'string') throw new Error(`${n}: not a recorded reply`);
    return r;
  });
}

export function saveReply(dir: string, r: RecordedReply): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(replyFile(dir, r.variant, r.attempt), `${JSON.stringify(r, null, 2)}\n`);
}

/** Which variant's review is running: the eval sets it, the replay server and the recorder read it. */
export class CurrentVariant {
  id = '';
  attempt = 0;
  begin(id: string): void {
    this.id = id;
    this.attempt = 0;
  }
}

export interface ReplayMiss { readonly variant: string; readonly attempt: number; readonly prompt: string }

/** The fake Ollama answering each chat request with the reply recorded for its prompt. */
export class ReplayServer {
  readonly fake = new FakeOllama();
  readonly misses: ReplayMiss[] = [];
  /** Replies whose key --rekey changed (saved at the end). */
  readonly rekeyed: RecordedReply[] = [];
  private readonly all: RecordedReply[];
  private readonly byKey = new Map<string, RecordedReply>();

  constructor(private readonly dir: string, private readonly current: CurrentVariant, private readonly rekey = false) {
    this.all = loadReplies(dir);
    for (const r of this.all) this.byKey.set(r.prompt, r);
    this.fake.setDefaultReply((req) => this.answer(req.body?.messages ?? []));
  }

  start(): Promise<string> {
    return this.fake.start(0);
  }

  async stop(): Promise<void> {
    await this.fake.stop();
    for (const r of this.rekeyed) saveReply(this.dir, r);
  }

  private answer(messages: ChatMessage[]): ScriptedReply {
    const attempt = this.current.attempt;
    const key = promptKey(messages);
    let r = this.byKey.get(key);
    if (!r && this.rekey) {
      const old = this.all.find((x) => x.variant === this.current.id && x.attempt === attempt);
      if (old) {
        r = { ...old, prompt: key };
        this.byKey.set(key, r);
        this.rekeyed.push(r);
      }
    }
    if (!r) {
      this.misses.push({ variant: this.current.id, attempt, prompt: key });
      return { error: { status: 500, message: `hearth eval: no recorded reply for prompt ${key} (${this.current.id}, request ${attempt})` } };
    }
    return { response: r.response, ...(r.thinking ? { thinking: r.thinking } : {}), ...(r.doneReason ? { doneReason: r.doneReason } : {}) };
  }
}

/** Every answer a backend gives to a chat request, as the eval sees it. */
export interface Answer { readonly variant: string; readonly attempt: number; readonly text: string; readonly thinking: string; readonly doneReason?: string }

/**
 * A backend that passes everything through and keeps each chat answer's text (to score JSON validity
 * on what the model wrote, before any retry), and with `recordDir` saves it as a recorded reply.
 */
export function observingBackend(inner: ModelBackend, current: CurrentVariant, answers: Answer[], record?: { dir: string; model: string }): ModelBackend {
  return tapChat(inner, {
    // Counted before the request goes out: the replay server reads the count.
    start: () => ++current.attempt,
    answer: (attempt, req, { text, thinking, doneReason }) => {
      answers.push({ variant: current.id, attempt, text, thinking, ...(doneReason ? { doneReason } : {}) });
      if (record) {
        saveReply(record.dir, {
          prompt: promptKey(req.messages), variant: current.id, attempt, source: 'recorded', model: record.model,
          response: text, ...(thinking ? { thinking } : {}), ...(doneReason === 'length' ? { doneReason: 'length' as const } : {}),
        });
      }
    },
  });
}
