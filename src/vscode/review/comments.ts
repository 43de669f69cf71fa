// A review's findings in the editor: one comment controller, one thread per finding on its lines in
// the working file ("2 of 7", not replyable), next/previous, Apply fix and Dismiss from the thread's
// title bar, and "Show skipped" for what is not on a line: dropped findings, findings whose lines are
// gone from the working tree, and files not reviewed, each with the reason.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { languageOfPath } from '../../core/text/languages';
import { checkFixTarget, fixReplacement, shiftForEdit, threadBody, threadLabel } from '../../core/review/threads';
import type { ReviewedFinding, ReviewResult } from '../../node/review/review';
import { REVIEW_CONTROLLER_ID, THREAD_WITHOUT_FIX, THREAD_WITH_FIX } from '../ids';

interface Placed {
  readonly finding: ReviewedFinding;
  readonly thread: vscode.CommentThread;
  /** 0-based lines the thread is on now, moved with edits above it. */
  start: number;
  end: number;
}

/** Something the review did not put on a line, and why. */
export interface NotPlaced {
  readonly label: string;
  readonly detail: string;
}

export class ReviewComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(REVIEW_CONTROLLER_ID, 'Hearth Review');
  private placed: Placed[] = [];
  private notPlaced: NotPlaced[] = [];
  private current = -1;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => this.follow(e));
  }

  get threadCount(): number { return this.placed.length; }
  get skipped(): readonly NotPlaced[] { return this.notPlaced; }

  /** Replaces whatever a previous review showed. */
  show(results: readonly ReviewResult[]): void {
    this.clear();
    const all = results.flatMap((r) => r.findings.map((f) => ({ root: r.root, f })));
    all.forEach(({ root, f }, i) => {
      const uri = vscode.Uri.file(path.join(root, f.path));
      if (f.worktreeLine === null) {
        this.notPlaced.push({ label: `${f.path}:${f.line} ${f.title}`, detail: `finding ${threadLabel(i, all.length)} (${f.severity}): its line is no longer in the working file (edited after staging); staged lines ${f.line}–${f.endLine}` });
        return;
      }
      const start = f.worktreeLine - 1;
      const end = (f.worktreeEndLine ?? f.worktreeLine) - 1;
      const thread = this.controller.createCommentThread(uri, new vscode.Range(start, 0, end, 0), []);
      const body = new vscode.MarkdownString(threadBody(f, languageOfPath(f.path)?.id));
      body.isTrusted = false;
      body.supportHtml = false;
      thread.comments = [{ body, mode: vscode.CommentMode.Preview, author: { name: 'Hearth' } }];
      thread.label = threadLabel(i, all.length);
      thread.canReply = false;
      // A fix goes in only where the whole range is still there, in one piece.
      thread.contextValue = f.fix !== null && f.worktreeEndLine !== null ? THREAD_WITH_FIX : THREAD_WITHOUT_FIX;
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      this.placed.push({ finding: f, thread, start, end });
    });
    for (const r of results) {
      const where = results.length > 1 ? `${path.basename(r.root)}/` : '';
      for (const d of r.dropped) this.notPlaced.push({ label: `${where}${d.finding.file}:${d.finding.line} ${d.finding.title}`, detail: `dropped: ${d.reason}` });
      for (const s of r.skipped) this.notPlaced.push({ label: `${where}${s.path}`, detail: `not reviewed: ${s.reason}` });
    }
  }

  clear(): void {
    for (const p of this.placed) p.thread.dispose();
    this.placed = [];
    this.notPlaced = [];
    this.current = -1;
  }

  /** Reveals the next (+1) or previous (-1) finding, from the thread given or the last one shown. */
  async go(step: 1 | -1, from?: vscode.CommentThread): Promise<void> {
    if (this.placed.length === 0) {
      void vscode.window.showInformationMessage('Hearth: no review findings to go to.');
      return;
    }
    const at = from ? this.placed.findIndex((p) => p.thread === from) : this.current;
    const next = at < 0 ? (step > 0 ? 0 : this.placed.length - 1) : (at + step + this.placed.length) % this.placed.length;
    this.current = next;
    const p = this.placed[next];
    p.thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    const editor = await vscode.window.showTextDocument(p.thread.uri, { preserveFocus: false });
    const range = new vscode.Range(p.start, 0, p.start, 0);
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /**
   * Puts the thread's fix into the working file, if the lines it replaces are still the lines the
   * model reviewed; otherwise says why and changes nothing.
   */
  async applyFix(thread: vscode.CommentThread | undefined): Promise<boolean> {
    const p = this.placed.find((x) => x.thread === thread);
    if (!p || p.finding.fix === null) return false;
    const doc = await vscode.workspace.openTextDocument(p.thread.uri);
    const check = checkFixTarget({ lineCount: doc.lineCount, lineAt: (l) => doc.lineAt(l).text }, p.start, p.finding.lines);
    if (!check.ok) {
      void vscode.window.showWarningMessage(`Hearth: fix not applied: ${check.reason} (${vscode.workspace.asRelativePath(doc.uri)}). Review again to get a fix for the code as it is now.`);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    const range = new vscode.Range(check.startLine, 0, check.endLine, doc.lineAt(check.endLine).text.length);
    edit.replace(doc.uri, range, fixReplacement(p.finding.fix, doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'));
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showWarningMessage('Hearth: the editor did not accept the fix.');
      return false;
    }
    this.remove(p);
    return true;
  }

  dismiss(thread: vscode.CommentThread | undefined): void {
    const p = this.placed.find((x) => x.thread === thread);
    if (p) this.remove(p);
  }

  private remove(p: Placed): void {
    const i = this.placed.indexOf(p);
    if (i < 0) return;
    this.placed.splice(i, 1);
    p.thread.dispose();
    if (this.current >= i) this.current--;
  }

  /** Keeps each thread on its lines while the file is edited above it. */
  private follow(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    for (const p of this.placed) {
      if (p.thread.uri.toString() !== key) continue;
      let { start, end } = p;
      for (const c of e.contentChanges) {
        const moved = shiftForEdit(start, end, {
          startLine: c.range.start.line, endLine: c.range.end.line, endsAtLineStart: c.range.end.character === 0, text: c.text,
        });
        if (moved !== 'touched') ({ start, end } = moved);
      }
      if (start !== p.start || end !== p.end) {
        p.start = start;
        p.end = end;
        p.thread.range = new vscode.Range(start, 0, end, 0);
      }
    }
  }

  dispose(): void {
    this.clear();
    this.subscription.dispose();
    this.controller.dispose();
  }
}
