// Where a path lies relative to a folder, and which work tree holds a file, without running git.
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** True when `path` lies strictly below `dir` (a folder named `..x` inside it counts as inside). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The nearest folder at or above the file's folder that holds `.git` (a folder or a file); undefined if none. */
export async function workTreeOf(file: string): Promise<string | undefined> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (await stat(join(dir, '.git')).then(() => true, () => false)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
