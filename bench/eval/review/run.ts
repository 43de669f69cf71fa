// Runs the seeded-bug set through `reviewChanges` exactly as `hearth review --staged` does (the
// repository index for definitions, credentials redacted, thinking on for models that think), one
// staged variant at a time, against a real server (`host`) or the recorded replies (`replay`).
import { ModelError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/log';
import { sharedSchemaValidator } from '../../../src/core/model/schemaValidator';
import { readStructuredReply } from '../../../src/core/model/structured';
import { REVIEW_REPLY_SCHEMA, type ReviewReply } from '../../../src/core/review/schema';
import type { RawFinding } from '../../../src/core/review/types';
import { GitRunner } from '../../../src/node/git/gitRunner';
import { SecretlintRedactor } from '../../../src/node/privacy/redact';
import { reviewChanges, type ReviewSession } from '../../../src/node/review/review';
import { openWorkspace } from '../../../src/node/workspace';
import { PackageTree, selectCases, variantsOf } from './corpus';
import { scoreReviewEval, type ReviewEvalMetrics, type VariantOutcome } from './metrics';
import { CurrentVariant, observingBackend, ReplayServer, type Answer, type ReplayMiss } from './recorded';
import { openEvalSession } from '../session';

export interface ReviewEvalOptions {
  /** The server to ask (a real Ollama); default as the CLI: OLLAMA_HOST, else 127.0.0.1:11434. */
  readonly host?: string;
  /** The review model; default as the CLI (hearth.model's default). */
  readonly model?: string;
  /** Serve the recorded replies of this folder through the fake Ollama instead of asking a server. */
  readonly replay?: string;
  /** With replay: accept changed prompts for replies matched by variant and attempt, and save them. */
  readonly rekey?: boolean;
  /** Save every answer of the real server here. */
  readonly record?: string;
  /** Only cases whose id contains one of these. */
  readonly cases?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
}

export type ReviewEvalResult =
  | { readonly status: 'done'; readonly server: string; readonly model: string; readonly metrics: ReviewEvalMetrics; readonly outcomes: VariantOutcome[]; readonly misses: readonly ReplayMiss[] }
  | { readonly status: 'unavailable'; readonly reason: 'unreachable' | 'model'; readonly message: string };

export async function runReviewEval(opts: ReviewEvalOptions): Promise<ReviewEvalResult> {
  const log = opts.log ?? (() => {});
  const current = new CurrentVariant();
  const replay = opts.replay ? new ReplayServer(opts.replay, current, opts.rekey) : undefined;
  const host = replay ? await replay.start() : opts.host;
  try {
    const answers: Answer[] = [];
    const opened = await openEvalSession({ host, model: opts.model, env: opts.env }, 'review',
      (inner, model) => observingBackend(inner, current, answers, opts.record ? { dir: opts.record, model } : undefined));
    if (opened.status === 'unavailable') return opened;
    const { session, server, model } = opened;

    const raw: RawFinding[] = [];
    const observed: ReviewSession = {
      model: session.model, numCtx: session.numCtx, description: session.description, budget: session.budget,
      structured: async <T>(req: Parameters<ReviewSession['structured']>[0]) => {
        const r = await session.structured<T>(req);
        raw.push(...(r.value as unknown as ReviewReply).findings);
        return r;
      },
    };
    const check = sharedSchemaValidator().checkFor(REVIEW_REPLY_SCHEMA);
    const redactor = new SecretlintRedactor();
    const outcomes: VariantOutcome[] = [];
    for (const [pkg, cases] of selectCases(opts.cases)) {
      const tree = PackageTree.open(pkg);
      const git = new GitRunner(tree.root);
      const workspace = openWorkspace({ root: tree.root, logger: silentLogger, git, workers: 1, timeBudgetMs: Infinity });
      try {
        await workspace.build();
        for (const c of cases) {
          const original = tree.read(c.path);
          for (const v of variantsOf(c, original)) {
            current.begin(v.id);
            raw.length = 0;
            const firstAnswer = answers.length;
            tree.stage(c.path, v.text);
            const t0 = performance.now();
            let outcome: Pick<VariantOutcome, 'findings' | 'dropped' | 'incomplete'>;
            try {
              const r = await reviewChanges({ git, gate: workspace.gate, scope: { kind: 'staged' }, session: observed, redactor, workspace, think: true });
              outcome = { findings: r.findings, dropped: r.dropped, ...(r.incomplete ? { incomplete: r.incomplete.reason } : {}) };
            } catch (e) {
              if (!ModelError.is(e)) throw e;
              outcome = { findings: [], dropped: [], incomplete: e.userMessage };
            }
            const ms = performance.now() - t0;
            tree.restore(c.path, original);
            const mine = answers.slice(firstAnswer);
            outcomes.push({
              id: v.id, kind: v.kind, path: c.path, text: v.text, ...(v.truth ? { truth: v.truth } : {}),
              raw: [...raw], ...outcome, answers: mine.length, validAnswers: mine.filter((a) => readStructuredReply(a.text, check).ok).length, ms,
            });
            const o = outcomes[outcomes.length - 1];
            log(`  ${v.id.padEnd(44)} ${o.incomplete ? 'INCOMPLETE' : `${o.findings.length} found, ${o.dropped.length} dropped`}  ${ms.toFixed(0)} ms`);
          }
        }
      } finally {
        await workspace.dispose();
        tree.dispose();
      }
    }
    return { status: 'done', server, model, metrics: scoreReviewEval(outcomes), outcomes, misses: replay ? [...replay.misses] : [] };
  } finally {
    await replay?.stop();
  }
}
