// Review of staged changes in a real VS Code, on a real git repository whose working file has two
// lines more on top than the index: run from the Source Control view's staged group, the fake's
// scripted findings become comment threads on the working-tree lines (the exact one, and the
// mis-numbered one moved to the line its anchor names; the hallucinated one dropped, listed under
// Show Skipped), an inline completion answers while the review's answer is still streaming (it
// preempts the review request, which is asked again), and Apply fix edits the working file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeOllama, isWarmup, type RecordedRequest } from '../fake-ollama';
import { assertProvisioned, ensureVsix, hearthLogTail, startEditor, waitForHearthReady, waitUntil, withFailureScreenshot, type EditorSession } from './harness';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

const HEAD = 'export function total(items: number[]): number {\n  let sum = 0;\n  for (const x of items) sum += x;\n  return sum;\n}\n';
const STAGED = [
  'export function total(items: number[]): number {', // 1
  '  let sum = 0;', // 2
  '  for (const x of items) sum += x;', // 3
  '  if (items.length > 0) sum = sum / 0;', // 4: the exact finding
  '  return sum;', // 5
  '}', // 6
  'export function average(items: number[]): number {', // 7
  '  return total(items) / items.length;', // 8: the mis-numbered finding says 9
  '}', // 9
  '',
].join('\n');
/** Unstaged: two lines on top, so staged line N is working-tree line N + 2. */
const WORKTREE = `// note\n// more\n${STAGED}`;
const FIX = '  if (items.length > 0) sum = sum / items.length;';

const FINDINGS = [
  { file: 'src/math.ts', line: 4, end_line: 4, anchor: '  if (items.length > 0) sum = sum / 0;', severity: 'high', category: 'bug', confidence: 0.9, title: 'Division by zero', explanation: 'Any non-empty list makes the sum Infinity.', fix: FIX },
  { file: 'src/math.ts', line: 9, end_line: 9, anchor: 'return total(items) / items.length;', severity: 'medium', category: 'edge-case', confidence: 0.8, title: 'Empty list gives NaN', explanation: 'average([]) divides 0 by 0.', fix: null },
  { file: 'src/math.ts', line: 5, end_line: 5, anchor: 'const result = await fetchEverything(url);', severity: 'high', category: 'security', confidence: 0.95, title: 'Unchecked fetch', explanation: 'A made-up line.', fix: null },
];

const isReview = (r: RecordedRequest) => r.path === '/api/chat' && r.body?.format !== undefined;

describe('e2e: review of staged changes', () => {
  let fake: FakeOllama;
  let editor: EditorSession | undefined;
  let reviewsAsked = 0;

  before(async () => {
    assertProvisioned();
    const vsix = ensureVsix();
    fake = new FakeOllama();
    fake.setDefaultReply((r) => {
      if (isReview(r)) {
        reviewsAsked++;
        // The first answer streams slowly (a long review on a laptop); asked again, it comes at once.
        return { response: JSON.stringify({ findings: FINDINGS }), thinking: 'Line 4 divides by zero.', chunkDelayMs: reviewsAsked === 1 ? 150 : 0 };
      }
      const prompt: string = typeof r.body?.prompt === 'string' ? r.body.prompt : '';
      return { response: prompt.endsWith('return ') ? 'a + b;' : '' };
    });
    const url = await fake.start(0);
    editor = await startEditor({
      vsix,
      name: 'review',
      settings: {
        'hearth.serverUrl': url, 'editor.inlineSuggest.enabled': true, 'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
      },
      workspaceFiles: { 'src/math.ts': HEAD, 'src/add.ts': 'export function add(a: number, b: number): number {\n  \n}\n' },
      prepareWorkspace: (ws) => {
        git(ws, 'init', '-q');
        git(ws, 'add', '.');
        git(ws, 'commit', '-qm', 'base');
        writeFileSync(join(ws, 'src/math.ts'), STAGED);
        git(ws, 'add', 'src/math.ts');
        writeFileSync(join(ws, 'src/math.ts'), WORKTREE);
      },
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
  const ghost = async () => (await s().page.locator('.ghost-text-decoration, .ghost-text-decoration-preview').allTextContents()).join('').replace(/\u00a0/g, ' ');
  const threads = () => s().page.locator('.review-widget');
  const cursorLine = async () => Number(/Ln (\d+)/.exec((await s().page.locator('#status\\.editor\\.selection').textContent()) ?? '')?.[1]);

  it('from the staged group: threads on the working-tree lines, a completion while it streams, Apply fix', { timeout: 170_000 }, async (t) => {
    await withFailureScreenshot(s(), 'review', async () => {
      const { page } = s();
      // Source Control view → the "Staged Changes" group's context menu → Review Staged Changes.
      await page.keyboard.press('Control+Shift+G');
      const group = page.locator('.scm-view .monaco-list-row').filter({ hasText: 'Staged Changes' }).first();
      await group.waitFor({ state: 'visible', timeout: 30_000 });
      await group.click({ button: 'right' });
      const item = page.locator('.context-view .action-item').filter({ hasText: 'Review Staged Changes' }).first();
      await item.waitFor({ state: 'visible' });
      await s().screenshot('scm-menu');
      await item.click();

      // The review's answer is streaming: a completion elsewhere still answers.
      await waitUntil(() => fake.requests.some((r) => isReview(r) && r.firstByteAt !== undefined), 60_000, 'the review request streaming');
      await s().openFile('src/add.ts');
      await s().goToLine(2);
      for (const ch of 'return ') await page.keyboard.type(ch, { delay: 60 });
      const shown = async () => (await ghost()) === 'a + b;';
      const atFirstPause = await waitUntil(shown, 20_000, '').then(() => true, () => false);
      if (!atFirstPause) {
        // Ghost text at every pause is the typing benchmark's to measure (issue 9, and its CI slice);
        // this test is about a completion answering while a review streams. A person who saw nothing
        // types the space again; the log of the missed pause is printed, so that it can be mended.
        const asked = fake.requests.filter((r) => r.path === '/api/generate' && !isWarmup(r))
          .map((r) => `#${r.id} …${JSON.stringify(String(r.body?.prompt ?? '').slice(-24))} received ${r.receivedAt} ended ${r.endedAt ?? '-'} closed ${r.clientClosedAt ?? '-'}`);
        t.diagnostic(`no ghost text 20 s after the pause; completions asked:\n${asked.join('\n')}\n${hearthLogTail(s(), 'review-missed-pause') ?? 'no Hearth log'}`);
        await page.keyboard.press('Backspace');
        await page.keyboard.type(' ', { delay: 60 });
        await waitUntil(shown, 30_000, 'ghost text while the review runs (at a second pause)');
      }
      assert.equal(await threads().count(), 0, 'the review had not finished when the completion answered');
      const first = fake.requests.find(isReview)!;
      assert.ok(first.clientClosedAt !== undefined || first.endedAt === undefined, 'the review request gave way to the completion');
      await page.keyboard.press('Escape');

      // The findings: two threads, the hallucinated one dropped.
      await waitUntil(async () => (await threads().count()) >= 2 || (await page.getByText('Hearth: review done').count()) > 0, 90_000, 'the review to finish');
      await s().runCommand('Hearth: Next Review Finding');
      await waitUntil(async () => (await threads().count()) === 2, 15_000, 'two comment threads');
      await s().screenshot('threads');
      const text = (await threads().allTextContents()).join(' | ');
      assert.match(text, /1 of 2/);
      assert.match(text, /2 of 2/);
      assert.match(text, /Division by zero/);
      assert.match(text, /Empty list gives NaN/);
      assert.doesNotMatch(text, /Unchecked fetch/);
      assert.equal(await cursorLine(), 6, 'the exact finding: staged line 4 is working-tree line 6');
      await s().runCommand('Hearth: Next Review Finding');
      await waitUntil(async () => (await cursorLine()) === 10, 10_000, 'the mis-numbered finding moved to staged line 8 = working-tree line 10');
      assert.ok(reviewsAsked >= 2, 'the preempted review request was asked again');

      await s().runCommand('Hearth: Show What the Review Skipped');
      const skipped = await s().quickPickLabels();
      assert.ok(skipped.some((l) => l.includes('Unchecked fetch')), `the dropped finding is listed: ${skipped.join(', ')}`);
      await page.keyboard.press('Escape');

      // Apply fix from the thread's title bar; then save and read the file.
      const exact = threads().filter({ hasText: 'Division by zero' }).first();
      await exact.hover();
      await exact.locator('.action-label[aria-label*="Apply Fix"]').first().click();
      await waitUntil(async () => (await threads().count()) === 1, 10_000, 'the applied finding\'s thread goes');
      await s().openFile('src/math.ts');
      await page.keyboard.press('Control+S');
      await waitUntil(() => readFileSync(join(s().workspace, 'src/math.ts'), 'utf8').split('\n')[5] === FIX, 10_000, 'the fix on working-tree line 6 of the file');
      assert.equal(readFileSync(join(s().workspace, 'src/math.ts'), 'utf8'), WORKTREE.replace('  if (items.length > 0) sum = sum / 0;', FIX), 'only that line changed');
      const completions = fake.requests.filter((r) => r.path === '/api/generate' && !isWarmup(r));
      assert.ok(completions.length >= 1);
    });
  });
});
