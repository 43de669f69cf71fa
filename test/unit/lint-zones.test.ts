// The house's import zones, checked with the project's own ESLint config on probe files: the layer
// rules (core is editor- and I/O-free, node never imports the editor), shared rooms import no
// feature folder, and feature folders do not import each other. Each zone must fire, and the
// imports the house relies on must pass.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'scripts', 'eslint.config.mjs') });

/** Messages of the import rule for `code` as if it were the file at `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath: join(ROOT, path) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const FIRES: Array<[string, string, string, RegExp]> = [
  ['core imports the editor', 'src/core/index/probe.ts', "import * as vscode from 'vscode'; void vscode;", /editor-independent/],
  ['core does I/O', 'src/core/model/probe.ts', "import { readFileSync } from 'node:fs'; void readFileSync;", /does no I\/O/],
  ['core imports node', 'src/core/index/probe.ts', "import { IndexService } from '../../node/index/indexService'; void IndexService;", /imports only from src\/core/],
  ['node imports the editor', 'src/node/index/probe.ts', "import * as vscode from 'vscode'; void vscode;", /outside the editor/],
  ['a shared core room imports a feature', 'src/core/index/probe.ts', "import { CompletionEngine } from '../completion/engine'; void CompletionEngine;", /Shared rooms import no feature folder \(completion\)/],
  ['the text room imports a feature', 'src/core/text/probe.ts', "import type { ShapingContext } from '../completion/types'; export type X = ShapingContext;", /Shared rooms import no feature folder/],
  ['a shared node room imports a feature', 'src/node/index/probe.ts', "import { postProcess } from '../../core/completion/postprocess'; void postProcess;", /Shared rooms import no feature folder \(completion\)/],
  ['a shared editor room imports a feature', 'src/vscode/index/probe.ts', "import { registerInlineCompletions } from '../completion/register'; void registerInlineCompletions;", /Shared rooms import no feature folder/],
  ['completion imports review', 'src/core/completion/probe.ts', "import { review } from '../review/pipeline'; void review;", /do not import each other \(completion → review\)/],
  ['review imports completion', 'src/core/review/probe.ts', "import { CompletionEngine } from '../completion/engine'; void CompletionEngine;", /do not import each other \(review → completion\)/],
  ['testgen imports review, in the editor layer', 'src/vscode/testgen/probe.ts', "import { x } from '../review/panel'; void x;", /do not import each other \(testgen → review\)/],
  ['review in core still may not import the editor', 'src/core/review/probe.ts', "import * as vscode from 'vscode'; void vscode;", /editor-independent/],
];

const PASSES: Array<[string, string, string]> = [
  ['a feature imports a shared room', 'src/core/completion/probe.ts', "import { TextLines } from '../text/cursorText'; void TextLines;"],
  ['a feature imports its own files', 'src/core/completion/probe.ts', "import { postProcess } from './postprocess'; void postProcess;"],
  ['the editor layer of a feature imports its core', 'src/vscode/completion/probe.ts', "import { CompletionEngine } from '../../core/completion/engine'; void CompletionEngine;"],
  ['the composition root wires every feature', 'src/vscode/extension.ts', "import { registerInlineCompletions } from './completion/register'; void registerInlineCompletions;"],
  ['the CLI wires features', 'src/cli/probe.ts', "import { CompletionEngine } from '../core/completion/engine'; void CompletionEngine;"],
  ['shared rooms import shared rooms', 'src/core/index/probe.ts', "import type { ContextSnippet } from '../context/types'; export type X = ContextSnippet;"],
];

describe('lint zones of the house', () => {
  for (const [name, path, code, expected] of FIRES) {
    it(`fires: ${name}`, async () => {
      const messages = await restricted(path, code);
      assert.ok(messages.some((m) => expected.test(m)), `${path}: ${JSON.stringify(messages)}`);
    });
  }
  for (const [name, path, code] of PASSES) {
    it(`passes: ${name}`, async () => {
      assert.deepEqual(await restricted(path, code), [], path);
    });
  }
});
