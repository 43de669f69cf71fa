// The workspace seam: one place that builds what every front end needs of a repository (the
// index, the completion context over it and the long-window pack) with one token measure. The
// editor, the CLI and the benchmarks all open a workspace here, so they wire the same thing.
import type { Logger } from '../core/log';
import { TokenEstimator } from '../core/model/tokens';
import { IndexContextProvider } from '../core/index/contextProvider';
import { EditorContextProvider } from '../core/index/editorContext';
import { overlayIndex } from '../core/index/overlay';
import { packForRanges, type PackedItem, type PackedKind, type PackRange, type PackSources } from '../core/index/packer';
import type { IndexedFile, RepoIndex } from '../core/index/repoIndex';
import { SimilarWindows } from '../core/index/similar';
import { snippetOf } from '../core/index/snippets';
import { TextLines } from '../core/text/cursorText';
import type { GitRunner } from './git/gitRunner';
import { IndexService, MAX_INDEXED_BYTES, type IndexStats } from './index/indexService';
import type { PathVerdict, PrivacyGate } from './privacy/gate';

export interface WorkspaceOptions {
  readonly root: string;
  /** Where the index's persistent cache lives; none = no cache. */
  readonly cacheFile?: string;
  readonly logger: Logger;
  /** Runs git for the walk and the gate; null: never run git. */
  readonly git?: GitRunner | null;
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Index exactly these root-relative files instead of listing the workspace (see IndexServiceOptions.files). */
  readonly files?: readonly string[];
  /**
   * How long choosing a scope's completion context may take (default: the keystroke path's
   * budget). Infinity where the same question must get the same answer (the CLI, the benchmarks).
   */
  readonly timeBudgetMs?: number;
}

export interface PackOptions {
  /**
   * Files to pack as this text rather than as the working tree has them (a staged blob), by
   * root-relative path; the ranges of such a file count lines of this text. The privacy gate judges
   * each path first: a text it refuses is not packed, nor is the file's working-tree text.
   */
  readonly texts?: ReadonlyMap<string, string>;
  /**
   * Verdicts this workspace's gate already gave, by the path judged: a supplied text whose path is
   * here is not judged again (a review's collection judged every staged file a moment before).
   */
  readonly judged?: ReadonlyMap<string, PathVerdict>;
  /** The kinds of items wanted (default all): a caller that reads only some is spared the others' cost. */
  readonly kinds?: readonly PackedKind[];
}

export interface PackResult {
  readonly items: PackedItem[];
  readonly tokens: number;
  /** Supplied texts left out, and why (say so to the user: that file was not looked at). */
  readonly refused: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

export interface Workspace {
  readonly root: string;
  readonly service: IndexService;
  readonly index: RepoIndex;
  /** Judges every path the index admits and every text a pack is given. */
  readonly gate: PrivacyGate;
  /**
   * The one token measure of the context and the pack: fixed, never calibrated, so that what is
   * chosen for a budget does not move with the server's replies.
   */
  readonly estimate: (text: string) => number;
  /** The index's definitions for a cursor (the stable part of a completion's context). */
  readonly definitions: IndexContextProvider;
  /** The editor's completion context: the definitions, then windows from open tabs (`context.similar`). */
  readonly context: EditorContextProvider;
  build(signal?: AbortSignal): Promise<IndexStats>;
  /** The long-window pack for review and test generation (packer.ts) within `budgetTokens`. */
  pack(ranges: readonly PackRange[], budgetTokens: number, opts?: PackOptions): Promise<PackResult>;
  dispose(): Promise<void>;
}

export function openWorkspace(opts: WorkspaceOptions): Workspace {
  const service = new IndexService({ root: opts.root, cacheFile: opts.cacheFile, logger: opts.logger, git: opts.git, workers: opts.workers, onProgress: opts.onProgress, files: opts.files });
  const estimator = new TokenEstimator();
  const estimate = (text: string) => estimator.estimate(text);
  const definitions = new IndexContextProvider(service.index, { estimate, snippet: (d) => service.snippet(d), timeBudgetMs: opts.timeBudgetMs });
  const context = new EditorContextProvider(definitions, new SimilarWindows(estimate));
  const sources: PackSources = { estimate, snippet: (d) => service.snippet(d), lines: (p, from, to) => service.lines(p, from, to) };

  const pack = async (ranges: readonly PackRange[], budgetTokens: number, packOpts: PackOptions = {}): Promise<PackResult> => {
    if (!packOpts.texts?.size) return { ...packForRanges(service.index, ranges, budgetTokens, sources, packOpts), refused: [] };
    const files = new Map<string, IndexedFile | undefined>();
    const texts = new Map<string, TextLines>();
    const refused: Array<{ path: string; message: string }> = [];
    for (const [path, raw] of packOpts.texts) {
      const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      const problem = await refusal(service, path, text, packOpts.judged?.get(path));
      const file = problem ? undefined : await service.parseText(path, text);
      files.set(path, file);
      if (file) texts.set(path, new TextLines(text));
      else refused.push({ path, message: problem ?? `${path} has no grammar: not packed.` });
    }
    const staged: PackSources = {
      estimate,
      snippet: (d) => {
        const lines = texts.get(d.path);
        if (lines) return snippetOf(d, lines.lineCount, (from, to) => lines.range(from, to));
        return files.has(d.path) ? undefined : service.snippet(d);
      },
      lines: (path, from, to) => {
        const lines = texts.get(path);
        if (lines) return rangeOf(lines, from, to);
        return files.has(path) ? undefined : service.lines(path, from, to);
      },
    };
    return { ...packForRanges(overlayIndex(service.index, files), ranges, budgetTokens, staged, packOpts), refused };
  };

  return {
    root: opts.root, service, index: service.index, gate: service.gate, estimate, definitions, context,
    build: (signal) => service.build(signal),
    pack,
    dispose: () => service.dispose(),
  };
}

/** Why a supplied text may not be packed: the gate's verdict on its path first, then the index's own rules. */
async function refusal(service: IndexService, path: string, text: string, judged: PathVerdict | undefined): Promise<string | undefined> {
  const verdict = judged ?? await service.gate.admitPath(path);
  if (!verdict.admitted) return verdict.message;
  if (text.length > MAX_INDEXED_BYTES) return `${path} is larger than the index takes (${MAX_INDEXED_BYTES / 1048576} MiB): not packed.`;
  if (text.includes('\0')) return `${path} looks binary (it contains NUL characters): not packed.`;
  return undefined;
}

/** Lines `from`..`to` (0-based, inclusive), clamped to the text as IndexService.lines clamps them. */
function rangeOf(lines: TextLines, from: number, to: number): string {
  const a = Math.max(0, Math.min(from, lines.lineCount - 1));
  return lines.range(a, Math.max(a, Math.min(to, lines.lineCount - 1)));
}
