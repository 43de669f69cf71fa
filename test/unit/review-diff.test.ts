// Diff parsing, golden: literal `git diff --cached` outputs (taken from git 2.39 with DIFF_ARGS,
// except where a case says which config changed the shape) → the StagedFile objects a review works
// on. Each case is a whole file's section so every field is checked, not a few. Then the staged →
// working-tree line map.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapStagedToWorktree, parseDiff } from '../../src/core/review/parseDiff';
import type { DiffLine, StagedFile } from '../../src/core/review/types';

const ctx = (oldLine: number, newLine: number, text: string): DiffLine => ({ kind: 'context', text, oldLine, newLine });
const add = (newLine: number, text: string): DiffLine => ({ kind: 'added', text, newLine });
const del = (oldLine: number, text: string): DiffLine => ({ kind: 'removed', text, oldLine });
const diff = (...lines: string[]) => `${lines.join('\n')}\n`;

const Z = '0000000000000000000000000000000000000000';
const A = '129969d081de76e6359c2cf051937ecfa970ba36';
const B = '84aa1ee0d64886a938978fa221bc558ed2cefc63';

const cases: Array<{ name: string; input: string; expected: StagedFile[] }> = [
  {
    name: 'rename with an edit: both paths, similarity, hunk heading',
    input: diff(
      'diff --git a/moved.txt b/renamed.txt',
      'similarity index 78%',
      'rename from moved.txt',
      'rename to renamed.txt',
      `index ${A}..${B} 100644`,
      '--- a/moved.txt',
      '+++ b/renamed.txt',
      '@@ -7,4 +7,4 @@ line6',
      ' line7',
      ' line8',
      ' line9',
      '-line10',
      '+line10 changed',
    ),
    expected: [{
      path: 'renamed.txt', oldPath: 'moved.txt', kind: 'renamed', similarity: 78, oldMode: '100644', newMode: '100644',
      binary: false, submodule: false,
      hunks: [{
        oldStart: 7, oldLines: 4, newStart: 7, newLines: 4, heading: 'line6',
        lines: [ctx(7, 7, 'line7'), ctx(8, 8, 'line8'), ctx(9, 9, 'line9'), del(10, 'line10'), add(10, 'line10 changed')],
      }],
    }],
  },
  {
    name: 'pure rename: no hunks, similarity 100',
    input: diff('diff --git a/same.txt b/moved-same.txt', 'similarity index 100%', 'rename from same.txt', 'rename to moved-same.txt'),
    expected: [{ path: 'moved-same.txt', oldPath: 'same.txt', kind: 'renamed', similarity: 100, binary: false, submodule: false, hunks: [] }],
  },
  {
    name: 'copy (-C): the copy is new, the source stays',
    input: diff('diff --git a/orig.txt b/copy.txt', 'similarity index 100%', 'copy from orig.txt', 'copy to copy.txt'),
    expected: [{ path: 'copy.txt', oldPath: 'orig.txt', kind: 'copied', similarity: 100, binary: false, submodule: false, hunks: [] }],
  },
  {
    name: 'binary files, modified and added',
    input: diff(
      'diff --git a/bin.dat b/bin.dat',
      'index 8352675d67aed6625ece79af41c27fdb4ee2e867..1592e5c60f1a460928916dc5681fee1a9bd10868 100644',
      'Binary files a/bin.dat and b/bin.dat differ',
      'diff --git a/img.png b/img.png',
      'new file mode 100644',
      `index ${Z}..41e3e497080ccf1095445034643223fe93286302`,
      'Binary files /dev/null and b/img.png differ',
    ),
    expected: [
      { path: 'bin.dat', kind: 'modified', oldMode: '100644', newMode: '100644', binary: true, submodule: false, hunks: [] },
      { path: 'img.png', kind: 'added', newMode: '100644', binary: true, submodule: false, hunks: [] },
    ],
  },
  {
    name: 'deleted file: the path is the old one, the removed lines keep old numbers',
    input: diff(
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      `index 587be6b4c3f93f93c489c0111bba5596147a26cb..${Z}`,
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
    ),
    expected: [{
      path: 'gone.txt', kind: 'deleted', oldMode: '100644', binary: false, submodule: false,
      hunks: [{ oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, heading: '', lines: [del(1, 'x')] }],
    }],
  },
  {
    name: 'deletion-only hunk: lines removed between context, nothing added',
    input: diff(
      'diff --git a/delonly.txt b/delonly.txt',
      'index b6d558973d422925dee253398f4256a47c6dcb35..d4579d668b20e5ed7eda80a0b61a0fa53564e5a9 100644',
      '--- a/delonly.txt',
      '+++ b/delonly.txt',
      '@@ -1,7 +1,5 @@',
      ' keep1', ' keep2', '-drop1', '-drop2', ' keep3', ' keep4', ' keep5',
    ),
    expected: [{
      path: 'delonly.txt', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
      hunks: [{
        oldStart: 1, oldLines: 7, newStart: 1, newLines: 5, heading: '',
        lines: [ctx(1, 1, 'keep1'), ctx(2, 2, 'keep2'), del(3, 'drop1'), del(4, 'drop2'), ctx(5, 3, 'keep3'), ctx(6, 4, 'keep4'), ctx(7, 5, 'keep5')],
      }],
    }],
  },
  {
    name: 'mode change only, and a mode change with an edit',
    input: diff(
      'diff --git a/run.sh b/run.sh',
      'old mode 100644',
      'new mode 100755',
      'diff --git a/exec.sh b/exec.sh',
      'old mode 100644',
      'new mode 100755',
      'index b77b4eb1d946f923f61785536da9ca5af6909f06..206b37888d9b7affbbead76084a0419c3c868078',
      '--- a/exec.sh',
      '+++ b/exec.sh',
      '@@ -1,2 +1,2 @@',
      ' x',
      '-y',
      '+z',
    ),
    expected: [
      { path: 'run.sh', kind: 'modified', oldMode: '100644', newMode: '100755', binary: false, submodule: false, hunks: [] },
      {
        path: 'exec.sh', kind: 'modified', oldMode: '100644', newMode: '100755', binary: false, submodule: false,
        hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, heading: '', lines: [ctx(1, 1, 'x'), del(2, 'y'), add(2, 'z')] }],
      },
    ],
  },
  {
    name: 'CRLF lines: the CR is not part of the text; a CR inside a line stays',
    input: diff(
      'diff --git a/crlf.txt b/crlf.txt',
      'index e1587ff9ea6ced3af32e07e4b6b68d21374907ec..103b2f62c993e30d24857d18511376291312677c 100644',
      '--- a/crlf.txt',
      '+++ b/crlf.txt',
      '@@ -1,3 +1,3 @@',
      ' one\r',
      '-two\r',
      '+T\rWO\r',
      ' three\r',
    ),
    expected: [{
      path: 'crlf.txt', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
      hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, heading: '', lines: [ctx(1, 1, 'one'), del(2, 'two'), add(2, 'T\rWO'), ctx(3, 3, 'three')] }],
    }],
  },
  {
    name: 'no newline at end of file, on both sides',
    input: diff(
      'diff --git a/nonl.txt b/nonl.txt',
      'index 1c943a98887754f364fafaa1da3ac56e0e0875a9..985cad8a0ee351459fcd708fc82f105f5197adc2 100644',
      '--- a/nonl.txt',
      '+++ b/nonl.txt',
      '@@ -1,3 +1,3 @@',
      ' a',
      ' b',
      '-c',
      '\\ No newline at end of file',
      '+C',
      '\\ No newline at end of file',
    ),
    expected: [{
      path: 'nonl.txt', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false, noNewlineAtEnd: true,
      hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, heading: '', lines: [ctx(1, 1, 'a'), ctx(2, 2, 'b'), del(3, 'c'), add(3, 'C')] }],
    }],
  },
  {
    name: 'a newline added at the end: only the old side lacked it',
    input: diff(
      'diff --git a/nl.txt b/nl.txt',
      'index 1c943a98887754f364fafaa1da3ac56e0e0875a9..de980441c3ab03a8c07dda1ad27b8a11f39deb1e 100644',
      '--- a/nl.txt',
      '+++ b/nl.txt',
      '@@ -1,3 +1,3 @@',
      ' a',
      ' b',
      '-c',
      '\\ No newline at end of file',
      '+c',
    ),
    expected: [{
      path: 'nl.txt', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
      hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, heading: '', lines: [ctx(1, 1, 'a'), ctx(2, 2, 'b'), del(3, 'c'), add(3, 'c')] }],
    }],
  },
  {
    name: 'submodule pointer, added and moved to another commit (mode 160000 on the index line)',
    input: diff(
      'diff --git a/subm b/subm',
      'new file mode 160000',
      `index ${Z}..b85a5dadd177f84a68f25651b211c10dd0a8f6c1`,
      '--- /dev/null',
      '+++ b/subm',
      '@@ -0,0 +1 @@',
      '+Subproject commit b85a5dadd177f84a68f25651b211c10dd0a8f6c1',
      'diff --git a/lib/dep b/lib/dep',
      'index b85a5dadd177f84a68f25651b211c10dd0a8f6c1..f34dd413a1a64bc89855485bfad056beff4605a6 160000',
      '--- a/lib/dep',
      '+++ b/lib/dep',
      '@@ -1 +1 @@',
      '-Subproject commit b85a5dadd177f84a68f25651b211c10dd0a8f6c1',
      '+Subproject commit f34dd413a1a64bc89855485bfad056beff4605a6',
    ),
    expected: [
      {
        path: 'subm', kind: 'added', newMode: '160000', binary: false, submodule: true,
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, heading: '', lines: [add(1, 'Subproject commit b85a5dadd177f84a68f25651b211c10dd0a8f6c1')] }],
      },
      {
        path: 'lib/dep', kind: 'modified', oldMode: '160000', newMode: '160000', binary: false, submodule: true,
        hunks: [{
          oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, heading: '',
          lines: [del(1, 'Subproject commit b85a5dadd177f84a68f25651b211c10dd0a8f6c1'), add(1, 'Subproject commit f34dd413a1a64bc89855485bfad056beff4605a6')],
        }],
      },
    ],
  },
  {
    name: 'partial staging: the staged diff numbers lines in the index, whatever the work tree adds (git add -p of one of two hunks)',
    input: diff(
      'diff --git a/src/app.ts b/src/app.ts',
      `index ${A}..${B} 100644`,
      '--- a/src/app.ts',
      '+++ b/src/app.ts',
      '@@ -10,6 +10,7 @@ export function start() {',
      '   const a = 1;',
      '   const b = 2;',
      '   const c = 3;',
      '+  log(a, b, c);',
      '   return a + b + c;',
      ' }',
      ' ',
    ),
    expected: [{
      path: 'src/app.ts', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
      hunks: [{
        oldStart: 10, oldLines: 6, newStart: 10, newLines: 7, heading: 'export function start() {',
        lines: [
          ctx(10, 10, '  const a = 1;'), ctx(11, 11, '  const b = 2;'), ctx(12, 12, '  const c = 3;'), add(13, '  log(a, b, c);'),
          ctx(13, 14, '  return a + b + c;'), ctx(14, 15, '}'), ctx(15, 16, ''),
        ],
      }],
    }],
  },
  {
    name: 'unicode and unusual paths: C-quoted octal (core.quotePath), raw UTF-8 (quotePath=false), a tab, spaces with git\'s trailing tab',
    input: diff(
      'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
      'new file mode 100644',
      `index ${Z}..5fb50d3c93474f139362304b663fe44e9d17a26e`,
      '--- /dev/null',
      '+++ "b/caf\\303\\251.txt"',
      '@@ -0,0 +1 @@',
      '+héllo',
      'diff --git a/文档/说明.md b/文档/说明.md',
      `index ${A}..${B} 100644`,
      '--- a/文档/说明.md',
      '+++ b/文档/说明.md',
      '@@ -1 +1 @@',
      '-旧',
      '+新',
      'diff --git "a/ta\\tb.txt" "b/ta\\tb.txt"',
      'new file mode 100644',
      `index ${Z}..8cc35a3d55c810ba1f998f398e475feb0e5f6b8a`,
      '--- /dev/null',
      '+++ "b/ta\\tb.txt"',
      '@@ -0,0 +1 @@',
      '+tab',
      'diff --git a/my file.txt b/my file.txt',
      'index cc6e400fabace25ba9b365ee6192ce21eeae01de..8ce131729f6e4324606d9d05d21654a4a91373a8 100644',
      '--- a/my file.txt\t',
      '+++ b/my file.txt\t',
      '@@ -1 +1 @@',
      '-with space',
      '+with space 2',
      'diff --git a/old name.txt b/new "quoted" name.txt',
      'similarity index 100%',
      'rename from old name.txt',
      'rename to "new \\"quoted\\" name.txt"',
    ),
    expected: [
      {
        path: 'café.txt', kind: 'added', newMode: '100644', binary: false, submodule: false,
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, heading: '', lines: [add(1, 'héllo')] }],
      },
      {
        path: '文档/说明.md', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
        hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, heading: '', lines: [del(1, '旧'), add(1, '新')] }],
      },
      {
        path: 'ta\tb.txt', kind: 'added', newMode: '100644', binary: false, submodule: false,
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, heading: '', lines: [add(1, 'tab')] }],
      },
      {
        path: 'my file.txt', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
        hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, heading: '', lines: [del(1, 'with space'), add(1, 'with space 2')] }],
      },
      { path: 'new "quoted" name.txt', oldPath: 'old name.txt', kind: 'renamed', similarity: 100, binary: false, submodule: false, hunks: [] },
    ],
  },
  {
    name: 'unborn HEAD (against the empty tree): every file added, a symbolic link, an empty line added',
    input: diff(
      'diff --git a/link.ts b/link.ts',
      'new file mode 120000',
      `index ${Z}..67165d87f1de64ffbaaf7c9d1a2b8bf113f0429d`,
      '--- /dev/null',
      '+++ b/link.ts',
      '@@ -0,0 +1 @@',
      '+main.ts',
      '\\ No newline at end of file',
      'diff --git a/main.ts b/main.ts',
      'new file mode 100644',
      `index ${Z}..${A}`,
      '--- /dev/null',
      '+++ b/main.ts',
      '@@ -0,0 +1,3 @@',
      '+export const a = 1;',
      '+',
      '+export const b = 2;',
    ),
    expected: [
      {
        path: 'link.ts', kind: 'added', newMode: '120000', binary: false, submodule: false, noNewlineAtEnd: true,
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, heading: '', lines: [add(1, 'main.ts')] }],
      },
      {
        path: 'main.ts', kind: 'added', newMode: '100644', binary: false, submodule: false,
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 3, heading: '', lines: [add(1, 'export const a = 1;'), add(2, ''), add(3, 'export const b = 2;')] }],
      },
    ],
  },
  {
    name: 'two hunks; lines that look like headers (a removed "-- x", an added "++ x"); an empty context line as diff.suppressBlankEmpty writes it',
    input: diff(
      'diff --git a/q.sql b/q.sql',
      `index ${A}..${B} 100644`,
      '--- a/q.sql',
      '+++ b/q.sql',
      '@@ -1,4 +1,4 @@',
      '--- drop me',
      '+++ added',
      ' select 1;',
      '',
      ' select 2;',
      '@@ -20,2 +20,3 @@ create table t (',
      ' a int,',
      '+b int,',
      ' c int',
    ),
    expected: [{
      path: 'q.sql', kind: 'modified', oldMode: '100644', newMode: '100644', binary: false, submodule: false,
      hunks: [
        { oldStart: 1, oldLines: 4, newStart: 1, newLines: 4, heading: '', lines: [del(1, '-- drop me'), add(1, '++ added'), ctx(2, 2, 'select 1;'), ctx(3, 3, ''), ctx(4, 4, 'select 2;')] },
        { oldStart: 20, oldLines: 2, newStart: 20, newLines: 3, heading: 'create table t (', lines: [ctx(20, 20, 'a int,'), add(21, 'b int,'), ctx(21, 22, 'c int')] },
      ],
    }],
  },
];

describe('parseDiff: golden git outputs', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(parseDiff(c.input), c.expected);
    });
  }

  it('all cases at once parse to all expected files, in order (sections split exactly)', () => {
    assert.deepStrictEqual(parseDiff(cases.map((c) => c.input).join('')), cases.flatMap((c) => c.expected));
  });

  it('no changes: no files', () => {
    assert.deepStrictEqual(parseDiff(''), []);
  });

  it('a hunk whose counts do not match its lines is an error naming the file, never a silent partial parse', () => {
    const broken = diff('diff --git a/x.ts b/x.ts', `index ${A}..${B} 100644`, '--- a/x.ts', '+++ b/x.ts', '@@ -1,3 +1,3 @@', ' a', '-b');
    assert.throws(() => parseDiff(broken), /cannot parse the diff section "diff --git a\/x\.ts b\/x\.ts"/);
  });
});

describe('mapStagedToWorktree', () => {
  const staged = 'a\nb\nc\nd\ne\n';

  it('identical texts map each line to itself', () => {
    assert.deepStrictEqual(mapStagedToWorktree(staged, staged), [1, 2, 3, 4, 5]);
  });

  it('lines inserted above shift the lines below; an edited line is gone (null)', () => {
    assert.deepStrictEqual(mapStagedToWorktree(staged, 'new1\nnew2\na\nb\nC!\nd\ne\n'), [3, 4, null, 6, 7]);
  });

  it('lines deleted in the work tree are null, the rest move up', () => {
    assert.deepStrictEqual(mapStagedToWorktree(staged, 'a\nd\ne\n'), [1, null, null, 2, 3]);
  });

  it('a CRLF work tree over an LF index (core.autocrlf) and a missing final newline are no change', () => {
    assert.deepStrictEqual(mapStagedToWorktree(staged, 'a\r\nb\r\nc\r\nd\r\ne'), [1, 2, 3, 4, 5]);
  });

  it('empty staged text: no lines; the work tree emptied: every line gone', () => {
    assert.deepStrictEqual(mapStagedToWorktree('', 'x\n'), []);
    assert.deepStrictEqual(mapStagedToWorktree('a\nb', ''), [null, null]);
  });
});
