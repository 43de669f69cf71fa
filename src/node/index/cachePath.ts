// Where the CLI keeps a repository's index cache: the user's cache directory, never the repository.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function cliCacheFile(root: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const id = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
  return join(base, 'hearth', `index-${id}.json`);
}
