// Structured output through ModelSession.structured against the fake Ollama, asserted over what the
// session returns, what it logs and what reached the server: a valid answer; an unreadable one asked
// for again; an answer cut by the output limit; thinking that holds JSON (never parsed); an answer
// that breaks the schema; and what Gemma 4 wraps around JSON.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeOllama, type RecordedRequest } from '../fake-ollama/index';
import { ModelError } from '../../src/core/errors';
import type { MemoryLogger } from '../../src/core/log';
import type { ModelService } from '../../src/core/model/service';
import type { ModelSession } from '../../src/core/model/session';
import { serviceFor } from '../support/model';

interface Findings {
  findings: Array<{ line: number; severity: 'error' | 'warning'; message: string }>;
}

const FINDINGS_SCHEMA = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer', minimum: 1 },
          severity: { type: 'string', enum: ['error', 'warning'] },
          message: { type: 'string' },
        },
        required: ['line', 'severity', 'message'],
        additionalProperties: false,
      },
    },
  },
  required: ['findings'],
  additionalProperties: false,
} as const;

const VALID = '{"findings": [{"line": 12, "severity": "error", "message": "the loop stops one short"}]}';
const VALID_VALUE: Findings = JSON.parse(VALID);
/** JSON that looks like an answer, even a valid one, but must never be read as one. */
const DECOY = '{"findings": [{"line": 99, "severity": "warning", "message": "DECOY from the thought"}]}';

const ask = { feature: 'review', schema: FINDINGS_SCHEMA, system: 'You review code. Answer in JSON.', prompt: 'Review this diff:\n-a\n+b' };

const isModelCall = (r: RecordedRequest) => r.path === '/api/generate' || r.path === '/api/chat';

describe('structured output against the fake Ollama', () => {
  let fake: FakeOllama;
  let service: ModelService;
  let logger: MemoryLogger;
  let session: ModelSession;
  const calls = () => fake.requests.filter(isModelCall);

  before(async () => {
    fake = new FakeOllama();
    const url = await fake.start(0);
    ({ service, logger } = serviceFor(url));
    session = await service.session('review');
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.clearLog();
    logger.lines.length = 0;
  });

  it('a valid answer: the schema goes as format on /api/chat, think explicit, the value comes back parsed', async () => {
    fake.reply({ response: VALID });
    const r = await session.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.attempts, 1);
    assert.equal(r.thinking, '');
    assert.equal(r.metrics.doneReason, 'stop');
    const [call] = calls();
    assert.equal(calls().length, 1);
    assert.equal(call.path, '/api/chat');
    assert.deepEqual(call.body.format, FINDINGS_SCHEMA);
    assert.equal(call.body.think, false);
    assert.deepEqual(call.body.messages, [{ role: 'system', content: ask.system }, { role: 'user', content: ask.prompt }]);
    assert.equal(call.body.options.num_ctx, session.numCtx.numCtx);
    assert.equal(call.body.truncate, false);
  });

  it('a conversation can be given instead of a prompt', async () => {
    fake.reply({ response: VALID });
    const messages = [{ role: 'user' as const, content: 'First part' }, { role: 'assistant' as const, content: 'Go on.' }, { role: 'user' as const, content: 'Second part' }];
    const r = await session.structured<Findings>({ feature: 'tests', schema: FINDINGS_SCHEMA, messages });
    assert.deepEqual(r.value, VALID_VALUE);
    assert.deepEqual(calls()[0].body.messages, messages);
  });

  it('unreadable, then valid: asked once more with the parse error, and the second answer is used', async () => {
    fake.reply({ response: 'Here are the findings: {"findings": [{"line": 12,' });
    fake.reply({ response: VALID });
    const r = await session.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.attempts, 2);
    const [first, second] = calls();
    assert.equal(calls().length, 2);
    assert.deepEqual(second.body.format, FINDINGS_SCHEMA, 'the retry is constrained by the same schema');
    assert.equal(second.body.think, first.body.think);
    assert.equal(second.body.options.num_ctx, first.body.options.num_ctx);
    const msgs = second.body.messages as Array<{ role: string; content: string }>;
    assert.deepEqual(msgs.slice(0, 2), first.body.messages, 'the retry repeats the question unchanged (the server reuses its cache)');
    assert.deepEqual(msgs[2], { role: 'assistant', content: 'Here are the findings: {"findings": [{"line": 12,' });
    assert.equal(msgs[3].role, 'user');
    assert.match(msgs[3].content, /could not be used: the answer is not valid JSON \(.+\)/);
    assert.match(msgs[3].content, /only the JSON value/);
    assert.ok(msgs[3].content.includes(JSON.stringify(FINDINGS_SCHEMA)), 'the schema is named in the retry');
    assert.ok(logger.lines.some((l) => /^warn #\d+ review: answer 1 of 2 unusable: the answer is not valid JSON/.test(l)), logger.lines.join('\n'));
  });

  it('unreadable twice: ModelError unreadableOutput with a clear message, both problems in the log', async () => {
    fake.reply({ response: 'I found no issues.' });
    fake.reply({ response: '' });
    const err = await session.structured<Findings>(ask).then(() => undefined, (e: unknown) => e);
    assert.ok(ModelError.is(err, 'unreadableOutput'), String(err));
    assert.match(err.message, /gemma4:e4b did not give a usable answer \(asked 2 times\): the answer was empty/);
    assert.match(err.fix, /larger model/);
    assert.equal(err.detail.model, 'gemma4:e4b');
    assert.equal(calls().length, 2, 'asked once more, not more');
    const warnings = logger.lines.filter((l) => l.startsWith('warn ') && /unusable/.test(l));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /answer 1 of 2 unusable: the answer is not valid JSON/);
    assert.match(warnings[1], /answer 2 of 2 unusable: the answer was empty/);
  });

  it('an answer cut by the output limit (done_reason "length") is ModelError outputCut, and is not asked for again', async () => {
    fake.reply({ response: VALID });
    const err = await session.structured<Findings>({ ...ask, options: { num_predict: 8 } }).then(() => undefined, (e: unknown) => e);
    assert.ok(ModelError.is(err, 'outputCut'), String(err));
    assert.match(err.message, /cut off at its output limit of 8 tokens/);
    assert.match(err.fix, /Ask for less at once/);
    assert.equal(calls().length, 1, 'a cut answer would be cut again');
    assert.equal(calls()[0].body.options.num_predict, 8);
    assert.ok(logger.lines.some((l) => /^warn #\d+ review: the answer was cut at num_predict=8/.test(l)));
  });

  it('the server saying "length" on an answer that is cut is reported, also when thinking used the limit', async () => {
    fake.reply({ thinking: `Let me look at every line of this diff carefully. ${'Consider the loop bounds again. '.repeat(20)}`, response: VALID });
    const err = await session.structured<Findings>({ ...ask, think: 'low', options: { num_predict: 40 } }).then(() => undefined, (e: unknown) => e);
    assert.ok(ModelError.is(err, 'outputCut'), String(err));
    assert.match(err.message, /thinking counts against the same limit/);
    assert.match(err.fix, /less thinking/);
  });

  it('a complete answer that merely ends at the limit is used', async () => {
    fake.reply({ response: VALID, doneReason: 'length' });
    const r = await session.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.metrics.doneReason, 'length');
  });

  it('thinking that holds JSON is returned apart and never parsed as the answer', async () => {
    fake.reply({ thinking: `Draft answer: ${DECOY}`, response: VALID });
    const r = await session.structured<Findings>({ ...ask, think: 'low' });
    assert.equal(calls()[0].body.think, 'low');
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.thinking, `Draft answer: ${DECOY}`);
  });

  it('thinking that holds a valid answer is still not the answer when the answer itself is empty', async () => {
    fake.reply({ thinking: DECOY, response: '' });
    fake.reply({ thinking: DECOY, response: '' });
    const err = await session.structured<Findings>({ ...ask, think: true }).then(() => undefined, (e: unknown) => e);
    assert.ok(ModelError.is(err, 'unreadableOutput'), String(err));
    assert.match(err.message, /the answer was empty/);
    assert.equal(calls().length, 2);
  });

  it('a Gemma 4 thought block leaked into the answer (thinking off) is thinking, not the answer', async () => {
    fake.reply({ response: `<|channel>thought\n${DECOY}<channel|>${VALID}` });
    const r = await session.structured<Findings>(ask);
    assert.equal(calls()[0].body.think, false);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.thinking, DECOY);
    assert.equal(r.attempts, 1);
  });

  it('a leaked thought block and nothing after it is no answer: asked again', async () => {
    fake.reply({ response: `<|channel>thought\n${DECOY}<channel|>` });
    fake.reply({ response: VALID });
    const r = await session.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.attempts, 2);
    const retry = calls()[1].body.messages as Array<{ role: string; content: string }>;
    assert.ok(!retry.some((m) => m.content.includes('DECOY')), 'the thought is not quoted back as the answer');
    assert.match(retry[retry.length - 1].content, /held nothing but thinking/);
  });

  it('an answer that breaks the schema is asked for again with the validation errors', async () => {
    fake.reply({ response: '{"findings": [{"line": "12", "severity": "fatal", "message": "x"}]}' });
    fake.reply({ response: VALID });
    const r = await session.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.equal(r.attempts, 2);
    const retry = calls()[1].body.messages as Array<{ role: string; content: string }>;
    const last = retry[retry.length - 1].content;
    assert.match(last, /does not match the required JSON schema: \/findings\/0\/line must be integer; \/findings\/0\/severity must be equal to one of the allowed values \("error", "warning"\)/);
  });

  it('an answer that breaks the schema twice is ModelError unreadableOutput naming what is wrong', async () => {
    fake.reply({ response: '{"findings": [{"line": 0, "severity": "error", "message": "x"}]}' });
    fake.reply({ response: '{"findings": [], "summary": "all good"}' });
    const err = await session.structured<Findings>(ask).then(() => undefined, (e: unknown) => e);
    assert.ok(ModelError.is(err, 'unreadableOutput'), String(err));
    assert.match(err.message, /does not match the required JSON schema: the top-level value must NOT have additional properties \("summary"\)/);
    const warnings = logger.lines.filter((l) => l.startsWith('warn ') && /unusable/.test(l));
    assert.match(warnings[0], /\/findings\/0\/line must be >= 1/);
    assert.match(warnings[1], /additional properties/);
  });

  it('fences and stray control tokens around the JSON are taken off (Ollama #15416)', async () => {
    fake.reply({ response: `\`\`\`json\n${VALID}\n\`\`\`` });
    assert.deepEqual((await session.structured<Findings>(ask)).value, VALID_VALUE);
    fake.reply({ response: `<bos>${VALID}<|"|>\n<eos>` });
    assert.deepEqual((await session.structured<Findings>(ask)).value, VALID_VALUE);
    assert.equal(calls().length, 2, 'no retry was needed');
  });

  it('a control token quoted inside a JSON string is kept: it is data', async () => {
    // Not a Gemma 4 token, so the model can write it as text (its own <turn|> would end the turn).
    const quoting = '{"findings": [{"line": 3, "severity": "warning", "message": "the ChatML prompt ends turns with <|im_end|>"}]}';
    fake.reply({ response: quoting });
    const r = await session.structured<Findings>(ask);
    assert.equal(r.value.findings[0].message, 'the ChatML prompt ends turns with <|im_end|>');
  });

  it('a model without thinking gets no think field, and the schema still goes as format', async () => {
    fake.reply({ response: VALID });
    const qwen = await service.sessionFor('qwen2.5-coder:1.5b');
    const r = await qwen.structured<Findings>(ask);
    assert.deepEqual(r.value, VALID_VALUE);
    assert.ok(!('think' in calls()[0].body));
    assert.deepEqual(calls()[0].body.format, FINDINGS_SCHEMA);
  });

  it('cancelling stops the request and asks nothing more', async () => {
    fake.reply({ response: VALID, chunkDelayMs: 50 });
    const controller = new AbortController();
    const pending = session.structured<Findings>({ ...ask, signal: controller.signal });
    const rec = await fake.waitForRequest((r) => r.path === '/api/chat');
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, (e: unknown) => ModelError.is(e, 'aborted'));
    await fake.waitForClose(rec);
    assert.ok(rec.clientClosedAt !== undefined, 'the connection was closed');
    assert.equal(calls().length, 1);
  });

  it('a schema Hearth wrote wrong fails before any request', async () => {
    await assert.rejects(session.structured({ ...ask, schema: { type: 'object', properties: {}, required: ['missing'] } }), /Invalid JSON schema/);
    assert.equal(calls().length, 0);
  });
});
