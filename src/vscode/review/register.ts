// The review in the editor: "Review Staged Changes", "Review All Uncommitted Changes" and "Review
// This File's Staged Changes" from the Command Palette and the Source Control view, run per
// repository with a cancellable progress notification, through the shared scheduler at review
// priority (a completion that needs the server preempts the review's request, which is asked
// again), then shown as comment threads. A review that could not finish says so; it is never
// shown as "no findings".
//
// Restricted Mode: a review runs git in the repository, and Hearth runs nothing from an untrusted
// workspace (the safe runner aside, a review of a folder you have not trusted is not what you
// asked for), so it asks for trust instead. Where the request goes is never the workspace's to
// choose: the server address and headers are user settings only (see settings.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSilent, ModelError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { Redactor } from '../../core/privacy/redactor';
import { GitError, GitRunner } from '../../node/git/gitRunner';
import { PrivacyGate } from '../../node/privacy/gate';
import type { ReviewScope } from '../../node/review/collect';
import { reviewChanges, type ReviewProgress, type ReviewResult } from '../../node/review/review';
import type { Workspace } from '../../node/workspace';
import { COMMANDS } from '../ids';
import type { ModelRuntime } from '../runtime';
import { ReviewComments } from './comments';
import { repositoryRoots, rootOf } from './gitApi';

export interface ReviewDeps {
  readonly runtime: ModelRuntime;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The live index's workspace, when it runs: definitions for each hunk from the rest of the repository. */
  readonly workspace: () => Workspace | undefined;
}

interface Job {
  readonly root: string;
  readonly scope: ReviewScope;
}

type Kind = 'staged' | 'uncommitted' | 'file';

export function registerReview(context: vscode.ExtensionContext, deps: ReviewDeps): ReviewComments {
  const comments = new ReviewComments();
  let running: AbortController | undefined;

  const run = async (kind: Kind, args: unknown[]): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      const pick = await vscode.window.showWarningMessage('Hearth reviews changes only in a trusted folder: a review runs git in the repository, and in Restricted Mode Hearth runs nothing there.', 'Manage Workspace Trust');
      if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    if (running) {
      void vscode.window.showInformationMessage('Hearth: a review is already running; cancel it from its notification to start another.');
      return;
    }
    const jobs = await jobsFor(kind, args);
    if (jobs.length === 0) {
      void vscode.window.showInformationMessage(kind === 'file' ? 'Hearth: open a file of a git repository (or pick a staged file in Source Control) to review its staged changes.' : 'Hearth: no git repository in this window to review.');
      return;
    }
    const controller = new AbortController();
    running = controller;
    try {
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Hearth: reviewing', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const out: ReviewResult[] = [];
          for (const job of jobs) {
            const where = jobs.length > 1 ? `${path.basename(job.root)}: ` : '';
            out.push(await reviewOne(job, deps, controller.signal, (p) => progress.report({ message: where + progressText(p) })));
            if (controller.signal.aborted) break;
          }
          return out;
        },
      );
      report(results, kind, comments, deps.logger, controller.signal.aborted);
    } finally {
      running = undefined;
    }
  };

  const showSkipped = async () => {
    if (comments.skipped.length === 0) {
      void vscode.window.showInformationMessage('Hearth: the last review left nothing out.');
      return;
    }
    await vscode.window.showQuickPick(comments.skipped.map((s) => ({ label: s.label, detail: s.detail })), {
      title: 'Hearth: what the review did not put on a line', matchOnDetail: true, placeHolder: 'Dropped findings, findings whose lines are gone, and files not reviewed, with the reason',
    });
  };

  context.subscriptions.push(
    comments,
    { dispose: () => running?.abort() },
    vscode.commands.registerCommand(COMMANDS.reviewStaged, (...args: unknown[]) => run('staged', args)),
    vscode.commands.registerCommand(COMMANDS.reviewUncommitted, (...args: unknown[]) => run('uncommitted', args)),
    vscode.commands.registerCommand(COMMANDS.reviewFile, (...args: unknown[]) => run('file', args)),
    vscode.commands.registerCommand(COMMANDS.nextFinding, (thread?: vscode.CommentThread) => comments.go(1, isThread(thread) ? thread : undefined)),
    vscode.commands.registerCommand(COMMANDS.previousFinding, (thread?: vscode.CommentThread) => comments.go(-1, isThread(thread) ? thread : undefined)),
    vscode.commands.registerCommand(COMMANDS.applyFix, (thread?: vscode.CommentThread) => comments.applyFix(thread)),
    vscode.commands.registerCommand(COMMANDS.dismissFinding, (thread?: vscode.CommentThread) => comments.dismiss(thread)),
    vscode.commands.registerCommand(COMMANDS.showSkipped, showSkipped),
    vscode.commands.registerCommand(COMMANDS.clearFindings, () => comments.clear()),
  );
  return comments;
}

function isThread(x: unknown): x is vscode.CommentThread {
  return typeof x === 'object' && x !== null && 'uri' in x && 'comments' in x;
}

/** Resource URIs in a command's arguments: Source Control passes resource states, or groups of them. */
function resourceUris(args: unknown[]): vscode.Uri[] {
  const out: vscode.Uri[] = [];
  const visit = (a: unknown) => {
    if (Array.isArray(a)) { a.forEach(visit); return; }
    if (typeof a !== 'object' || a === null) return;
    if (a instanceof vscode.Uri) { out.push(a); return; }
    const o = a as { resourceUri?: unknown; resourceStates?: unknown };
    if (o.resourceUri instanceof vscode.Uri) out.push(o.resourceUri);
    if (Array.isArray(o.resourceStates)) o.resourceStates.forEach(visit);
  };
  args.forEach(visit);
  return out.filter((u) => u.scheme === 'file');
}

async function jobsFor(kind: Kind, args: unknown[]): Promise<Job[]> {
  const roots = await repositoryRoots();
  const uris = resourceUris(args);
  if (kind === 'file') {
    if (uris.length === 0) {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active?.scheme === 'file') uris.push(active);
    }
    return uris.flatMap((u) => {
      const root = rootOf(roots, u.fsPath);
      return root ? [{ root, scope: { kind: 'file', path: path.relative(root, u.fsPath).split(path.sep).join('/') } }] : [];
    });
  }
  // From the staged group's menu: the repository of that group; from the palette: every repository.
  const picked = [...new Set(uris.map((u) => rootOf(roots, u.fsPath)).filter((r): r is string => r !== undefined))];
  return (picked.length > 0 ? picked : roots).map((root) => ({ root, scope: { kind } }));
}

async function reviewOne(job: Job, deps: ReviewDeps, signal: AbortSignal, onProgress: (p: ReviewProgress) => void): Promise<ReviewResult> {
  const git = new GitRunner(job.root);
  const ws = deps.workspace();
  const workspace = ws && path.resolve(ws.root) === path.resolve(job.root) ? ws : undefined;
  try {
    return await reviewChanges({
      git,
      gate: workspace?.gate ?? new PrivacyGate(job.root, { git }),
      scope: job.scope,
      session: () => deps.runtime.service.session('review'),
      redactor: deps.redactor,
      workspace,
      signal,
      onProgress,
      think: deps.runtime.config.features.review.think,
      logger: deps.logger,
    });
  } catch (e) {
    // The review could not start (no model, server down, not a repository): incomplete, with why.
    const reason = ModelError.is(e) ? e.userMessage : e instanceof GitError ? e.message : e instanceof Error ? e.message : String(e);
    if (!isSilent(e)) deps.logger.warn(`review of ${job.root}: ${reason}`);
    return {
      root: job.root, scope: job.scope, reviewed: [], skipped: [], findings: [], dropped: [], requests: 0,
      incomplete: { reason, cause: ModelError.is(e) ? e.reason : 'error', paths: [] },
    };
  }
}

function progressText(p: ReviewProgress): string {
  switch (p.stage) {
    case 'collect': return 'reading the changes…';
    case 'context': return `preparing file ${p.done + 1} of ${p.total}…`;
    case 'request': return p.done >= p.total ? 'checking the findings…' : `asking the model (${p.total > 1 ? `request ${p.done + 1} of ${p.total}, ` : ''}${p.paths.join(', ')})…`;
    case 'yielded': return 'a completion goes first; the review continues after it…';
  }
}

function report(results: readonly ReviewResult[], kind: Kind, comments: ReviewComments, logger: Logger, cancelled: boolean): void {
  comments.show(results);
  const findings = results.reduce((n, r) => n + r.findings.length, 0);
  const reviewed = results.reduce((n, r) => n + r.reviewed.length, 0);
  for (const r of results) {
    logger.info(`review of ${r.root} (${r.scope.kind === 'file' ? r.scope.path : r.scope.kind}): ${r.findings.length} findings, ${r.reviewed.length} files reviewed, ${r.requests} requests${r.incomplete ? `; INCOMPLETE: ${r.incomplete.reason}` : ''}`);
    for (const f of r.findings) logger.info(`  ${f.path}:${f.line}${f.endLine !== f.line ? `-${f.endLine}` : ''} [${f.severity}/${f.category}] ${f.title}${f.worktreeLine === null ? ' (its line is gone from the working file: not placed)' : ''}`);
    for (const d of r.dropped) logger.info(`  dropped ${d.finding.file}:${d.finding.line} ${d.finding.title}: ${d.reason}`);
    for (const s of r.skipped) logger.info(`  not reviewed ${s.path}: ${s.reason}`);
  }
  const incomplete = results.find((r) => r.incomplete)?.incomplete;
  const skippedButton = comments.skipped.length > 0 ? ['Show Skipped'] : [];
  const follow = (pick: string | undefined) => {
    if (pick === 'Show Skipped') void vscode.commands.executeCommand(COMMANDS.showSkipped);
    else if (pick === 'Show Log') void vscode.commands.executeCommand(COMMANDS.showLog);
    else if (pick === 'Next Finding') void vscode.commands.executeCommand(COMMANDS.nextFinding);
  };
  const found = `${findings} finding${findings === 1 ? '' : 's'}${comments.threadCount < findings ? ` (${findings - comments.threadCount} not on a line: see Show Skipped)` : ''}`;
  if (incomplete) {
    const why = cancelled ? 'you cancelled it' : incomplete.reason;
    void vscode.window.showWarningMessage(`Hearth: the review is incomplete (${why}). ${findings > 0 ? `Shown: ${found} from what was reviewed.` : 'Nothing is shown: this is not a clean review.'}`, ...skippedButton, 'Show Log').then(follow);
    return;
  }
  if (reviewed === 0) {
    const skipped = results.reduce((n, r) => n + r.skipped.length, 0);
    const what = kind === 'uncommitted' ? 'uncommitted changes' : 'staged changes';
    void vscode.window.showInformationMessage(skipped > 0 ? `Hearth: nothing was sent for review: ${skipped} file${skipped === 1 ? '' : 's'} not reviewed (lockfiles, generated, binary, deleted or private).` : `Hearth: no ${what} to review.`, ...skippedButton).then(follow);
    return;
  }
  const filesText = `${reviewed} file${reviewed === 1 ? '' : 's'} reviewed`;
  if (findings === 0) {
    void vscode.window.showInformationMessage(`Hearth: review done, no findings (${filesText}).`, ...skippedButton).then(follow);
    return;
  }
  void vscode.window.showInformationMessage(`Hearth: review done: ${found}, ${filesText}.`, ...(comments.threadCount > 0 ? ['Next Finding'] : []), ...skippedButton).then(follow);
}
