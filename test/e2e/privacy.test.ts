// The privacy gate in a real VS Code, in a TRUSTED workspace (Restricted Mode has its own test):
// the planted-secrets repository, with `core.fsmonitor` in its git config, is indexed (git runs
// through the safe runner, and runs nothing of the repository's); typing in ordinary code gets a
// completion whose prompt carries the config module with its credentials redacted; asking for a
// completion in a link to .env sends nothing and says why. Then every request the fake Ollama saw
// is searched for every planted value.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeOllama } from '../fake-ollama';
import { NEVER, writePlantedRepo } from '../support/plantedRepo';
import { assertProvisioned, ensureVsix, startEditor, waitForHearthReady, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

describe('e2e: privacy gate in a trusted workspace', () => {
  let fake: FakeOllama;
  let editor: EditorSession | undefined;
  let outside: string;
  let marker: string;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    outside = mkdtempSync(join(tmpdir(), 'hearth-e2e-outside-'));
    marker = join(outside, 'FSMONITOR-RAN');
    fake = new FakeOllama();
    fake.setDefaultReply((r) => {
      const prompt: string = typeof r.body?.prompt === 'string' ? r.body.prompt : '';
      return { response: prompt.endsWith('settings.databaseUrl, settings.') ? 'region);' : '' };
    });
    const url = await fake.start(0);
    editor = await startEditor({
      vsix,
      name: 'privacy',
      // VS Code's own git extension runs git in a trusted folder (and so the repository's
      // fsmonitor): it is switched off so that only what Hearth runs is on trial.
      settings: { 'hearth.serverUrl': url, 'git.enabled': false, 'git.autoRepositoryDetection': false, 'editor.inlineSuggest.enabled': true, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false },
      prepareWorkspace: (dir) => {
        writePlantedRepo(dir, join(outside, 'shared'));
        execFileSync('git', ['config', 'core.fsmonitor', `touch ${marker}; echo`], { cwd: dir });
      },
    });
    await waitForHearthReady(editor);
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    await fake.stop();
    rmSync(outside, { recursive: true, force: true });
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  };
  const generates = () => fake.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt);
  const ghost = async () => (await s().page.locator('.ghost-text-decoration, .ghost-text-decoration-preview').allTextContents()).join('').replace(/\u00a0/g, ' ');

  it('indexing ran git on a repository whose config names core.fsmonitor, and nothing ran', () => {
    assert.equal(existsSync(marker), false, 'the repository\'s fsmonitor command ran');
  });

  it('a completion in ordinary code carries the config module with its credentials redacted', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'privacy-redacted', async () => {
      await s().openFile('src/app.ts');
      await s().goToLine(7);
      for (const ch of 'settings.') await s().page.keyboard.type(ch, { delay: 60 });
      await waitUntil(async () => (await ghost()) === 'region);', 20_000, 'ghost text "region);"');
      const prompt: string = generates().at(-1)?.body.prompt;
      assert.match(prompt, /export const settings = \{/, 'the config module is in the context');
      for (const kind of ['aws', 'github', 'database-connection-string']) assert.ok(prompt.includes(`[redacted ${kind}]`), `${kind} redacted`);
      await s().screenshot('privacy-redacted');
    });
  });

  it('asking for a completion in a link to .env sends nothing and says why', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'privacy-refused', async () => {
      const before = generates().length;
      await s().openFile('src/notes.ts');
      await s().goToLine(1);
      await s().page.keyboard.press('Alt+Backslash');
      await waitUntil(async () => (await s().page.getByText(/never sends it to a model/).count()) > 0, 10_000, 'the refusal on the status bar');
      await s().screenshot('privacy-refused');
      assert.equal(generates().length, before, 'no request for a link to .env');
    });
  });

  it('a link to a git-ignored file gets no completion either', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'privacy-ignored', async () => {
      const before = generates().length;
      // (Quick Open does not list the ignored file itself; a tracked link to it is as good a way in.)
      await s().openFile('src/alias.ts');
      await s().goToLine(4);
      await s().page.keyboard.press('Alt+Backslash');
      await waitUntil(async () => (await s().page.getByText(/which git ignores/).count()) > 0, 10_000, 'the refusal on the status bar');
      assert.equal(generates().length, before, 'no request for a git-ignored file');
    });
  });

  it('control: plain git in the same workspace does run the fsmonitor command', () => {
    execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: s().workspace });
    assert.equal(existsSync(marker), true, 'the trap works, so its absence above means Hearth ran nothing');
  });

  it('over every request the fake received: no planted credential, ignored file or link target', () => {
    assert.ok(generates().length >= 1);
    for (const q of fake.requests) {
      const text = JSON.stringify(q.body ?? '') + JSON.stringify(q.headers);
      for (const v of NEVER) assert.ok(!text.includes(v), `${v} reached the server in request #${q.id} ${q.path}`);
    }
  });
});
