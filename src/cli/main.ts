// `hearth`: the same core as the editor, from a terminal. Exit codes: 0 success/healthy,
// 1 a problem was found, 2 wrong usage. Wrong usage never falls back to a default: an address that
// is not one, a --repo that is not a folder, a number that is not a whole number all exit 2.
import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURE_SETTINGS, readConfig, SETTINGS, type HearthConfig, type SettingValue } from '../core/config';
import { formatDoctor, runDoctor } from '../core/doctor';
import { ModelError } from '../core/errors';
import type { ModelBackend } from '../core/model/backend';
import { decideNumCtx } from '../core/model/numCtx';
import { OllamaBackend } from '../node/ollama/ollamaBackend';
import { readTextFile } from '../node/fs/readText';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../core/completion/engine';
import { cursorSliceFromText } from '../core/text/cursorText';
import { NO_CONTEXT } from '../core/completion/types';
import { silentLogger } from '../core/log';
import { ModelService } from '../core/model/service';
import type { EditorContextProvider } from '../core/index/editorContext';
import type { OpenDocument } from '../core/index/similar';
import { languageIdForPath } from '../core/text/cursorText';
import { renderContextSection } from '../core/completion/prompt';
import type { IndexStats } from '../node/index/indexService';
import { cliCacheFile } from '../node/index/cachePath';
import { openWorkspace, type Workspace } from '../node/workspace';
import { GitRunner } from '../node/git/gitRunner';
import { PrivacyGate } from '../node/privacy/gate';
import { SecretlintRedactor } from '../node/privacy/redact';
import { redact, type Redactor } from '../core/privacy/redactor';
import { stripControls } from '../core/text/sanitize';
import { isInside, workTreeOf } from '../node/fs/paths';
import { DEFAULT_FAIL_ON, FAIL_ON, REVIEW_FORMATS, reviewCommand, type ReviewFormat } from './review';
import type { FailOn } from '../core/review/report';
import { testsCommand } from './tests';

const TIMEOUT = SETTINGS.requestTimeoutSeconds;

const USAGE = `Usage: hearth [--host URL] [--model NAME] [--json] <command>

Commands:
  models                    List the server's models with capabilities and context lengths
  doctor                    Check the server, each feature's model, thinking and the context window
  complete FILE:LINE:COL    Complete at a position (1-based, as editors show it), through the same
                            pipeline the editor uses; prints the completion, or with --json also the
                            prompt route, prompt tokens and timings
  index                     Index the repository (--repo, default .): files, bytes, symbols, time,
                            MB/s, cache hits
  context FILE:LINE:COL     The repository context the editor would add to a completion prompt there
                            (--budget N tokens, default ${SETTINGS.completionContextTokens.default}; --open for the editor's open tabs)
  review                    Review the staged changes (--staged, the default) or all uncommitted ones
                            (--uncommitted) of the repository at --repo (default .) on the review model.
                            --format text|json|sarif (default text); --fail-on high|medium|low|none
                            (default ${DEFAULT_FAIL_ON}): the least severity that makes the exit code 1.
                            Exit codes: 0 reviewed, nothing at or above --fail-on; 1 a finding at or
                            above it; 2 the review could not be completed (reason on stderr).
                            --install-hook writes a git pre-commit hook running
                            \`hearth review --staged --fail-on high\` (--force replaces a hook not Hearth's)
  tests FILE[:LINE]         Generate tests for the function, method or class at LINE (1-based), or
                            the whole FILE, on the tests model; run them with the project's own
                            runner (Vitest, Jest, Mocha, node:test, pytest, unittest, go test) in a
                            scratch file, repair failures twice, re-run 3 times to drop flaky ones,
                            and report what was kept and what was dropped, with the reason.
                            --write writes the kept tests into the test file; --json prints
                            {framework, testFile, kept:[...], dropped:[...]}. Exit codes: 0 the tests
                            were generated and checked (even if none was kept); 2 they could not be
                            (no framework found, the server unreachable, an unreadable answer),
                            the reason on stderr

Options:
  --host URL          Ollama server (default: $OLLAMA_HOST, else ${SETTINGS.serverUrl.default}).
                      A user name and password in it (http://user:pw@host:11434) are sent as
                      Basic authentication and never shown
  --model NAME        Model of every feature without its own (default: ${SETTINGS.model.default})
  --completion-model NAME, --review-model NAME, --tests-model NAME
                      A feature's own model, as hearth.completion.model etc. (complete uses
                      the completion model; doctor checks each feature's)
  --context N         Context window: "auto" or a number of tokens (default: auto)
  --timeout SECONDS   Longest wait for a model request, ${TIMEOUT.minimum} to ${TIMEOUT.maximum} (default: ${TIMEOUT.default})
  --repo DIR          Repository root. index: default the current directory. context/complete:
                      FILE must be inside it; default the git work tree holding FILE, else the
                      current directory if FILE is in it, else FILE's folder
  --budget N          Context budget in tokens for context/complete, a whole number (default: ${SETTINGS.completionContextTokens.default})
  --open FILES        Files standing for the editor's open tabs, most recent first, comma-separated:
                      context/complete then add windows from them that look like the code there
  --json              Machine-readable output
  -h, --help          This help

Exit codes: 0 success, 1 a problem was found, 2 wrong usage. HEARTH_DEBUG=1 adds stack traces to
unexpected errors.
`;

export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command that runs this CLI (node and its script), for the pre-commit hook when `hearth` is not on PATH. */
  readonly self?: readonly string[];
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    io.err(unexpectedError(e, io.env));
    return 1;
  }
}

/** An error no command expected: its message on one line; the stack only when HEARTH_DEBUG=1. */
export function unexpectedError(e: unknown, env: CliIO['env']): string {
  if (env.HEARTH_DEBUG === '1' && e instanceof Error && e.stack) return `hearth: ${e.stack}`;
  const message = e instanceof Error ? e.message : String(e);
  return `hearth: ${message.trim().replace(/\s*\n\s*/g, ' ')}`;
}

/** Commands that talk to the model server (the others only read the repository). */
const SERVER_COMMANDS = new Set(['models', 'doctor', 'complete', 'review', 'tests']);

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        model: { type: 'string' },
        'completion-model': { type: 'string' },
        'review-model': { type: 'string' },
        'tests-model': { type: 'string' },
        context: { type: 'string' },
        timeout: { type: 'string' },
        repo: { type: 'string' },
        budget: { type: 'string' },
        open: { type: 'string' },
        json: { type: 'boolean', default: false },
        staged: { type: 'boolean', default: false },
        uncommitted: { type: 'boolean', default: false },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        'install-hook': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
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
  const arity: Record<string, number> = { models: 1, doctor: 1, complete: 2, index: 1, context: 2, review: 1, tests: 2 };
  if (!command || arity[command] !== positionals.length) {
    io.err(`${command ? `Unknown command: ${positionals.join(' ')}\n\n` : ''}${USAGE}`);
    return 2;
  }

  const budget = values.budget === undefined ? undefined : wholeNumber(values.budget);
  if (budget === null) {
    io.err(`--budget takes a whole number of tokens, got ${JSON.stringify(values.budget)}`);
    return 2;
  }
  const timeout = values.timeout === undefined ? undefined : wholeNumber(values.timeout);
  if (timeout === null || (timeout !== undefined && (timeout < TIMEOUT.minimum || timeout > TIMEOUT.maximum))) {
    io.err(`--timeout takes a whole number of seconds from ${TIMEOUT.minimum} to ${TIMEOUT.maximum}, got ${JSON.stringify(values.timeout)}`);
    return 2;
  }

  const flags: Record<string, unknown> = {
    'hearth.serverUrl': values.host,
    'hearth.model': values.model,
    [FEATURE_SETTINGS.completion.model.key]: values['completion-model'],
    [FEATURE_SETTINGS.review.model.key]: values['review-model'],
    [FEATURE_SETTINGS.tests.model.key]: values['tests-model'],
    'hearth.contextSize': values.context === undefined ? undefined : /^\d+$/.test(values.context) ? Number(values.context) : values.context,
    'hearth.requestTimeoutSeconds': timeout,
  };
  const read = (key: string): SettingValue => ({ value: flags[key], isSet: flags[key] !== undefined });
  const { config, warnings, invalidServer } = readConfig(read, { OLLAMA_HOST: io.env.OLLAMA_HOST });
  // The CLI refuses an invalid address instead of warning and trying another server; an invalid
  // OLLAMA_HOST matters only to commands that use it.
  const usesServer = SERVER_COMMANDS.has(command) && !(command === 'review' && values['install-hook']);
  if (invalidServer && (invalidServer.source === 'hearth.serverUrl' || usesServer)) {
    const name = invalidServer.source === 'hearth.serverUrl' ? '--host' : 'OLLAMA_HOST';
    io.err(`${name} "${invalidServer.address}" is not a valid server address: ${invalidServer.reason}. Use http://HOST:PORT or https://HOST:PORT, e.g. ${SETTINGS.serverUrl.default}.`);
    return 2;
  }
  for (const w of warnings) {
    if (invalidServer && w.key === invalidServer.source) continue; // unused here: the address is not needed
    io.err(`warning: ${w.key}: ${w.message}`);
  }
  const backend = new OllamaBackend(config.serverUrl, { headers: config.requestHeaders });

  const json = values.json ?? false;
  if (values.repo !== undefined) {
    const problem = await notAFolder(values.repo);
    if (problem) {
      io.err(`--repo ${values.repo}: ${problem}`);
      return 2;
    }
  }
  const contextTokens = budget ?? config.features.completion.contextTokens;
  if (command === 'index') return indexCommand(resolve(values.repo ?? '.'), json, io);
  if (command === 'review') {
    if (values.staged && values.uncommitted) {
      io.err('review takes --staged or --uncommitted, not both');
      return 2;
    }
    const format = values.format ?? (json ? 'json' : 'text');
    if (!REVIEW_FORMATS.includes(format as ReviewFormat) || (json && format !== 'json')) {
      io.err(`--format takes ${REVIEW_FORMATS.join(', ')}${json ? ' (and --json means json)' : ''}, got ${JSON.stringify(values.format)}`);
      return 2;
    }
    const failOn = values['fail-on'] ?? DEFAULT_FAIL_ON;
    if (!FAIL_ON.includes(failOn as FailOn)) {
      io.err(`--fail-on takes ${FAIL_ON.join(', ')}, got ${JSON.stringify(failOn)}`);
      return 2;
    }
    return reviewCommand({
      repo: resolve(values.repo ?? '.'), scope: values.uncommitted ? 'uncommitted' : 'staged', format: format as ReviewFormat,
      failOn: failOn as FailOn, installHook: values['install-hook'] ?? false, force: values.force ?? false, context: true,
    }, backend, config, io);
  }
  if (command === 'tests') {
    const at = await testTarget(positionals[1], values.repo, io);
    if (typeof at === 'number') return at;
    return testsCommand({ ...at, write: values.write ?? false, json, context: true }, backend, config, io);
  }
  const open = (values.open ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (command === 'context' || command === 'complete') {
    const at = await cursorAt(positionals[1], values.repo, command, io);
    if (typeof at === 'number') return at;
    // Every text bound for a prompt (or printed as one) is checked for credentials by this one.
    const redactor = new SecretlintRedactor();
    if (command === 'context') return contextCommand(at, contextTokens, open, json, redactor, io);
    return complete(at, backend, config, contextTokens, open, json, redactor, io);
  }
  return command === 'models' ? models(backend, config, json, io) : doctor(backend, config, json, io);
}

/** A whole number of something written in decimal digits, or null. */
function wholeNumber(s: string): number | null {
  return /^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null;
}

/** Why `dir` cannot be a repository root, or undefined when it is a folder. */
async function notAFolder(dir: string): Promise<string | undefined> {
  try {
    return (await stat(dir)).isDirectory() ? undefined : 'not a folder (give the repository\'s root folder)';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such folder' : `cannot open it (${code ?? String(e)})`;
  }
}

/**
 * The repository a FILE belongs to when no --repo is given: the git work tree holding it (the
 * nearest folder up from the file with a `.git` folder or file, found without running git), else
 * the current directory when the file is inside it, else the file's own folder. Never a folder the
 * file is not in: indexing the current directory for a file elsewhere indexed the wrong tree.
 */
async function repoOf(file: string): Promise<string> {
  const tree = await workTreeOf(file);
  if (tree) return tree;
  const cwd = process.cwd();
  return isInside(cwd, file) ? cwd : dirname(file);
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

interface CursorAt {
  readonly slice: ReturnType<typeof cursorSliceFromText>;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The repository root the file is inside (absolute). */
  readonly repo: string;
}

/**
 * Reads FILE:LINE:COL into the editor's slice around that cursor, with the repository it belongs
 * to (`repoFlag`, which must hold it, or the one found from the file); the path is repo-relative.
 */
async function cursorAt(where: string, repoFlag: string | undefined, command: string, io: CliIO): Promise<CursorAt | number> {
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  if (!m) {
    io.err(`${command} takes FILE:LINE:COL (1-based), e.g. src/app.ts:12:5; got ${where}`);
    return 2;
  }
  const [, file, line, col] = m;
  const abs = resolve(file);
  const repo = repoFlag !== undefined ? resolve(repoFlag) : await repoOf(abs);
  if (!isInside(repo, abs)) {
    io.err(`${file} is outside --repo ${repoFlag}: give the repository that holds it, or leave --repo out to use the file's own`);
    return 2;
  }
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    io.err(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const rel = relative(repo, abs).split(sep).join('/');
  try {
    return { slice: cursorSliceFromText(text, Number(line) - 1, Number(col) - 1, rel), file, line: Number(line), col: Number(col), repo };
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e));
    return 2;
  }
}

/**
 * FILE[:LINE] for `hearth tests`: the repository that holds FILE (as for complete), FILE relative
 * to it, and LINE when given. FILE must be a file.
 */
async function testTarget(where: string, repoFlag: string | undefined, io: CliIO): Promise<{ root: string; file: string; line?: number } | number> {
  const m = /^(.*?)(?::(\d+))?$/.exec(where)!;
  const [, file, line] = m;
  if (line !== undefined && Number(line) < 1) {
    io.err(`tests takes FILE or FILE:LINE (1-based), e.g. src/math.ts:12; got ${where}`);
    return 2;
  }
  const abs = resolve(file);
  try {
    if (!(await stat(abs)).isFile()) {
      io.err(`${file} is not a file: tests takes a source file, FILE or FILE:LINE`);
      return 2;
    }
  } catch {
    io.err(`${file}: no such file`);
    return 2;
  }
  const root = repoFlag !== undefined ? resolve(repoFlag) : await repoOf(abs);
  if (!isInside(root, abs)) {
    io.err(`${file} is outside --repo ${repoFlag}: give the repository that holds it, or leave --repo out to use the file's own`);
    return 2;
  }
  return { root, file: relative(root, abs).split(sep).join('/'), ...(line !== undefined ? { line: Number(line) } : {}) };
}

/**
 * Opens `repo` and builds (or warms from cache) its index, with the CLI's cache in the user's cache
 * directory. No time budget for context: a terminal is not a keystroke path, and the same question
 * gets the same answer.
 */
async function openIndex(repo: string, io: CliIO): Promise<{ workspace: Workspace; stats: IndexStats }> {
  const workspace = openWorkspace({ root: repo, cacheFile: cliCacheFile(repo, io.env), logger: silentLogger, timeBudgetMs: Infinity });
  const stats = await workspace.build();
  return { workspace, stats };
}

async function indexCommand(repo: string, json: boolean, io: CliIO): Promise<number> {
  const { workspace, stats } = await openIndex(repo, io);
  await workspace.dispose();
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
async function editorContext(workspace: Workspace, repo: string, open: readonly string[], io: CliIO): Promise<EditorContextProvider> {
  const provider = workspace.context;
  const docs: OpenDocument[] = [];
  for (const file of open) {
    const path = relative(repo, resolve(file)).split(sep).join('/');
    if (!workspace.index.file(path)) {
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

async function contextCommand(at: CursorAt, budget: number, open: readonly string[], json: boolean, redactor: Redactor, io: CliIO): Promise<number> {
  const { repo } = at;
  const { workspace } = await openIndex(repo, io);
  try {
    const provider = await editorContext(workspace, repo, open, io);
    // Exactly what a prompt would carry: credentials redacted by the privacy gate.
    const items = await Promise.all(provider.assemble(at.slice.cursor, budget).map(async (s) => ({ ...s, text: await redact(redactor, s.text) })));
    const text = renderContextSection(items);
    const tokens = items.reduce((n, s) => n + s.tokens, 0);
    if (json) {
      io.out(JSON.stringify({ budget, tokens, items: items.map((s) => ({ kind: s.kind, path: s.path, startLine: s.startLine + 1, endLine: s.endLine + 1, symbol: s.symbol, tokens: s.tokens })), text }, null, 2));
    } else {
      // Repository text on a terminal: no control character or escape sequence of it acts there.
      io.out(stripControls(text) || '(no repository context for this position)');
      io.err(`${items.length} items, ${tokens} of ${budget} tokens`);
    }
    return 0;
  } finally {
    await workspace.dispose();
  }
}

async function complete(at: CursorAt, backend: ModelBackend, config: HearthConfig, budget: number, open: readonly string[], json: boolean, redactor: Redactor, io: CliIO): Promise<number> {
  const { file, line, col, slice, repo } = at;
  // The privacy gate, as in the editor: a secret-looking, ignored or linked-out file is never sent.
  const verdict = await new PrivacyGate(repo, { git: new GitRunner(repo) }).admitFile(resolve(file));
  if (!verdict.admitted) {
    io.err(verdict.message);
    return 1;
  }
  const service = new ModelService(backend, config, silentLogger);
  const workspace = budget > 0 ? (await openIndex(repo, io)).workspace : undefined;
  let outcome;
  try {
    const engine = new CompletionEngine({
      session: () => service.session('completion'),
      context: workspace ? await editorContext(workspace, repo, open, io) : NO_CONTEXT,
      redactor,
      logger: silentLogger,
      settings: { ...DEFAULT_COMPLETION_SETTINGS, contextTokens: budget },
    });
    outcome = await engine.complete({ document: file, cursor: slice.cursor, prefixFirstLine: slice.prefixFirstLine, trigger: 'manual' });
  } finally {
    await workspace?.dispose();
  }
  if (json) {
    io.out(JSON.stringify({
      file, line, column: col, completion: outcome.text ?? null, reason: outcome.reason ?? null,
      // Characters right of the cursor that the completion replaces (the closers it writes again).
      replaces: outcome.replaces ?? 0,
      // Characters at the end of `text` the cursor stays in front of once accepted (`() => {█}`).
      caretBack: outcome.caretBack ?? 0,
      error: outcome.error ? { reason: outcome.error.reason, message: outcome.error.message, fix: outcome.error.fix } : null,
      route: outcome.route ?? null, shape: outcome.shape ?? null, stopReason: outcome.stopReason ?? null,
      model: outcome.metrics?.model ?? null,
      contextItems: (outcome.contextItems ?? []).map((c) => ({ path: c.path, symbol: c.symbol, tokens: c.tokens })), promptTokens: outcome.metrics?.clientPromptTokens ?? null, serverPromptTokens: outcome.metrics?.serverPromptTokens ?? null,
      timings: { ...outcome.timings, timeToFirstToken: outcome.metrics?.timeToFirstTokenMs, model: outcome.metrics?.totalMs },
      metrics: outcome.metrics ?? null,
    }, null, 2));
  } else if (outcome.text !== undefined) {
    // A carriage return alone would move the terminal's cursor back over the line.
    io.out(outcome.text.replace(/\r\n?/g, '\n'));
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
    self: [process.execPath, __filename],
  }).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${unexpectedError(e, process.env)}\n`);
    process.exitCode = 1;
  });
}
