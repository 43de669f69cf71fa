// FakeOllama: an HTTP server speaking Ollama's wire protocol, with a request log, scripted replies
// and fault injection for tests.
import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { LoadedModels } from './cache';
import { now } from './clock';
import type { Exchange, ServerState } from './context';
import { ClientGone, HttpError, NOT_FOUND_PAGE, badRequest, modelNotFound } from './errors';
import { runGeneration } from './generation';
import { psEntry, showBody, tagsEntry } from './listing';
import { ALL_MODELS, DEFAULT_MODELS, type FakeModel, ModelCatalog, normalizeName } from './models';
import { handlePull } from './pull';
import { SlotQueue } from './queue';
import { DEFAULT_REPLY_TEXT } from './reply';
import { parseChat, parseGenerate } from './requests';
import { Vocabulary, countTokens } from './tokens';
import { type FakeOllamaOptions, INSTANT, type LatencyModel, type RecordedRequest, type ReplySource, type ScriptedReply } from './types';
import { parseJson, readBody, sendJson, sendText } from './wire';

type Route = (ex: Exchange, body: unknown) => Promise<void> | void;

export class FakeOllama {
  readonly requests: RecordedRequest[] = [];
  private readonly state: ServerState;
  private readonly catalog: ModelCatalog;
  private readonly loaded = new LoadedModels();
  private readonly queues = new Map<string, SlotQueue>();
  private readonly replies: ReplySource[] = [];
  private readonly failures = new Map<string, Array<{ status: number; message: string }>>();
  private readonly events = new EventEmitter();
  private readonly sockets = new Set<Socket>();
  private latency: LatencyModel;
  private defaultReply: (req: RecordedRequest) => ScriptedReply = defaultReply;
  private server: Server | undefined;
  private baseUrl = '';
  private nextId = 1;
  private reloadCount = 0;

  constructor(opts: FakeOllamaOptions = {}) {
    this.catalog = new ModelCatalog(opts.models ?? DEFAULT_MODELS);
    this.latency = { ...INSTANT, ...opts.latency };
    this.events.setMaxListeners(0);
    this.state = {
      catalog: this.catalog,
      registry: new ModelCatalog(opts.pullable ?? ALL_MODELS),
      loaded: this.loaded,
      vocab: new Vocabulary(),
      version: opts.version ?? '0.33.0',
      defaultNumCtx: opts.defaultNumCtx ?? 4096,
      ignoreTruncateFlag: opts.ignoreTruncateFlag ?? false,
      memoryNumCtx: opts.memoryNumCtx,
      maxQueue: opts.maxQueue ?? 512,
      pullStepMs: opts.pullStepMs ?? 20,
      latency: () => this.latency,
      queueFor: (model) => this.queueFor(model),
      totalWaiting: () => [...this.queues.values()].reduce((n, q) => n + q.waiting, 0),
      takeReply: (rec) => this.takeReply(rec),
      countReload: () => {
        this.reloadCount++;
      },
    };
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Count of model loads and reloads. */
  get reloads(): number {
    return this.reloadCount;
  }

  /** Starts listening; port 0 (the default) picks a free port. Resolves the base URL. */
  start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) return Promise.resolve(this.baseUrl);
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const addr = server.address();
        const actualPort = typeof addr === 'object' && addr ? addr.port : port;
        this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
        resolve(this.baseUrl);
      });
    });
  }

  /** Closes the server and destroys open connections (in-flight generations stop at once). */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  setLatency(l: Partial<LatencyModel>): void {
    this.latency = { ...this.latency, ...l };
  }

  /** Queues a one-shot reply for the next generate/chat request (in arrival order). */
  reply(r: ReplySource): void {
    this.replies.push(r);
  }

  /** The reply used when the queue is empty. */
  setDefaultReply(fn: (req: RecordedRequest) => ScriptedReply): void {
    this.defaultReply = fn;
  }

  addModel(m: FakeModel): void {
    this.catalog.add(m);
  }

  removeModel(name: string): void {
    this.catalog.remove(name);
    this.loaded.unload(normalizeName(name));
  }

  /** The next request to `path` (e.g. '/api/generate') fails with this status and {"error": message}. */
  failNext(path: string, err: { status: number; message: string }): void {
    const list = this.failures.get(path) ?? [];
    list.push(err);
    this.failures.set(path, list);
  }

  /** Unloads every model, as if all keep-alives had expired. */
  unloadAll(): void {
    this.loaded.unloadAll();
  }

  /** Normalised names of the models loaded right now. */
  loadedModels(): string[] {
    return this.loaded.list().map((i) => i.name);
  }

  /** Resolves with the first recorded request (past or future) matching `pred`. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const found = this.requests.find(pred);
    if (found) return Promise.resolve(found);
    return this.waitFor((r) => pred(r), timeoutMs, 'waitForRequest');
  }

  /** Resolves when the response to `r` ended or its client closed the connection. */
  waitForClose(r: RecordedRequest, timeoutMs = 5000): Promise<void> {
    const closed = (x: RecordedRequest): boolean => x.endedAt !== undefined || x.clientClosedAt !== undefined;
    if (closed(r)) return Promise.resolve();
    return this.waitFor((x) => x === r && closed(x), timeoutMs, 'waitForClose').then(() => undefined);
  }

  countTokens(text: string): number {
    return countTokens(text);
  }

  /** No generation running or waiting for its model's slot (a prefill a client left still runs to its end, as in Ollama). */
  get idle(): boolean {
    return [...this.queues.values()].every((q) => q.idle && q.waiting === 0);
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  private waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs: number, what: string): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const onUpdate = (r: RecordedRequest): void => {
        if (!pred(r)) return;
        cleanup();
        resolve(r);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('update', onUpdate);
      };
      this.events.on('update', onUpdate);
    });
  }

  private queueFor(model: string): SlotQueue {
    let q = this.queues.get(model);
    if (!q) {
      q = new SlotQueue();
      this.queues.set(model, q);
    }
    return q;
  }

  private takeReply(rec: RecordedRequest): ScriptedReply {
    const next = this.replies.shift();
    const scripted = typeof next === 'function' ? next(rec) : next;
    return scripted ?? this.defaultReply(rec);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const controller = new AbortController();
    const rec: RecordedRequest = {
      id: this.nextId++,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://fake').pathname,
      body: undefined,
      headers: { ...req.headers },
      receivedAt,
    };
    const touch = (): void => {
      this.events.emit('update', rec);
    };
    res.once('finish', () => {
      rec.endedAt = now();
      touch();
    });
    res.once('close', () => {
      if (res.writableFinished) return;
      rec.clientClosedAt = now();
      controller.abort();
      touch();
    });
    const ex: Exchange = { req, res, rec, signal: controller.signal, touch };

    try {
      const text = await readBody(req);
      const parsed = text === '' ? undefined : parseJson(text);
      rec.body = parsed?.ok ? parsed.value : undefined;
      this.requests.push(rec);
      touch();

      const failure = this.failures.get(rec.path)?.shift();
      if (failure) {
        sendJson(res, rec, failure.status, { error: failure.message });
        return;
      }
      const route = this.route(rec.method, rec.path);
      if (!route) {
        sendText(res, rec, 404, NOT_FOUND_PAGE);
        return;
      }
      if (rec.method === 'POST' && parsed && !parsed.ok) throw badRequest(parsed.error);
      if (rec.method === 'POST' && !parsed && rec.path !== '/api/pull') throw badRequest('missing request body');
      await route(ex, rec.body);
    } catch (e) {
      if (e instanceof ClientGone) return;
      if (e instanceof HttpError) sendJson(res, rec, e.status, { error: e.message });
      else if (!res.headersSent) sendJson(res, rec, 500, { error: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    }
  }

  private route(method: string, path: string): Route | undefined {
    const get = method === 'GET' || method === 'HEAD';
    switch (path) {
      case '/':
        return get ? (ex) => sendText(ex.res, ex.rec, 200, 'Ollama is running') : undefined;
      case '/api/version':
        return get ? (ex) => sendJson(ex.res, ex.rec, 200, { version: this.state.version }) : undefined;
      case '/api/tags':
        return get ? (ex) => sendJson(ex.res, ex.rec, 200, { models: this.catalog.list().map(tagsEntry) }) : undefined;
      case '/api/ps':
        return get ? (ex) => this.ps(ex) : undefined;
      case '/api/show':
        return method === 'POST' ? (ex, body) => this.show(ex, body) : undefined;
      case '/api/delete':
        return method === 'DELETE' ? (ex, body) => this.delete(ex, body) : undefined;
      case '/api/pull':
        return method === 'POST' ? (ex, body) => handlePull(this.state, ex, objectBody(body)) : undefined;
      case '/api/generate':
        return method === 'POST' ? (ex, body) => runGeneration(this.state, ex, parseGenerate(this.state, body)) : undefined;
      case '/api/chat':
        return method === 'POST' ? (ex, body) => runGeneration(this.state, ex, parseChat(this.state, body)) : undefined;
      default:
        return undefined;
    }
  }

  private ps(ex: Exchange): void {
    const models = this.loaded.list().flatMap((inst) => {
      const m = this.catalog.resolve(inst.name);
      return m ? [psEntry(m, inst)] : [];
    });
    sendJson(ex.res, ex.rec, 200, { models });
  }

  private show(ex: Exchange, raw: unknown): void {
    const body = objectBody(raw);
    const name = String(body.model ?? body.name ?? '');
    if (name.trim() === '') throw badRequest('model is required');
    ex.rec.model = name;
    const m = this.catalog.resolve(name);
    if (!m) throw modelNotFound(name);
    sendJson(ex.res, ex.rec, 200, showBody(m));
  }

  private delete(ex: Exchange, raw: unknown): void {
    const body = objectBody(raw);
    const name = String(body.model ?? body.name ?? '');
    ex.rec.model = name;
    const m = this.catalog.resolve(name);
    if (!m) throw modelNotFound(name);
    this.removeModel(m.name);
    sendJson(ex.res, ex.rec, 200, {});
  }
}

function objectBody(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** Deterministic and short; valid JSON when the request asks for structured output. */
function defaultReply(req: RecordedRequest): ScriptedReply {
  const format = typeof req.body === 'object' && req.body !== null ? (req.body as { format?: unknown }).format : undefined;
  return { response: format ? '{}' : DEFAULT_REPLY_TEXT };
}
