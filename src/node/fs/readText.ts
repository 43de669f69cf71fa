// Reads a source file as text, refusing what is not: binary content and files too large to be
// source, with a message that says which.
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

export async function readTextFile(path: string, maxBytes = MAX_SOURCE_BYTES): Promise<string> {
  const st = await stat(path);
  checkSize(path, st.isFile(), st.size, maxBytes);
  return decodeText(path, await readFile(path));
}

/** The same, synchronously: for worker threads and for short reads on demand. */
export function readTextFileSync(path: string, maxBytes = MAX_SOURCE_BYTES): string {
  const st = statSync(path);
  checkSize(path, st.isFile(), st.size, maxBytes);
  return decodeText(path, readFileSync(path));
}

function checkSize(path: string, isFile: boolean, size: number, maxBytes: number): void {
  if (!isFile) throw new Error(`${path} is not a file`);
  if (size > maxBytes) throw new Error(`${path} is ${(size / 1048576).toFixed(1)} MB, over the ${maxBytes / 1048576} MB limit for source files`);
}

/** UTF-8 text without a byte-order mark; refuses binary content. */
export function decodeText(path: string, buf: Uint8Array): string {
  if (looksBinary(buf)) throw new Error(`${path} looks binary (it contains NUL bytes)`);
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** NUL bytes in the first 8 KB: how git and most editors tell binary from text. */
export function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 8192);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}
