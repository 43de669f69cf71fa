// Bundles the extension (CommonJS, `vscode` external) and the CLI (with a shebang) into dist/.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The tree-sitter runtime and the grammars Hearth ships: these 12 and no others. */
const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'c_sharp', 'ruby', 'php'];

async function copyGrammars() {
  const out = 'dist/grammars';
  await mkdir(out, { recursive: true });
  const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
  const wasms = join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  await copyFile(runtime, join(out, 'tree-sitter.wasm'));
  await Promise.all(GRAMMARS.map((g) => copyFile(join(wasms, `tree-sitter-${g}.wasm`), join(out, `tree-sitter-${g}.wasm`))));
}

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Parses files in worker threads for the index; found next to the extension and the CLI.
  { ...common, entryPoints: ['src/node/index/worker.ts'], outfile: 'dist/indexWorker.js' },
];

if (watch) {
  await copyGrammars();
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all([...builds.map((b) => esbuild.build(b)), copyGrammars()]);
  await chmod('dist/cli.js', 0o755);
}
