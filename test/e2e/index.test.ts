// The repository index in a real VS Code: a completion prompt (read off the fake server's log)
// carries the definition of a symbol imported from another file; deleting or renaming that file
// updates the index without a restart; windows from another open tab and its recent edit follow the
// definitions, but never from a tab the index refused; a planted .env never reaches any prompt.
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, isWarmup } from '../fake-ollama';
import { assertProvisioned, ensureVsix, startEditor, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const SECRET = 'HEARTH_PLANTED_SECRET_7f3a91';
const GEO = 'export interface Point {\n  x: number;\n  y: number;\n}\n\nexport function distance(a: Point, b: Point): number {\n  return Math.hypot(a.x - b.x, a.y - b.y);\n}\n';
const USE = 'import { Point, distance } from "./geo";\n\nexport function norm(p: Point): number {\n  \n}\n';
/** Not imported by use.ts: it reaches the prompt only as an open tab. */
const ORDERS = 'export function lengths(points: Array<{ x: number; y: number }>): number[] {\n  return points.map((p) => Math.hypot(p.x, p.y));\n}\n\n\n';
const DRAFT_MARK = 'hearthIgnoredDraftMarker';
const DRAFT = `export function ${DRAFT_MARK}(p: { x: number; y: number }): number {\n  return Math.hypot(p.x, p.y);\n}\n`;

describe('e2e: repository index feeds completions', () => {
  let fake: FakeOllama;
  let editor: EditorSession | undefined;
  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    fake.setDefaultReply(() => ({ response: 'ok' }));
    const url = await fake.start(0);
    editor = await startEditor({
      vsix,
      name: 'index',
      settings: { 'hearth.serverUrl': url, 'workbench.editor.enablePreview': false, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false, 'hearth.completion.languages': { '*': true } },
      workspaceFiles: { 'src/geo.ts': GEO, 'src/use.ts': USE, 'src/orders.ts': ORDERS, 'ignored/draft.ts': DRAFT, '.hearthignore': 'ignored/\n', '.env': `API_TOKEN=${SECRET}\n`, 'config/.env.production': `DB_PASSWORD=${SECRET}\n` },
    });
    await editor.statusBarItem('hearth-dev.hearth', 'hearth.status').filter({ hasText: 'gemma4:e4b' }).first().waitFor({ timeout: 45_000 });
  }, { timeout: 420_000 });
  after(async () => {
    await editor?.stop();
    await fake.stop();
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start');
    return editor;
  };
  // Completion prompts only: a warm-up where the cursor came to rest is not one.
  const prompts = () => fake.requests.filter((r) => r.path === '/api/generate' && typeof r.body?.prompt === 'string' && !isWarmup(r)).map((r) => r.body.prompt as string);
  /**
   * Types a fresh statement start and waits for the request it causes; returns that prompt. A
   * request can leave while typing goes on (a slow keystroke): the one for the last key is awaited
   * too, so that no request of this typing reaches the server after the call returns.
   */
  async function promptAfterTyping(text: string): Promise<string> {
    const before = prompts().length;
    for (const ch of text) await s().page.keyboard.type(ch, { delay: 60 });
    await waitUntil(() => prompts().length > before, 20_000, `a completion request after typing "${text}"`);
    let seen = prompts().length;
    let quietSince = Date.now();
    await waitUntil(() => {
      if (prompts().length !== seen) {
        seen = prompts().length;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 1000;
    }, 20_000, `the requests of typing "${text}" to settle`);
    return prompts().at(-1)!;
  }

  it('a completion prompt carries the definition imported from another file', { timeout: 120_000 }, async () => {
    await withFailureScreenshot(s(), 'index-context', async () => {
      await s().openFile('src/use.ts');
      await s().goToLine(4);
      // The index builds in the background: type until a prompt carries the context.
      let prompt = '';
      await waitUntil(async () => {
        prompt = await promptAfterTyping(prompt === '' ? 'const a = ' : ';\n  const b = ');
        return prompt.includes('export interface Point {');
      }, 60_000, 'a prompt with the Point interface from src/geo.ts');
      assert.match(prompt, /<file path="src\/geo\.ts" lines="1-4">\nexport interface Point \{/);
      assert.ok(prompt.indexOf('export interface Point') < prompt.indexOf('<after>'), 'repository context comes first (stable part)');
      await s().screenshot('context');
    });
  });

  it('windows from another open tab and its recent edit follow the definitions; an ignored tab never does', { timeout: 120_000 }, async () => {
    await withFailureScreenshot(s(), 'index-tabs', async () => {
      await s().openFile('ignored/draft.ts');
      await s().openFile('src/orders.ts');
      await s().goToLine(5);
      for (const ch of 'const unitSquare = lengths([{ x: 1, y: 1 }]);') await s().page.keyboard.type(ch, { delay: 40 });
      await s().page.keyboard.press('Escape');
      await s().openFile('src/use.ts');
      await s().goToLine(4);
      await s().page.keyboard.press('End');
      let prompt = '';
      await waitUntil(async () => {
        prompt = await promptAfterTyping(';\n  const e = ');
        return prompt.includes('<file path="src/orders.ts"');
      }, 40_000, 'a prompt with a window of the open tab src/orders.ts');
      assert.ok(prompt.includes('const unitSquare = lengths('), 'the window holds the unsaved edit made in the other tab');
      assert.ok(prompt.indexOf('export interface Point') < prompt.indexOf('<file path="src/orders.ts"'), 'definitions (stable) come before windows');
      assert.ok(prompt.indexOf('<file path="src/orders.ts"') < prompt.indexOf('<after>'));
      for (const p of prompts()) assert.ok(!p.includes(DRAFT_MARK), 'a tab of an ignored file reaches no prompt');
    });
  });

  it('deleting the file removes its definitions from later prompts, without a restart', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'index-delete', async () => {
      rmSync(join(s().workspace, 'src/geo.ts'));
      await waitUntil(async () => !(await promptAfterTyping(';\n  const c = ')).includes('export interface Point'), 40_000, 'a prompt without the deleted file\'s definitions');
    });
  });

  it('a renamed file is indexed under its new name', { timeout: 90_000 }, async () => {
    await withFailureScreenshot(s(), 'index-rename', async () => {
      writeFileSync(join(s().workspace, 'src/geo.ts'), GEO);
      await new Promise((r) => setTimeout(r, 1500));
      renameSync(join(s().workspace, 'src/geo.ts'), join(s().workspace, 'src/geometry.ts'));
      await waitUntil(async () => (await promptAfterTyping(';\n  const d = ')).includes('<file path="src/geometry.ts"'), 40_000, 'a prompt with the definition under its new path');
      assert.ok(!prompts().at(-1)!.includes('<file path="src/geo.ts"'));
    });
  });

  it('a planted .env never reaches a prompt, even opened and typed in', { timeout: 60_000 }, async () => {
    await withFailureScreenshot(s(), 'index-env', async () => {
      const before = prompts().length;
      await s().openFile('.env');
      await s().page.keyboard.press('Control+End');
      for (const ch of 'NEXT_TOKEN=') await s().page.keyboard.type(ch, { delay: 60 });
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(prompts().length, before, 'no completion request from a secret file');
      for (const p of prompts()) assert.ok(!p.includes(SECRET), 'the planted secret is in no prompt');
      for (const r of fake.requests) assert.ok(!JSON.stringify(r.body ?? '').includes(SECRET), `request #${r.id} carries no part of .env`);
    });
  });
});
