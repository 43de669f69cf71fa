// `hearth index` and `hearth context` on a small repository, through the same runCli the bundled
// binary runs: the figures of a cold and a warm index, the JSON the editor's context would be, and
// open tabs (--open) that add similar windows but never a file the index refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/main';

const SECRET = 'HEARTH_CLI_SECRET_51c2';
const FILES: Record<string, string> = {
  'src/geo.ts': 'export interface Point {\n  x: number;\n  y: number;\n}\n',
  'src/use.ts': 'import { Point } from "./geo";\n\nexport function norm(p: Point): number {\n  return Math.hypot(p.x, p.y);\n}\n',
  'src/orders.ts': 'export function lengths(points: Point[]): number[] {\n  return points.map((p) => Math.hypot(p.x, p.y));\n}\n',
  'drafts/scratch.ts': 'export function scratchNorm(p: Point): number {\n  return Math.hypot(p.x, p.y);\n}\n',
  '.hearthignore': 'drafts/\n',
  '.env': `TOKEN=${SECRET}\n`,
};

describe('hearth index and hearth context', () => {
  let repo: string;
  let cache: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { XDG_CACHE_HOME: cache } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'hearth-cli-repo-'));
    cache = mkdtempSync(join(tmpdir(), 'hearth-cli-cache-'));
    for (const [p, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(repo, p)), { recursive: true });
      writeFileSync(join(repo, p), text);
    }
  });
  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('index: files, symbols and speed; the second run comes from the cache', async () => {
    const cold = await cli('index', '--repo', repo, '--json');
    assert.equal(cold.code, 0, cold.err);
    const a = JSON.parse(cold.out);
    assert.equal(a.files, 3, 'the three source files; the ignored draft and .env are not indexed');
    assert.ok(a.symbols >= 3);
    assert.equal(a.cacheHits, 0);
    assert.equal(a.bytes, ['src/geo.ts', 'src/use.ts', 'src/orders.ts'].reduce((n, p) => n + Buffer.byteLength(FILES[p]), 0));
    assert.ok(Number.isFinite(a.mbPerSec) && a.ms >= 0);
    const warm = JSON.parse((await cli('index', '--repo', repo, '--json')).out);
    assert.equal(warm.cacheHits, 3);
    assert.equal(warm.parsed, 0);
  });

  it('context --json: the imported definition, 1-based lines, tokens within the budget, the text as sent', async () => {
    const r = await cli('context', `${join(repo, 'src/use.ts')}:4:3`, '--repo', repo, '--budget', '500', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.budget, 500);
    const point = j.items.find((i: { symbol?: string }) => i.symbol === 'Point');
    assert.deepEqual({ kind: point.kind, path: point.path, startLine: point.startLine, endLine: point.endLine }, { kind: 'type', path: 'src/geo.ts', startLine: 1, endLine: 4 });
    assert.equal(j.tokens, j.items.reduce((n: number, i: { tokens: number }) => n + i.tokens, 0));
    assert.ok(j.tokens <= 500);
    assert.match(j.text, /<file path="src\/geo\.ts" lines="1-4">\nexport interface Point \{/);
    assert.ok(!j.items.some((i: { kind: string }) => i.kind === 'similar'), 'no open tabs, no windows');
  });

  it('--open adds windows of admitted tabs after the definitions; an ignored or secret tab is refused with a warning', async () => {
    const r = await cli('context', `${join(repo, 'src/use.ts')}:4:3`, '--repo', repo, '--budget', '500', '--json',
      '--open', [join(repo, 'src/orders.ts'), join(repo, 'drafts/scratch.ts'), join(repo, '.env')].join(','));
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const kinds = j.items.map((i: { kind: string }) => i.kind);
    assert.ok(kinds.includes('similar'), JSON.stringify(j.items));
    assert.ok(kinds.lastIndexOf('type') < kinds.indexOf('similar'), 'definitions first');
    assert.equal(j.items.find((i: { kind: string }) => i.kind === 'similar').path, 'src/orders.ts');
    assert.ok(!j.text.includes('scratchNorm') && !j.text.includes(SECRET));
    assert.match(r.err, /drafts\/scratch\.ts: not in the index/);
    assert.match(r.err, /\.env: not in the index/);
  });
});
