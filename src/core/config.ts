// The one declaration of Hearth's settings. The editor adapter reads them through `readConfig`, the
// CLI builds the same object from flags, and a unit test keeps this table and package.json in sync.

export type ContextSizeSetting = 'auto' | number;

export interface HearthConfig {
  /** Base URL of the model server, normalized (scheme, host, port; no trailing slash, never credentials). */
  readonly serverUrl: string;
  /** The model of every feature that does not name its own (`hearth.model`). */
  readonly model: string;
  readonly contextSize: ContextSizeSetting;
  readonly keepAlive: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly parallelRequests: number;
  readonly requestTimeoutSeconds: number;
  /** One entry per feature: its model, whether it is on, and its own options. */
  readonly features: FeatureConfigs;
}

export type Feature = 'completion' | 'review' | 'tests';

/** Every feature, in the order the status bar and the doctor list them. */
export const FEATURES: readonly Feature[] = ['completion', 'review', 'tests'];

/** What the status bar, the log and the doctor call each feature. */
export const FEATURE_TITLES: Readonly<Record<Feature, string>> = { completion: 'Inline completions', review: 'Review', tests: 'Test generation' };

/** What every feature has. */
export interface FeatureConfig {
  /** The model it uses: its own setting's, else `hearth.model`'s. */
  readonly model: string;
  /** The setting that chose `model` (the feature's own, or `hearth.model`), for messages that say what to change. */
  readonly modelSetting: string;
  readonly enabled: boolean;
}

export interface CompletionFeatureConfig extends FeatureConfig {
  /** Language id → enabled; "*" is the default for languages not listed. */
  readonly languages: Readonly<Record<string, boolean>>;
  readonly contextTokens: number;
  readonly warmup: boolean;
  /** Show a suggestion's first decoded words, then the whole line (`hearth.completion.earlyGhostText`). */
  readonly earlyGhostText: boolean;
}

export interface ReviewFeatureConfig extends FeatureConfig {
  /** Thinking for review models that think (`hearth.review.think`); never sent to one that does not. */
  readonly think: boolean;
}

export interface TestsFeatureConfig extends FeatureConfig {
  /** Longest run of the test runner on generated tests (`hearth.tests.runTimeoutSeconds`). */
  readonly runTimeoutSeconds: number;
}

export interface FeatureConfigs {
  readonly completion: CompletionFeatureConfig;
  readonly review: ReviewFeatureConfig;
  readonly tests: TestsFeatureConfig;
}

interface SettingSpec<T> {
  readonly key: string;
  readonly default: T;
  /** JSON-schema type as written in package.json. */
  readonly type: string | readonly string[];
  readonly markdownDescription: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:11434';

export const SETTINGS = {
  serverUrl: {
    key: 'hearth.serverUrl', type: 'string', default: DEFAULT_SERVER_URL,
    markdownDescription: 'URL of the Ollama server. When this is not set, `OLLAMA_HOST` from the environment is used if present, as the `ollama` command does.',
  },
  model: {
    key: 'hearth.model', type: 'string', default: 'gemma4:e4b',
    markdownDescription: 'Model used by every feature unless a feature names its own. Run `ollama pull gemma4:e4b` or use **Hearth: Pull Model**.',
  },
  completionModel: {
    key: 'hearth.completion.model', type: 'string', default: '',
    markdownDescription: 'Model for inline completions. Empty: `#hearth.model#`. A small model here (e.g. `gemma4:e2b`) keeps ghost text fast.',
  },
  reviewModel: {
    key: 'hearth.review.model', type: 'string', default: '',
    markdownDescription: 'Model for reviewing the staged diff. Empty: `#hearth.model#`.',
  },
  reviewThink: {
    key: 'hearth.review.think', type: 'boolean', default: true,
    markdownDescription: 'Let a review model that thinks (Gemma 4 does) think before it answers: slower, more careful findings. Its thinking is written to the log (**Hearth: Show Log**), apart, and never read as findings. Models that do not think ignore it.',
  },
  testsModel: {
    key: 'hearth.tests.model', type: 'string', default: '',
    markdownDescription: 'Model for generating tests. Empty: `#hearth.model#`.',
  },
  testsRunTimeoutSeconds: {
    key: 'hearth.tests.runTimeoutSeconds', type: 'integer', default: 60,
    markdownDescription: 'Longest run of the project\'s test runner on generated tests (each run); the runner and every process it started are killed when it is over.',
    minimum: 5, maximum: 1800,
  },
  contextSize: {
    key: 'hearth.contextSize', type: ['string', 'integer'], default: 'auto' as ContextSizeSetting,
    markdownDescription: 'Context window (`num_ctx`) sent with **every** request to a model, the same for all features so the model is never reloaded. `auto`: the model\'s trained length, at most 32768 tokens. A number: that many tokens (at least 2048, at most the trained length).',
    minimum: 2048,
  },
  keepAlive: {
    key: 'hearth.keepAlive', type: 'string', default: '30m',
    markdownDescription: 'How long Ollama keeps the model loaded after a request (`keep_alive`), e.g. `30m`, `2h`, `-1` (forever). The same value is sent with every request.',
  },
  requestHeaders: {
    key: 'hearth.requestHeaders', type: 'object', default: {} as Record<string, string>,
    markdownDescription: 'Extra HTTP headers sent with every request, for a remote server behind a proxy that needs them (e.g. `{"Authorization": "Bearer …"}`).',
  },
  parallelRequests: {
    key: 'hearth.parallelRequests', type: 'integer', default: 1,
    markdownDescription: 'Requests Hearth keeps in flight per server. Match the server\'s `OLLAMA_NUM_PARALLEL` (1 by default); more only queue on the server.',
    minimum: 1, maximum: 16,
  },
  requestTimeoutSeconds: {
    key: 'hearth.requestTimeoutSeconds', type: 'integer', default: 600,
    markdownDescription: 'Longest wait for a model request, including loading the model. Hearth has no other hidden timeout.',
    minimum: 5, maximum: 7200,
  },
  completionEnabled: {
    key: 'hearth.completion.enabled', type: 'boolean', default: true,
    markdownDescription: 'Show inline completions (ghost text) as you type. Pause and resume from the status bar; trigger by hand with `Alt+\\`.',
  },
  completionLanguages: {
    key: 'hearth.completion.languages', type: 'object',
    default: { '*': true, plaintext: false, markdown: false, scminput: false } as Record<string, boolean>,
    markdownDescription: 'Inline completions per language id; `"*"` applies to languages not listed. Example: `{"*": true, "markdown": false}`.',
  },
  completionWarmup: {
    key: 'hearth.completion.warmup', type: 'boolean', default: true,
    markdownDescription: 'When the cursor comes to rest in a new place (a file opened, a click elsewhere), send the prompt a completion there would use for the server to prefill, so the first ghost text there comes as fast as the rest; also at once, while you type, when the index has finished building, the model has become reachable, or you start typing in a file no prompt was made for. One short request at low priority; turn off to save GPU time.',
  },
  completionEarlyGhostText: {
    key: 'hearth.completion.earlyGhostText', type: 'boolean', default: false,
    markdownDescription: 'Experimental: show a suggestion\'s first words as soon as the model has decoded them, and the whole line when it is done, instead of waiting for the whole line. Off by default: in a real editor on a large file, suggestions after the whole line replaced the first words were sometimes not shown.',
  },
  completionContextTokens: {
    key: 'hearth.completion.contextTokens', type: 'integer', default: 2048,
    markdownDescription: 'Tokens of repository context (definitions from other files) added to each completion prompt. The prompt keeps this part stable between keystrokes so the server\'s prompt cache can reuse it.',
    minimum: 0, maximum: 32768,
  },
} as const satisfies Record<string, SettingSpec<unknown>>;

/**
 * Each feature's own settings: the model it names (empty: `hearth.model`) and the switch that turns
 * it on (none: always on). A feature's options are read into its entry by `readConfig`.
 */
export const FEATURE_SETTINGS = {
  completion: { model: SETTINGS.completionModel, enabled: SETTINGS.completionEnabled },
  review: { model: SETTINGS.reviewModel },
  tests: { model: SETTINGS.testsModel },
} as const satisfies Record<Feature, { readonly model: SettingSpec<string>; readonly enabled?: SettingSpec<boolean> }>;

/** What a settings source knows about one key: its value and whether the user set it at all. */
export interface SettingValue {
  readonly value: unknown;
  readonly isSet: boolean;
}

export interface ConfigWarning {
  readonly key: string;
  readonly message: string;
}

/** A server address that could not be used: where it came from, shown without credentials, and why. */
export interface InvalidServerAddress {
  readonly source: 'hearth.serverUrl' | 'OLLAMA_HOST';
  /** The address as written, credentials hidden. */
  readonly address: string;
  readonly reason: string;
}

/**
 * Builds the typed configuration from any settings source. Invalid values fall back to the default
 * with a warning rather than failing: a typo in settings.json must not switch the extension off.
 * An invalid server address is also reported in `invalidServer`, for front ends (the CLI) that
 * must refuse it rather than talk to another server.
 */
export function readConfig(
  read: (key: string) => SettingValue,
  env: { readonly OLLAMA_HOST?: string } = {},
): { config: HearthConfig; warnings: ConfigWarning[]; invalidServer?: InvalidServerAddress } {
  const warnings: ConfigWarning[] = [];
  const warn = (key: string, message: string) => warnings.push({ key, message });

  const str = (spec: SettingSpec<string>): string => {
    const v = read(spec.key).value;
    if (v === undefined || v === null) return spec.default;
    if (typeof v !== 'string') { warn(spec.key, `expected a string; using "${spec.default}"`); return spec.default; }
    return v.trim();
  };
  const int = (spec: SettingSpec<number>): number => {
    const v = read(spec.key).value;
    if (v === undefined || v === null) return spec.default;
    if (typeof v !== 'number' || !Number.isInteger(v) || (spec.minimum !== undefined && v < spec.minimum) || (spec.maximum !== undefined && v > spec.maximum)) {
      warn(spec.key, `expected a whole number${spec.minimum !== undefined ? ` from ${spec.minimum}` : ''}${spec.maximum !== undefined ? ` to ${spec.maximum}` : ''}; using ${spec.default}`);
      return spec.default;
    }
    return v;
  };

  const bool = (spec: SettingSpec<boolean>): boolean => {
    const v = read(spec.key).value;
    if (v === undefined || v === null) return spec.default;
    if (typeof v !== 'boolean') { warn(spec.key, `expected true or false; using ${spec.default}`); return spec.default; }
    return v;
  };

  const urlSetting = read(SETTINGS.serverUrl.key);
  const fromSetting = urlSetting.isSet && typeof urlSetting.value === 'string' && urlSetting.value.trim() !== '';
  const fromEnv = !fromSetting && !!env.OLLAMA_HOST?.trim();
  const rawUrl = fromSetting ? String(urlSetting.value) : fromEnv ? String(env.OLLAMA_HOST) : SETTINGS.serverUrl.default;
  let server: ServerAddress;
  let invalidServer: InvalidServerAddress | undefined;
  try {
    server = parseServerUrl(rawUrl);
  } catch (e) {
    const source = fromEnv ? 'OLLAMA_HOST' : SETTINGS.serverUrl.key;
    invalidServer = { source, address: hideCredentials(rawUrl), reason: e instanceof Error ? e.message : String(e) };
    warn(source, `"${invalidServer.address}" is not a valid server address (${invalidServer.reason}); using ${DEFAULT_SERVER_URL} instead`);
    server = { url: DEFAULT_SERVER_URL };
  }
  const serverUrl = server.url;

  const ctxRaw = read(SETTINGS.contextSize.key).value;
  let contextSize: ContextSizeSetting = 'auto';
  if (typeof ctxRaw === 'number' && Number.isInteger(ctxRaw) && ctxRaw >= MIN_NUM_CTX) contextSize = ctxRaw;
  else if (typeof ctxRaw === 'string' && /^\d+$/.test(ctxRaw.trim()) && Number(ctxRaw) >= MIN_NUM_CTX) contextSize = Number(ctxRaw);
  else if (ctxRaw !== undefined && ctxRaw !== null && ctxRaw !== 'auto') warn(SETTINGS.contextSize.key, `expected "auto" or a number of tokens ≥ ${MIN_NUM_CTX}; using "auto"`);

  const headersRaw = read(SETTINGS.requestHeaders.key).value;
  const requestHeaders: Record<string, string> = {};
  if (headersRaw && typeof headersRaw === 'object' && !Array.isArray(headersRaw)) {
    for (const [k, v] of Object.entries(headersRaw as Record<string, unknown>)) {
      if (typeof v === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k)) requestHeaders[k] = v;
      else warn(SETTINGS.requestHeaders.key, `header "${k}" ignored: names are tokens and values strings`);
    }
  } else if (headersRaw !== undefined && headersRaw !== null) {
    warn(SETTINGS.requestHeaders.key, 'expected an object of header names to strings; ignored');
  }
  if (server.credentials !== undefined) {
    // Credentials in the address are sent the way a browser would, as Basic authentication; the
    // address itself is used (and shown) without them.
    if (Object.keys(requestHeaders).some((k) => k.toLowerCase() === 'authorization')) {
      warn(SETTINGS.serverUrl.key, `the user name and password in the server address are not sent: ${SETTINGS.requestHeaders.key} sets Authorization`);
    } else {
      requestHeaders.Authorization = basicAuthorization(server.credentials);
    }
  }

  const model = str(SETTINGS.model) || SETTINGS.model.default;
  const keepAlive = str(SETTINGS.keepAlive) || SETTINGS.keepAlive.default;
  if (!isKeepAlive(keepAlive)) warn(SETTINGS.keepAlive.key, `"${keepAlive}" is not a duration like 30m, 2h, 300 or -1; using ${SETTINGS.keepAlive.default}`);

  const feature = (f: Feature): FeatureConfig => {
    const spec: { readonly model: SettingSpec<string>; readonly enabled?: SettingSpec<boolean> } = FEATURE_SETTINGS[f];
    const own = str(spec.model);
    return { model: own || model, modelSetting: own ? spec.model.key : SETTINGS.model.key, enabled: spec.enabled ? bool(spec.enabled) : true };
  };

  const config: HearthConfig = {
    serverUrl,
    model,
    contextSize,
    keepAlive: isKeepAlive(keepAlive) ? keepAlive : SETTINGS.keepAlive.default,
    requestHeaders,
    parallelRequests: int(SETTINGS.parallelRequests),
    requestTimeoutSeconds: int(SETTINGS.requestTimeoutSeconds),
    features: {
      completion: {
        ...feature('completion'),
        languages: languages(read(SETTINGS.completionLanguages.key).value, warn),
        contextTokens: int(SETTINGS.completionContextTokens),
        warmup: bool(SETTINGS.completionWarmup),
        earlyGhostText: bool(SETTINGS.completionEarlyGhostText),
      },
      review: { ...feature('review'), think: bool(SETTINGS.reviewThink) },
      tests: { ...feature('tests'), runTimeoutSeconds: int(SETTINGS.testsRunTimeoutSeconds) },
    },
  };
  return invalidServer ? { config, warnings, invalidServer } : { config, warnings };
}

export const MIN_NUM_CTX = 2048;

function languages(v: unknown, warn: (key: string, message: string) => void): Record<string, boolean> {
  const out: Record<string, boolean> = { ...SETTINGS.completionLanguages.default };
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) {
    warn(SETTINGS.completionLanguages.key, 'expected an object of language ids to true/false; using the default');
    return out;
  }
  for (const [k, b] of Object.entries(v as Record<string, unknown>)) {
    if (typeof b === 'boolean') out[k] = b;
    else warn(SETTINGS.completionLanguages.key, `"${k}" ignored: use true or false`);
  }
  return out;
}

/** Whether inline completions are on for a language under these settings. */
export function completionEnabledFor(config: HearthConfig, languageId: string): boolean {
  const completion = config.features.completion;
  if (!completion.enabled) return false;
  return completion.languages[languageId] ?? completion.languages['*'] ?? true;
}

export function modelFor(config: HearthConfig, feature: Feature): string {
  return config.features[feature].model;
}

/** The models these features use, each with the features that use it, in feature order. */
export function modelsInUse(config: HearthConfig, features: readonly Feature[] = FEATURES): Map<string, Feature[]> {
  const byModel = new Map<string, Feature[]>();
  for (const f of features) {
    const m = modelFor(config, f);
    byModel.set(m, [...(byModel.get(m) ?? []), f]);
  }
  return byModel;
}

/** Go-style durations Ollama accepts for keep_alive, plain seconds, or -1. */
export function isKeepAlive(s: string): boolean {
  return /^-?\d+$/.test(s) || /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s);
}

/** A server address: the URL to connect to (no credentials) and the credentials it carried, if any. */
export interface ServerAddress {
  readonly url: string;
  /** `user:password` as decoded from the address's userinfo. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/**
 * Turns what people write for a server address (`OLLAMA_HOST` style: `host`, `host:port`, `:port`,
 * `0.0.0.0`, `http://host`, with or without a path) into a URL a client can connect to. Follows the
 * `ollama` command's rules: no scheme means http on port 11434; an explicit http/https scheme without
 * a port means 80/443. A bind-all address (0.0.0.0, ::) means this machine. The URL never carries
 * credentials: `user:password@` is returned apart. Errors never quote the address (which may hold
 * a password); callers show it through `hideCredentials`.
 */
export function parseServerUrl(raw: string): ServerAddress {
  let s = raw.trim();
  if (s === '') throw new Error('it is empty');
  let scheme = 'http';
  let defaultPort = '11434';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(s);
  if (m) {
    scheme = m[1].toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') throw new Error('the scheme must be http:// or https://');
    defaultPort = scheme === 'https' ? '443' : '80';
    s = s.slice(m[0].length);
  }
  const slash = s.indexOf('/');
  let path = slash >= 0 ? s.slice(slash) : '';
  let hostport = slash >= 0 ? s.slice(0, slash) : s;
  if (/[?#]/.test(hostport) || /[?#]/.test(path)) throw new Error('a query or fragment has no place in a server address');
  let credentials: ServerAddress['credentials'];
  const at = hostport.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = hostport.slice(0, at);
    hostport = hostport.slice(at + 1);
    const colon = userinfo.indexOf(':');
    try {
      credentials = {
        username: decodeURIComponent(colon >= 0 ? userinfo.slice(0, colon) : userinfo),
        password: colon >= 0 ? decodeURIComponent(userinfo.slice(colon + 1)) : '',
      };
    } catch {
      throw new Error('the user name or password is not valid percent-encoding');
    }
  }
  path = path.replace(/\/+$/, '');
  let host: string;
  let port: string;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostport);
  if (bracket) {
    host = `[${bracket[1]}]`;
    port = bracket[2] ?? defaultPort;
  } else if ((hostport.match(/:/g) ?? []).length > 1) {
    host = `[${hostport}]`; // a bare IPv6 address
    port = defaultPort;
  } else {
    const i = hostport.lastIndexOf(':');
    host = i >= 0 ? hostport.slice(0, i) : hostport;
    port = i >= 0 ? hostport.slice(i + 1) : defaultPort;
  }
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '[::]') host = '[::1]';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new Error('the port must be a number up to 65535');
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(host)) throw new Error('the host name has characters a host name cannot have');
  hostport = `${host}:${port}`;
  const url = `${scheme}://${hostport}${path}`;
  return credentials ? { url, credentials } : { url };
}

/** The URL of `parseServerUrl`: normalized, without credentials. Throws on an invalid address. */
export function normalizeServerUrl(raw: string): string {
  return parseServerUrl(raw).url;
}

/**
 * A server address as written, safe to show: whatever precedes the last `@` before the host (the
 * user name and password, even unencoded ones holding `/` or `@`) becomes `***`.
 */
export function hideCredentials(raw: string): string {
  const s = raw.trim();
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(s)?.[0] ?? '';
  return `${scheme}***${s.slice(at)}`;
}

/** The Authorization header value for HTTP Basic authentication (RFC 7617, UTF-8). */
export function basicAuthorization(c: { readonly username: string; readonly password: string }): string {
  const bytes = new TextEncoder().encode(`${c.username}:${c.password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
