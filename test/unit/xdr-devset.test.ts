// The multi-language XDR dev set (bench/eval/devset*.ts): point sampling, balance across packages,
// column conversions, which Python lines are worth resolving, and the per-language report with
// Hearth's figures as ratios against the repo-map baseline.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashOrder, perFileCap, roundRobin, samplePoints, toPoint, type CandidateLine } from '../../bench/eval/devset';
import { utf16Column } from '../../bench/eval/devsetGo';
import { codePointColumnToUtf16, pythonCandidateLines } from '../../bench/eval/devsetPython';
import { formatSummary, parseArgs, withRatio, type ProviderReport, type ReportRow } from '../../bench/eval/context';

const line = (path: string, n: number): CandidateLine => ({ path, line: n, column: 0, defs: [] });

describe('dev set sampling', () => {
  const candidates = [
    ...Array.from({ length: 30 }, (_, i) => line('big.py', i)),
    ...Array.from({ length: 3 }, (_, i) => line('small.py', i)),
  ];

  it('caps points per file at max(minPerFile, perPackage / files) and per package at perPackage', () => {
    const sampling = { perPackage: 10, minPerFile: 4, maxLineLength: 300 };
    assert.equal(perFileCap(sampling, 2), 5);
    assert.equal(perFileCap(sampling, 40), 4);
    const points = samplePoints('pkg', candidates, sampling, 2);
    assert.equal(points.length, 8, '5 from big.py, all 3 of small.py');
    assert.equal(points.filter((p) => p.path === 'big.py').length, 5);
  });

  it('takes lines in the order of a hash of package, path and line: deterministic, the same for any input order', () => {
    const sampling = { perPackage: 6, minPerFile: 6, maxLineLength: 300 };
    const a = samplePoints('pkg', candidates, sampling, 2);
    const b = samplePoints('pkg', [...candidates].reverse(), sampling, 2);
    assert.deepEqual(a, b);
    assert.deepEqual(hashOrder('pkg', candidates).slice(0, 6).filter((c) => c.path === 'big.py'), a.filter((c) => c.path === 'big.py'));
    assert.notDeepEqual(samplePoints('other', candidates, sampling, 2), a, 'another package name draws other lines');
  });

  it('interleaves packages so that any prefix is balanced', () => {
    assert.deepEqual(roundRobin<number | string>([[1, 2, 3], ['a'], [10, 20]]), [1, 'a', 10, 2, 20, 3]);
  });

  it('makes a point: the target is the line from the cursor on, the id names the 1-based line', () => {
    const p = toPoint('requests', 'python', { path: 'sessions.py', line: 9, column: 8, defs: [] }, '    x = merge_setting(a, b)');
    assert.equal(p.id, 'requests:sessions.py:10');
    assert.equal(p.language, 'python');
    assert.equal(p.languageId, 'python');
    assert.equal(p.target, 'merge_setting(a, b)');
  });
});

describe('dev set columns and lines', () => {
  it('converts go/types byte columns and jedi code-point columns to UTF-16', () => {
    assert.equal(utf16Column('s := "é" + name', 12), 11);
    assert.equal(utf16Column('ascii only', 6), 6);
    assert.equal(codePointColumnToUtf16('x = "😀" + name', 10), 11);
  });

  it('asks jedi about code lines only: not blank, comments, imports or over-long lines', () => {
    const text = ['import os', 'from .a import b', '', '# comment', 'x = b(os.sep)', '    from_here = 1', 'y' + '='.repeat(400)].join('\n');
    assert.deepEqual(pythonCandidateLines('m.py', text, 300).map((c) => c.line), [4, 5]);
  });
});

describe('per-language report', () => {
  const row = (budget: number, xdr: number): ReportRow => ({
    budget, xdr, points: 2, defs: 4, xdrPointMean: xdr, xdrByVia: { name: xdr, member: null }, defsByVia: { name: 4, member: 0 }, anyHit: 1, allHit: 0,
    efficiency: null, meanPackedTokens: 0, maxPackedTokens: 0, charsPerToken: null, overflows: 0, invalidSnippets: 0, latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
  });
  const report = (name: string, go: number[], py?: number[]): ProviderReport => ({
    name, setupMs: 0, rows: [], perPackage: {}, perPoint: {},
    perLanguage: { go: go.map((x, i) => row([1000, 4000][i], x)), ...(py ? { python: py.map((x, i) => row([1000, 4000][i], x)) } : {}) },
  });

  it('shows Hearth\'s providers as ratios against the repo map, per language and budget', () => {
    const table = formatSummary([report('repo-map', [0.5, 0.8], [0.2, 0]), report('index', [0.55, 0.4], [0.3, 0.1]), report('open-tabs', [0.1, 0.2])], ['go', 'python'], [1000, 4000]);
    const lines = table.split('\n');
    assert.match(lines[0], /language\s+provider\s+XDR@1K\s+XDR@4K/);
    assert.match(table, /go \(2 pts\)\s+index\s+0\.550 \(1\.10×\)\s+0\.400 \(0\.50×\)/);
    assert.match(table, /python \(2 pts\)\s+index\s+0\.300 \(1\.50×\)\s+0\.100 \(∞\)/);
    assert.match(table, /go \(2 pts\)\s+open-tabs\s+0\.100\s+0\.200/, 'baselines carry no ratio');
    assert.equal(withRatio(0.5, undefined), '0.500');
    assert.equal(withRatio(0, 0), '0.000 (–)');
  });

  it('parses --language with short names, in the dev set\'s order', () => {
    const args = parseArgs(['--language', 'go,ts']);
    assert.ok(args !== 'help');
    assert.deepEqual(args.languages, ['typescript', 'go']);
    assert.throws(() => parseArgs(['--language', 'cobol']), /unknown language/);
    const all = parseArgs([]);
    assert.ok(all !== 'help');
    assert.deepEqual(all.languages, ['typescript', 'python', 'go']);
  });
});
