// Structured output: a request whose answer is a JSON value of a given schema (review findings,
// generated tests). The schema goes to Ollama as `format`; thinking is kept apart and never read as
// the answer (the server's thinking channel, and a thought block that leaked into the answer); what
// Gemma 4 wraps around the JSON (fences, control tokens) is taken off; the value is validated against
// the schema. An unusable answer is asked for once more, with what was wrong; an answer cut by the
// output limit is not (it would be cut again). ModelSession.structured is the entry point.
import { ModelError, outputCutError, unreadableOutputError } from '../errors';
import type { Logger } from '../log';
import { cleanModelOutput } from '../text/modelOutput';
import { excerpt } from '../text/sanitize';
import type { ChatMessage, SamplingOptions, ThinkSetting } from './backend';
import type { RequestMetrics } from './metrics';
import { isPreempted, type Priority } from './scheduler';
import type { JsonSchema, SchemaCheck, SchemaValidator } from './schemaValidator';
import type { ChatModelRequest } from './session';

interface StructuredCommon {
  /** Who asks ('review', 'tests'): for metrics and logs. */
  readonly feature: string;
  /** The JSON schema of the answer: sent as `format`, and every answer is validated against it. */
  readonly schema: JsonSchema;
  readonly think?: ThinkSetting;
  readonly options?: SamplingOptions;
  readonly priority?: Priority;
  readonly supersedeKey?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** One prompt (with an optional system prompt), or a whole conversation. Sent through /api/chat. */
export type StructuredRequest = StructuredCommon & (
  | { readonly prompt: string; readonly system?: string; readonly messages?: undefined }
  | { readonly messages: readonly ChatMessage[]; readonly prompt?: undefined; readonly system?: undefined }
);

export interface StructuredResult<T> {
  /** The answer, parsed and valid against the schema. */
  readonly value: T;
  /** The model's thinking, never parsed: the thinking channel, then any thought that leaked into the answer. */
  readonly thinking: string;
  /** Figures of the request that gave the answer. */
  readonly metrics: RequestMetrics;
  /** 1, or 2 when the first answer was unusable and the model was asked again. */
  readonly attempts: number;
}

/** What a feature asking for structured answers needs of a model session (ModelSession has it). */
export interface StructuredSession {
  readonly model: string;
  readonly numCtx: { readonly numCtx: number };
  readonly description: { readonly thinking: boolean };
  readonly budget: { estimate(text: string): number };
  structured<T>(req: StructuredRequest): Promise<StructuredResult<T>>;
}

/**
 * `session.structured(req)`, asked again each time interactive work (a completion) preempts it in
 * the shared scheduler; `onYield` is told each time. Any other failure, or a cancelled request, throws.
 */
export async function structuredAcrossPreemption<T>(
  session: Pick<StructuredSession, 'structured'>, req: StructuredRequest, onYield?: () => void, signal = req.signal,
): Promise<StructuredResult<T>> {
  for (;;) {
    try {
      return await session.structured<T>(req);
    } catch (e) {
      if (!isPreempted(e) || signal?.aborted) throw e;
      onYield?.();
    }
  }
}

export interface StructuredDeps {
  readonly model: string;
  readonly logger: Logger;
  readonly validator: SchemaValidator;
  /** Output limit the request runs with (num_predict), for the message of a cut answer. */
  readonly numPredict: number;
  readonly complete: (req: ChatModelRequest) => Promise<{ text: string; thinking: string; metrics: RequestMetrics }>;
}

/** The first answer and one more when it is unusable. */
export const STRUCTURED_ATTEMPTS = 2;

/** Most of an unusable answer quoted back to the model when asking again. */
const ECHO_MAX_CHARS = 4000;

export async function requestStructured<T>(req: StructuredRequest, deps: StructuredDeps): Promise<StructuredResult<T>> {
  const check = deps.validator.checkFor(req.schema);
  const asked: ChatMessage[] = req.messages
    ? [...req.messages]
    : [...(req.system !== undefined ? [{ role: 'system' as const, content: req.system }] : []), { role: 'user', content: req.prompt }];
  let messages: readonly ChatMessage[] = asked;
  const problems: string[] = [];
  for (let attempt = 1; ; attempt++) {
    let reply: Awaited<ReturnType<StructuredDeps['complete']>>;
    try {
      reply = await deps.complete({
        kind: 'chat', feature: req.feature, messages, format: req.schema, think: req.think, options: req.options,
        priority: req.priority, supersedeKey: req.supersedeKey, signal: req.signal, timeoutMs: req.timeoutMs,
      });
    } catch (e) {
      // The question asked again (with the bad answer quoted) no longer fits the window: the first
      // answer's problem is the one to report.
      if (attempt > 1 && ModelError.is(e, 'contextOverflow')) throw unreadableOutputError(deps.model, problems);
      throw e;
    }
    const reading = readStructuredReply<T>(reply.text, check);
    const thinking = [reply.thinking.trim(), reading.thought].filter((t) => t !== '').join('\n\n');
    const id = `#${reply.metrics.id} ${req.feature}`;
    if (reading.ok) {
      if (attempt > 1) deps.logger.info(`${id}: the answer asked for again is usable`);
      return { value: reading.value, thinking, metrics: reply.metrics, attempts: attempt };
    }
    if (reply.metrics.doneReason === 'length') {
      deps.logger.warn(`${id}: the answer was cut at num_predict=${deps.numPredict} (${reply.metrics.evalCount ?? '?'} tokens out${thinking ? ', thinking included' : ''}): ${reading.problem}`);
      throw outputCutError(deps.model, deps.numPredict, thinking !== '');
    }
    problems.push(reading.problem);
    deps.logger.warn(`${id}: answer ${attempt} of ${STRUCTURED_ATTEMPTS} unusable: ${reading.problem}`);
    deps.logger.trace(`${id}: the unusable answer began ${JSON.stringify(excerpt(reading.text, 200))}`);
    if (attempt >= STRUCTURED_ATTEMPTS) throw unreadableOutputError(deps.model, problems);
    messages = [...asked, ...askAgain(reading.text, reading.problem, req.schema)];
  }
}

export type StructuredReading<T> =
  | { readonly ok: true; readonly value: T; readonly thought: string }
  | { readonly ok: false; readonly problem: string; readonly text: string; readonly thought: string };

/**
 * Reads a model's answer as JSON of the schema `check` stands for: leaked thought, control tokens and
 * fences are taken off first (never parsing the thought), then the rest must be exactly one JSON value.
 */
export function readStructuredReply<T>(raw: string, check: SchemaCheck): StructuredReading<T> {
  const cleaned = cleanModelOutput(raw, { json: true });
  const text = cleaned.text.trim();
  const thought = cleaned.thought;
  const fail = (problem: string): StructuredReading<T> => ({ ok: false, problem, text, thought });
  if (text === '') return fail(raw.trim() === '' ? 'the answer was empty' : 'the answer held nothing but thinking or control tokens');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`the answer is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const wrong = check(value);
  if (wrong !== undefined) return fail(`the answer does not match the required JSON schema: ${wrong}`);
  return { ok: true, value: value as T, thought };
}

/** The turns that ask again: the unusable answer as the model gave it, then what was wrong with it. */
function askAgain(answer: string, problem: string, schema: JsonSchema): ChatMessage[] {
  const echo = answer.length > ECHO_MAX_CHARS ? `${answer.slice(0, ECHO_MAX_CHARS)}…` : answer;
  return [
    ...(echo !== '' ? [{ role: 'assistant' as const, content: echo }] : []),
    {
      role: 'user',
      content: `Your answer could not be used: ${problem}.\n`
        + 'Answer again with only the JSON value: no code fences, no text before or after it. It must match this JSON schema:\n'
        + JSON.stringify(schema),
    },
  ];
}
