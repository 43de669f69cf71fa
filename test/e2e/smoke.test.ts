// Smoke test in a real VS Code: the packaged extension activates against a local fake Ollama, shows
// the model in its status bar item, lists the server's models in Select Model, and says clearly what to
// do when the server goes away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeOllama } from '../fake-ollama';
import { assertProvisioned, ensureVsix, startEditor, withFailureScreenshot, type EditorSession } from './harness';

const EXTENSION_ID = 'hearth-dev.hearth';
const STATUS_ITEM_ID = 'hearth.status';
const DEFAULT_MODEL = 'gemma4:e4b';

describe('e2e smoke: Hearth in a real VS Code', () => {
  let fake: FakeOllama | undefined;
  let fakeRunning = false;
  let serverUrl = '';
  let editor: EditorSession | undefined;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    serverUrl = await fake.start(0);
    fakeRunning = true;
    editor = await startEditor({
      vsix,
      name: 'smoke',
      settings: { 'hearth.serverUrl': serverUrl },
      workspaceFiles: { 'src/greet.ts': 'export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n' },
    });
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    if (fakeRunning) await fake?.stop();
  }, { timeout: 30_000 });

  function session(): EditorSession {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  }

  it('activates and shows the server model in the status bar', { timeout: 60_000 }, async () => {
    const s = session();
    await withFailureScreenshot(s, 'activation', async () => {
      const item = s.statusBarItem(EXTENSION_ID, STATUS_ITEM_ID);
      const state = await s.waitForStatusBar(item, (st) => st.text.includes(DEFAULT_MODEL) && st.ariaLabel.startsWith('Hearth: connected'), 45_000);
      assert.equal(state.text, DEFAULT_MODEL, 'visible text is the model name');
      assert.equal(await item.locator('.codicon-check').count(), 1, 'the $(check) codicon precedes it');
      assert.match(state.ariaLabel, new RegExp(`^Hearth: connected to ${escapeRe(trimSlash(serverUrl))}/?, model ${escapeRe(DEFAULT_MODEL)}$`));
      assert.ok(fake && fake.requests.length > 0, 'the extension talked to the fake server');
      await s.screenshot('connected');
    });
  });

  it('Hearth: Select Model lists the models of the server', { timeout: 60_000 }, async () => {
    const s = session();
    await withFailureScreenshot(s, 'select-model', async () => {
      await s.runCommand('Hearth: Select Model');
      await s.quickPickRows().filter({ hasText: 'gemma4:26b' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      const labels = await s.quickPickLabels();
      for (const model of ['gemma4:e4b', 'gemma4:e2b', 'gemma4:26b']) {
        assert.ok(labels.includes(model), `QuickPick lists ${model}; rows: ${JSON.stringify(labels)}`);
      }
      const description = await s.quickPickRows().filter({ hasText: DEFAULT_MODEL }).first().locator('.label-description').textContent();
      assert.ok((description ?? '').trim().length > 0, `${DEFAULT_MODEL} has a description (capabilities / context length)`);
      await s.screenshot('select-model');
      await s.page.keyboard.press('Escape');
      await s.quickPickRows().first().waitFor({ state: 'hidden' });
    });
  });

  it('shows the server as unreachable, with an actionable accessible label, once it stops', { timeout: 60_000 }, async () => {
    const s = session();
    await withFailureScreenshot(s, 'unreachable', async () => {
      assert.ok(fake);
      await fake.stop();
      fakeRunning = false;
      const item = s.statusBarItem(EXTENSION_ID, STATUS_ITEM_ID);
      // The extension re-probes every 10 s while connected.
      const state = await s.waitForStatusBar(item, (st) => /unreachable/i.test(st.text), 25_000);
      assert.equal(state.text, 'Hearth: unreachable');
      assert.equal(await item.locator('.codicon-debug-disconnect').count(), 1, 'the $(debug-disconnect) codicon precedes it');
      // "Hearth: cannot reach Ollama at <url>", then optionally the cause, then how to fix it.
      const head = new RegExp(`^Hearth: cannot reach Ollama at ${escapeRe(trimSlash(serverUrl))}/?(?=[\\s.(:,])`, 'i');
      assert.match(state.ariaLabel, head, 'aria-label names the unreachable URL');
      assert.match(state.ariaLabel.replace(head, ''), /ollama serve|hearth\.serverUrl/, `aria-label says how to fix it; got: ${state.ariaLabel}`);
      await s.screenshot('unreachable');
    });
  });
});

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
