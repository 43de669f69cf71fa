// `hearth review [--staged | --uncommitted] [--repo DIR] [--format text|json|sarif]
// [--fail-on high|medium|low|none]` and `hearth review --install-hook`. Exit codes: 0 reviewed,
// nothing at or above the threshold; 1 a finding at or above it; 2 the review could not be
// completed (server unreachable, an answer unreadable or cut), with the reason on stderr — and
// wrong usage, as for every command.
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import type { HearthConfig } from '../core/config';
import { ModelError } from '../core/errors';
import { silentLogger } from '../core/log';
import type { ModelBackend } from '../core/model/backend';
import { ModelService } from '../core/model/service';
import { failsOn, reviewJson, reviewSarif, reviewText, type FailOn } from '../core/review/report';
import { GitError, GitRunner } from '../node/git/gitRunner';
import { cliCacheFile } from '../node/index/cachePath';
import { PrivacyGate } from '../node/privacy/gate';
import { SecretlintRedactor } from '../node/privacy/redact';
import { installPreCommitHook } from '../node/review/hook';
import { reviewChanges, type ReviewResult } from '../node/review/review';
import { openWorkspace } from '../node/workspace';
import type { CliIO } from './main';

export type ReviewFormat = 'text' | 'json' | 'sarif';
export const REVIEW_FORMATS: readonly ReviewFormat[] = ['text', 'json', 'sarif'];
export const FAIL_ON: readonly FailOn[] = ['high', 'medium', 'low', 'none'];
/** A pre-commit gate stops on what is worth stopping a commit for. */
export const DEFAULT_FAIL_ON: FailOn = 'high';

export interface ReviewCommand {
  readonly repo: string;
  readonly scope: 'staged' | 'uncommitted';
  readonly format: ReviewFormat;
  readonly failOn: FailOn;
  readonly installHook: boolean;
  readonly force: boolean;
  /** Build the repository index for the definitions each hunk uses (default true). */
  readonly context: boolean;
}

export async function reviewCommand(cmd: ReviewCommand, backend: ModelBackend, config: HearthConfig, io: CliIO): Promise<number> {
  const git = new GitRunner(cmd.repo);
  let root: string;
  try {
    root = (await git.run(['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    io.err(e instanceof GitError && e.code === 128 ? `${cmd.repo} is not in a git repository: hearth review reviews a repository's changes` : `hearth: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const rootGit = new GitRunner(root);

  if (cmd.installHook) {
    const r = await installPreCommitHook({ root, git: rootGit, self: io.self, force: cmd.force });
    if (!r.ok) {
      io.err(r.reason);
      return 1;
    }
    io.out(`${r.replaced ? 'Replaced' : 'Wrote'} ${r.path}${r.hooksPathFrom ? ` (the folder named by ${r.hooksPathFrom})` : ''}: each commit now runs \`hearth review --staged --fail-on high\` first. To commit once without it: git commit --no-verify`);
    return 0;
  }

  const service = new ModelService(backend, config, silentLogger);
  const workspace = cmd.context ? openWorkspace({ root, cacheFile: cliCacheFile(root, io.env), logger: silentLogger, git: rootGit, timeBudgetMs: Infinity }) : undefined;
  let result: ReviewResult;
  try {
    if (workspace) await workspace.build();
    result = await reviewChanges({
      git: rootGit,
      gate: workspace?.gate ?? new PrivacyGate(root, { git: rootGit }),
      scope: { kind: cmd.scope },
      session: () => service.session('review'),
      redactor: new SecretlintRedactor(),
      workspace,
      think: true,
    });
  } catch (e) {
    if (ModelError.is(e)) {
      io.err(`Review incomplete: ${e.userMessage}`);
      return 2;
    }
    if (e instanceof GitError) {
      io.err(`Review incomplete: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await workspace?.dispose();
  }

  if (cmd.format === 'json') io.out(JSON.stringify(reviewJson(result), null, 2));
  else if (cmd.format === 'sarif') io.out(JSON.stringify(reviewSarif(result, { name: 'Hearth', version, rootUri: pathToFileURL(`${root}/`).href }), null, 2));
  else io.out(reviewText(result));
  if (result.incomplete) {
    io.err(result.incomplete.reason);
    return 2;
  }
  return failsOn(result, cmd.failOn) ? 1 : 0;
}
