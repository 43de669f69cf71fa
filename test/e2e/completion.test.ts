// Inline completions in a real VS Code: ghost text from the fake model appears while typing, Tab
// accepts it, typing what is shown sends no new request, Escape dismisses, and with the server
// gone nothing breaks and the status bar says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, isWarmup } from '../fake-ollama';
import { assertProvisioned, ensureVsix, startEditor, waitForHearthReady, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const EXTENSION_ID = 'hearth-dev.hearth';

describe('e2e: inline completions', () => {
  let fake: FakeOllama;
  let editor: EditorSession | undefined;
  let fakeRunning = false;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    // The model answers by what ends the prompt: Hearth seeds the answer with the cursor's line.
    fake.setDefaultReply((r) => {
      const prompt: string = typeof r.body?.prompt === 'string' ? r.body.prompt : '';
      if (prompt.endsWith('return ')) return { response: 'a + b;' };
      if (prompt.endsWith('const answer = ')) return { response: '42;' };
      if (prompt.endsWith('const sum = add(')) return { response: '1, 2);' };
      // A long line decoded slowly: its first words are shown before it is whole.
      if (prompt.endsWith('const total = ')) return { response: 'computeTotal(items, taxRate) + shippingCost(order, region);', chunkDelayMs: 120 };
      return { response: '' };
    });
    const url = await fake.start(0);
    fakeRunning = true;
    editor = await startEditor({
      vsix,
      name: 'completion',
      settings: { 'hearth.serverUrl': url, 'hearth.completion.earlyGhostText': true, 'editor.inlineSuggest.enabled': true, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false },
      workspaceFiles: { 'src/math.ts': 'export function add(a: number, b: number): number {\n  \n}\n\n' },
    });
    await waitForHearthReady(editor);
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    if (fakeRunning) await fake.stop();
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  };
  // Completions only: a warm-up where the cursor came to rest is not one.
  const generates = () => fake.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt && !isWarmup(r)).length;
  const ghost = async () => (await s().page.locator('.ghost-text-decoration, .ghost-text-decoration-preview').allTextContents()).join('').replace(/\u00a0/g, ' ');
  /** Waits for a ghost text; on timeout says what the server saw, so a failure explains itself. */
  const waitGhost = async (want: string, ms = 20_000) => {
    try {
      await waitUntil(async () => (await ghost()) === want, ms, `ghost text "${want}"`);
    } catch (e) {
      const gens = fake.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt && !isWarmup(r));
      const seen = gens.slice(-4).map((r) => `#${r.id} …${JSON.stringify(String(r.body.prompt).slice(-40))} status=${r.status} closed=${r.clientClosedAt !== undefined}`);
      throw new Error(`${(e as Error).message}; shown: ${JSON.stringify(await ghost())}; ${gens.length} generate requests, last: ${seen.join(' | ') || 'none'}`);
    }
  };
  // The document's text on a line: the rendered line minus the inline ghost-text spans.
  const lineText = async (n: number) => (await s().page.locator('.monaco-editor .view-line').nth(n - 1).evaluate((el) => {
    const copy = el.cloneNode(true) as typeof el;
    copy.querySelectorAll('[class*="ghost-text"]').forEach((g: { remove(): void }) => g.remove());
    return copy.textContent ?? '';
  })).replace(/\u00a0/g, ' ');
  async function typeSlowly(text: string) {
    for (const ch of text) await s().page.keyboard.type(ch, { delay: 60 });
  }

  it('typing shows ghost text from the model; typing it through sends no request; Tab accepts', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'completion-accept', async () => {
      const { page } = s();
      await s().openFile('src/math.ts');
      await s().goToLine(2);
      await typeSlowly('return ');
      await waitGhost('a + b;');
      await s().screenshot('ghost-text');
      const before = generates();
      assert.ok(before >= 1, 'the ghost text came from a model request');
      const prompt: string = fake.requests.filter((r) => r.path === '/api/generate' && !isWarmup(r)).at(-1)?.body.prompt;
      assert.match(prompt, /^<\|turn>system\n/, 'Gemma 4 raw prompt');
      assert.ok(prompt.includes('<CURSOR>'), 'explicit cursor marker');
      const last = fake.requests.filter((r) => r.path === '/api/generate' && !isWarmup(r)).at(-1)!;
      assert.equal(last.body.raw, true);
      assert.equal(last.body.think, false);

      await typeSlowly('a');
      await waitGhost(' + b;');
      assert.equal(generates(), before, 'typing what is shown sent no new request');

      // Partial accept: VS Code's "next word" takes part of the suggestion; the rest stays shown.
      await page.keyboard.press('Control+ArrowRight');
      await waitUntil(async () => (await lineText(2)).length > '  return a'.length, 10_000, 'part of the suggestion was accepted');
      await waitUntil(async () => `${(await lineText(2)).trimStart()}${await ghost()}` === 'return a + b;' && (await ghost()).length > 0, 10_000, 'accepted part + remaining ghost = the suggestion');
      assert.equal(generates(), before, 'partial accept sent no new request');

      await page.keyboard.press('Tab');
      await waitUntil(async () => (await lineText(2)).trim() === 'return a + b;', 10_000, 'line 2 is the accepted completion');
      assert.equal(await ghost(), '');
      await s().screenshot('accepted');
    });
  });

  it('Escape dismisses the suggestion', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'completion-escape', async () => {
      const { page } = s();
      await s().goToLine(5);
      await typeSlowly('const answer = ');
      await waitGhost('42;');
      await page.keyboard.press('Escape');
      await waitUntil(async () => (await ghost()) === '', 5_000, 'ghost text gone after Escape');
      assert.equal((await lineText(5)).trim(), 'const answer =');
    });
  });

  it('inside an auto-closed `(`: ghost text over the `)`, and Tab leaves the whole line', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'completion-brackets', async () => {
      const { page } = s();
      await s().goToLine(4);
      await typeSlowly('const sum = add(');
      // The editor closed the bracket itself: the cursor sits in front of its `)`.
      await waitUntil(async () => (await lineText(4)) === 'const sum = add()', 5_000, 'the `(` auto-closed');
      // The model writes `1, 2);`: `1, 2` is shown in front of the `)` and `;` after it.
      await waitGhost('1, 2;');
      await s().screenshot('ghost-in-brackets');
      await page.keyboard.press('Tab');
      await waitUntil(async () => (await lineText(4)) === 'const sum = add(1, 2);', 10_000, 'line 4 is the whole line, with one `)`');
      assert.equal(await ghost(), '');
      await s().goToLine(5);
    });
  });

  it('a line still decoding: its first words show as ghost text, then it grows to the whole line, and Tab takes it all', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'completion-early', async () => {
      const { page } = s();
      await s().goToLine(5);
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await waitUntil(async () => (await page.locator('.monaco-editor .view-line').count()) >= 6, 5_000, 'a new line 6');
      const whole = 'computeTotal(items, taxRate) + shippingCost(order, region);';
      const before = generates();
      await typeSlowly('const total = ');
      // Seen while the reply still streams (about 20 tokens, 120 ms apart): a start, not the whole.
      const seen: string[] = [];
      await waitUntil(async () => {
        const g = await ghost();
        if (g !== '' && seen.at(-1) !== g) seen.push(g);
        return g === whole;
      }, 20_000, 'the whole line as ghost text');
      assert.ok(seen.length >= 2, `the ghost text grew (seen: ${JSON.stringify(seen)})`);
      assert.ok(seen[0].length < whole.length && whole.startsWith(seen[0].trimEnd()), `first shown was a start of the line: ${JSON.stringify(seen[0])}`);
      assert.equal(generates(), before + 1, 'one request: the whole line came from the same generation, through the cache');
      await page.keyboard.press('Tab');
      await waitUntil(async () => (await lineText(6)).trim() === `const total = ${whole}`, 10_000, 'the whole line accepted');
      await s().goToLine(5);
    });
  });

  it('with the server down, typing shows nothing, breaks nothing, and the status bar says why', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'completion-down', async () => {
      await fake.stop();
      fakeRunning = false;
      const { page } = s();
      await page.keyboard.press('End');
      // A new keystroke the cache cannot serve: Hearth must ask the server, find it gone, and say so.
      await typeSlowly('7');
      const item = s().statusBarItem(EXTENSION_ID, 'hearth.status');
      const state = await s().waitForStatusBar(item, (st) => /unreachable/i.test(st.text), 25_000);
      assert.match(state.ariaLabel, /cannot reach Ollama at/i);
      assert.equal(await ghost(), '');
      await typeSlowly('2;');
      assert.equal((await lineText(5)).trim(), 'const answer = 72;', 'the editor kept every keystroke');
      await s().screenshot('server-down');
    });
  });
});
