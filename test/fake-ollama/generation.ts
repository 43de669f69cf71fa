// Runs one /api/generate or /api/chat job like Ollama's scheduler and runner: wait for the model's
// slot, (re)load, truncate and prefill the prompt against the prefix cache, then decode and stream.
import type { LoadedInstance } from './cache';
import { now, sleep, sleepUntil, untilAborted } from './clock';
import type { Exchange, ServerState } from './context';
import { HttpError, SERVER_BUSY, promptTooLong } from './errors';
import { type PlannedChunk, type ReplyPlan, planReply } from './reply';
import type { GenerationJob } from './requests';
import { endOfTurnTokens } from './template';
import { tokenize } from './tokens';
import type { ScriptedReply } from './types';
import { reusableTokens, truncatePrompt } from './window';
import { NdjsonWriter, sendJson } from './wire';

/** Reported per token when a rate is infinite, so durations stay nonzero (ns). */
const INSTANT_NS_PER_TOKEN = 1000;

export async function runGeneration(state: ServerState, ex: Exchange, job: GenerationJob): Promise<void> {
  const { rec, res, signal } = ex;
  rec.model = job.requested;
  rec.numCtx = job.numCtx;

  if (job.loadOnly && job.keepAliveMs === 0) {
    state.loaded.unload(job.key);
    sendJson(res, rec, 200, loadReply(job, 'unload'));
    return;
  }

  const queue = state.queueFor(job.key);
  if (!queue.idle && state.totalWaiting() >= state.maxQueue) throw new HttpError(503, SERVER_BUSY);
  const reply = job.loadOnly ? {} : state.takeReply(rec);
  const release = await queue.acquire(signal);
  const writer = new NdjsonWriter(res, rec);
  const contentType = job.stream ? 'application/x-ndjson' : 'application/json; charset=utf-8';
  let instance: LoadedInstance | undefined;
  try {
    if (reply.headersDelayMs !== undefined) {
      await sleep(reply.headersDelayMs, signal);
      writer.flushHeaders(contentType);
    }
    if (reply.hang) {
      writer.flushHeaders(contentType);
      await untilAborted(signal);
      return;
    }

    const latency = state.latency();
    const loaded = state.loaded.ensure(job.key, job.loadKey, job.numCtx);
    instance = loaded.instance;
    instance.active++;
    rec.reloaded = loaded.reloaded;
    if (loaded.reloaded) {
      state.countReload();
      ex.touch();
      await sleep(latency.loadMs, signal);
    }
    // Ollama measures load_duration from the request's arrival: queue wait plus the load itself.
    const loadDuration = Math.max(INSTANT_NS_PER_TOKEN, loaded.reloaded ? Math.round(latency.loadMs * 1e6) : 0, Math.round((now() - rec.receivedAt) * 1e6));

    if (job.loadOnly) {
      finishJson(writer, ex, loadReply(job, 'load'));
      return;
    }
    if (reply.error) {
      fail(writer, ex, job, reply.error.status, reply.error.message);
      return;
    }

    const { tokens: fullPrompt, droppedMessages } = job.prompt(job.numCtx);
    if (fullPrompt.length > job.numCtx && !job.allowTruncate) throw promptTooLong(fullPrompt.length, job.numCtx);
    const prompt = truncatePrompt(fullPrompt, job.numCtx, job.numKeep);
    const cached = reusableTokens(instance.previousPrompt, prompt, job.model.slidingWindow, job.numBatch);
    instance.previousPrompt = prompt;
    rec.promptTokens = prompt.length;
    rec.cachedTokens = cached;
    rec.truncated = droppedMessages || prompt.length < fullPrompt.length;
    ex.touch();

    const fresh = prompt.length - cached;
    const promptEvalNs = durationNs(fresh, latency.prefillTokensPerSec);
    await sleep(promptEvalNs / 1e6, signal);

    const plan = planReply(reply, {
      thinking: job.thinking,
      showThinking: job.showThinking,
      budget: Math.min(job.numPredict ?? Infinity, job.shift ? Infinity : Math.max(0, job.numCtx - prompt.length)),
      stop: job.stop,
      endOfTurn: endOfTurnTokens(job.model),
    });
    const streamed = await decode(ex, writer, job, reply, plan, latency.decodeTokensPerSec);
    if (!streamed) return;

    rec.evalCount = plan.evalCount;
    const evalNs = durationNs(plan.evalCount, latency.decodeTokensPerSec);
    const elapsedNs = Math.round((now() - rec.receivedAt) * 1e6);
    const stats = {
      done: true,
      done_reason: plan.doneReason,
      ...(job.returnsContext ? { context: state.vocab.ids([...fullPrompt, ...tokenize(plan.content)]) } : {}),
      total_duration: Math.max(elapsedNs, loadDuration + promptEvalNs + evalNs),
      load_duration: loadDuration,
      prompt_eval_count: prompt.length,
      prompt_eval_duration: promptEvalNs,
      eval_count: plan.evalCount,
      eval_duration: evalNs,
    };
    if (job.stream) {
      writer.line({ ...head(job), ...emptyBody(job), ...stats });
      writer.end();
    } else {
      finishJson(writer, ex, { ...head(job), ...fullBody(job, plan), ...stats });
    }
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    fail(writer, ex, job, e.status, e.message);
  } finally {
    release();
    if (instance) {
      instance.active--;
      instance.expiresAt = now() + job.keepAliveMs;
      if (job.keepAliveMs === 0 && instance.active === 0) state.loaded.unload(job.key);
    }
  }
}

/** Emits the planned chunks at decode speed. False when the reply ended with an error line. */
async function decode(ex: Exchange, writer: NdjsonWriter, job: GenerationJob, reply: ScriptedReply, plan: ReplyPlan, rate: number): Promise<boolean> {
  const msPerToken = Number.isFinite(rate) && rate > 0 ? 1000 / rate : 0;
  const errorAfter = reply.midStreamError?.afterChunks;
  const start = now();
  let tokens = 0;
  let extraDelay = 0;
  let emitted = 0;
  for (const chunk of plan.chunks) {
    tokens += chunk.tokens;
    await sleepUntil(start + tokens * msPerToken + extraDelay, ex.signal);
    if (!chunk.visible) continue;
    if (errorAfter !== undefined && emitted >= errorAfter) break;
    if (job.stream) writer.line({ ...head(job), ...chunkBody(job, chunk), done: false });
    emitted++;
    extraDelay += reply.chunkDelayMs ?? 0;
  }
  if (reply.midStreamError) {
    fail(writer, ex, job, 500, reply.midStreamError.message);
    return false;
  }
  return true;
}

/** An error before output is an HTTP status; once streaming it is one {"error"} line, then the end. */
function fail(writer: NdjsonWriter, ex: Exchange, job: GenerationJob, status: number, message: string): void {
  if (!writer.started) sendJson(ex.res, ex.rec, status, { error: message });
  else if (job.stream) {
    writer.line({ error: message });
    writer.end();
  } else writer.endWith(JSON.stringify({ error: message }));
}

function finishJson(writer: NdjsonWriter, ex: Exchange, body: unknown): void {
  if (writer.started) writer.endWith(JSON.stringify(body));
  else sendJson(ex.res, ex.rec, 200, body);
}

function durationNs(tokens: number, rate: number): number {
  return Number.isFinite(rate) && rate > 0 ? Math.round((tokens / rate) * 1e9) : tokens * INSTANT_NS_PER_TOKEN;
}

function head(job: GenerationJob): { model: string; created_at: string } {
  return { model: job.requested, created_at: new Date().toISOString() };
}

function chunkBody(job: GenerationJob, chunk: PlannedChunk): object {
  const thinking = chunk.kind === 'thinking';
  if (job.endpoint === 'chat') {
    return { message: { role: 'assistant', content: thinking ? '' : chunk.text, ...(thinking ? { thinking: chunk.text } : {}) } };
  }
  return thinking ? { response: '', thinking: chunk.text } : { response: chunk.text };
}

function emptyBody(job: GenerationJob): object {
  return job.endpoint === 'chat' ? { message: { role: 'assistant', content: '' } } : { response: '' };
}

function fullBody(job: GenerationJob, plan: ReplyPlan): object {
  const thinking = plan.thinking !== '' ? { thinking: plan.thinking } : {};
  if (job.endpoint === 'chat') return { message: { role: 'assistant', content: plan.content, ...thinking } };
  return { response: plan.content, ...thinking };
}

function loadReply(job: GenerationJob, reason: 'load' | 'unload'): object {
  return { ...head(job), ...emptyBody(job), done: true, done_reason: reason };
}
