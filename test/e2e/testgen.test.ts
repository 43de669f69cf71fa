// Test generation in a real VS Code, on a TypeScript project that uses Vitest (the real Vitest, from
// this repository's devDependencies, linked in as the project's node_modules): "Hearth: Generate
// Tests" at a function. The fake's tests model writes three tests: one that passes, one whose
// assertion is wrong (asked to repair it, the model gives it back unchanged: a possible bug), one
// that does not parse. Only the passing one is offered, in a diff of the new test file; Accept
// writes it, and the file on disk holds only that test, which Vitest passes. No scratch file is left.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, type RecordedRequest } from '../fake-ollama';
import { assertProvisioned, ensureVsix, startEditor, waitForHearthReady, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const REPO_ROOT = join(__dirname, '..', '..');
const CALC = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport function clamp(x: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, x));\n}\n';

const BATCH = {
  imports: "import { describe, it, expect } from 'vitest';\nimport { add } from './calc';",
  tests: [
    { name: 'adds two numbers', code: "it('adds two numbers', () => {\n  expect(add(2, 3)).toBe(5);\n});" },
    { name: 'adds like a product', code: "it('adds like a product', () => {\n  expect(add(2, 3)).toBe(6);\n});" },
    { name: 'does not parse', code: "it('does not parse', () => {\n  expect(add(2, 3).toBe(5);\n});" },
  ],
};
const REPAIR = { imports: BATCH.imports, tests: [BATCH.tests[1]] };

const isTestsRequest = (r: RecordedRequest) => r.path === '/api/chat' && r.body?.format !== undefined;

describe('e2e: generate tests that were run and pass', () => {
  let fake: FakeOllama;
  let editor: EditorSession | undefined;
  let asked = 0;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    fake.setDefaultReply((r) => {
      if (!isTestsRequest(r)) return { response: '' };
      asked++;
      return { response: JSON.stringify(asked === 1 ? BATCH : REPAIR) };
    });
    const url = await fake.start(0);
    editor = await startEditor({
      vsix,
      name: 'testgen',
      settings: { 'hearth.serverUrl': url, 'editor.inlineSuggest.enabled': false },
      workspaceFiles: {
        'package.json': JSON.stringify({ name: 'calc', private: true, type: 'module', scripts: { test: 'vitest run' }, devDependencies: { vitest: '^4.0.0' } }, null, 2),
        'src/calc.ts': CALC,
      },
      // The project's own Vitest: this repository's, as `npm install` would have put it there.
      prepareWorkspace: (ws) => symlinkSync(join(REPO_ROOT, 'node_modules'), join(ws, 'node_modules'), 'dir'),
    });
    await waitForHearthReady(editor);
  }, { timeout: 420_000 });

  after(async () => {
    await editor?.stop();
    await fake.stop();
  }, { timeout: 30_000 });

  const s = (): EditorSession => {
    assert.ok(editor, 'the editor did not start (see the before hook error)');
    return editor;
  };

  it('at a function: only the passing test is offered, Accept writes it, and Vitest passes the file', { timeout: 240_000 }, async () => {
    await withFailureScreenshot(s(), 'testgen', async () => {
      const { page } = s();
      await s().openFile('src/calc.ts');
      await s().goToLine(2);
      await s().runCommand('Hearth: Generate Tests');

      const accept = page.getByRole('button', { name: 'Accept' });
      await accept.first().waitFor({ state: 'visible', timeout: 200_000 });
      await s().screenshot('testgen-offer');
      const offer = (await page.locator('.notifications-toasts, .notification-toast').allTextContents()).join(' ');
      assert.match(offer, /kept 1 of 3 generated tests/, offer);
      assert.match(offer, /adds two numbers: passed 3\/3/, offer);
      assert.match(offer, /possible bug.*adds like a product/, offer);
      assert.ok(asked >= 2, 'the failing test was sent back for repair');
      await accept.first().click();

      const testFile = join(s().workspace, 'src/calc.test.ts');
      await waitUntil(() => existsSync(testFile) && readFileSync(testFile, 'utf8').includes('adds two numbers'), 20_000, 'the test file written');
      const written = readFileSync(testFile, 'utf8');
      assert.match(written, /from 'vitest'/);
      assert.doesNotMatch(written, /adds like a product|does not parse/, 'only the test that passed');
      const leftovers = readdirSync(join(s().workspace, 'src')).filter((f) => /hearth/i.test(f));
      assert.deepEqual(leftovers, [], 'no scratch file left');

      const vitest = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'src/calc.test.ts'], { cwd: s().workspace, encoding: 'utf8', timeout: 120_000 });
      assert.equal(vitest.status, 0, `vitest on the written file:\n${vitest.stdout}\n${vitest.stderr}`);
      assert.match(vitest.stdout, /1 passed/);
    });
  });
});
