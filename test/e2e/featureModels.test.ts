// Each feature on its own model, in a real VS Code: with `hearth.model` naming a model the server
// does not have and `hearth.completion.model` one it has, ghost text appears from the completion
// model, the status bar shows that model as connected, and nothing asks about or offers to pull the
// model no running feature uses. (Before, the status bar said "missing" and no ghost text ever came.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, isWarmup } from '../fake-ollama';
import { assertProvisioned, ensureVsix, startEditor, waitForHearthReady, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const EXTENSION_ID = 'hearth-dev.hearth';
const MISSING = 'gemma4:31b';
const COMPLETION_MODEL = 'gemma4:e2b';

describe('e2e: completions on their own model while hearth.model is not installed', () => {
  let fake: FakeOllama;
  let url = '';
  let editor: EditorSession | undefined;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    fake.setDefaultReply((r) => {
      const prompt: string = typeof r.body?.prompt === 'string' ? r.body.prompt : '';
      return { response: prompt.endsWith('return ') ? 'a + b;' : '' };
    });
    url = await fake.start(0);
    editor = await startEditor({
      vsix,
      name: 'feature-models',
      settings: {
        'hearth.serverUrl': url, 'hearth.model': MISSING, 'hearth.completion.model': COMPLETION_MODEL,
        'editor.inlineSuggest.enabled': true, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false,
      },
      workspaceFiles: { 'src/math.ts': 'export function add(a: number, b: number): number {\n  \n}\n' },
    });
    await waitForHearthReady(editor, COMPLETION_MODEL);
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    await fake.stop();
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  };
  const ghost = async () => (await s().page.locator('.ghost-text-decoration, .ghost-text-decoration-preview').allTextContents()).join('').replace(/\u00a0/g, ' ');
  const completions = () => fake.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt && !isWarmup(r));

  it('the status bar shows the completion model connected, not the missing one', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'feature-models-status', async () => {
      const item = s().statusBarItem(EXTENSION_ID, 'hearth.status');
      const state = await s().waitForStatusBar(item, (st) => st.text.includes(COMPLETION_MODEL) && st.ariaLabel.startsWith('Hearth: connected'), 30_000);
      assert.equal(state.text, COMPLETION_MODEL);
      assert.equal(await item.locator('.codicon-check').count(), 1, 'the $(check) codicon, not a warning');
      assert.match(state.ariaLabel, new RegExp(`^Hearth: connected to ${url.replace(/[.]/g, '\\.')}/?, model ${COMPLETION_MODEL}$`));
    });
  });

  it('typing shows ghost text from the completion model', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'feature-models-ghost', async () => {
      await s().openFile('src/math.ts');
      await s().goToLine(2);
      for (const ch of 'return ') await s().page.keyboard.type(ch, { delay: 60 });
      try {
        await waitUntil(async () => (await ghost()) === 'a + b;', 20_000, 'ghost text "a + b;"');
      } catch (e) {
        throw new Error(`${(e as Error).message}; shown: ${JSON.stringify(await ghost())}; ${completions().length} completion requests (models: ${completions().map((r) => r.body.model).join(', ') || 'none'})`);
      }
      await s().screenshot('feature-models-ghost');
      assert.ok(completions().length >= 1);
      assert.deepEqual([...new Set(completions().map((r) => r.body.model))], [COMPLETION_MODEL], 'every completion asked the completion model');
    });
  });

  it('nothing asked about the missing model, and no offer to pull it', { timeout: 30_000 }, async () => {
    await withFailureScreenshot(s(), 'feature-models-missing', async () => {
      const asked = fake.requests.filter((r) => JSON.stringify(r.body ?? {}).includes(MISSING));
      assert.deepEqual(asked.map((r) => r.path), [], `no request named ${MISSING}`);
      assert.equal(await s().page.getByText(`${MISSING} is not installed`).count(), 0, 'no "not installed" notification');
    });
  });
});
