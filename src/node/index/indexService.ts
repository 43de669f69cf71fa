// The workspace index as a service: a cold or warm build (walk, reuse cached files whose size and
// mtime are unchanged, parse the rest in worker threads), then updates one file at a time on save,
// create, delete, rename and on the unsaved buffer of the active file. Parsing never runs on the
// caller's thread, and the cache is saved so the next start is warm.
import { join } from 'node:path';
import type { Logger } from '../../core/log';
import { RepoIndex, withDefinitionsInLineOrder, type IndexedFile } from '../../core/index/repoIndex';
import { cutSnippet, snippetOf, type IndexedDefinition, type LocatedDefinition } from '../../core/index/snippets';
import type { FileTags, LanguageId } from '../../core/index/tags';
import { readTextFileSync } from '../fs/readText';
import { TextLines } from '../../core/text/cursorText';
import { languageForPath } from '../treesitter/languages';
import { ParsePool, type ParsePoolOptions } from './parsePool';
import { BuildTrace } from './buildTrace';
import { PATHS_REMEMBERED, SpanReader } from './spanReader';
import { TagsCache } from './tagsCache';
import { forEachSliced } from './slices';
import { examinePath, walkWorkspace, type WalkedFile, type WalkMode, type WalkResult } from './walk';
import { isSecretPath } from '../../core/privacy/secretPaths';
import { rememberedPerKey } from '../../core/memo';
import { GitRunner } from '../git/gitRunner';
import { PrivacyGate } from '../privacy/gate';

/** Bump when queries or the extracted data change: the persistent cache is then discarded. */
export const INDEX_FORMAT_VERSION = 'tags-2';
export const MAX_INDEXED_BYTES = 1024 * 1024;
const LINE_CACHE_FILES = 256;

export interface IndexStats {
  readonly files: number;
  readonly bytes: number;
  readonly symbols: number;
  readonly ms: number;
  readonly mbPerSec: number;
  readonly cacheHits: number;
  readonly parsed: number;
  readonly errors: number;
  readonly skipped: Readonly<Record<string, number>>;
}

export interface IndexServiceOptions {
  readonly root: string;
  /** Where the persistent cache lives (e.g. the extension's workspace storage); none = no cache. */
  readonly cacheFile?: string;
  readonly workers?: number;
  readonly logger: Logger;
  readonly onProgress?: (done: number, total: number) => void;
  /** Runs git for the walk and the gate; null: never run git (the .gitignore files are read instead). */
  readonly git?: GitRunner | null;
  /**
   * Index exactly these root-relative files instead of listing the workspace (the context eval's
   * dev set names its files). Each is still judged as a saved file is, by the gate and the index's
   * own rules; what they refuse is left out without a tally in `skipped`.
   */
  readonly files?: readonly string[];
  /** Parse pool settings beyond the worker count (tests: a shorter per-file timeout, injected faults). */
  readonly pool?: Omit<ParsePoolOptions, 'workers'>;
}

interface Entry { size: number; mtimeMs: number; tags: FileTags }

export class IndexService {
  readonly index = new RepoIndex();
  /** Judges every path the index admits, and redacts what it hands out for prompts. */
  readonly gate: PrivacyGate;
  private readonly git: GitRunner | undefined;
  private readonly pool: ParsePool;
  private readonly cache: TagsCache | undefined;
  private readonly meta = new Map<string, Entry>();
  /** Unsaved editor text by path: snippets come from it rather than from the disk. */
  private readonly buffers = new Map<string, string>();
  private readonly lineCache = new Map<string, TextLines>();
  private readonly spans: SpanReader;
  /** Definitions of files indexed again since: their spans describe text that is gone. */
  private readonly retired = new WeakSet<LocatedDefinition>();
  private building: Promise<IndexStats> | undefined;
  /** How the last build listed files; single paths are judged the same way. */
  private walkMode: WalkMode | undefined;
  private disposed = false;

  constructor(private readonly opts: IndexServiceOptions) {
    this.pool = new ParsePool({ ...opts.pool, workers: opts.workers });
    this.git = opts.git === null ? undefined : opts.git ?? new GitRunner(opts.root);
    this.gate = new PrivacyGate(opts.root, { git: this.git, mode: () => this.walkMode });
    this.cache = opts.cacheFile ? new TagsCache(opts.cacheFile, INDEX_FORMAT_VERSION) : undefined;
    // isSecretPath remembered per path: the span reader asks it of every file of every assembly
    // (its split and lower-casing were 4 % of what an assembly allocated).
    const isSecret = rememberedPerKey(isSecretPath, PATHS_REMEMBERED);
    this.spans = new SpanReader(opts.root, (path) => {
      if (!this.index.file(path) || isSecret(path) || this.buffers.has(path)) return undefined;
      return this.meta.get(path);
    });
  }

  /** Builds (or refreshes) the whole index; concurrent calls share one build. */
  build(signal?: AbortSignal): Promise<IndexStats> {
    if (!this.building) {
      // Context chosen while the build adds files is kept until it ends (RepoIndex.beginBatch).
      this.index.beginBatch();
      this.building = this.doBuild(signal).finally(() => {
        this.building = undefined;
        this.index.endBatch();
      });
    }
    return this.building;
  }

  private async doBuild(signal?: AbortSignal): Promise<IndexStats> {
    const t0 = performance.now();
    const trace = new BuildTrace();
    // The first build of a session needs a worker either way (the active file's unsaved text is
    // parsed in one): it starts now, alongside the cache and the listing.
    if (this.index.fileCount === 0) this.pool.start(1);
    let cached = new Map<string, Entry>();
    // The listing does not wait for the cache (each wait costs a turn of the extension host's
    // event loop); the cache only spares it reading the first bytes of files it knows as text.
    const known = (path: string, size: number, mtimeMs: number) => {
      const c = cached.get(path);
      return c !== undefined && c.size === size && c.mtimeMs === mtimeMs;
    };
    const listing = this.opts.files
      ? this.examineAll(this.opts.files, signal)
      : walkWorkspace({ root: this.opts.root, maxFileBytes: MAX_INDEXED_BYTES, signal, knownText: known, git: this.git ?? null, onPhase: (p) => trace.mark(p) });
    listing.catch(() => undefined);
    cached = this.cache ? await this.cache.load().catch(() => new Map<string, Entry>()) : cached;
    trace.mark('cache loaded');
    // Nothing cached: every file will be parsed, so all the workers start while the walk runs.
    if (cached.size === 0 && this.index.fileCount === 0) this.pool.start();
    const { files, skipped, mode } = await listing;
    this.walkMode = mode;
    trace.mark(`listed (${mode ?? 'files'})`);
    const present = new Set(files.map((f) => f.path));
    await forEachSliced([...this.index.paths()], undefined, (p) => { if (!present.has(p)) this.removeFile(p); });
    const toParse: WalkedFile[] = [];
    const hits: Array<[string, Entry]> = [];
    let bytes = 0;
    for (const f of files) {
      bytes += f.size;
      const c = cached.get(f.path);
      if (c && c.size === f.size && c.mtimeMs === f.mtimeMs && c.tags.language === f.language) hits.push([f.path, c]);
      else toParse.push(f);
    }
    let done = 0;
    const progress = () => { if (++done % 64 === 0) this.opts.onProgress?.(done, files.length); };
    this.opts.onProgress?.(done, files.length);
    // The workers start on what changed while the cached files are taken in, a slice at a time.
    const parseStart = performance.now();
    const parsing = toParse.length > 0
      ? this.pool.parseFiles(toParse, (file, result) => {
        progress();
        if (result.tags) this.accept(file.path, { size: file.size, mtimeMs: file.mtimeMs, tags: result.tags });
        // A file the parser could not take (it hung or crashed a worker) stands with no symbols
        // until it changes, and is cached so: else every start would wait on it again.
        else if (result.error !== undefined && !signal?.aborted) {
          this.opts.logger.debug(`Index: ${file.path} not parsed (${result.error}); skipped until it changes`);
          this.accept(file.path, { size: file.size, mtimeMs: file.mtimeMs, tags: { language: file.language, definitions: [], references: [], imports: [] } });
        }
      }, signal)
      : undefined;
    // Awaited below; until then a failure must not count as unhandled.
    parsing?.catch(() => undefined);
    await forEachSliced(hits, signal, ([path, entry]) => {
      this.accept(path, entry);
      progress();
    });
    trace.mark('cached taken');
    const cacheHits = hits.length;
    const parsed = parsing ? await parsing : undefined;
    const errors = parsed?.errors ?? 0;
    if (parsed) {
      trace.mark('first parsed', parseStart + (parsed.firstResultMs ?? 0));
      trace.mark('parsed');
    }
    this.opts.onProgress?.(files.length, files.length);
    if (this.cache && !signal?.aborted) await this.cache.save(this.meta).catch((e) => this.opts.logger.warn(`Index cache not saved: ${String(e)}`));
    const ms = performance.now() - t0;
    trace.mark('saved');
    this.opts.logger.debug(trace.finish(this.pool.workerStartMs(), parsed));
    const stats: IndexStats = {
      files: files.length, bytes, symbols: this.index.symbolCount, ms, mbPerSec: bytes / 1048576 / (ms / 1000),
      cacheHits, parsed: toParse.length, errors, skipped,
    };
    this.opts.logger.info(`Indexed ${stats.files} files (${(bytes / 1048576).toFixed(1)} MB, ${stats.symbols} symbols) in ${Math.round(ms)} ms (${stats.mbPerSec.toFixed(2)} MB/s): ${cacheHits} from cache, ${toParse.length} parsed, ${errors} failed${signal?.aborted ? ' (cancelled)' : ''}.`);
    return stats;
  }

  /** The files of `opts.files` that the gate and the index's rules admit, judged one by one as an update would be. */
  private async examineAll(paths: readonly string[], signal?: AbortSignal): Promise<Omit<WalkResult, 'mode'> & { mode: WalkMode | undefined }> {
    const files: WalkedFile[] = [];
    for (const path of paths) {
      signal?.throwIfAborted();
      const file = await examinePath({ root: this.opts.root, path, maxFileBytes: MAX_INDEXED_BYTES, gate: this.gate });
      if (file) files.push(file);
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, skipped: { secret: 0, ignored: 0, tooLarge: 0, binary: 0, unsupported: 0 }, mode: this.git ? undefined : 'plain' };
  }

  /**
   * A file was saved, created or changed on disk (root-relative path). It goes through the same
   * gate as a full walk, so an ignored file never enters the index by way of an editor event.
   */
  async updateFile(path: string): Promise<void> {
    if (this.disposed || !indexable(path)) return;
    const file = await examinePath({ root: this.opts.root, path, maxFileBytes: MAX_INDEXED_BYTES, mode: this.walkMode, gate: this.gate });
    if (!file) {
      this.removeFile(path);
      return;
    }
    this.buffers.delete(path);
    await this.pool.parseFiles([file], (_f, result) => {
      if (result.tags) this.accept(path, { size: file.size, mtimeMs: file.mtimeMs, tags: result.tags });
    });
  }

  /** The unsaved text of the active editor: refreshes a file the index admitted, never adds one. */
  async updateBuffer(path: string, text: string): Promise<void> {
    const language = indexable(path);
    if (!language || this.disposed || text.length > MAX_INDEXED_BYTES || !this.meta.has(path)) return;
    const tags = await this.pool.parseText(path, language, text);
    this.buffers.set(path, text);
    this.lineCache.delete(path);
    this.retire(path);
    this.index.upsert(toIndexedFile(path, language, text.length, Date.now(), tags));
  }

  /**
   * What the index would hold for `path` were its text `text` (a staged blob, say), parsed in a
   * worker; the index itself is left as it is. Undefined for a file the index never holds: a
   * secret-looking path, a language without a grammar, a text over the size limit.
   */
  async parseText(path: string, text: string): Promise<IndexedFile | undefined> {
    const language = indexable(path);
    if (!language || this.disposed || text.length > MAX_INDEXED_BYTES) return undefined;
    const tags = await this.pool.parseText(path, language, text);
    return toIndexedFile(path, language, text.length, 0, tags);
  }

  removeFile(path: string): void {
    this.meta.delete(path);
    this.buffers.delete(path);
    this.lineCache.delete(path);
    this.retire(path);
    this.index.remove(path);
  }

  /** The new name goes through the gate like any new file (it may now be ignored). */
  async renameFile(from: string, to: string): Promise<void> {
    this.removeFile(from);
    await this.updateFile(to);
  }

  /**
   * A definition with its prompt-ready text: read alone from where the parser located it when the
   * file is still as indexed, else cut from the whole file through a cached line index (an unsaved
   * buffer, a file that is not UTF-8 or changed since). Both give the same text. Never for a
   * secret-looking path, nor for a file that has become binary or too large.
   */
  snippet(def: LocatedDefinition): IndexedDefinition | undefined {
    const span = def.span;
    if (span && !this.retired.has(def)) {
      const text = this.spans.read(def.path, span);
      if (text !== undefined) return cutSnippet(def, { start: def.startLine, end: span.endLine, whole: span.whole, cut: span.cut }, text);
    }
    const lines = this.linesOf(def.path);
    return lines ? snippetOf(def, lines.lineCount, (from, to) => lines.range(from, to)) : undefined;
  }

  /** Lines `from`..`to` (0-based, inclusive) of an indexed file; undefined when unreadable or a secret. */
  lines(path: string, from: number, to: number): string | undefined {
    const lines = this.linesOf(path);
    if (!lines) return undefined;
    const a = Math.max(0, Math.min(from, lines.lineCount - 1));
    return lines.range(a, Math.max(a, Math.min(to, lines.lineCount - 1)));
  }

  private linesOf(path: string): TextLines | undefined {
    const cached = this.lineCache.get(path);
    if (cached) return cached;
    if (!this.index.file(path) || isSecretPath(path)) return undefined;
    let text = this.buffers.get(path);
    if (text === undefined) {
      try {
        text = readTextFileSync(join(this.opts.root, path), MAX_INDEXED_BYTES);
      } catch {
        return undefined;
      }
    }
    const lines = new TextLines(text);
    if (this.lineCache.size >= LINE_CACHE_FILES) this.lineCache.delete(this.lineCache.keys().next().value as string);
    this.lineCache.set(path, lines);
    return lines;
  }

  /** The file's definitions are about to be replaced or dropped: callers may still hold them. */
  private retire(path: string): void {
    const old = this.index.file(path);
    if (old) for (const d of old.definitions) this.retired.add(d);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.spans.closeAll();
    await this.pool.dispose();
  }

  private accept(path: string, e: Entry): void {
    this.meta.set(path, e);
    this.lineCache.delete(path);
    this.retire(path);
    this.index.upsert(toIndexedFile(path, e.tags.language, e.size, e.mtimeMs, e.tags));
  }
}

/** Only languages with a grammar, and never a file that looks like a secret. */
export function indexable(path: string): LanguageId | undefined {
  if (isSecretPath(path)) return undefined;
  return languageForPath(path);
}

export function toIndexedFile(path: string, language: LanguageId, size: number, mtimeMs: number, tags: FileTags): IndexedFile {
  const references = new Map<string, number>();
  const referenceLines = new Map<string, number[]>();
  for (const r of tags.references) {
    references.set(r.name, (references.get(r.name) ?? 0) + 1);
    const lines = referenceLines.get(r.name);
    if (!lines) referenceLines.set(r.name, [r.line]);
    else if (lines[lines.length - 1] !== r.line) lines.push(r.line);
  }
  return withDefinitionsInLineOrder({ path, language, size, mtimeMs, definitions: tags.definitions.map((d) => ({ ...d, path })), references, referenceLines, imports: tags.imports });
}
