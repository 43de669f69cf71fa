// The repo-map baseline of the context eval (bench/eval/providers/repoMapRank.ts): its graph, its
// personalized PageRank and its ranking on a tiny synthetic repository, and the greedy fill.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildGraph, fillBudget, FILE_HEADER_TOKENS, isDistinctiveName, linesOfDefinition, pagerank, rankDefinitions,
  type FillSources, type TagDefinition, type TagFile,
} from '../../bench/eval/providers/repoMapRank';

function def(name: string, line: number, endLine = line, container?: string): TagDefinition {
  return { name, line, startLine: line, endLine, signatureEndLine: line, ...(container ? { container } : {}) };
}

function file(path: string, definitions: TagDefinition[], refs: Record<string, number> = {}): TagFile {
  return { path, definitions, references: new Map(Object.entries(refs)) };
}

// main.ts (the cursor's file) uses parseConfig three times and Logger once; config.ts's parseConfig
// uses readText from io.ts; log.ts defines Logger; dead.ts defines a name nobody uses.
const repo: TagFile[] = [
  file('src/main.ts', [def('main', 0, 9)], { parseConfig: 3, Logger: 1 }),
  file('src/config.ts', [def('parseConfig', 0, 5)], { readText: 1 }),
  file('src/log.ts', [def('Logger', 0, 20), def('info', 2, 4, 'Logger')]),
  file('src/io.ts', [def('readText', 0, 3)]),
  file('src/dead.ts', [def('unusedThing', 0, 2)]),
];
const focus = new Set(['src/main.ts']);

describe('repo-map baseline: ranking', () => {
  it('tells distinctive names (long camelCase / snake_case / kebab-case) from short or plain ones', () => {
    assert.equal(isDistinctiveName('parseConfig'), true);
    assert.equal(isDistinctiveName('read_text_file'), true);
    assert.equal(isDistinctiveName('Logger'), false);
    assert.equal(isDistinctiveName('configuration'), false);
  });

  it('weighs edges from the focus file, distinctive and mentioned names, and damps names defined in many files', () => {
    const edges = buildGraph(repo, { focus, mentioned: new Set() });
    const w = (name: string) => edges.find((e) => e.name === name)!.weight;
    assert.equal(w('parseConfig'), 50 * 10 * Math.sqrt(3));
    assert.equal(w('Logger'), 50);
    assert.equal(w('readText'), 10);
    assert.equal(w('unusedThing'), 0.1, 'a name nobody references: a weak edge from its file to itself');
    const mentioned = buildGraph(repo, { focus, mentioned: new Set(['Logger']) });
    assert.equal(mentioned.find((e) => e.name === 'Logger')!.weight, 500);
    const many = [file('u.ts', [], { get: 1 }), ...Array.from({ length: 6 }, (_, i) => file(`d${i}.ts`, [def('get', 0)]))];
    assert.ok(buildGraph(many, { focus: new Set(), mentioned: new Set() }).filter((e) => e.name === 'get' && e.from === 0).every((e) => e.weight === 0.1));
  });

  it('PageRank restarts at the focus and keeps the total at 1', () => {
    const edges = buildGraph(repo, { focus, mentioned: new Set() });
    const personalization = new Float64Array(repo.length);
    personalization[0] = 1;
    const r = pagerank(repo.length, edges, personalization);
    assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(r[1] > r[2] && r[2] > r[4], 'config.ts (parseConfig) > log.ts (Logger) > dead.ts');
  });

  it('ranks definitions by the rank their referencing files pass on, leaving the focus file\'s own out', () => {
    const ranked = rankDefinitions(repo, { focus, mentioned: new Set() });
    const order = ranked.map((d) => d.name);
    assert.equal(order[0], 'parseConfig');
    // config.ts passes all its rank on to readText, while main.ts gives Logger a small share of its own.
    assert.ok(order.indexOf('readText') < order.indexOf('Logger'));
    assert.ok(!order.includes('main'));
    assert.equal(order.at(-1), 'unusedThing');
    const mentioned = rankDefinitions(repo, { focus, mentioned: new Set(['Logger']) });
    assert.ok(mentioned.find((d) => d.name === 'Logger')!.rank > ranked.find((d) => d.name === 'Logger')!.rank, 'a name the code at the cursor mentions ranks higher');
    const boosted = rankDefinitions(repo, { focus: new Set(['src/io.ts']), mentioned: new Set() });
    assert.ok(!boosted.some((d) => d.path === 'src/io.ts'));
  });
});

describe('repo-map baseline: greedy fill', () => {
  const texts: Record<string, string[]> = {
    'src/config.ts': ['export function parseConfig(text: string): Config {', '  return JSON.parse(text);', '}'],
    'src/log.ts': ['export class Logger {', '  level = 1;', '  info(message: string): void {', '    console.log(message);', '  }', '}'],
    'src/io.ts': ['export function readText(path: string): string {', '  return "";', '}'],
  };
  const estimate = (t: string) => Math.ceil(t.length / 4);
  const sources: FillSources = {
    definitions: (path) => repo.find((f) => f.path === path)?.definitions ?? [],
    lines: (path) => texts[path],
    estimate,
  };

  it('shows a member with its container\'s header line, as one run per block of consecutive lines', () => {
    const info = def('info', 2, 4, 'Logger');
    assert.deepEqual(linesOfDefinition(info, sources.definitions('src/log.ts')).sort(), [0, 2]);
    const snippets = fillBudget([{ path: 'src/log.ts', name: 'info', rank: 1 }], 1000, sources);
    assert.deepEqual(snippets.map((s) => [s.startLine, s.endLine]), [[0, 0], [2, 2]]);
    assert.equal(snippets[0].tokens, estimate(texts['src/log.ts'][0]) + FILE_HEADER_TOKENS, 'the file header counts once');
  });

  it('takes ranked definitions while they fit, skipping one that does not, and never passes the budget', () => {
    const ranked = rankDefinitions(repo, { focus, mentioned: new Set() });
    const all = fillBudget(ranked, 10_000, sources);
    assert.deepEqual([...new Set(all.map((s) => s.path))], ['src/config.ts', 'src/io.ts', 'src/log.ts'], 'files in the order of their best definition');
    const one = estimate(texts['src/config.ts'][0]) + FILE_HEADER_TOKENS;
    const small = fillBudget(ranked, one + 2, sources);
    assert.deepEqual(small.map((s) => s.path), ['src/config.ts']);
    for (const budget of [0, 5, 20, 30, 40, 60]) {
      assert.ok(fillBudget(ranked, budget, sources).reduce((n, s) => n + s.tokens, 0) <= budget);
    }
  });
});
