// `hearth`: the same core as the editor, from a terminal. Exit codes: 0 success/healthy,
// 1 a problem was found, 2 wrong usage.
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig, type HearthConfig, type SettingValue } from '../core/config';
import { formatDoctor, runDoctor } from '../core/doctor';
import { ModelError } from '../core/errors';
import type { ModelBackend } from '../core/model/backend';
import { decideNumCtx } from '../core/model/numCtx';
import { OllamaBackend } from '../node/ollama/ollamaBackend';
import { readTextFile } from '../node/fs/readText';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../core/completion/engine';
import { cursorSliceFromText } from '../core/completion/cursorText';
import { NO_CONTEXT } from '../core/completion/types';
import { silentLogger } from '../core/log';
import { ModelService } from '../core/model/service';
import { TokenEstimator } from '../core/model/tokens';
import { EditorContextProvider } from '../core/index/editorContext';
import type { OpenDocument } from '../core/index/similar';
import { languageIdForPath } from '../core/completion/cursorText';
import { renderContextSection } from '../core/prompt/completionPrompt';
import { IndexService, type IndexStats } from '../node/index/indexService';
import { cliCacheFile } from '../node/index/cachePath';
import { isSecretPath } from '../node/index/walk';

const USAGE = `Usage: hearth [--host URL] [--model NAME] [--json] <command>

Commands:
  models                    List the server's models with capabilities and context lengths
  doctor                    Check the server, the configured models, thinking and the context window
  complete FILE:LINE:COL    Complete at a position (1-based, as editors show it), through the same
                            pipeline the editor uses; prints the completion, or with --json also the
                            prompt route, prompt tokens and timings
  index                     Index the repository (--repo, default .): files, bytes, symbols, time,
                            MB/s, cache hits
  context FILE:LINE:COL     The repository context the editor would add to a completion prompt there
                            (--budget N tokens, default 2048; --open for the editor's open tabs)

Options:
  --host URL     Ollama server (default: $OLLAMA_HOST, else http://127.0.0.1:11434)
  --model NAME   Model to check (default: gemma4:e4b)
  --context N    Context window: "auto" or a number of tokens (default: auto)
  --repo DIR     Repository root for index/context/complete (default: the current directory)
  --budget N     Context budget in tokens for context/complete (default: 2048)
  --open FILES   Files standing for the editor's open tabs, most recent first, comma-separated:
                 context/complete then add windows from them that look like the code at the cursor
  --json         Machine-readable output
  -h, --help     This help
`;

export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        model: { type: 'string' },
        context: { type: 'string' },
        repo: { type: 'string' },
        budget: { type: 'string' },
        open: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const arity: Record<string, number> = { models: 1, doctor: 1, complete: 2, index: 1, context: 2 };
  if (!command || arity[command] !== positionals.length) {
    io.err(`${command ? `Unknown command: ${positionals.join(' ')}\n\n` : ''}${USAGE}`);
    return 2;
  }

  const flags: Record<string, unknown> = {
    'hearth.serverUrl': values.host,
    'hearth.model': values.model,
    'hearth.contextSize': values.context === undefined ? undefined : /^\d+$/.test(values.context) ? Number(values.context) : values.context,
  };
  const read = (key: string): SettingValue => ({ value: flags[key], isSet: flags[key] !== undefined });
  const { config, warnings } = readConfig(read, { OLLAMA_HOST: io.env.OLLAMA_HOST });
  for (const w of warnings) io.err(`warning: ${w.key}: ${w.message}`);
  const backend = new OllamaBackend(config.serverUrl, { headers: config.requestHeaders });

  const json = values.json ?? false;
  const repo = resolve(values.repo ?? '.');
  const budget = values.budget === undefined ? config.completionContextTokens : Number(values.budget);
  if (!Number.isInteger(budget) || budget < 0) {
    io.err(`--budget takes a whole number of tokens, got ${values.budget}`);
    return 2;
  }
  if (command === 'index') return indexCommand(repo, json, io);
  const open = (values.open ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (command === 'context') return contextCommand(positionals[1], repo, budget, open, json, io);
  if (command === 'complete') return complete(positionals[1], backend, config, repo, budget, open, json, io);
  return command === 'models' ? models(backend, config, json, io) : doctor(backend, config, json, io);
}

async function models(backend: ModelBackend, config: HearthConfig, json: boolean, io: CliIO): Promise<number> {
  let list;
  try {
    list = await backend.list();
  } catch (e) {
    return fail(e, json, io);
  }
  const rows = await Promise.all(list.map(async (m) => {
    try {
      const d = await backend.describe(m.name);
      return { name: m.name, family: d.family, parameterSize: d.parameterSize, quantization: d.quantization, sizeBytes: m.sizeBytes, capabilities: d.capabilities, contextLength: d.contextLength ?? m.contextLength, numCtx: decideNumCtx(config.contextSize, d.contextLength ?? m.contextLength).numCtx, promptFormat: d.promptFormat };
    } catch (e) {
      return { name: m.name, error: ModelError.is(e) ? e.message : String(e) };
    }
  }));
  if (json) {
    io.out(JSON.stringify({ serverUrl: backend.url, models: rows }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    io.out(`No models on ${backend.url}. Pull one: ollama pull gemma4:e4b`);
    return 0;
  }
  const table = rows.map((r) => 'error' in r
    ? [r.name, '?', '?', '?', `error: ${r.error}`]
    : [r.name, r.parameterSize ?? '?', r.contextLength !== undefined ? String(r.contextLength) : '?', String(r.numCtx), r.capabilities.join(',')]);
  io.out(formatTable(['MODEL', 'SIZE', 'TRAINED CTX', 'NUM_CTX', 'CAPABILITIES'], table));
  return 0;
}

async function doctor(backend: ModelBackend, config: HearthConfig, json: boolean, io: CliIO): Promise<number> {
  const report = await runDoctor(backend, config);
  io.out(json ? JSON.stringify(report, null, 2) : formatDoctor(report));
  return report.healthy ? 0 : 1;
}

/** Reads FILE:LINE:COL into the editor's slice around that cursor; the file's path is made repo-relative. */
async function cursorAt(where: string, repo: string, command: string, io: CliIO): Promise<{ slice: ReturnType<typeof cursorSliceFromText>; file: string; line: number; col: number } | number> {
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  if (!m) {
    io.err(`${command} takes FILE:LINE:COL (1-based), e.g. src/app.ts:12:5; got ${where}`);
    return 2;
  }
  const [, file, line, col] = m;
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    io.err(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const rel = relative(repo, resolve(file)).split(sep).join('/');
  try {
    return { slice: cursorSliceFromText(text, Number(line) - 1, Number(col) - 1, rel.startsWith('..') ? file : rel), file, line: Number(line), col: Number(col) };
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e));
    return 2;
  }
}

/** Builds (or warms from cache) the index of `repo`, with the CLI's cache in the user's cache directory. */
async function openIndex(repo: string, io: CliIO): Promise<{ service: IndexService; stats: IndexStats }> {
  const service = new IndexService({ root: repo, cacheFile: cliCacheFile(repo, io.env), logger: silentLogger });
  const stats = await service.build();
  return { service, stats };
}

async function indexCommand(repo: string, json: boolean, io: CliIO): Promise<number> {
  const { service, stats } = await openIndex(repo, io);
  await service.dispose();
  if (json) io.out(JSON.stringify({ repo, ...stats, ms: Math.round(stats.ms), mbPerSec: Number(stats.mbPerSec.toFixed(2)) }, null, 2));
  else {
    const skipped = Object.entries(stats.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
    io.out(`${stats.files} files, ${(stats.bytes / 1048576).toFixed(1)} MB, ${stats.symbols} symbols in ${Math.round(stats.ms)} ms (${stats.mbPerSec.toFixed(1)} MB/s); ${stats.cacheHits} from cache, ${stats.parsed} parsed, ${stats.errors} failed${skipped ? `; skipped ${skipped}` : ''}`);
  }
  return 0;
}

/**
 * The editor's context provider on the CLI's index: definitions, then windows of the `open` files
 * (as tabs). Like the editor, only files the index admitted count as open tabs.
 */
async function editorContext(service: IndexService, repo: string, open: readonly string[], io: CliIO): Promise<EditorContextProvider> {
  const estimator = new TokenEstimator();
  const provider = EditorContextProvider.create(service.index, { estimate: (t) => estimator.estimate(t), snippet: (d) => service.snippet(d) });
  const docs: OpenDocument[] = [];
  for (const file of open) {
    const path = relative(repo, resolve(file)).split(sep).join('/');
    if (!service.index.file(path)) {
      io.err(`warning: --open ${file}: not in the index (ignored, secret-looking, too large or not source), so not offered`);
      continue;
    }
    try {
      const text = await readTextFile(resolve(repo, path));
      docs.push({ path, languageId: languageIdForPath(path), version: 1, text: () => text });
    } catch (e) {
      io.err(`warning: --open ${file}: cannot read it (${e instanceof Error ? e.message : String(e)}), so not offered`);
    }
  }
  provider.similar.setDocuments(docs);
  return provider;
}

async function contextCommand(where: string, repo: string, budget: number, open: readonly string[], json: boolean, io: CliIO): Promise<number> {
  const at = await cursorAt(where, repo, 'context', io);
  if (typeof at === 'number') return at;
  const { service } = await openIndex(repo, io);
  try {
    const provider = await editorContext(service, repo, open, io);
    const items = provider.assemble(at.slice.cursor, budget);
    const text = renderContextSection(items);
    const tokens = items.reduce((n, s) => n + s.tokens, 0);
    if (json) {
      io.out(JSON.stringify({ budget, tokens, items: items.map((s) => ({ kind: s.kind, path: s.path, startLine: s.startLine + 1, endLine: s.endLine + 1, symbol: s.symbol, tokens: s.tokens })), text }, null, 2));
    } else {
      io.out(text || '(no repository context for this position)');
      io.err(`${items.length} items, ${tokens} of ${budget} tokens`);
    }
    return 0;
  } finally {
    await service.dispose();
  }
}

async function complete(where: string, backend: ModelBackend, config: HearthConfig, repo: string, budget: number, open: readonly string[], json: boolean, io: CliIO): Promise<number> {
  const at = await cursorAt(where, repo, 'complete', io);
  if (typeof at === 'number') return at;
  if (isSecretPath(at.slice.cursor.path)) {
    io.err(`${at.file} looks like a secret (.env, key, certificate, credentials): Hearth never sends it to a model.`);
    return 1;
  }
  const { file, line, col, slice } = at;
  const service = new ModelService(backend, config, silentLogger);
  const index = budget > 0 ? (await openIndex(repo, io)).service : undefined;
  const engine = new CompletionEngine({
    session: () => service.session('completion'),
    context: index ? await editorContext(index, repo, open, io) : NO_CONTEXT,
    logger: silentLogger,
    settings: { ...DEFAULT_COMPLETION_SETTINGS, contextTokens: budget },
  });
  const outcome = await engine.complete({ document: file, cursor: slice.cursor, prefixFirstLine: slice.prefixFirstLine, trigger: 'manual' });
  await index?.dispose();
  if (json) {
    io.out(JSON.stringify({
      file, line, column: col, completion: outcome.text ?? null, reason: outcome.reason ?? null,
      error: outcome.error ? { reason: outcome.error.reason, message: outcome.error.message, fix: outcome.error.fix } : null,
      route: outcome.route ?? null, shape: outcome.shape ?? null, stopReason: outcome.stopReason ?? null,
      model: outcome.metrics?.model ?? null,
      contextItems: (outcome.contextItems ?? []).map((c) => ({ path: c.path, symbol: c.symbol, tokens: c.tokens })), promptTokens: outcome.metrics?.clientPromptTokens ?? null, serverPromptTokens: outcome.metrics?.serverPromptTokens ?? null,
      timings: { ...outcome.timings, timeToFirstToken: outcome.metrics?.timeToFirstTokenMs, model: outcome.metrics?.totalMs },
      metrics: outcome.metrics ?? null,
    }, null, 2));
  } else if (outcome.text !== undefined) {
    io.out(outcome.text);
  } else if (outcome.error) {
    io.err(outcome.error.userMessage);
  } else {
    io.err(`no completion: ${outcome.reason ?? 'nothing to add'}`);
  }
  return outcome.error ? 1 : 0;
}

function fail(e: unknown, json: boolean, io: CliIO): number {
  const err = ModelError.is(e) ? e : undefined;
  if (json) io.out(JSON.stringify({ error: { reason: err?.reason ?? 'badResponse', message: err?.message ?? String(e), fix: err?.fix } }, null, 2));
  else io.err(err ? err.userMessage : String(e));
  return 1;
}

function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
  }).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`hearth: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
