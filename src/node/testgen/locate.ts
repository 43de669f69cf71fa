// Where the project's own runner is. JS runners come from node_modules/.bin, looked up from the
// project directory towards the file-system root as Node resolves packages (a monorepo hoists them
// to its root; Hearth's fixtures resolve them from Hearth's own node_modules). Python is the
// project's virtualenv when it has one, else the first python3 on the system that has the module.
import { execFile } from 'node:child_process';
import { access, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** `node_modules/.bin/<name>` at or above `fromDir`, or undefined. */
export async function findNodeBin(fromDir: string, name: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', '.bin', name);
    if (await isExecutable(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The installed package's directory (`node_modules/<name>`) at or above `fromDir`, or undefined. */
export async function findNodePackage(fromDir: string, name: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', ...name.split('/'));
    if (await isDir(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

function probe(python: string, modules: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { timeout: 15_000 }, (err) => resolve(!err));
  });
}

const probeCache = new Map<string, Promise<boolean>>();

/** The interpreter can import every module (cached per process). */
export function pythonHas(python: string, modules: readonly string[]): Promise<boolean> {
  const key = `${python}\0${modules.join(',')}`;
  let p = probeCache.get(key);
  if (!p) {
    p = probe(python, modules);
    probeCache.set(key, p);
  }
  return p;
}

const VENV_DIRS = ['.venv', 'venv', 'env', '.env'];

/**
 * The Python to run a project's tests with: a virtualenv in the project directory or the root
 * (its packages are the project's), else the first of `python3` on PATH and Debian's
 * /usr/bin/python3 that can import `module`. Undefined when none can.
 */
export async function findPython(projectDir: string, root: string, module: string, override?: string): Promise<string | undefined> {
  if (override) return override;
  for (const base of [...new Set([projectDir, root])]) {
    for (const v of VENV_DIRS) {
      const p = join(base, v, 'bin', 'python');
      if (await isExecutable(p)) return p;
    }
  }
  for (const p of ['python3', '/usr/bin/python3', 'python']) {
    if (await pythonHas(p, [module])) return p;
  }
  return undefined;
}

/** How to start a Node program: the command, arguments before the program's own, and extra environment. */
export interface NodeLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** `node` on the environment's PATH, or undefined. */
export async function nodeOnPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, 'node');
    if (await isExecutable(p)) return p;
  }
  return undefined;
}

/**
 * How to run `script` (a node_modules/.bin entry, or undefined for `node` itself) as the user's
 * shell would: with the `node` on PATH (a .bin entry's `#!/usr/bin/env node` finds the same one).
 * An editor started from a desktop launcher may have no node on its PATH: then the editor's own
 * runtime, Electron run as Node, runs the script's real file.
 */
export async function nodeLaunch(script: string | undefined, env: NodeJS.ProcessEnv): Promise<NodeLaunch> {
  const node = await nodeOnPath(env);
  if (node) return script ? { command: script, args: [], env: {} } : { command: node, args: [], env: {} };
  const electron = process.versions.electron !== undefined;
  const target = script ? [await realpath(script)] : [];
  return { command: process.execPath, args: target, env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}
