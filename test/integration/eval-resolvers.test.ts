// The ground-truth resolvers of the context eval's Python and Go dev sets, on tiny packages written
// to a temp dir: go/types (bench/eval/truth/gotruth.go, built with the installed go) and jedi
// (bench/eval/truth/jeditruth.py, under Debian's python3). Skipped when `npm run provision:eval`
// has not been run (no go, or no jedi).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { goTruth } from '../../bench/eval/devsetGo';
import { jediTruth, pythonCommand } from '../../bench/eval/devsetPython';

const REPO = resolve(__dirname, '..', '..');

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const at = <T extends { path: string; line: number }>(lines: readonly T[], path: string, line: number) => lines.find((l) => l.path === path && l.line === line);

describe('ground truth for Go: go/types', { skip: !works('go', ['version']) && 'no go: npm run provision:eval' }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-gotruth-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.19\n');
    writeFileSync(join(dir, 'box.go'), [
      'package p', '',
      '// Box holds a count.',
      'type Box struct {',
      '\tN int',
      '}', '',
      'func (b *Box) Inc() { b.N++ }', '',
      'func NewBox() *Box { return &Box{} }', '',
      'const Limit = 10', '',
    ].join('\n'));
    writeFileSync(join(dir, 'use.go'), [
      'package p', '',
      'import "strings"', '',
      'func local() int { return 1 }', '',
      'func Use() int {',
      '\tb := NewBox()',
      '\tb.Inc()',
      '\t_ = strings.ToUpper("x")',
      '\treturn b.N + local() + Limit',
      '}', '',
    ].join('\n'));
    mkdirSync(join(dir, 'testdata'));
    writeFileSync(join(dir, 'testdata', 'skip.go'), 'package skip\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports uses of same-package definitions in other files, with their lines, and nothing from the standard library or the same file', { timeout: 120_000 }, () => {
    const out = goTruth(REPO, dir);
    assert.equal(out.errors, 0);
    assert.deepEqual(out.lines.map((l) => `${l.path}:${l.line}`), ['use.go:7', 'use.go:8', 'use.go:10']);
    const newBox = at(out.lines, 'use.go', 7)!;
    assert.equal(newBox.column, 6, 'byte column of NewBox');
    assert.deepEqual(newBox.defs, [{ name: 'NewBox', via: 'name', sites: [{ path: 'box.go', nameLine: 9, startLine: 9, endLine: 9, signatureEndLine: 9, kind: 'FuncDecl' }] }]);
    assert.deepEqual(at(out.lines, 'use.go', 8)!.defs.map((d) => [d.name, d.via]), [['Inc', 'member']]);
    const last = at(out.lines, 'use.go', 10)!;
    assert.deepEqual(last.defs.map((d) => [d.name, d.via, d.sites[0].kind]), [['N', 'member', 'Field'], ['Limit', 'name', 'ValueSpec']]);
    assert.deepEqual(out.lines.flatMap((l) => l.defs).find((d) => d.name === 'N')!.sites[0], { path: 'box.go', nameLine: 4, startLine: 4, endLine: 4, signatureEndLine: 4, kind: 'Field' });
  });
});

const hasJedi = works(pythonCommand(), ['-c', 'import jedi']);

describe('ground truth for Python: jedi', { skip: !hasJedi && 'no jedi: npm run provision:eval' }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-jeditruth-'));
    const pkg = join(dir, 'pkg');
    mkdirSync(pkg);
    writeFileSync(join(pkg, '__init__.py'), '');
    writeFileSync(join(pkg, 'util.py'), [
      'import os', '', '',
      '@staticmethod',
      'def helper(x):',
      '    return os.sep + x', '', '',
      'class Box:',
      '    def __init__(self):',
      '        self.n = 0', '',
      '    def inc(self):',
      '        self.n += 1', '',
    ].join('\n'));
    writeFileSync(join(pkg, 'main.py'), [
      'import os',
      'from .util import helper, Box',
      'from . import util', '', '',
      'def local():',
      '    return 1', '', '',
      'def run():',
      '    b = Box()',
      '    b.inc()',
      '    return util.helper(os.sep) + str(local()) + str(b.n)', '',
    ].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports names and members defined in other files of the package, not imports, the standard library or the same file', { timeout: 120_000 }, () => {
    const root = join(dir, 'pkg');
    const candidates = Array.from({ length: 14 }, (_, i) => ['main.py', i] as const);
    const out = jediTruth({ root, files: ['__init__.py', 'main.py', 'util.py'], candidates, perPackage: 100, perFile: 100 });
    assert.deepEqual(out.lines.map((l) => l.line), [10, 11, 12], 'import lines are not uses');
    assert.deepEqual(at(out.lines, 'main.py', 10)!.defs, [{ name: 'Box', via: 'name', sites: [{ path: 'util.py', nameLine: 8, startLine: 8, endLine: 13, signatureEndLine: 8, kind: 'classdef' }] }]);
    assert.equal(at(out.lines, 'main.py', 10)!.column, 8);
    assert.deepEqual(at(out.lines, 'main.py', 11)!.defs.map((d) => [d.name, d.via, d.sites[0].nameLine]), [['inc', 'member', 12]]);
    const last = at(out.lines, 'main.py', 12)!;
    assert.deepEqual(last.defs.map((d) => [d.name, d.via, d.sites[0].nameLine, d.sites[0].startLine]), [['helper', 'name', 4, 3], ['n', 'member', 10, 10]]);
    const capped = jediTruth({ root, files: ['main.py'], candidates, perPackage: 2, perFile: 100 });
    assert.equal(capped.lines.length, 2, 'stops at perPackage');
  });
});
