// Control characters and escape sequences from a model or a server never reach the editor or a
// terminal: table-driven, whole strings and the same strings cut into pieces at every position.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ControlStripper, excerpt, stripControls } from '../../src/core/text/sanitize';

const ESC = '\x1b';
const BEL = '\x07';

const TABLE: Array<{ what: string; input: string; output: string }> = [
  { what: 'plain text and code', input: 'const a = "b";\n\tif (x) {\r\n}', output: 'const a = "b";\n\tif (x) {\r\n}' },
  { what: 'non-ASCII text', input: 'naïve — 日本語 🎉', output: 'naïve — 日本語 🎉' },
  { what: 'NUL and the other C0 controls', input: 'a\x00b\x01c\x08d\x0be\x0cf\x1fg', output: 'abcdefg' },
  { what: 'BEL alone', input: `ding${BEL}dong`, output: 'dingdong' },
  { what: 'DEL', input: 'a\x7fb', output: 'ab' },
  { what: 'C1 controls', input: 'a\x80b\x85c\x81d', output: 'abcd' },
  { what: 'a colour (CSI … m)', input: `${ESC}[31mred${ESC}[0m text`, output: 'red text' },
  { what: 'cursor movement and erase', input: `x${ESC}[2J${ESC}[10;20Hy${ESC}[?25l`, output: 'xy' },
  { what: 'a window title (OSC … BEL)', input: `before${ESC}]0;pwned${BEL}after`, output: 'beforeafter' },
  { what: 'a clipboard write (OSC 52 … ESC \\)', input: `a${ESC}]52;c;ZWNobyBoaQ==${ESC}\\b`, output: 'ab' },
  { what: 'a hyperlink (OSC 8)', input: `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, output: 'click' },
  { what: 'DCS, PM and APC strings', input: `1${ESC}Pq#0;2${ESC}\\2${ESC}^pm${ESC}\\3${ESC}_apc${BEL}4`, output: '1234' },
  { what: 'C1 CSI and OSC forms', input: 'a\x9b31mb\x9d0;t\x07c', output: 'abc' },
  { what: 'OSC ended by the C1 string terminator', input: `a${ESC}]0;t\x9cb`, output: 'ab' },
  { what: 'two-character escapes', input: `a${ESC}cb${ESC}7c${ESC}(Bd`, output: 'abcd' },
  { what: 'an ESC before a line break', input: `a${ESC}\nb`, output: 'a\nb' },
  { what: 'a CSI broken by a line break', input: `a${ESC}[12\nb`, output: 'a\nb' },
  { what: 'a sequence left open at the end', input: `text${ESC}]0;never ends`, output: 'text' },
  { what: 'ESC ESC [', input: `a${ESC}${ESC}[1mb`, output: 'ab' },
  { what: 'bidi overrides and isolates (Trojan Source)', input: 'if (isAdmin) {\u202e } \u2066// check\u2069\u202a\u202b\u202c\u202d\u2067\u2068', output: 'if (isAdmin) { } // check' },
  { what: 'right-to-left text itself stays', input: 'const s = "שלום";', output: 'const s = "שלום";' },
];

describe('stripControls', () => {
  for (const row of TABLE) {
    it(row.what, () => assert.equal(stripControls(row.input), row.output));
  }

  it('returns clean text as the same string', () => {
    const s = 'function f() {\n  return 1;\n}\n';
    assert.equal(stripControls(s), s);
  });

  it('an OSC that never ends swallows at most 4 KiB, not the rest of a reply', () => {
    const out = stripControls(`${ESC}]0;${'x'.repeat(5000)}visible`);
    assert.ok(out.endsWith('visible'));
    assert.ok(out.length < 1000, `${out.length} characters kept`);
  });

  it('is linear: a megabyte of escapes is stripped in well under a second', () => {
    const big = `${ESC}[1m!${ESC}]0;t${BEL}`.repeat(100_000);
    const t0 = performance.now();
    assert.equal(stripControls(big), '!'.repeat(100_000));
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('ControlStripper: sequences split across chunks', () => {
  for (const row of TABLE) {
    it(`${row.what}, cut at every position`, () => {
      for (let cut = 0; cut <= row.input.length; cut++) {
        const s = new ControlStripper();
        const got = s.push(row.input.slice(0, cut)) + s.push(row.input.slice(cut));
        s.end();
        assert.equal(got, row.output, `cut at ${cut}`);
      }
    });
  }

  it('one character at a time', () => {
    const s = new ControlStripper();
    const input = `say ${ESC}[1mhi${ESC}[0m${ESC}]52;c;AAAA${BEL}!`;
    assert.equal([...input].map((c) => s.push(c)).join(''), 'say hi!');
  });

  it('end() forgets an open sequence', () => {
    const s = new ControlStripper();
    assert.equal(s.push(`a${ESC}]0;`), 'a');
    s.end();
    assert.equal(s.push('b'), 'b');
  });
});

describe('excerpt', () => {
  it('one line: line breaks and tabs become single spaces, other spacing is kept', () => {
    assert.equal(excerpt('  line one\r\n\tline two  \n', 100), 'line one line two');
    assert.equal(excerpt('busy, please try again.  maximum', 100), 'busy, please try again.  maximum');
  });
  it('clipped with an ellipsis, never longer than asked', () => {
    const e = excerpt('word '.repeat(1000), 50);
    assert.ok(e.length <= 50);
    assert.ok(e.endsWith('…'));
  });
  it('a huge text costs no more than a short one and is marked as cut', () => {
    const huge = Buffer.alloc(5_000_000, 'a').toString('latin1'); // a flat string, as from a socket
    const t0 = performance.now();
    const e = excerpt(huge, 300);
    assert.ok(performance.now() - t0 < 100);
    assert.equal(e.length, 300);
  });
  it('controls are gone before clipping', () => {
    assert.equal(excerpt(`${ESC}]0;title${BEL}error: ${ESC}[31mboom${ESC}[0m\x00`, 100), 'error: boom');
  });
  it('never splits a surrogate pair', () => {
    const e = excerpt('🎉'.repeat(100), 10);
    assert.ok(!/[\ud800-\udbff]…$/.test(e), JSON.stringify(e));
  });
});
