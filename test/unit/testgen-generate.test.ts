// The test-generation orchestrator's own part, with a scripted session, detector and runner: the
// target is the smallest function, method or class holding the line (tree-sitter), with its doc
// comment and the file's imports, else the whole file; a request a completion preempted is asked
// again; what could not be decided, a refused file and a target too large for the window stop
// before any model request; the prompt stays within half the window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RequestMetrics } from '../../src/core/model/metrics';
import { preemptedError } from '../../src/core/model/scheduler';
import type { StructuredRequest, StructuredResult } from '../../src/core/model/structured';
import { TokenEstimator } from '../../src/core/model/tokens';
import { NO_REDACTION } from '../../src/core/privacy/redactor';
import type { FrameworkChoice, Placement, TestRunner } from '../../src/core/testgen/types';
import { PrivacyGate } from '../../src/node/privacy/gate';
import { docCommentAbove, generateTests, importLines, type GenerateProgress, type GenerateTestsOptions, type TestGenSession } from '../../src/node/testgen/generate';
import { TreeSitterSyntaxChecker } from '../../src/node/testgen/syntax';

const SOURCE = [
  "import { readFileSync } from 'node:fs';", // 1
  'import {', // 2
  '  join,', // 3
  "} from 'node:path';", // 4
  '', // 5
  'export class Cart {', // 6
  '  items: number[] = [];', // 7
  '', // 8
  '  /**', // 9
  '   * The sum of the items.', // 10
  '   */', // 11
  '  total(): number {', // 12
  '    return this.items.reduce((a, b) => a + b, 0);', // 13
  '  }', // 14
  '}', // 15
  '', // 16
  'export const LIMIT = 3;', // 17
  '',
].join('\n');

const CHOICE: FrameworkChoice = { framework: 'vitest', language: 'typescript', projectDir: '.', evidence: 'test' };
const PLACEMENT: Placement = { testFile: 'src/cart.test.ts', testFileExists: false, scratchFile: 'src/cart.hearth-scratch-x.test.ts' };

class ScriptedSession implements TestGenSession {
  readonly model = 'm';
  readonly description = { thinking: false };
  readonly budget = { estimate: (t: string) => new TokenEstimator().estimate(t) };
  readonly asked: StructuredRequest[] = [];
  preemptions = 0;
  constructor(readonly numCtx: { numCtx: number }) {}
  async structured<T>(req: StructuredRequest): Promise<StructuredResult<T>> {
    this.asked.push(req);
    if (this.preemptions > 0) {
      this.preemptions--;
      throw preemptedError();
    }
    return { value: { imports: '', tests: [] } as T, thinking: '', metrics: { id: 1 } as RequestMetrics, attempts: 1 };
  }
}

const noRunner: TestRunner = { run: async () => { throw new Error('nothing should run'); } };

describe('test generation orchestrator', () => {
  let root: string;
  const syntax = new TreeSitterSyntaxChecker();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-testgen-orch-'));
    write('src/cart.ts', SOURCE);
    write('.env', 'TOKEN=x\n');
  });
  after(() => {
    syntax.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const options = (session: TestGenSession, over: Partial<GenerateTestsOptions> = {}): GenerateTestsOptions => ({
    root, file: 'src/cart.ts', gate: new PrivacyGate(root), redactor: NO_REDACTION, session,
    detect: async () => ({ framework: CHOICE, placement: PLACEMENT }), runner: noRunner, syntax, allowExecution: true, ...over,
  });

  it('the smallest definition holding the line, with its doc comment and the file\'s imports; the prompt within half the window', async () => {
    const session = new ScriptedSession({ numCtx: 32768 });
    const result = await generateTests(options(session, { line: 13 }));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.deepEqual(result.target, { path: 'src/cart.ts', symbol: 'Cart.total', kind: 'method', startLine: 12, endLine: 14 });
    const prompt = session.asked[0].prompt!;
    assert.match(prompt, /lines="12-14"/);
    assert.match(prompt, /^13\|    return this\.items\.reduce/m);
    assert.match(prompt, /<doc>\n {2}\/\*\*\n {3}\* The sum of the items\.\n {3}\*\/\n<\/doc>/);
    assert.match(prompt, /<imports>\nimport \{ readFileSync \} from 'node:fs';\nimport \{\n {2}join,\n\} from 'node:path';\n<\/imports>/);
    assert.match(prompt, /for the method "Cart\.total"/);
    assert.match(session.asked[0].system!, /"\.\/cart"/, 'the unit\'s import path from the test file');
    const tokens = session.budget.estimate(session.asked[0].system!) + session.budget.estimate(prompt);
    assert.ok(tokens < 32768 / 2);
    assert.equal(session.asked[0].think, undefined, 'never sent to a model that does not think');
    // Nothing kept: the report is empty, the merged file has no test, and no runner was needed.
    assert.deepEqual(result.report.kept, []);
  });

  it('a line in a class but outside its methods is the class; outside every definition, the whole file', async () => {
    const s1 = new ScriptedSession({ numCtx: 32768 });
    const inClass = await generateTests(options(s1, { line: 7 }));
    assert.ok(inClass.ok);
    assert.deepEqual([inClass.target.symbol, inClass.target.startLine, inClass.target.endLine], ['Cart', 6, 15]);
    const s2 = new ScriptedSession({ numCtx: 32768 });
    const whole = await generateTests(options(s2, { line: 5 }));
    assert.ok(whole.ok);
    assert.equal(whole.target.symbol, undefined);
    assert.equal(whole.target.startLine, 1);
    assert.match(s2.asked[0].prompt!, /for the code of "src\/cart\.ts"/);
  });

  it('a request a completion preempted is asked again', async () => {
    const session = new ScriptedSession({ numCtx: 32768 });
    session.preemptions = 2;
    const progress: GenerateProgress[] = [];
    const result = await generateTests(options(session, { line: 13, onProgress: (p) => progress.push(p) }));
    assert.ok(result.ok);
    assert.equal(session.asked.length, 3);
    assert.equal(progress.filter((p) => p.stage === 'yielded').length, 2);
  });

  it('stops before any request: no framework, unsaved changes that would not be what runs, a refused file, a target too large for the window', async () => {
    const session = new ScriptedSession({ numCtx: 32768 });
    const undecided = await generateTests(options(session, { detect: async () => ({ reason: 'no package.json names a framework', candidates: ['vitest', 'jest'] }) }));
    assert.equal(undecided.ok, false);
    assert.ok(!undecided.ok && undecided.cause === 'undecided' && /no package\.json names a framework \(it could be vitest, jest\)/.test(undecided.reason));

    const unsaved = await generateTests(options(session, { text: SOURCE.replace('reduce', 'reduceRight') }));
    assert.ok(!unsaved.ok && unsaved.cause === 'unsaved' && /save it first/.test(unsaved.reason));
    const untrusted = await generateTests(options(session, { text: SOURCE.replace('reduce', 'reduceRight'), allowExecution: false }));
    assert.ok(untrusted.ok, 'nothing runs, so the unsaved text is what the tests are for');
    assert.match(session.asked.pop()!.prompt!, /reduceRight/);

    const refused = await generateTests(options(session, { file: '.env' }));
    assert.ok(!refused.ok && refused.cause === 'refused');

    const tiny = new ScriptedSession({ numCtx: 4096 });
    write('src/big.ts', Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i} * 2 + 1; // a long line of code to make the file large`).join('\n'));
    const big = await generateTests(options(tiny, { file: 'src/big.ts' }));
    assert.ok(!big.ok && big.cause === 'tooLarge', !big.ok ? big.reason : 'ok');
    assert.equal(session.asked.length + tiny.asked.length, 0);
  });

  it('docCommentAbove and importLines', () => {
    assert.equal(docCommentAbove(['# helper', '# more', '@decorator', 'def f():'], 3), '# helper\n# more', 'above the decorators');
    assert.equal(docCommentAbove(['x = 1', 'def f():'], 1), undefined);
    assert.equal(importLines(['package x', '', 'import (', '\t"fmt"', ')', 'func F() {}'], [], 'go'), 'import (\n\t"fmt"\n)');
    assert.equal(importLines(['from a import (', '  b,', ')', 'import os'], [{ source: 'a', names: ['b'], line: 0 }, { source: 'os', names: ['*'], line: 3 }], 'python'), 'from a import (\n  b,\n)\nimport os');
  });
});
