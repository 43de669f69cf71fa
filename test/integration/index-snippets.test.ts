// Definitions' prompt text read alone by span (located by the parse worker, read with one pread)
// is exactly what cutting it from the whole file gives: on real source in every language, in CRLF
// and with a BOM, with multi-byte characters, a cut that falls inside a surrogate pair, stray
// carriage returns, and a file that is not UTF-8 (no spans: the whole-file path). A file changed
// since it was indexed, or re-indexed, never gets text from a stale span.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TextLines } from '../../src/core/text/cursorText';
import { silentLogger } from '../../src/core/log';
import { cutSnippet, MAX_SIGNATURE_CHARS, MAX_WHOLE_LINES, snippetOf, type IndexedDefinition, type LocatedDefinition } from '../../src/core/index/snippets';
import { readTextFileSync } from '../../src/node/fs/readText';
import { IndexService } from '../../src/node/index/indexService';
import { SpanReader } from '../../src/node/index/spanReader';

const REPO = join(__dirname, '..', '..');
const GOLDEN = join(REPO, 'test', 'golden', 'tags');

/** What the whole-file path gives: the file read and decoded as the index reads it, cut by lines. */
function fromWholeFile(root: string, def: LocatedDefinition): IndexedDefinition {
  const lines = new TextLines(readTextFileSync(join(root, def.path)));
  return snippetOf(def, lines.lineCount, (from, to) => lines.range(from, to));
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const BOM = '\ufeff';
const body = (n: number) => Array.from({ length: n }, (_, i) => `  step${i}(${i});`).join('\n');
// The signature line is cut after MAX_SIGNATURE_CHARS code units: put a surrogate pair across it.
const prefix = 'export function cutInPair(';
const CUT_IN_PAIR = `${prefix}${'a'.repeat(MAX_SIGNATURE_CHARS - 1 - prefix.length)}\u{1F600}: string) {\n${body(MAX_WHOLE_LINES + 3)}\n}\n`;

const FUNCTIONS = 'function one() {\n  return 1;\n}\nfunction two() {\n  return 2;\n}\n';
/** The same size and the functions at the same bytes, but two lines further down. */
const SHIFTED = ['aaaa\nbbbb\n', 'a\nb\nc\nddd\n'].map((head) => head + FUNCTIONS);

const CRAFTED: Record<string, string | Buffer> = {
  'crafted/shifted.js': SHIFTED[0],
  'crafted/cut-in-pair.ts': CUT_IN_PAIR,
  'crafted/cut-in-pair-crlf.ts': crlf(CUT_IN_PAIR),
  'crafted/multibyte.ts': `// caf\u00e9 \u65e5\u672c\u8a9e \u{1F600}\nexport const gr\u00fc\u00dfe = "\u00e9\u00e8";\nexport function na\u00efve(x: string): string {\n  return x + "\u{1F680}\u00e9";\n}\nexport class \u00c9t\u00e9 {\n  m\u00e9thode(): void {\n${body(MAX_WHOLE_LINES)}\n  }\n}\n`,
  'crafted/bom-crlf.js': BOM + crlf(`function a() {\n  return 1;\n}\nfunction big(x,\n    y) {\n${body(MAX_WHOLE_LINES + 1)}\n}\n`),
  'crafted/stray-cr.js': 'function a() {\r  return "x\\ry";\r\r\n}\nfunction b() {\n  return 2;\n}\r\n',
  'crafted/long-line.js': `function wide() { return [${'1, '.repeat(900)}1]; }\nfunction next() {}\n`,
  // Latin-1, not UTF-8: no spans, the whole-file path as before.
  'crafted/latin1.c': Buffer.concat([Buffer.from('int caf'), Buffer.from([0xe9]), Buffer.from(' = 1;\nint f(void) {\n  return 0;\n}\n')]),
};

describe('definition snippets read by span', () => {
  let root: string;
  let service: IndexService;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-snippets-'));
    const files: Record<string, string | Buffer> = { ...CRAFTED };
    // Every language's golden input as it is, in CRLF and with a BOM.
    for (const lang of readdirSync(GOLDEN)) {
      const name = readdirSync(join(GOLDEN, lang)).find((f) => f.startsWith('input.')) as string;
      const text = readFileSync(join(GOLDEN, lang, name), 'utf8');
      files[`golden/${lang}/${name}`] = text;
      files[`crlf/${lang}/${name}`] = crlf(text);
      files[`bom/${lang}/${name}`] = BOM + text;
    }
    // Real code of this project.
    for (const dir of ['src/node/index', 'src/core/index']) {
      for (const name of readdirSync(join(REPO, dir))) files[`real/${dir}/${name}`] = readFileSync(join(REPO, dir, name));
    }
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), content);
    }
    service = new IndexService({ root, logger: silentLogger, workers: 2 });
    await service.build();
  });
  after(async () => {
    await service.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const allDefinitions = (): LocatedDefinition[] => [...service.index.paths()].flatMap((p) => [...(service.index.file(p)?.definitions ?? [])]);

  it('the parser locates every definition of a UTF-8 file, none of a file that is not', () => {
    const defs = allDefinitions();
    assert.ok(defs.length > 500, `${defs.length} definitions`);
    for (const d of defs) assert.equal(d.span !== undefined, d.path !== 'crafted/latin1.c', `${d.path}: ${d.name}`);
    const cut = defs.filter((d) => d.span?.cut);
    assert.ok(cut.some((d) => d.path === 'crafted/cut-in-pair.ts') && cut.some((d) => d.path === 'crafted/cut-in-pair-crlf.ts'));
    assert.ok(defs.some((d) => d.span?.whole) && defs.some((d) => d.span && !d.span.whole && !d.span.cut));
  });

  it('the bytes of a span, read alone, give the text cut from the whole file', () => {
    const stamps = (p: string) => ({ size: statSync(join(root, p)).size, mtimeMs: statSync(join(root, p)).mtimeMs });
    const reader = new SpanReader(root, stamps);
    let read = 0;
    try {
      for (const d of allDefinitions()) {
        if (!d.span) continue;
        const text = reader.read(d.path, d.span);
        assert.notEqual(text, undefined, `${d.path}: ${d.name}`);
        const bySpan = cutSnippet(d, { start: d.startLine, end: d.span.endLine, whole: d.span.whole, cut: d.span.cut }, text as string);
        assert.deepEqual(bySpan, fromWholeFile(root, d), `${d.path}: ${d.name}`);
        read++;
      }
    } finally {
      reader.closeAll();
    }
    assert.ok(read > 500);
  });

  it('snippet() gives the whole-file text for every definition', () => {
    for (const d of allDefinitions()) assert.deepEqual(service.snippet(d), fromWholeFile(root, d), `${d.path}: ${d.name}`);
    const pair = allDefinitions().find((d) => d.name === 'cutInPair' && d.path === 'crafted/cut-in-pair.ts') as LocatedDefinition;
    const text = service.snippet(pair)?.text ?? '';
    assert.equal(text.length, MAX_SIGNATURE_CHARS + 1);
    assert.ok(text.endsWith('\ud83d…'), 'cut inside the pair, as cutting the string does');
  });

  it('a file changed since it was indexed is read whole, as before', async () => {
    const path = 'crafted/shifted.js';
    const defs = [...(service.index.file(path)?.definitions ?? [])];
    assert.deepEqual(defs.map((d) => d.name), ['one', 'two']);
    // Only the mtime tells: the old spans would still land on line boundaries.
    assert.equal(SHIFTED[0].length, SHIFTED[1].length);
    writeFileSync(join(root, path), SHIFTED[1]);
    const later = new Date(statSync(join(root, path)).mtimeMs + 5000);
    utimesSync(join(root, path), later, later);
    await new Promise((r) => setImmediate(r)); // descriptors opened in an earlier task are closed
    for (const d of defs) assert.deepEqual(service.snippet(d), fromWholeFile(root, d), d.name);
    // Indexed again: definitions held from before never read the new file through their old spans.
    await service.updateFile(path);
    await new Promise((r) => setImmediate(r));
    for (const d of defs) assert.deepEqual(service.snippet(d), fromWholeFile(root, d), `${d.name} (held from before)`);
    const current = service.index.file(path)?.definitions ?? [];
    assert.deepEqual(current.map((d) => [d.name, d.startLine]), [['one', 4], ['two', 7]]);
    for (const d of current) {
      assert.ok(d.span);
      assert.deepEqual(service.snippet(d), fromWholeFile(root, d), `${d.name} (current)`);
    }
  });
});
