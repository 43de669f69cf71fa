// Validates /api/generate and /api/chat bodies in Ollama's order and turns them into one job shape.
import { parseKeepAlive } from './duration';
import { HttpError, RAW_MODE_UNSUPPORTED, badRequest, modelNotFound, thinkingUnsupported, unsupportedCapability } from './errors';
import { type FakeModel, hasCapability, normalizeName } from './models';
import { type PromptTurn, renderInsert, renderTurns } from './template';
import { tokenize } from './tokens';
import type { ServerState } from './context';

export interface GenerationJob {
  endpoint: 'generate' | 'chat';
  /** The model name as the client wrote it (echoed in every reply). */
  requested: string;
  model: FakeModel;
  /** Normalised name of the resolved model: the key of its queue and loaded instance. */
  key: string;
  stream: boolean;
  raw: boolean;
  thinking: boolean;
  showThinking: boolean;
  numCtx: number;
  loadKey: string;
  numKeep: number;
  numBatch: number;
  numPredict?: number;
  stop: string[];
  shift: boolean;
  /** Overflow is truncated silently (true) or a 400 (truncate:false or shift:false). */
  allowTruncate: boolean;
  keepAliveMs: number;
  loadOnly: boolean;
  /** Non-raw /api/generate returns a `context` token array. */
  returnsContext: boolean;
  /** Prompt tokens before truncation; chat drops whole old messages first when that is allowed. */
  prompt(numCtx: number): { tokens: string[]; droppedMessages: boolean };
}

type Body = Record<string, unknown>;

const THINK_LEVELS = ['low', 'medium', 'high', 'max'];

export function parseGenerate(state: ServerState, raw: unknown): GenerationJob {
  const body = asObject(raw, 'GenerateRequest');
  checkTypes(body, 'GenerateRequest', { model: 'string', prompt: 'string', suffix: 'string', system: 'string', template: 'string', raw: 'boolean', stream: 'boolean', context: 'array', options: 'object' });
  const isRaw = body.raw === true;
  const context = (body.context as unknown[] | undefined) ?? [];
  if (isRaw && (nonEmpty(body.template) || nonEmpty(body.system) || context.length > 0)) throw badRequest(RAW_MODE_UNSUPPORTED);
  const common = commonFields(state, body);
  const { model, requested } = common;
  const prompt = (body.prompt as string | undefined) ?? '';
  const suffix = (body.suffix as string | undefined) ?? '';
  if (suffix !== '' && !hasCapability(model, 'insert')) throw unsupportedCapability(requested, 'insert');
  // In raw mode the hand-built prompt decides: the model thinks when it holds <|think|>.
  const wantsThinking = thinkingFor(model, requested, common.think);
  const thinking = isRaw ? hasCapability(model, 'thinking') && prompt.includes('<|think|>') : wantsThinking;
  const system = (body.system as string | undefined) ?? '';
  const contextTokens = state.vocab.tokens(context.map(Number));
  const text = isRaw
    ? prompt
    : suffix !== ''
      ? renderInsert(prompt, suffix)
      : renderTurns(model, [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: prompt }], thinking);
  const tokens = [...(isRaw ? [] : contextTokens), ...tokenize(text)];
  return {
    ...common,
    endpoint: 'generate',
    raw: isRaw,
    thinking,
    // Omitted think: the model thinks, but /api/generate's parser drops the text.
    showThinking: thinking && common.think !== undefined && common.think !== false,
    loadOnly: prompt === '',
    returnsContext: !isRaw,
    prompt: () => ({ tokens, droppedMessages: false }),
  };
}

export function parseChat(state: ServerState, raw: unknown): GenerationJob {
  const body = asObject(raw, 'ChatRequest');
  checkTypes(body, 'ChatRequest', { model: 'string', messages: 'array', stream: 'boolean', tools: 'array', options: 'object' });
  const common = commonFields(state, body);
  const { model, requested } = common;
  const messages = ((body.messages as unknown[] | undefined) ?? []).map(toTurn);
  if (Array.isArray(body.tools) && body.tools.length > 0 && !hasCapability(model, 'tools')) throw unsupportedCapability(requested, 'tools');
  const thinking = thinkingFor(model, requested, common.think);
  const allowTruncate = common.allowTruncate;
  return {
    ...common,
    endpoint: 'chat',
    raw: false,
    thinking,
    showThinking: thinking,
    loadOnly: messages.length === 0,
    returnsContext: false,
    prompt: (numCtx) => chatPrompt(model, messages, thinking, numCtx, allowTruncate),
  };
}

/** Like Ollama's chatPrompt: keep system messages and the latest message, drop the oldest others until it fits. */
function chatPrompt(model: FakeModel, messages: PromptTurn[], thinking: boolean, numCtx: number, allowTruncate: boolean): { tokens: string[]; droppedMessages: boolean } {
  const render = (turns: PromptTurn[]): string[] => tokenize(renderTurns(model, turns, thinking));
  const full = render(messages);
  if (!allowTruncate || full.length <= numCtx) return { tokens: full, droppedMessages: false };
  const systems = messages.filter((m) => m.role === 'system');
  const others = messages.filter((m) => m.role !== 'system');
  for (let start = 1; start < others.length; start++) {
    const tokens = render([...systems, ...others.slice(start)]);
    if (tokens.length <= numCtx || start === others.length - 1) return { tokens, droppedMessages: true };
  }
  return { tokens: full, droppedMessages: false };
}

type Common = Pick<GenerationJob, 'requested' | 'model' | 'key' | 'stream' | 'numCtx' | 'loadKey' | 'numKeep' | 'numBatch' | 'numPredict' | 'stop' | 'shift' | 'allowTruncate' | 'keepAliveMs'> & {
  think: boolean | string | undefined;
};

function commonFields(state: ServerState, body: Body): Common {
  const requested = (body.model as string | undefined) ?? '';
  if (requested.trim() === '') throw badRequest('model is required');
  const keepAliveMs = parseKeepAlive(body.keep_alive);
  const think = parseThink(body.think);
  const model = state.catalog.resolve(requested);
  if (!model) throw modelNotFound(requested);
  const options = (body.options as Body | undefined) ?? {};
  const requestedCtx = numberOption(options, 'num_ctx') ?? state.defaultNumCtx;
  // A server short of memory loads the model with a smaller window than asked (Ollama does so after an out-of-memory load).
  const numCtx = Math.max(1, Math.min(requestedCtx, model.contextLength, state.memoryNumCtx ?? Infinity));
  const numBatch = numberOption(options, 'num_batch') ?? 512;
  const shift = options.shift !== false;
  const loadKey = JSON.stringify([numCtx, numBatch, options.num_gpu ?? -1, options.main_gpu ?? 0, options.use_mmap ?? null, options.num_thread ?? 0, shift]);
  const numPredict = numberOption(options, 'num_predict');
  return {
    requested,
    model,
    key: normalizeName(model.name),
    stream: body.stream !== false,
    numCtx,
    loadKey,
    numKeep: numberOption(options, 'num_keep') ?? 5,
    numBatch,
    numPredict: numPredict !== undefined && numPredict > 0 ? numPredict : undefined,
    stop: stopOption(options.stop),
    shift,
    allowTruncate: (state.ignoreTruncateFlag || body.truncate !== false) && shift,
    keepAliveMs,
    think,
  };
}

function parseThink(v: unknown): boolean | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && THINK_LEVELS.includes(v)) return v;
  throw badRequest(`invalid think value: ${JSON.stringify(v)} (must be "high", "medium", "low", "max", true, or false)`);
}

/** Thinking-capable models think unless told `think:false`; asking a model that cannot is a 400. */
function thinkingFor(model: FakeModel, requested: string, think: boolean | string | undefined): boolean {
  const canThink = hasCapability(model, 'thinking');
  if (think !== undefined && think !== false && !canThink) throw thinkingUnsupported(requested);
  return canThink && think !== false;
}

function toTurn(m: unknown, i: number): PromptTurn {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw unmarshal(kind(m), `ChatRequest.messages[${i}]`, 'api.Message');
  const msg = m as Body;
  if (msg.content !== undefined && typeof msg.content !== 'string') throw unmarshal(kind(msg.content), 'ChatRequest.messages.content', 'string');
  return { role: String(msg.role ?? 'user'), content: (msg.content as string | undefined) ?? '' };
}

function numberOption(options: Body, name: string): number | undefined {
  const v = options[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`option "${name}" must be of type integer`);
  return Math.trunc(v);
}

function stopOption(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  throw badRequest('option "stop" must be of type array');
}

function asObject(v: unknown, struct: string): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unmarshal(kind(v), '', `api.${struct}`, true);
  return v as Body;
}

const GO_TYPES: Record<string, string> = { string: 'string', boolean: 'bool', array: '[]interface {}', object: 'map[string]interface {}' };

function checkTypes(body: Body, struct: string, fields: Record<string, 'string' | 'boolean' | 'array' | 'object'>): void {
  for (const [name, type] of Object.entries(fields)) {
    const v = body[name];
    if (v === undefined || v === null) continue;
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === type;
    if (!ok) throw unmarshal(kind(v), `${struct}.${name}`, GO_TYPES[type]);
  }
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function unmarshal(jsonKind: string, field: string, goType: string, value = false): HttpError {
  return value
    ? badRequest(`json: cannot unmarshal ${jsonKind} into Go value of type ${goType}`)
    : badRequest(`json: cannot unmarshal ${jsonKind} into Go struct field ${field} of type ${goType}`);
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v !== '';
}
