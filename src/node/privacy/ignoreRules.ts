// Ignore rules read from files, with no program run: `.hearthignore` at the root, and `.gitignore`
// files where git cannot be asked (not a work tree, or Restricted Mode). Git's semantics where they
// matter: the deepest .gitignore with a rule for a path decides, and nothing below an ignored
// folder comes back.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The rules of one .gitignore and the folder (root-relative, '' for the root) they apply under. */
export interface IgnoreScope {
  readonly dir: string;
  readonly rules: Ignore;
}

/** Git's precedence: the deepest .gitignore with a rule for the path decides. */
export function isIgnored(scopes: readonly IgnoreScope[], rel: string): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const { dir, rules } = scopes[i];
    const r = testIgnore(rules, dir ? rel.slice(dir.length + 1) : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** `ignore` throws on paths it takes for non-relative ones; such a path is simply not matched. */
function testIgnore(rules: Ignore, rel: string): { ignored: boolean; unignored: boolean } {
  try {
    return rules.test(rel);
  } catch {
    return { ignored: false, unignored: false };
  }
}

export function ignores(rules: Ignore, rel: string): boolean {
  return testIgnore(rules, rel).ignored;
}

export async function readIgnoreFile(file: string): Promise<Ignore | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : ignore().add(text);
}

export function readIgnoreFileSync(file: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether the .gitignore files from the root down to `path` ignore it, folder by folder.
 * `skipDir` names folders that count as ignored whatever the rules say.
 */
export function ignoredByGitignoreFiles(root: string, path: string, skipDir: (name: string) => boolean = () => false): boolean {
  const parts = path.split('/');
  let scopes: IgnoreScope[] = [];
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (i > 0 && (skipDir(parts[i - 1]) || isIgnored(scopes, `${dir}/`))) return true;
    const rules = readIgnoreFileSync(join(root, dir, '.gitignore'));
    if (rules) scopes = [...scopes, { dir, rules }];
  }
  return isIgnored(scopes, path);
}
