// What the editor shows of a review and what Apply fix may do: thread labels and bodies, staged
// lines placed in the working file, the re-check before a fix goes in, threads following edits,
// and the Source Control entry points in the manifest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mapStagedToWorktree } from '../../src/core/review/parseDiff';
import { checkFixTarget, fixReplacement, shiftForEdit, threadBody, threadLabel, worktreeRange } from '../../src/core/review/threads';

const doc = (text: string) => {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (l: number) => lines[l] };
};

describe('review threads', () => {
  it('labels say the place among all findings', () => {
    assert.equal(threadLabel(1, 7), '2 of 7');
    assert.equal(threadLabel(0, 1), '1 of 1');
  });

  it('the body has severity, category, title, explanation and the fix as a code block that cannot be closed early', () => {
    const body = threadBody({ severity: 'high', category: 'bug', confidence: 0.9, title: 'Off by one', explanation: 'Loop runs to <= n: reads a[n].', fix: 'for (let i = 0; i < n; i++) {\n  s += "```";\n' }, 'typescript');
    assert.match(body, /^\*\*High\*\* · bug · \*\*Off by one\*\*\n/, 'the Comments panel lists the first line');
    assert.match(body, /Confidence 90 %/);
    assert.match(body, /Loop runs to \\<= n: reads a\\\[n\\\]\\\./, 'model text is escaped, never interpreted');
    assert.match(body, /\n````typescript\nfor \(let i = 0; i < n; i\+\+\) \{\n  s \+= "```";\n````$/);
    const noFix = threadBody({ severity: 'low', category: 'style', confidence: 0.5, title: 't', explanation: 'e', fix: null });
    assert.ok(!noFix.includes('Suggested fix'));
  });

  it('a body carries no control characters or escape sequences from the model', () => {
    const body = threadBody({ severity: 'medium', category: 'bug\u001b[31m', confidence: 0.7, title: 'a\u0007b', explanation: 'x\u202ey', fix: null });
    assert.ok(!/[\u0000-\u0008\u001b\u007f\u202e]/.test(body), JSON.stringify(body));
  });

  describe('staged lines in the working file', () => {
    const staged = 'a\nb\nc\nd\ne\n';
    const table: Array<{ name: string; worktree: string; line: number; endLine: number; want: { line: number; endLine: number } | null }> = [
      { name: 'no unstaged edits', worktree: staged, line: 2, endLine: 3, want: { line: 2, endLine: 3 } },
      { name: 'lines added above', worktree: 'x\ny\na\nb\nc\nd\ne\n', line: 2, endLine: 3, want: { line: 4, endLine: 5 } },
      { name: 'a line removed above', worktree: 'b\nc\nd\ne\n', line: 3, endLine: 4, want: { line: 2, endLine: 3 } },
      { name: 'the first line rewritten: gone', worktree: 'a\nB\nc\nd\ne\n', line: 2, endLine: 3, want: null },
      { name: 'a line inside the range rewritten', worktree: 'a\nb\nC\nd\ne\n', line: 2, endLine: 3, want: null },
      { name: 'a line put inside the range', worktree: 'a\nb\nnew\nc\nd\ne\n', line: 2, endLine: 3, want: null },
      { name: 'CRLF working tree over an LF index', worktree: 'a\r\nb\r\nc\r\nd\r\ne\r\n', line: 5, endLine: 5, want: { line: 5, endLine: 5 } },
    ];
    for (const c of table) {
      it(c.name, () => assert.deepEqual(worktreeRange(mapStagedToWorktree(staged, c.worktree), c.line, c.endLine), c.want));
    }
  });

  describe('Apply fix re-checks the lines before it edits', () => {
    it('the same lines: ok, with the range to replace', () => {
      assert.deepEqual(checkFixTarget(doc('x\nfor (i <= n)\n  s += a[i]\n}'), 1, ['for (i <= n)', '  s += a[i]']), { ok: true, startLine: 1, endLine: 2 });
    });
    it('CRLF line ends are not a change', () => {
      assert.equal(checkFixTarget(doc('x\r\ny\r\n'), 0, ['x', 'y']).ok, true);
    });
    it('an edited line refuses, saying which', () => {
      const r = checkFixTarget(doc('x\nfor (i < n)\n  s += a[i]\n}'), 1, ['for (i <= n)', '  s += a[i]']);
      assert.deepEqual(r, { ok: false, reason: 'line 2 changed since the review' });
    });
    it('a file now shorter refuses', () => {
      assert.equal(checkFixTarget(doc('x'), 0, ['x', 'y']).ok, false);
    });
    it('the fix takes the document\'s line ends and no final one', () => {
      assert.equal(fixReplacement('for (i < n)\n  s += a[i]\n', '\r\n'), 'for (i < n)\r\n  s += a[i]');
      assert.equal(fixReplacement('a\r\nb', '\n'), 'a\nb');
    });
  });

  describe('threads follow edits above them', () => {
    it('lines inserted above move it down', () => {
      assert.deepEqual(shiftForEdit(10, 11, { startLine: 2, endLine: 2, endsAtLineStart: false, text: 'a\nb\n' }), { start: 12, end: 13 });
    });
    it('lines deleted above move it up', () => {
      assert.deepEqual(shiftForEdit(10, 11, { startLine: 2, endLine: 5, endsAtLineStart: true, text: '' }), { start: 7, end: 8 });
    });
    it('a line inserted right before its first line moves it down', () => {
      assert.deepEqual(shiftForEdit(10, 10, { startLine: 10, endLine: 10, endsAtLineStart: true, text: 'new\n' }), { start: 11, end: 11 });
    });
    it('an edit below leaves it; an edit on its lines touches it', () => {
      assert.deepEqual(shiftForEdit(10, 11, { startLine: 12, endLine: 12, endsAtLineStart: false, text: 'x\n' }), { start: 10, end: 11 });
      assert.equal(shiftForEdit(10, 11, { startLine: 11, endLine: 11, endsAtLineStart: false, text: 'x' }), 'touched');
    });
  });

  it('the Source Control view offers the review on the staged group and on a staged file', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const staged = 'scmProvider == git && scmResourceGroup == index';
    assert.deepEqual(pkg.contributes.menus['scm/resourceGroup/context'].map((m: { command: string; when: string }) => [m.command, m.when]), [['hearth.reviewStaged', staged]]);
    assert.deepEqual(pkg.contributes.menus['scm/resourceState/context'].map((m: { command: string; when: string }) => [m.command, m.when]), [['hearth.reviewFile', staged]]);
    const thread = pkg.contributes.menus['comments/commentThread/title'].map((m: { command: string }) => m.command);
    assert.ok(thread.includes('hearth.review.applyFix') && thread.includes('hearth.review.dismiss'));
  });
});
