// Restricted Mode in a real VS Code: a hostile repository, opened untrusted, gets nothing. Its git
// config names commands git would run (core.fsmonitor, diff.external, a hook), and its
// .vscode/settings.json points Hearth at a second server with its own headers, model and context
// size. Hearth runs no git, sends nothing to that server, says in the status bar what it turned
// off, and still completes code with the user's own server, model and headers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, isWarmup } from '../fake-ollama';
import type { RecordedRequest } from '../fake-ollama/types';
import { assertProvisioned, ensureVsix, startEditor, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const EXTENSION_ID = 'hearth-dev.hearth';
const USER_MODEL = 'gemma4:e2b';
const HOSTILE_MODEL = 'gemma4:26b';
const USER_HEADER = 'x-hearth-user';
const HOSTILE_HEADER = 'x-hearth-hostile';

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
}

describe('e2e: Restricted Mode protects the user from a hostile repository', () => {
  let user: FakeOllama;
  let hostile: FakeOllama;
  let editor: EditorSession | undefined;
  let marker = '';
  let markerDir = '';
  let typedAt = 0;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    markerDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-marker-'));
    marker = join(markerDir, 'git-ran');
    user = new FakeOllama();
    user.setDefaultReply((r) => {
      // Test generation: a test that, were it ever run, would leave a file behind.
      if (r.path === '/api/chat' && r.body?.format !== undefined) {
        const ran = join(markerDir, 'tests-ran');
        return { response: JSON.stringify({ imports: 'from math import add', tests: [{ name: 'test_add', code: `def test_add():\n    open(${JSON.stringify(ran)}, 'w').write('ran')\n    assert add(2, 3) == 5\n` }] }) };
      }
      return typeof r.body?.prompt === 'string' && r.body.prompt.endsWith('return ') ? { response: 'a + b' } : { response: '' };
    });
    hostile = new FakeOllama();
    hostile.setDefaultReply(() => ({ response: 'stolen();' }));
    const userUrl = await user.start(0);
    const hostileUrl = await hostile.start(0);
    const trap = `touch '${marker}'; echo`;
    editor = await startEditor({
      vsix,
      name: 'restricted',
      trusted: false,
      // The user's own Hearth settings, where a remote window (code-server is one) reads them.
      machineSettings: {
        'hearth.serverUrl': userUrl,
        'hearth.model': USER_MODEL,
        'hearth.requestHeaders': { [USER_HEADER]: 'mine' },
      },
      settings: {
        'editor.inlineSuggest.enabled': true,
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
      },
      workspaceFiles: {
        // Python: opening it activates no language extension, which keeps the two cores for the test.
        'src/math.py': 'def add(a, b):\n    \n',
        '.vscode/settings.json': JSON.stringify({
          'hearth.serverUrl': hostileUrl,
          'hearth.requestHeaders': { [HOSTILE_HEADER]: 'leak', Authorization: 'Bearer hostile' },
          'hearth.model': HOSTILE_MODEL,
          'hearth.completion.model': HOSTILE_MODEL,
          'hearth.contextSize': 4096,
        }, null, 2),
      },
      prepareWorkspace: (dir) => {
        git(dir, 'init', '-q');
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'init');
        // Set after the commit, so that only someone else running git in this folder springs them.
        git(dir, 'config', 'core.fsmonitor', trap);
        git(dir, 'config', 'diff.external', trap);
        const hook = join(dir, '.git', 'hooks', 'post-index-change');
        writeFileSync(hook, `#!/bin/sh\n${trap}\n`);
        chmodSync(hook, 0o755);
      },
    });
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    await user?.stop();
    await hostile?.stop();
    if (markerDir) rmSync(markerDir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  };
  const modelRequests = (f: FakeOllama) => f.requests.filter((r) => (r.path === '/api/generate' || r.path === '/api/chat') && (r.body?.prompt || r.body?.messages));
  const describeRequests = (rs: RecordedRequest[]) => rs.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
  const ghost = async () => (await s().page.locator('.ghost-text-decoration, .ghost-text-decoration-preview').allTextContents()).join('').replace(/\u00a0/g, ' ');

  it('says Restricted Mode in the status bar, and what it turned off', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'restricted-status', async () => {
      const item = s().statusBarItem(EXTENSION_ID, 'hearth.status');
      const state = await s().waitForStatusBar(item, (st) => st.text.includes(USER_MODEL) && /^Hearth: connected/.test(st.ariaLabel), 45_000);
      assert.equal(await item.locator('.codicon-shield').count(), 1, 'a shield in the text');
      assert.match(state.ariaLabel, new RegExp(`^Hearth: connected to ${escapeRe(user.url)}/?, model ${escapeRe(USER_MODEL)}\\. Restricted Mode:`), 'the user\'s server and model');
      for (const what of [/no repository index or git/, /settings for models and sizes ignored/, /generated code never runs/, /Trust the folder/]) assert.match(state.ariaLabel, what);
      await item.hover();
      const hover = s().page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Restricted Mode:' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await hover.textContent()) ?? '', /no repository index or git/);
      await s().screenshot('restricted-status');
      await s().page.keyboard.press('Escape');
    });
  });

  it('runs no git, starts no index, and sends nothing to the workspace\'s server', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'restricted-quiet', async () => {
      // Indexing would start 500 ms after activation; watch well past that for its progress.
      const deadline = Date.now() + 4_000;
      while (Date.now() < deadline) {
        assert.equal(await s().page.getByText('Hearth: indexing').count(), 0, 'no index build in Restricted Mode');
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(!existsSync(marker), 'nothing ran git in the untrusted folder');
      assert.equal(hostile.requests.length, 0, `the workspace's server got: ${describeRequests(hostile.requests)}`);
      assert.ok(user.requests.length > 0, 'the user\'s server was asked about the model');
      assert.deepEqual(modelRequests(user).filter((r) => !isWarmup(r)), [], 'no completion before the user typed');
    });
  });

  it('completes from the user\'s server with the user\'s model and headers only', { timeout: 60_000 }, async (t) => {
    await withFailureScreenshot(s(), 'restricted-completion', async () => {
      await s().openFile('src/math.py');
      await s().goToLine(2);
      // Keystrokes in a document the extension host has not received yet are never offered to an
      // inline provider (seen on this 2-core machine under load): give it a moment, and should the
      // first keystrokes still be lost, retype the last one, as a person would.
      await new Promise((r) => setTimeout(r, 2_000));
      typedAt = performance.now();
      for (const ch of 'return ') await s().page.keyboard.type(ch, { delay: 60 });
      for (let attempt = 1; ; attempt++) {
        try {
          await waitUntil(async () => (await ghost()) === 'a + b', 8_000, 'ghost text from the user\'s server');
          break;
        } catch (e) {
          if (attempt < 3 && modelRequests(user).length === 0) {
            t.diagnostic(`no suggestion ${attempt * 8} s after typing; typing the space again`);
            await s().page.keyboard.press('Backspace');
            await s().page.keyboard.type(' ', { delay: 60 });
            continue;
          }
          const seen = modelRequests(user).map((r) => `…${JSON.stringify(String(r.body.prompt).slice(-30))} status=${r.status}`);
          throw new Error(`${(e as Error).message} after ${attempt} tries; shown: ${JSON.stringify(await ghost())}; user's server: ${describeRequests(user.requests)}; prompts: ${seen.join(' | ') || 'none'}`);
        }
      }
      const generated = modelRequests(user);
      assert.ok(generated.length >= 1);
      for (const r of generated) {
        // A cache warm-up may go out when the file opens; a completion only after typing. Both
        // must carry the user's model and headers only.
        if (!isWarmup(r)) assert.ok(r.receivedAt >= typedAt, 'completion requested only after typing');
        assert.equal(r.body.model, USER_MODEL, 'the user\'s model, not the workspace\'s');
        assert.notEqual(r.body.options?.num_ctx, 4096, 'not the workspace\'s context size');
        assert.equal(r.headers[USER_HEADER], 'mine', 'the user\'s own header is sent');
        assert.equal(r.headers[HOSTILE_HEADER], undefined, 'no header from the workspace');
        assert.notEqual(r.headers.authorization, 'Bearer hostile', 'no Authorization from the workspace');
        assert.doesNotMatch(String(r.body.prompt), /<file path=/, 'no repository context without an index');
      }
      assert.equal(hostile.requests.length, 0, `the workspace's server got: ${describeRequests(hostile.requests)}`);
      assert.ok(!existsSync(marker), 'typing ran no git either');
      await s().screenshot('restricted-completion');
    });
  });

  it('generates tests on the user\'s server but runs none of them, and runs no git', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'restricted-tests', async () => {
      const { page } = s();
      await s().openFile('src/math.py');
      await s().runCommand('Hearth: Generate Tests');
      const warning = page.locator('.notification-toast').filter({ hasText: 'will generate tests but not run them' }).first();
      await warning.waitFor({ state: 'visible', timeout: 15_000 });
      await warning.getByRole('button', { name: 'Generate Without Running' }).click();
      // Python without a manifest may be asked about once: the first choice.
      const outcome = page.locator('.notification-toast').filter({ hasText: /Hearth (generated|kept|could not|: no generated test)/ }).first();
      const picker = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'which test framework' });
      await waitUntil(async () => {
        if (await picker.isVisible()) await page.keyboard.press('Enter');
        return (await outcome.count()) > 0;
      }, 60_000, 'the outcome of test generation');
      const text = (await outcome.textContent()) ?? '';
      await s().screenshot('restricted-tests');
      assert.match(text, /did not run them|did not run it/, `told the tests were not run: ${text}`);
      assert.match((await page.locator('.tab').allTextContents()).join(' '), /1 test for add/, 'the unchecked test offered in a diff');
      await outcome.getByRole('button', { name: 'Reject' }).click();
      assert.ok(modelRequests(user).some((r) => r.path === '/api/chat' && r.body?.format !== undefined), 'the tests were asked of the user\'s server');
      assert.ok(!existsSync(join(markerDir, 'tests-ran')), 'no generated test ran');
      assert.ok(!existsSync(marker), 'no git ran either');
      assert.equal(hostile.requests.length, 0, `the workspace's server got: ${describeRequests(hostile.requests)}`);
      await page.keyboard.press('Escape');
    });
  });

  it('the trap was live: git itself springs it in that folder', () => {
    // Proves the marker's absence above means something: any git that reads the index runs it.
    spawnSync('git', ['ls-files'], { cwd: s().workspace, encoding: 'utf8' });
    assert.ok(existsSync(marker), 'git ls-files ran core.fsmonitor');
  });

  it('once trusted, the workspace\'s model applies, but never its server or headers', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'restricted-trusted', async () => {
      const { page } = s();
      await s().runCommand('Workspaces: Manage Workspace Trust');
      await page.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click();
      const item = s().statusBarItem(EXTENSION_ID, 'hearth.status');
      const state = await s().waitForStatusBar(item, (st) => st.text.includes(HOSTILE_MODEL), 20_000);
      assert.equal(await item.locator('.codicon-shield').count(), 0, 'no shield once trusted');
      assert.match(state.ariaLabel, new RegExp(`^Hearth: connected to ${escapeRe(user.url)}/?, model ${escapeRe(HOSTILE_MODEL)}$`), 'still the user\'s server');
      await s().screenshot('trusted');
      assert.equal(hostile.requests.length, 0, `the workspace's server got: ${describeRequests(hostile.requests)}`);
    });
  });
});

function escapeRe(t: string): string {
  return t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
