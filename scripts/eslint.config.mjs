// Lint rules, including the layer rule: src/core imports neither `vscode` nor Node I/O,
// src/node never imports `vscode`, and nothing in src imports from the CLI or the editor adapter
// except their own layer. And the zones of the house: shared rooms (everything outside a feature
// folder) import no feature folder, and feature folders (`completion`, `review`, `testgen`, in any
// layer) do not import each other. The composition roots (src/vscode/extension.ts, src/cli) wire
// features together and may import them all. test/unit/lint-zones.test.ts shows each zone fires.
import tseslint from 'typescript-eslint';

const nodeIo = [
  'fs', 'fs/promises', 'child_process', 'http', 'https', 'net', 'tls', 'dgram', 'worker_threads',
  'os', 'cluster', 'readline', 'process', 'dns', 'http2', 'stream', 'zlib', 'v8', 'vm',
];
const nodeIoPatterns = nodeIo.flatMap((m) => [m, `node:${m}`]);

/** Feature folders: one per feature, in any layer (src/core/completion, src/vscode/completion, ...). */
export const FEATURES = ['completion', 'review', 'testgen'];

const featurePatterns = (except) => FEATURES.filter((f) => f !== except).map((f) => ({
  group: [`**/${f}/**`, `**/${f}`], message: except ? `Feature folders do not import each other (${except} → ${f}): move what both need to a shared room.` : `Shared rooms import no feature folder (${f}): move what is shared out of it.`,
}));

const coreLayer = {
  paths: [
    { name: 'vscode', message: 'src/core is editor-independent: inject what you need.' },
    { name: 'ollama', message: 'src/core is transport-independent: the Ollama client lives in src/node.' },
    ...nodeIoPatterns.map((name) => ({ name, message: 'src/core does no I/O: put it in src/node and inject it.' })),
  ],
  patterns: [{ group: ['**/node/**', '**/vscode/**', '**/cli/**'], message: 'src/core imports only from src/core.' }],
};
const nodeLayer = {
  paths: [{ name: 'vscode', message: 'src/node runs outside the editor too (CLI, workers).' }],
  patterns: [{ group: ['**/vscode/**', '**/cli/**'], message: 'src/node imports only from src/core and src/node.' }],
};
const restrict = (layer, zone) => ['error', { paths: layer.paths, patterns: [...layer.patterns, ...zone] }];
const noLayer = { paths: [], patterns: [] };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-artifacts/**', 'test/golden/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(coreLayer, featurePatterns()),
      'no-restricted-globals': ['error',
        { name: 'fetch', message: 'src/core does no I/O: inject a transport.' },
        { name: 'process', message: 'src/core does not read the process: pass values in.' },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(nodeLayer, featurePatterns()) },
  },
  {
    files: ['src/vscode/**/*.ts'],
    ignores: ['src/vscode/extension.ts'],
    rules: { 'no-restricted-imports': restrict(noLayer, featurePatterns()) },
  },
  // Each feature folder: its layer's rule, and no other feature folder.
  ...FEATURES.map((f) => ({ files: [`src/core/${f}/**/*.ts`], rules: { 'no-restricted-imports': restrict(coreLayer, featurePatterns(f)) } })),
  ...FEATURES.map((f) => ({ files: [`src/node/${f}/**/*.ts`], rules: { 'no-restricted-imports': restrict(nodeLayer, featurePatterns(f)) } })),
  ...FEATURES.map((f) => ({ files: [`src/vscode/${f}/**/*.ts`], rules: { 'no-restricted-imports': restrict(noLayer, featurePatterns(f)) } })),
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The CLI runs without an editor.' }],
        patterns: [{ group: ['**/vscode/**'], message: 'The CLI uses src/core and src/node only.' }],
      }],
    },
  },
);
