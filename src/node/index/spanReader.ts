// Reads a definition's prompt text from its span (snippetSpans.ts): the bytes of its lines alone,
// where the whole-file path read up to 1 MB and built a line index the first time a file was
// needed. One assembly asks for hundreds or thousands of definitions across hundreds of files,
// synchronously: a file is judged, opened and checked (fstat) once per task, then read once per
// definition (a pread of its bytes), and every file opened is closed when the task ends, so that
// no handle outlives the assembly (an open handle keeps a deleted file pending on Windows).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { SnippetSpan } from '../../core/index/tags';
import { rememberedPerKey } from '../../core/memo';

/** Size and mtime of a file as indexed: its spans hold only while the file still has them. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** Files held open at once within a task; the oldest is closed beyond this. */
const MAX_OPEN = 64;
/** Paths whose answers to a per-path question are remembered at once (then forgotten all together). */
export const PATHS_REMEMBERED = 65_536;
const LF = 0x0a;
const CR = 0x0d;

export class SpanReader {
  /** Root-relative path → descriptor, or null: not to be read by span this task. */
  private readonly open = new Map<string, number | null>();
  private closeScheduled = false;
  private buf = Buffer.alloc(8192);
  /** The file's absolute path, made once per path rather than once per file per assembly. */
  private readonly absolute = rememberedPerKey((path: string) => join(this.root, path), PATHS_REMEMBERED);

  /**
   * @param admit the stamp of an indexed file whose spans may be read now, or undefined (a
   *   secret-looking path, an unsaved buffer, a file no longer indexed); asked once per task
   */
  constructor(private readonly root: string, private readonly admit: (path: string) => FileStamp | undefined) {}

  /**
   * The span's text with CRLF read as LF, as TextLines would give it; undefined when the file is
   * not to be read this way or is not as indexed, and the caller falls back to reading it whole.
   */
  read(path: string, span: SnippetSpan): string | undefined {
    let fd = this.open.get(path);
    if (fd === undefined) fd = this.openChecked(path);
    if (fd === null) return undefined;
    // One byte on either side: the span starts a line and, unless cut, ends one. A file rewritten
    // without a change of size or mtime would show it there.
    const from = Math.max(0, span.byteStart - 1);
    const want = span.byteStart + span.byteLength + 1 - from;
    if (this.buf.length < want) this.buf = Buffer.alloc(Math.max(want, this.buf.length * 2));
    let got: number;
    try {
      got = readSync(fd, this.buf, 0, want, from);
    } catch {
      return undefined;
    }
    const start = span.byteStart - from;
    const end = start + span.byteLength;
    if (got < end) return undefined;
    if (from < span.byteStart && this.buf[0] !== LF && !(span.byteStart === 3 && this.buf[0] === 0xbf)) return undefined;
    if (!span.cut && got > end && this.buf[end] !== LF && this.buf[end] !== CR) return undefined;
    const text = this.buf.toString('utf8', start, end);
    return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  }

  /** Closes every descriptor now (also done at the end of each task). */
  closeAll(): void {
    for (const fd of this.open.values()) if (fd !== null) closeQuietly(fd);
    this.open.clear();
  }

  private openChecked(path: string): number | null {
    if (!this.closeScheduled) {
      this.closeScheduled = true;
      setImmediate(() => {
        this.closeScheduled = false;
        this.closeAll();
      });
    }
    if (this.open.size >= MAX_OPEN) {
      const [oldest, old] = this.open.entries().next().value as [string, number | null];
      if (old !== null) closeQuietly(old);
      this.open.delete(oldest);
    }
    let fd: number | null = null;
    const stamp = this.admit(path);
    if (stamp) {
      try {
        fd = openSync(this.absolute(path), 'r');
        const st = fstatSync(fd);
        if (!st.isFile() || st.size !== stamp.size || st.mtimeMs !== stamp.mtimeMs) {
          closeSync(fd);
          fd = null;
        }
      } catch {
        if (fd !== null) closeQuietly(fd);
        fd = null;
      }
    }
    this.open.set(path, fd);
    return fd;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone: nothing to release.
  }
}
