// The scripted person: re-types the block of the file word by word in the real editor, pausing
// 2.5 s after each chunk (a word, a call's opening bracket, a line's end), and at each pause acts
// on what the editor shows, as a person would. A ghost text that matches what they meant to write
// is typed through (read and typed at reading speed, without waiting) or accepted with Tab, in
// turn; one that writes the line and then closes the block the line opens (`fn(() => {}|)`) gets
// one Tab per line, undone (Ctrl+Z) when it leaves the wrong text, as a person would undo it; a
// wrong one or none is typed over. VS Code's defaults stay on: brackets and quotes are closed
// automatically and typed over, Enter between `{}` opens a block whose closer the person later
// completes on the line VS Code inserted (Down, End, then the rest), a multi-line suggestion
// accepted in front of closers is followed by Insert Line Above. Before Enter an open suggest
// widget is dismissed (Escape), so Enter does not pick one of its items.
// The document is read back after each chunk and compared with the original file; a mismatch is
// noted and repaired, so that one editor surprise does not derail the rest of the session.
import type { Page } from 'playwright-core';
import { type EditorLine, type EditorProbe, type EditorState } from './page';
import { type EditorScript, indentOf } from './script';

/** The person's pause after each chunk, the benchmark's unit of measurement. */
export const PAUSE_MS = 2500;
/** Between Tab and reading the result back. */
const AFTER_TAB_MS = 300;
/** Most chunks typed through in one go (the ghost text must outlast them). */
const THROUGH_CHUNKS = 2;
/** Before reading the editor back after a key, and between reads while waiting for it to settle. */
const SETTLE_MS = 30;
const SETTLE_LIMIT_MS = 1500;

export type KeyKind = 'char' | 'enter' | 'tab' | 'down' | 'end' | 'escape' | 'backspace' | 'repair' | 'undo';

export interface KeyRecord {
  readonly kind: KeyKind;
  readonly text: string;
  /** Bench time right after the key was delivered to the page. */
  readonly at: number;
  /** Typed as the person's choice to type through a matching ghost text (see measure.ts for every key typed into one). */
  readonly through: boolean;
  /** Region offset after the key, for keys that type the file's text. */
  readonly p?: number;
}

export type PauseAction = 'type' | 'through' | 'tab' | 'end';
export type GhostVerdict = 'none' | 'matches' | 'closed' | 'wrong';

export interface TabCheck {
  /** The cursor's line after Tab, the document's text, and what the file holds there. */
  readonly line: number;
  readonly text: string;
  readonly expected: string;
  /** Ghost text that was accepted, as shown. */
  readonly ghost: string;
  readonly ok: boolean;
  readonly why?: string;
  /** Undone with Ctrl+Z because it was wrong. */
  readonly undone: boolean;
}

export interface PauseRecord {
  readonly index: number;
  /** Region offset, line and column (1-based) where the person paused. */
  readonly p: number;
  readonly line: number;
  readonly column: number;
  /** What preceded: typing a chunk, typing through a ghost text, Tab. */
  readonly after: 'chunk' | 'through' | 'tab';
  /** Text after the cursor on the line is only closers VS Code inserted: the cursor is inside brackets. */
  readonly insideBrackets: boolean;
  readonly atLineEnd: boolean;
  /**
   * At a line's end, the file's next line already stands below the cursor (the editor closed the
   * block: `});` under the line): the file's continuation is in the document, so the right ghost
   * text is none.
   */
  readonly nothingToAdd: boolean;
  /** Bench time of the pause's last key, and when the pause ended (the next key). */
  readonly lastKeyAt: number;
  endAt: number;
  /** What the editor showed at the pause's end. */
  ghost: string;
  lineWithGhost: string;
  /** The person's reading of it: the file's text, the file's line plus closers it has on later lines, or something else. */
  ghostVerdict: GhostVerdict;
  /** HTML of the ghost-text elements at the pause's end, for checking what VS Code rendered. */
  ghostHtml?: string;
  suggestWidget: boolean;
  indexingAtEnd: boolean;
  action: PauseAction;
  tab?: TabCheck;
}

export interface Repair {
  readonly at: number;
  readonly line: number;
  readonly found: string;
  readonly expected: string;
  readonly why: string;
}

export interface SessionRecord {
  readonly keys: KeyRecord[];
  readonly pauses: PauseRecord[];
  readonly repairs: Repair[];
  /** Times the document stopped matching the file below the cursor (duplicated closers and the like). */
  readonly strayLines: Array<{ at: number; line: number; lines: string[] }>;
  readonly startedAt: number;
  endedAt: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class ScriptedPerson {
  readonly record: SessionRecord = { keys: [], pauses: [], repairs: [], strayLines: [], startedAt: 0, endedAt: 0 };
  /** Region offset up to which the document holds the file's text, cursor there. */
  private p = 0;
  /** Matching ghost texts seen so far: the person alternates between typing through and Tab. */
  private matches = 0;
  /** Where the last Tab was pressed. */
  private tabbedAt = -1;
  /** Lines where Tab was tried on a suggestion that closes a block on the line. */
  private readonly closedTried = new Set<number>();

  constructor(private readonly page: Page, private readonly probe: EditorProbe, private readonly script: EditorScript) {}

  /** Types the whole block; the cursor must be at the end of the line before it. */
  async run(): Promise<SessionRecord> {
    (this.record as { startedAt: number }).startedAt = performance.now();
    let after: PauseRecord['after'] = 'chunk';
    let reading = false;
    for (;;) {
      if (after !== 'tab') {
        const chunk = this.script.chunkAfter(this.p);
        if (!chunk) break;
        await this.typeTo(chunk.to, reading);
      }
      const pause = await this.pause(after);
      after = 'chunk';
      reading = false;
      if (this.script.chunkAfter(this.p) === undefined) {
        pause.action = 'end';
        break;
      }
      // A block closed on one line inside brackets (`fn(() => {}|)`): the person tries Tab, once a line.
      if (pause.ghostVerdict === 'closed' && !this.closedTried.has(pause.line)) {
        this.closedTried.add(pause.line);
        pause.action = 'tab';
        pause.tab = await this.acceptWithTab(pause);
        after = 'tab';
        continue;
      }
      if (pause.ghostVerdict !== 'matches') continue;
      this.matches++;
      const ghostEnd = this.ghostEnd(pause);
      const inside = this.script.chunks.filter((c) => c.to > this.p && c.to < ghostEnd).slice(0, THROUGH_CHUNKS);
      if (this.matches % 2 === 1 && inside.length > 0) {
        // Typed as read, with no pause in between; the loop types the last one, then pauses.
        pause.action = 'through';
        for (const c of inside.slice(0, -1)) await this.typeTo(c.to, true);
        reading = true;
        after = 'through';
        continue;
      }
      // Never twice at one place: after an undone Tab the same suggestion comes back.
      if (this.tabbedAt === this.p) continue;
      pause.action = 'tab';
      pause.tab = await this.acceptWithTab(pause);
      after = 'tab';
    }
    this.record.endedAt = performance.now();
    return this.record;
  }

  /** Region offset where a matching ghost text's first line ends. */
  private ghostEnd(pause: PauseRecord): number {
    const { line } = this.script.lineColumn(this.p);
    return this.script.regionOffset(line, pause.lineWithGhost.length);
  }

  /** Types region[p, to) key by key with human gaps; newlines become Enter (or Down, End over a closer line VS Code inserted). */
  private async typeTo(to: number, reading: boolean): Promise<void> {
    let last = this.record.keys.at(-1)?.at ?? performance.now();
    while (this.p < to) {
      const c = this.script.region[this.p];
      if (c === '\n') {
        await this.newline(to);
        last = this.record.keys.at(-1)!.at;
        continue;
      }
      await sleep(last + this.script.delayBefore(this.p, reading) - performance.now());
      await this.page.keyboard.type(c);
      this.p++;
      last = this.key('char', c, reading);
    }
    await this.verify();
  }

  /** Ends the line: onto the closer line VS Code inserted when the file's next line completes it, else Enter and the file's indentation. */
  private async newline(to: number): Promise<void> {
    const here = this.script.lineColumn(this.p);
    const s = await this.at(here.line, here.column + 1);
    const { line: fileLine } = this.script.lineColumn(this.p + 1);
    const intended = this.script.line(fileLine);
    const below = s.lines[s.line + 1]?.text ?? '';
    if (s.suggestWidget) {
      await this.page.keyboard.press('Escape');
      this.key('escape', '', false);
    }
    await sleep(this.script.enterDelay(this.p));
    if (below.trim() !== '' && /^[)\]}]+$/.test(below.trim()) && intended.startsWith(below)) {
      await this.page.keyboard.press('ArrowDown');
      this.key('down', '', false);
      await this.page.keyboard.press('End');
      this.key('end', '', false);
      this.p = this.script.regionOffset(fileLine, below.length);
    } else {
      await this.page.keyboard.press('Enter');
      this.key('enter', '\n', false);
      this.p = this.script.regionOffset(fileLine, 0);
      await this.fixIndent(indentOf(intended), fileLine);
    }
    if (this.p > to) throw new Error(`internal: newline overshot the chunk (${this.p} > ${to})`);
  }

  /** After Enter: make the new line's indentation the file's (VS Code's auto-indent may differ). */
  private async fixIndent(indent: string, fileLine: number): Promise<void> {
    let expectColumn: number | undefined;
    for (let i = 0; i < 12; i++) {
      const s = await this.settled((st) => st.line === fileLine && (expectColumn === undefined || st.column === expectColumn));
      if (s.line !== fileLine) {
        await this.repair(s, fileLine, `Enter left the cursor on line ${s.line}`);
        break;
      }
      const text = s.lines[s.line]?.text ?? '';
      const have = text.slice(0, s.column - 1);
      if (have === indent) break;
      if (/^[ \t]*$/.test(have) && have.length < indent.length && indent.startsWith(have)) {
        await this.page.keyboard.type(indent.slice(have.length));
        this.p = this.script.regionOffset(fileLine, indent.length);
        this.key('char', indent.slice(have.length), false);
        expectColumn = indent.length + 1;
      } else if (/^[ \t]*$/.test(have) && have.length > 0) {
        await this.page.keyboard.press('Backspace');
        this.key('backspace', '', false);
        expectColumn = undefined;
      } else {
        await this.repair(s, fileLine, 'unexpected text after Enter');
        break;
      }
    }
    this.p = this.script.regionOffset(fileLine, indent.length);
  }

  /** Waits PAUSE_MS after the last key, then reads what the editor shows. */
  private async pause(after: PauseRecord['after']): Promise<PauseRecord> {
    const lastKeyAt = this.record.keys.at(-1)?.at ?? performance.now();
    const { line, column } = this.script.lineColumn(this.p);
    const s0 = await this.at(line, column + 1);
    const rest = (s0.lines[s0.line]?.text ?? '').slice(s0.column - 1);
    const intendedRest = this.script.line(line).slice(column);
    const pause: PauseRecord = {
      index: this.record.pauses.length, p: this.p, line, column: column + 1, after,
      insideBrackets: rest !== '' && /^[)\]}'"`;,]+$/.test(rest),
      atLineEnd: intendedRest === '',
      nothingToAdd: intendedRest === '' && nextLineStands(Array.from({ length: 8 }, (_, i) => s0.lines[s0.line + 1 + i]?.text ?? ''), (n) => this.script.line(line + n)),
      lastKeyAt, endAt: 0, ghost: '', lineWithGhost: '', ghostVerdict: 'none', suggestWidget: false, indexingAtEnd: false, action: 'type',
    };
    this.record.pauses.push(pause);
    await sleep(lastKeyAt + PAUSE_MS - 60 - performance.now());
    const s = await this.probe.state();
    const current = s.lines[s.line] ?? { text: '', withGhost: '' };
    pause.ghost = s.ghost;
    pause.lineWithGhost = current.withGhost;
    pause.suggestWidget = s.suggestWidget;
    pause.indexingAtEnd = s.indexing;
    pause.ghostVerdict = this.judgeGhost(s, current, line, column);
    if (s.ghost.trim() !== '') pause.ghostHtml = (await this.probe.ghostHtml()).slice(0, 6000);
    await sleep(lastKeyAt + PAUSE_MS - performance.now());
    pause.endAt = performance.now();
    return pause;
  }

  /**
   * What the person makes of the ghost text: 'matches' when its first line extends the document's
   * line toward the file's line and its further lines are the file's; 'closed' when it reaches the
   * file's line end and then adds closers the file only has on later lines (a block closed on one
   * line); else 'wrong'.
   */
  private judgeGhost(s: EditorState, current: EditorLine, line: number, column: number): GhostVerdict {
    if (s.ghost.trim() === '') return 'none';
    if (s.line !== line || s.column - 1 !== column) return 'wrong';
    const intended = this.script.line(line);
    const shown = current.withGhost;
    const later = this.script.region.slice(this.script.regionOffset(line, intended.length));
    if (s.ghostLines.length === 0) {
      if (shown.length > column && intended.startsWith(shown)) return 'matches';
      if (shown.startsWith(intended) && shown.length > intended.length && pendingClosers(shown.slice(intended.length), later)) return 'closed';
      return 'wrong';
    }
    // Several lines: the cursor's line completed to the file's, the next ones the file's; the last
    // may be the closers that stood right of the cursor, moved down (`})` under the new lines).
    return shown === intended && this.linesMatch(s.ghostLines, line + 1) ? 'matches' : 'wrong';
  }

  /** `lines` are the file's lines from `first` on, the last one possibly a line of closers the file completes later. */
  private linesMatch(lines: readonly string[], first: number): boolean {
    return lines.every((l, i) => {
      if (l.replace(/\s+$/, '') === this.script.line(first + i).replace(/\s+$/, '')) return true;
      return i === lines.length - 1 && this.isCloserLine(l, first + i);
    });
  }

  /** A line of closers only (after its indentation) that a file line from `from` on begins with. */
  private isCloserLine(text: string, from: number): boolean {
    if (!/^[ \t]*[)\]}]+$/.test(text)) return false;
    for (let n = from; n <= this.script.target.lastLine; n++) if (this.script.line(n).startsWith(text)) return true;
    return false;
  }

  /** Tab, then the document is compared with the file from the pause's line to the cursor and just below it. */
  private async acceptWithTab(pause: PauseRecord): Promise<TabCheck> {
    const before = await this.settled();
    const belowBefore = [1, 2].map((d) => before.lines[before.line + d]?.text ?? '');
    await this.page.keyboard.press('Tab');
    this.key('tab', pause.ghost, false);
    await sleep(AFTER_TAB_MS);
    const s = await this.probe.state();
    const text = s.lines[s.line]?.text ?? '';
    const expected = this.script.line(s.line);
    const problems: string[] = [];
    for (let n = pause.line; n < s.line; n++) {
      if ((s.lines[n]?.text ?? '') !== this.script.line(n)) problems.push(`line ${n} reads ${JSON.stringify(s.lines[n]?.text)}`);
    }
    const head = text.slice(0, s.column - 1);
    const tail = text.slice(s.column - 1);
    if (!expected.startsWith(head)) problems.push(`before the cursor ${JSON.stringify(head)}`);
    else if (!pendingClosers(tail, this.script.region.slice(this.script.regionOffset(s.line, head.length)))) problems.push(`after the cursor ${JSON.stringify(tail)} where the file goes on ${JSON.stringify(expected.slice(head.length))}`);
    if (s.column - 1 <= pause.column - 1 && s.line === pause.line) problems.push('the cursor did not move');
    const belowAfter = [1, 2].map((d) => s.lines[s.line + d]?.text ?? '');
    if (s.line === pause.line && belowAfter.join('\n') !== belowBefore.join('\n')) problems.push(`the lines below changed: ${JSON.stringify(belowAfter)}`);
    // A multi-line suggestion accepted in front of closers leaves the cursor before them on their
    // own line (`        |})`): the person opens a line above them and writes on there.
    const onCloserLine = s.line > pause.line && head.trim() === '' && this.isCloserLine(text, s.line);
    if (onCloserLine) problems.length = 0;
    for (let n = pause.line; onCloserLine && n < s.line; n++) {
      if ((s.lines[n]?.text ?? '') !== this.script.line(n)) problems.push(`line ${n} reads ${JSON.stringify(s.lines[n]?.text)}`);
    }
    const ok = problems.length === 0 && s.line >= pause.line;
    this.tabbedAt = this.p;
    let undone = false;
    if (ok && onCloserLine) {
      // Insert Line Above (VS Code's Ctrl+Shift+Enter): a new line over the closers, where the file goes on.
      await this.page.keyboard.press('Control+Shift+Enter');
      this.key('enter', '\n', false);
      this.p = this.script.regionOffset(s.line, 0);
      await this.fixIndent(indentOf(this.script.line(s.line)), s.line);
    } else if (ok) {
      this.p = this.script.regionOffset(s.line, s.column - 1);
    } else {
      await this.page.keyboard.press('Control+z');
      this.key('undo', '', false);
      undone = true;
      await sleep(150);
    }
    await this.verify();
    return { line: s.line, text, expected, ghost: pause.ghost, ok, why: problems.join('; ') || undefined, undone };
  }

  /** Reads the cursor's line back; on a mismatch with the file, notes it and rewrites the line. */
  private async verify(): Promise<void> {
    const { line, column } = this.script.lineColumn(this.p);
    const s = await this.at(line, column + 1);
    const text = s.lines[s.line]?.text ?? '';
    const intended = this.script.line(line);
    const head = text.slice(0, s.column - 1);
    const tail = text.slice(s.column - 1);
    const cursorOk = s.line === line && s.column - 1 === column;
    const later = (col: number) => this.script.region.slice(this.script.regionOffset(line, col));
    if (!cursorOk || head !== intended.slice(0, column) || !pendingClosers(tail, later(column))) {
      // The cursor may be right and `p` behind (an undone Tab): find where the document really is.
      if (s.line === line && intended.startsWith(head) && pendingClosers(tail, later(head.length))) {
        this.p = this.script.regionOffset(line, head.length);
      } else {
        await this.repair(s, line, cursorOk ? 'the line differs from the file' : `cursor at ${s.line}:${s.column}, expected ${line}:${column + 1}`);
        this.p = this.script.regionOffset(line, column);
      }
    }
    this.checkBelow(s, line);
  }

  /** Lines between the cursor and the untouched rest of the file must each be a start of a file line still to come, in order. */
  private checkBelow(s: EditorState, line: number): void {
    const anchor = this.script.line(this.script.anchorLine());
    const docBelow: string[] = [];
    for (let n = s.line + 1; n <= s.line + 8 && s.lines[n] !== undefined && s.lines[n].text !== anchor; n++) docBelow.push(s.lines[n].text);
    const fileBelow: string[] = [];
    for (let n = line + 1; n < this.script.anchorLine(); n++) fileBelow.push(this.script.line(n));
    let i = 0;
    for (const d of docBelow) {
      while (i < fileBelow.length && !(d.trim() === '' ? fileBelow[i].trim() === '' : fileBelow[i].startsWith(d))) i++;
      if (i >= fileBelow.length) {
        const last = this.record.strayLines.at(-1);
        if (!last || last.lines.join('\n') !== docBelow.join('\n')) this.record.strayLines.push({ at: performance.now(), line: s.line, lines: docBelow });
        return;
      }
      i++;
    }
  }

  /** Puts the file's text before the cursor on the line, replacing whatever the line holds. */
  private async repair(s: EditorState, line: number, why: string): Promise<void> {
    const { column } = this.script.lineColumn(this.p);
    const expected = this.script.line(line).slice(0, Math.max(column, 0));
    this.record.repairs.push({ at: performance.now(), line: s.line, found: s.lines[s.line]?.text ?? '', expected, why });
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+g');
    await this.page.keyboard.type(`${line}:1`);
    await this.page.keyboard.press('Enter');
    await this.at(line, 1);
    await this.page.keyboard.press('Shift+End');
    await this.page.keyboard.insertText(expected);
    this.key('repair', expected, false);
  }

  /**
   * The editor's state once it satisfies `ready` (the status bar follows a keystroke by a frame or
   * more, longer while the machine is busy); after SETTLE_LIMIT_MS, whatever it shows.
   */
  private async settled(ready?: (s: EditorState) => boolean): Promise<EditorState> {
    await sleep(SETTLE_MS);
    const deadline = performance.now() + SETTLE_LIMIT_MS;
    let s = await this.probe.state();
    while (ready && !ready(s) && performance.now() < deadline) {
      await sleep(SETTLE_MS);
      s = await this.probe.state();
    }
    return s;
  }

  /** The state once the cursor is at 1-based (line, column). */
  private at(line: number, column: number): Promise<EditorState> {
    return this.settled((s) => s.line === line && s.column === column);
  }

  private key(kind: KeyKind, text: string, through: boolean): number {
    const at = performance.now();
    this.record.keys.push({ kind, text, at, through, p: kind === 'char' ? this.p : undefined });
    return at;
  }
}

/**
 * Text after the cursor that typing on will absorb: closers and quotes VS Code inserted, each found
 * in order in what the file still has to receive (typed over, or moved down by Enter between
 * brackets and completed there).
 */
export function pendingClosers(tail: string, rest: string): boolean {
  if (!/^[)\]}'"`;,]*$/.test(tail)) return false;
  let i = 0;
  for (const c of tail) {
    i = rest.indexOf(c, i);
    if (i < 0) return false;
    i++;
  }
  return true;
}

/**
 * Whether the file's next non-blank line already stands below the cursor as the document's next
 * non-blank line — whole, or without the `;` or `,` the file adds after the closers the editor put
 * there (`})` for `});`): then the file's continuation at this line end is in the document, and the
 * right ghost text is none.
 */
function nextLineStands(docBelow: readonly string[], fileLine: (n: number) => string | undefined): boolean {
  const doc = docBelow.find((l) => l.trim() !== '')?.replace(/\s+$/, '');
  let file: string | undefined;
  for (let n = 1; n < 50; n++) {
    const l = fileLine(n);
    if (l === undefined) break;
    if (l.trim() !== '') { file = l.replace(/\s+$/, ''); break; }
  }
  if (doc === undefined || file === undefined) return false;
  return doc === file || (file.startsWith(doc) && /^[)\]}]/.test(doc.trim()) && /^[;,]+$/.test(file.slice(doc.length)));
}
