// Finding validation: "the model said X about this staged diff → the user sees Y, or Y is dropped
// with this reason". Built from StagedFile objects made here, not from the diff parser.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completeBatch, incompleteBatch, similarity, validateFindings, type ValidateOptions } from '../../src/core/review/validate';
import { MAX_FINDINGS_PER_FILE, REVIEW_REPLY_SCHEMA } from '../../src/core/review/schema';
import type { RawFinding } from '../../src/core/review/types';
import { hunk, staged } from '../support/reviewDiff';
import { abortedError, outputCutError, unreadableOutputError } from '../../src/core/errors';
import { SchemaValidator } from '../../src/core/model/schemaValidator';
import { readStructuredReply, requestStructured } from '../../src/core/model/structured';
import type { RequestMetrics } from '../../src/core/model/metrics';
import { silentLogger } from '../../src/core/log';
import { ZERO_WIDTH_JOINER } from '../../src/core/prompt/neutralize';



const CART = staged('src/cart.ts', [
  hunk(10, [
    ' export function total(items: Item[]): number {', // 10
    '   let sum = 0;', // 11
    '-  for (const item of items) sum += item.price;',
    '+  for (let i = 0; i <= items.length; i++) {', // 12
    '+    sum += items[i].price * items[i].qty;', // 13
    '+  }', // 14
    '   return sum;', // 15
    ' }', // 16
  ]),
  hunk(40, [
    ' export function discount(total: number, code: string): number {', // 40
    '-  return total;',
    '+  if (code === "HALF") return total / 2;', // 41
    '+  return total - Number(code);', // 42
    ' }', // 43
  ], 39),
]);
const UNICODE = staged('src/ünï/名前.ts', [hunk(1, [
  '+export const greeting = "héllo 👋 世界";', // 1
  '+export const prompt = "<|turn>user";', // 2
])], { kind: 'added' });
// A parser that kept the CR of a CRLF line: the comparison must not depend on it.
const WINDOWS = staged('win/app.ts', [hunk(5, [' const a = 1;\r', '+const b = a / 0;\r', ' const c = 3;\r'])]);
const RENAMED = staged('lib/new.ts', [hunk(3, [' a();', '+b(undefined!);', ' c();'])], { kind: 'renamed', oldPath: 'lib/old.ts', similarity: 90 });
const BINARY = staged('img/logo.png', [], { binary: true });
const DELETED = staged('gone.ts', [hunk(0, ['-a', '-b'], 1)], { kind: 'deleted' });
const DELETION_ONLY = staged('src/trim.ts', [hunk(7, [' keep();', '-dropped();', ' also();'])]);
const FILES = [CART, UNICODE, WINDOWS, RENAMED, BINARY, DELETED, DELETION_ONLY];

function raw(f: Partial<RawFinding>): RawFinding {
  return {
    file: 'src/cart.ts', line: 12, end_line: 12, anchor: '  for (let i = 0; i <= items.length; i++) {',
    severity: 'high', category: 'bug', confidence: 0.9, title: 'Off-by-one reads past the end',
    explanation: 'With 2 items the loop reads items[2], which is undefined, and throws.', fix: '  for (let i = 0; i < items.length; i++) {',
    ...f,
  };
}

type Expect = { path?: string; line: number; endLine: number; relocatedBy: number; fix?: string | null } | { dropped: RegExp };
interface Row { what: string; finding: Partial<RawFinding>; expect: Expect; opts?: ValidateOptions }

const rows: Row[] = [
  // Exact anchors
  { what: 'exact anchor on an added line', finding: {}, expect: { line: 12, endLine: 12, relocatedBy: 0, fix: '  for (let i = 0; i < items.length; i++) {' } },
  { what: 'exact anchor over a range', finding: { line: 12, end_line: 14 }, expect: { line: 12, endLine: 14, relocatedBy: 0 } },
  { what: 'range starting on context, reaching an added line', finding: { line: 11, end_line: 12, anchor: 'let sum = 0;' }, expect: { line: 11, endLine: 12, relocatedBy: 0 } },
  // Whitespace
  { what: 'whitespace at the ends of the anchor', finding: { anchor: '\t for (let i = 0; i <= items.length; i++) {   ' }, expect: { line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'whitespace inside the anchor', finding: { anchor: 'for(let i=0;i<=items.length;i++){' }, expect: { line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'whitespace inside the anchor, on another line', finding: { line: 14, end_line: 14, anchor: 'sum+=items[i].price*items[i].qty;' }, expect: { line: 13, endLine: 13, relocatedBy: -1 } },
  // Off by N
  { what: 'off by +2, range moved with it', finding: { line: 14, end_line: 15 }, expect: { line: 12, endLine: 13, relocatedBy: -2, fix: '  for (let i = 0; i < items.length; i++) {' } },
  { what: 'off by -4, outside the hunk: the nearest hunk is searched', finding: { line: 9, end_line: 9, anchor: 'sum += items[i].price * items[i].qty;' }, expect: { line: 13, endLine: 13, relocatedBy: 4 } },
  { what: 'line far past the file, anchor of the nearest hunk', finding: { line: 500, end_line: 500, anchor: 'return total - Number(code);' }, expect: { line: 42, endLine: 42, relocatedBy: -458 } },
  { what: 'fuzzy: a character dropped from the anchor', finding: { line: 12, end_line: 12, anchor: 'sum += items[i].price * items[i].qt;' }, expect: { line: 13, endLine: 13, relocatedBy: 1 } },
  { what: 'fuzzy: quotes retyped', finding: { line: 40, end_line: 40, anchor: "if (code === 'HALF') return total / 2;" }, expect: { line: 41, endLine: 41, relocatedBy: 1 } },
  { what: 'echo of the prompt\'s line prefix', finding: { anchor: '12 +|  for (let i = 0; i <= items.length; i++) {' }, expect: { line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'equal lines: the one nearest the model\'s line', finding: { file: 'src/dup.ts', line: 9, end_line: 9, anchor: 'x++;' }, expect: { path: 'src/dup.ts', line: 8, endLine: 8, relocatedBy: -1 } },
  // Hallucinated files and lines
  { what: 'file not in the diff', finding: { file: 'src/nope.ts' }, expect: { dropped: /file "src\/nope.ts" is not in the staged diff/ } },
  { what: 'a path that only ends like one in the diff', finding: { file: 'cart.ts' }, expect: { dropped: /not in the staged diff/ } },
  { what: 'git prefix b/', finding: { file: 'b/src/cart.ts' }, expect: { path: 'src/cart.ts', line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'git prefix a/', finding: { file: 'a/src/cart.ts' }, expect: { path: 'src/cart.ts', line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'prefix ./', finding: { file: './src/cart.ts' }, expect: { path: 'src/cart.ts', line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'the old path of a rename', finding: { file: 'lib/old.ts', line: 4, end_line: 4, anchor: 'b(undefined!);' }, expect: { path: 'lib/new.ts', line: 4, endLine: 4, relocatedBy: 0 } },
  { what: 'anchor resembling no line', finding: { anchor: 'await db.commit();' }, expect: { dropped: /the anchor matches no line of the hunk: hallucinated/ } },
  { what: 'anchor of another hunk is not searched for', finding: { line: 500, end_line: 500 }, expect: { dropped: /hallucinated/ } },
  { what: 'fuzzy below the threshold', finding: { anchor: 'for (let j = 1; j < list.size; j += 2) {' }, expect: { dropped: /hallucinated/ } },
  { what: 'empty anchor', finding: { anchor: '   ' }, expect: { dropped: /the anchor is empty/ } },
  { what: 'a binary file', finding: { file: 'img/logo.png', line: 1, end_line: 1 }, expect: { dropped: /binary file/ } },
  { what: 'a deleted file', finding: { file: 'gone.ts', line: 1, end_line: 1, anchor: 'a' }, expect: { dropped: /no staged lines/ } },
  // Removed lines and unchanged context
  { what: 'anchor on a removed line', finding: { anchor: 'for (const item of items) sum += item.price;' }, expect: { dropped: /removed line/ } },
  { what: 'anchor on a removed line, whitespace aside', finding: { line: 41, end_line: 41, anchor: 'return   total;' }, expect: { dropped: /removed line/ } },
  { what: 'only unchanged context', finding: { line: 15, end_line: 16, anchor: 'return sum;' }, expect: { dropped: /lines 15-16 of src\/cart.ts are unchanged context/ } },
  { what: 'context of a deletion-only hunk', finding: { file: 'src/trim.ts', line: 8, end_line: 8, anchor: 'also();' }, expect: { dropped: /unchanged context/ } },
  // Ranges
  { what: 'end_line before line: one line, fix removed', finding: { line: 13, end_line: 11, anchor: 'sum += items[i].price * items[i].qty;' }, expect: { line: 13, endLine: 13, relocatedBy: 0, fix: null } },
  { what: 'end_line past the hunk: cut there, fix removed', finding: { line: 13, end_line: 30, anchor: 'sum += items[i].price * items[i].qty;' }, expect: { line: 13, endLine: 16, relocatedBy: 0, fix: null } },
  { what: 'no fix offered', finding: { fix: null }, expect: { line: 12, endLine: 12, relocatedBy: 0, fix: null } },
  { what: 'a fix holding a redaction marker is not offered', finding: { fix: 'const key = "[redacted aws]";' }, expect: { line: 12, endLine: 12, relocatedBy: 0, fix: null } },
  // Gates
  { what: 'confidence below the default 0.5', finding: { confidence: 0.3 }, expect: { dropped: /confidence 0.3 is below the minimum of 0.5/ } },
  { what: 'confidence at the minimum', finding: { confidence: 0.5 }, expect: { line: 12, endLine: 12, relocatedBy: 0 } },
  { what: 'a stricter confidence gate', finding: { confidence: 0.7 }, opts: { minConfidence: 0.8 }, expect: { dropped: /below the minimum of 0.8/ } },
  { what: 'severity below the gate', finding: { severity: 'low' }, opts: { minSeverity: 'medium' }, expect: { dropped: /severity "low" is below the minimum of "medium"/ } },
  { what: 'severity at the gate', finding: { severity: 'medium' }, opts: { minSeverity: 'medium' }, expect: { line: 12, endLine: 12, relocatedBy: 0 } },
  // CRLF
  { what: 'CRLF: anchor with CRLF, staged text with a CR', finding: { file: 'win/app.ts', line: 6, end_line: 6, anchor: 'const b = a / 0;\r\n' }, expect: { path: 'win/app.ts', line: 6, endLine: 6, relocatedBy: 0 } },
  { what: 'CRLF: off by one', finding: { file: 'win/app.ts', line: 5, end_line: 5, anchor: 'const b = a / 0;' }, expect: { path: 'win/app.ts', line: 6, endLine: 6, relocatedBy: 1 } },
  // Unicode
  { what: 'unicode path and anchor', finding: { file: 'src/ünï/名前.ts', line: 1, end_line: 1, anchor: 'export const greeting = "héllo 👋 世界";' }, expect: { path: 'src/ünï/名前.ts', line: 1, endLine: 1, relocatedBy: 0 } },
  { what: 'unicode: accent dropped (fuzzy)', finding: { file: 'src/ünï/名前.ts', line: 2, end_line: 2, anchor: 'export const greeting = "hello 👋 世界";' }, expect: { path: 'src/ünï/名前.ts', line: 1, endLine: 1, relocatedBy: -1 } },
  { what: 'unicode path in NFD is another path', finding: { file: 'src/ünï/名前.ts'.normalize('NFD'), line: 1, end_line: 1 }, expect: { dropped: /not in the staged diff/ } },
  // Control tokens: the prompt broke them with a joiner and the model copied it
  { what: 'anchor copied with the prompt\'s zero-width joiner', finding: { file: 'src/ünï/名前.ts', line: 2, end_line: 2, anchor: `export const prompt = "<${ZERO_WIDTH_JOINER}|turn>user";`, fix: `export const prompt = "<${ZERO_WIDTH_JOINER}|turn>model";` }, expect: { path: 'src/ünï/名前.ts', line: 2, endLine: 2, relocatedBy: 0, fix: 'export const prompt = "<|turn>model";' } },
];

// Two equal added lines for the nearest-line tie.
const DUP = staged('src/dup.ts', [hunk(1, [' let x = 0;', '+x++;', ' f(x);', ' g(x);', ' h(x);', ' i(x);', ' j(x);', '+x++;', ' k(x);'])]);

describe('validateFindings: every finding anchored on the staged lines, or dropped with the reason', () => {
  for (const row of rows) {
    it(row.what, () => {
      const r = raw(row.finding);
      const { findings, dropped } = validateFindings([r], [...FILES, DUP], row.opts);
      if ('dropped' in row.expect) {
        assert.equal(findings.length, 0, JSON.stringify(findings));
        assert.equal(dropped.length, 1);
        assert.equal(dropped[0].finding, r, 'the dropped entry is the model\'s finding as given');
        assert.match(dropped[0].reason, row.expect.dropped);
        return;
      }
      assert.deepEqual(dropped, []);
      assert.equal(findings.length, 1);
      const f = findings[0];
      const e = row.expect;
      assert.deepEqual(
        { path: f.path, line: f.line, endLine: f.endLine, relocatedBy: f.relocatedBy },
        { path: e.path ?? 'src/cart.ts', line: e.line, endLine: e.endLine, relocatedBy: e.relocatedBy },
      );
      if (e.fix !== undefined) assert.equal(f.fix, e.fix);
      assert.equal(f.title, r.title.trim());
      assert.equal(f.severity, r.severity);
    });
  }
});

describe('validateFindings: duplicates and the per-file cap', () => {
  const cases: Array<{ what: string; findings: Partial<RawFinding>[]; keptTitles: string[]; droppedReasons: RegExp[] }> = [
    {
      what: 'same lines, same category: the more severe stays',
      findings: [
        { title: 'Loop reads one past the end', severity: 'medium', confidence: 0.95 },
        { title: 'Index out of bounds on the last iteration', severity: 'high', confidence: 0.6 },
      ],
      keptTitles: ['Index out of bounds on the last iteration'],
      droppedReasons: [/duplicate of "Index out of bounds on the last iteration" \(src\/cart.ts:12\)/],
    },
    {
      what: 'overlapping ranges, similar titles, other categories: the more confident stays',
      findings: [
        { title: 'Off-by-one in loop bound', category: 'bug', confidence: 0.7, line: 12, end_line: 13 },
        { title: 'Loop bound off-by-one', category: 'correctness', confidence: 0.9, line: 13, end_line: 13, anchor: 'sum += items[i].price * items[i].qty;' },
      ],
      keptTitles: ['Loop bound off-by-one'],
      droppedReasons: [/duplicate of "Loop bound off-by-one"/],
    },
    {
      what: 'a relocated twin is found after relocation',
      findings: [
        { title: 'Off-by-one in loop bound' },
        { title: 'Off-by-one in loop bound', line: 15, end_line: 15, confidence: 0.8 },
      ],
      keptTitles: ['Off-by-one in loop bound'],
      droppedReasons: [/duplicate/],
    },
    {
      what: 'same lines, different problems: both stay',
      findings: [
        { title: 'Off-by-one in loop bound', category: 'bug' },
        { title: 'Price times quantity can overflow the safe integer range', category: 'overflow', line: 13, end_line: 13, anchor: 'sum += items[i].price * items[i].qty;' },
      ],
      keptTitles: ['Off-by-one in loop bound', 'Price times quantity can overflow the safe integer range'],
      droppedReasons: [],
    },
    {
      what: 'same category in another file: both stay',
      findings: [{}, { file: 'win/app.ts', line: 6, end_line: 6, anchor: 'const b = a / 0;', title: 'Division by zero' }],
      keptTitles: ['Off-by-one reads past the end', 'Division by zero'],
      droppedReasons: [],
    },
    {
      what: `more than ${MAX_FINDINGS_PER_FILE} in one file: the strongest are kept`,
      findings: [
        { title: 'A', category: 'a', severity: 'low', confidence: 0.9 },
        { title: 'B', category: 'b', severity: 'high', confidence: 0.6, line: 41, end_line: 41, anchor: 'if (code === "HALF") return total / 2;' },
        { title: 'C', category: 'c', severity: 'medium', confidence: 0.9, line: 42, end_line: 42, anchor: 'return total - Number(code);' },
        { title: 'D', category: 'd', severity: 'high', confidence: 0.9, line: 13, end_line: 13, anchor: 'sum += items[i].price * items[i].qty;' },
      ],
      keptTitles: ['D', 'B', 'C'],
      droppedReasons: [/more than 3 findings in src\/cart.ts: the stronger ones are kept/],
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const { findings, dropped } = validateFindings(c.findings.map(raw), FILES);
      assert.deepEqual(new Set(findings.map((f) => f.title)), new Set(c.keptTitles));
      assert.equal(dropped.length, c.droppedReasons.length, JSON.stringify(dropped));
      c.droppedReasons.forEach((re, i) => assert.match(dropped[i].reason, re));
    });
  }

  it('keeps findings sorted by path and line, and accounts for every finding', () => {
    const input = [
      raw({ file: 'win/app.ts', line: 6, end_line: 6, anchor: 'const b = a / 0;', title: 'Division by zero', category: 'crash' }),
      raw({ line: 42, end_line: 42, anchor: 'return total - Number(code);', title: 'NaN for a non-numeric code', category: 'input', severity: 'medium' }),
      raw({}),
      raw({ file: 'nope.ts' }),
      raw({ confidence: 0.1, title: 'weak' }),
    ];
    const { findings, dropped } = validateFindings(input, FILES, { maxPerFile: 1 });
    assert.deepEqual(findings.map((f) => `${f.path}:${f.line}`), ['src/cart.ts:12', 'win/app.ts:6']);
    assert.equal(findings.length + dropped.length, input.length);
    assert.deepEqual(dropped.map((d) => d.finding.title).sort(), ['NaN for a non-numeric code', 'Off-by-one reads past the end', 'weak']);
  });
});

describe('similarity: the fuzzy measure and its threshold', () => {
  const cases: Array<[string, string, (s: number) => boolean]> = [
    ['abc', 'abc', (s) => s === 1],
    ['return total;', 'return total', (s) => s > 0.9],
    ['sum += items[i].price * items[i].qty;', 'sum += items[i].price * items[i].qt;', (s) => s >= 0.8],
    ['const a = 1;', 'let b = foo();', (s) => s === 0],
    ['x', 'y', (s) => s === 0],
    ['ab', 'abcdefghij', (s) => s === 0],
  ];
  for (const [a, b, ok] of cases) it(`${JSON.stringify(a)} ~ ${JSON.stringify(b)}`, () => assert.ok(ok(similarity(a, b)), String(similarity(a, b))));
});

describe('the reply schema', () => {
  const check = new SchemaValidator().checkFor(REVIEW_REPLY_SCHEMA);
  const good = { file: 'a.ts', line: 1, end_line: 2, anchor: 'x', severity: 'low', category: 'bug', confidence: 0.5, title: 't', explanation: 'e', fix: null };
  const rows: Array<[string, unknown, RegExp | undefined]> = [
    ['a valid reply', { findings: [good] }, undefined],
    ['an empty list', { findings: [] }, undefined],
    ['a fix as text', { findings: [{ ...good, fix: 'y' }] }, undefined],
    ['a missing field', { findings: [{ ...good, anchor: undefined }] }, /must have required property 'anchor'/],
    ['an extra field', { findings: [{ ...good, note: 1 }] }, /must NOT have additional properties \("note"\)/],
    ['a severity outside the enum', { findings: [{ ...good, severity: 'critical' }] }, /severity must be equal to one of the allowed values/],
    ['confidence above 1', { findings: [{ ...good, confidence: 1.5 }] }, /confidence must be <= 1/],
    ['a fractional line', { findings: [{ ...good, line: 1.5 }] }, /line must be integer/],
    ['a fix that is a number', { findings: [{ ...good, fix: 3 }] }, /fix must be string,null/],
    ['no findings key', {}, /must have required property 'findings'/],
  ];
  for (const [what, value, problem] of rows) {
    it(what, () => {
      const wrong = check(JSON.parse(JSON.stringify(value)));
      if (problem) assert.match(wrong ?? '', problem);
      else assert.equal(wrong, undefined);
    });
  }

  it('requires every field and allows no other', () => {
    const items = (REVIEW_REPLY_SCHEMA.properties as { findings: { items: { required: string[]; properties: object; additionalProperties: boolean } } }).findings.items;
    assert.deepEqual(items.required, ['file', 'line', 'end_line', 'anchor', 'severity', 'category', 'confidence', 'title', 'explanation', 'fix']);
    assert.deepEqual(Object.keys(items.properties), items.required);
    assert.equal(items.additionalProperties, false);
  });

  it('an unreadable or cut reply is not read as a reply', () => {
    const text = JSON.stringify({ findings: [good] });
    for (const said of [text.slice(0, text.length - 9), 'I found no problems.', '']) {
      const r = readStructuredReply(said, check);
      assert.equal(r.ok, false, said);
    }
  });
});

describe('reply-level outcomes: a review that did not finish is incomplete, never "no findings"', () => {
  const rows: Array<[string, unknown, string, RegExp]> = [
    ['cut at the output limit', outputCutError('gemma4:e4b', 1024, true), 'outputCut', /Review incomplete: the answer was cut off at the output limit\. .*1024 tokens/],
    ['unreadable after the retry', unreadableOutputError('gemma4:e4b', ['not JSON', 'the answer was empty']), 'unreadableOutput', /Review incomplete: the answer could not be read, also when asked again\. .*asked 2 times/],
    ['cancelled', abortedError(), 'aborted', /Review incomplete: the review was cancelled/],
    ['anything else', new Error('socket hang up'), 'unknown', /Review incomplete: socket hang up/],
  ];
  for (const [what, error, cause, reason] of rows) {
    it(what, () => {
      const o = incompleteBatch(['src/cart.ts', 'win/app.ts'], error);
      assert.equal(o.complete, false);
      assert.equal(o.cause, cause);
      assert.match(o.reason, reason);
      assert.deepEqual(o.paths, ['src/cart.ts', 'win/app.ts']);
      assert.ok(!('findings' in o));
    });
  }

  const metrics = (doneReason: string): RequestMetrics => ({
    id: 1, feature: 'review', model: 'm', route: 'chat', numCtx: 8192, clientPromptTokens: 100, reusableTokens: 0,
    cacheHitEstimate: 0, queueMs: 0, totalMs: 1, truncated: false, doneReason,
  });
  const ask = (answers: Array<[string, string]>) => {
    let n = 0;
    return requestStructured<{ findings: RawFinding[] }>({ feature: 'review', schema: REVIEW_REPLY_SCHEMA, prompt: 'review' }, {
      model: 'm', logger: silentLogger, validator: new SchemaValidator(), numPredict: 64,
      complete: async () => {
        const [text, reason] = answers[Math.min(n++, answers.length - 1)];
        return { text, thinking: '', metrics: metrics(reason) };
      },
    });
  };
  const settle = async (answers: Array<[string, string]>) => {
    try {
      const r = await ask(answers);
      return completeBatch([CART], r.value.findings);
    } catch (e) {
      return incompleteBatch(['src/cart.ts'], e);
    }
  };
  const full = JSON.stringify({ findings: [raw({})] });

  it('a reply cut mid-JSON: incomplete, not asked again', async () => {
    const o = await settle([[full.slice(0, 60), 'length']]);
    assert.equal(o.complete, false);
    assert.equal(!o.complete && o.cause, 'outputCut');
  });
  it('unreadable twice (an empty answer, then prose): incomplete', async () => {
    const o = await settle([['', 'stop'], ['Looks good to me!', 'stop']]);
    assert.equal(!o.complete && o.cause, 'unreadableOutput');
  });
  it('unreadable once, then valid: the findings, validated', async () => {
    const o = await settle([['{"findings": [', 'stop'], [full, 'stop']]);
    assert.ok(o.complete);
    assert.deepEqual(o.findings.map((f) => [f.path, f.line]), [['src/cart.ts', 12]]);
  });
  it('a valid empty list is a complete review with no findings', async () => {
    const o = await settle([['{"findings": []}', 'stop']]);
    assert.ok(o.complete);
    assert.deepEqual(o.findings, []);
    assert.deepEqual(o.paths, ['src/cart.ts']);
  });
});
