// The tags of every indexed file, kept on disk between sessions so that a warm start parses only
// what changed. Compact: names go into one string table and each file's definitions, references
// and imports become flat arrays of numbers. Measured on 5,000 files of real tags (94K
// definitions, 200K references): 6.2 MB and ~80 ms to load, against 22.8 MB and ~240 ms for plain
// JSON of the objects, ~250 ms for NDJSON and ~370 ms for v8.deserialize (JSON.parse is fast on
// numbers and slow on many small objects). With each definition's snippet span added (tags-2),
// this project's node_modules (5,600 files) caches in 8.0 MB against 6.9 MB.
//
// The document is written and read in chunks of CHUNK_FILES files, one JSON line each, because it
// is read and written on the extension host's thread: one JSON.parse of the whole cache held that
// thread ~190 ms on a warm start of 5,474 files, and encoding plus one JSON.stringify ~200 ms at
// the end of a build. Between two chunks the event loop turns.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DefinitionKind, FileTags, LanguageId, ReferenceKind } from '../../core/index/tags';
import { pack, stringTable, unpack } from './packedTags';

export interface CachedTags {
  readonly size: number;
  readonly mtimeMs: number;
  readonly tags: FileTags;
}

/** Bumped whenever the layout below (or packedTags.ts's) changes: an older file is then discarded like a version mismatch. */
const FORMAT = 'hearth-tags/3';
/** Files per line: ~2-4 ms of parsing and unpacking each on this project's 2-core machine. */
export const CHUNK_FILES = 128;

/**
 * The first line: `{ format, version, languages, defKinds, refKinds, chunks, files }`; then
 * `chunks` lines `{ strings, files: [[path, size, mtimeMs, language, defs, refs, imports]] }`.
 * defs, refs and imports are laid out as in packedTags.ts over one string table, which each
 * chunk extends with the strings it uses first (so chunks are read in order). The kind tables
 * travel in the file, so reordering the unions in tags.ts cannot misread an old cache; the
 * counts make a file cut short at a line's end fail like one cut mid-line.
 */
interface Header {
  readonly format: string;
  readonly version: string;
  readonly languages: readonly string[];
  readonly defKinds: readonly string[];
  readonly refKinds: readonly string[];
  readonly chunks: number;
  readonly files: number;
}

interface Chunk {
  readonly strings: readonly string[];
  readonly files: readonly StoredFile[];
}

type StoredFile = [path: string, size: number, mtimeMs: number, language: number, defs: number[], refs: number[], imports: number[]];

export class TagsCache {
  /**
   * @param file where the cache lives, e.g. `<globalStorage>/<workspace>/tags-cache.json`
   * @param version what produced the tags (grammars, queries, extractor); a cache written under
   *   another version is discarded whole
   */
  constructor(readonly file: string, readonly version: string) {}

  /** The cached entries by root-relative path; empty when the file is missing, corrupt, partial or of another version. */
  async load(): Promise<Map<string, CachedTags>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return new Map();
    }
    try {
      return await decode(text, this.version);
    } catch {
      return new Map();
    }
  }

  /** Replaces the cache atomically: a temporary file beside it, flushed, then renamed over it. */
  async save(entries: ReadonlyMap<string, CachedTags>): Promise<void> {
    const text = await encode([...entries], this.version);
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}

async function encode(entries: ReadonlyArray<[string, CachedTags]>, version: string): Promise<string> {
  const { strings, number } = stringTable();
  const languages: string[] = [];
  const defKinds: string[] = [];
  const refKinds: string[] = [];
  const indexIn = (table: string[], s: string): number => {
    let i = table.indexOf(s);
    if (i < 0) i = table.push(s) - 1;
    return i;
  };
  const numbering = {
    string: number,
    defKind: (k: DefinitionKind) => indexIn(defKinds, k),
    refKind: (k: ReferenceKind) => indexIn(refKinds, k),
  };
  const lines: string[] = [];
  let known = 0;
  for (let at = 0; at < entries.length; at += CHUNK_FILES) {
    if (at > 0) await nextTurn();
    const files: StoredFile[] = [];
    for (const [path, { size, mtimeMs, tags }] of entries.slice(at, at + CHUNK_FILES)) {
      const { defs, refs, imports } = pack(tags, numbering, (length) => new Array<number>(length));
      files.push([path, size, mtimeMs, indexIn(languages, tags.language), defs, refs, imports]);
    }
    const chunk: Chunk = { strings: strings.slice(known), files };
    known = strings.length;
    lines.push(JSON.stringify(chunk));
  }
  const header: Header = { format: FORMAT, version, languages, defKinds, refKinds, chunks: lines.length, files: entries.length };
  return [JSON.stringify(header), ...lines].join('\n');
}

/** Throws on anything malformed; the caller turns that into an empty cache. */
async function decode(text: string, version: string): Promise<Map<string, CachedTags>> {
  const out = new Map<string, CachedTags>();
  const lines = text.split('\n');
  const header = JSON.parse(lines[0]) as Header;
  if (header.format !== FORMAT || header.version !== version) return out;
  if (lines.length !== header.chunks + 1) throw new Error('malformed');
  const languages = header.languages as readonly LanguageId[];
  const defKinds = header.defKinds as readonly DefinitionKind[];
  const refKinds = header.refKinds as readonly ReferenceKind[];
  const S: string[] = [];
  const of = <T>(table: readonly T[], i: number): T => {
    const v = table[i];
    if (v === undefined) throw new Error('malformed');
    return v;
  };
  const naming = {
    string: (i: number): string => {
      const s = S[i];
      if (typeof s !== 'string') throw new Error('malformed');
      return s;
    },
    defKind: (i: number) => of(defKinds, i),
    refKind: (i: number) => of(refKinds, i),
  };
  for (let c = 1; c < lines.length; c++) {
    if (c > 1) await nextTurn();
    const { strings, files } = JSON.parse(lines[c]) as Chunk;
    if (!Array.isArray(strings) || !Array.isArray(files)) throw new Error('malformed');
    for (const s of strings) S.push(s);
    for (const [path, size, mtimeMs, lang, defs, refs, imports] of files) {
      if (typeof path !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number') throw new Error('malformed');
      out.set(path, { size, mtimeMs, tags: unpack(of(languages, lang), { defs, refs, imports }, naming) });
    }
  }
  if (out.size !== header.files) throw new Error('malformed');
  return out;
}
