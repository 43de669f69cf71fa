// What the bench reads from the editor's page. The probes run inside the browser, as JavaScript
// text (the project's type-check has no DOM library). Times inside the page are epoch milliseconds
// from performance.timeOrigin + performance.now(), the same clock as the bench's own
// (see toBenchTime), so a ghost text's appearance lines up with keystrokes and the fake's log.
import type { Page } from 'playwright-core';

/** A change of what the page shows, noted by the in-page observer. */
export interface PageEvent {
  /** Bench time (performance.now() of this process). */
  readonly at: number;
  readonly kind: 'ghost' | 'indexing' | 'status';
  /** ghost: the visible ghost text ('' when none); indexing: '1' or '0'; status: Hearth's status item. */
  readonly value: string;
}

export interface EditorLine {
  /** The document's text on the line (ghost text removed). */
  readonly text: string;
  /** The line as it would read with the inline ghost text accepted (replaced text hidden). */
  readonly withGhost: string;
}

export interface EditorState {
  /** Cursor, 1-based line and column, from the status bar. */
  readonly line: number;
  readonly column: number;
  /** Rendered lines of the active editor by line number. */
  readonly lines: Record<number, EditorLine>;
  /** Visible ghost text, inline parts and extra lines joined. */
  readonly ghost: string;
  /** Lines rendered below the cursor's line for a multi-line suggestion, as they would read once accepted. */
  readonly ghostLines: string[];
  readonly suggestWidget: boolean;
  readonly indexing: boolean;
}

// Shared helpers of both probes (page-side JavaScript).
const HELPERS = String.raw`
  const nb = (s) => (s || '').replace(/\u00a0/g, ' ');
  const editor = () => document.querySelector('.part.editor .monaco-editor.focused') || document.querySelector('.part.editor .monaco-editor');
  const GHOST = '.ghost-text-decoration, .ghost-text-decoration-preview';
  const ghostParts = (ed) => {
    if (!ed) return { inline: '', zones: [] };
    const inline = [...ed.querySelectorAll('.view-lines ' + GHOST.split(', ').join(', .view-lines '))].map((e) => nb(e.textContent)).join('');
    // Further lines of a multi-line suggestion: a view zone holding one .view-line per line (its
    // spans carry the ghost-text class; the document's own text moved down shows there too).
    const zones = [];
    const seen = new Set();
    for (const span of ed.querySelectorAll('.view-zones [class*="ghost-text"]')) {
      const row = span.closest('.view-line') || span.parentElement;
      if (!row || seen.has(row)) continue;
      seen.add(row);
      const copy = row.cloneNode(true);
      copy.querySelectorAll('.ghost-text-hidden').forEach((e) => e.remove());
      zones.push(nb(copy.textContent));
    }
    return { inline, zones };
  };
  const statusbarText = () => (document.getElementById('workbench.parts.statusbar') || {}).textContent || '';
`;

/** Installs the observer that notes every change of the ghost text, the indexing progress and Hearth's status item. */
export const INSTALL_OBSERVER = String.raw`(() => {
  if (window.__benchLog) return true;
  ${HELPERS}
  const log = [];
  window.__benchLog = log;
  const now = () => performance.timeOrigin + performance.now();
  let last = { ghost: '', indexing: '', status: '' };
  let scheduled = false;
  const check = () => {
    scheduled = false;
    const g = ghostParts(editor());
    const ghost = [g.inline, ...g.zones].join('\n').replace(/\n+$/, '');
    const sb = statusbarText();
    const indexing = sb.includes('Hearth: indexing') ? '1' : '0';
    const item = document.querySelector('[id="hearth-dev.hearth.hearth.status"]');
    const status = item ? (item.textContent || '').replace(/\s+/g, ' ').trim() : '';
    const t = now();
    if (ghost !== last.ghost) log.push({ t, kind: 'ghost', value: ghost });
    if (indexing !== last.indexing) log.push({ t, kind: 'indexing', value: indexing });
    if (status !== last.status) log.push({ t, kind: 'status', value: status });
    last = { ghost, indexing, status };
  };
  new MutationObserver(() => {
    if (!scheduled) { scheduled = true; setTimeout(check, 0); }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  check();
  return true;
})()`;

/** Takes the observer's notes so far (and clears them in the page). */
const DRAIN = `(() => { const l = window.__benchLog || []; window.__benchLog = l; return l.splice(0, l.length); })()`;

const READ_STATE = String.raw`(() => {
  ${HELPERS}
  const ed = editor();
  const lines = {};
  if (ed) {
    const numbers = new Map();
    for (const d of ed.querySelectorAll('.margin-view-overlays > div')) {
      const n = d.querySelector('.line-numbers');
      if (n) numbers.set(Math.round(parseFloat(d.style.top)), parseInt(n.textContent, 10));
    }
    for (const v of ed.querySelectorAll('.view-lines > .view-line')) {
      const n = numbers.get(Math.round(parseFloat(v.style.top)));
      if (!n) continue;
      const plain = v.cloneNode(true);
      plain.querySelectorAll(GHOST).forEach((e) => e.remove());
      const withGhost = v.cloneNode(true);
      withGhost.querySelectorAll('.ghost-text-hidden').forEach((e) => e.remove());
      lines[n] = { text: nb(plain.textContent), withGhost: nb(withGhost.textContent) };
    }
  }
  const sel = (document.getElementById('status.editor.selection') || {}).textContent || '';
  const m = /Ln (\d+), Col (\d+)/.exec(sel);
  const g = ghostParts(ed);
  return {
    line: m ? +m[1] : 0,
    column: m ? +m[2] : 0,
    lines,
    ghost: [g.inline, ...g.zones].join('\n').replace(/\n+$/, ''),
    ghostLines: g.zones,
    suggestWidget: !!document.querySelector('.suggest-widget.visible'),
    indexing: statusbarText().includes('Hearth: indexing'),
  };
})()`;

/** Outer HTML of the ghost-text elements and the cursor's line, for checking the probes by eye. */
const GHOST_HTML = String.raw`(() => {
  ${HELPERS}
  const ed = editor();
  if (!ed) return '';
  const out = [];
  for (const e of ed.querySelectorAll('[class*="ghost-text"], [class*="inline-completion"]')) out.push(e.outerHTML.slice(0, 2000));
  return out.join('\n');
})()`;

/** Epoch milliseconds from the page → this process's performance.now(). */
export function toBenchTime(epochMs: number): number {
  return epochMs - performance.timeOrigin;
}

export class EditorProbe {
  private readonly events: PageEvent[] = [];

  constructor(private readonly page: Page) {}

  async install(): Promise<void> {
    await this.page.evaluate(INSTALL_OBSERVER);
  }

  /** Every change noted so far, in order (bench time). */
  async drain(): Promise<PageEvent[]> {
    const raw = (await this.page.evaluate(DRAIN)) as Array<{ t: number; kind: PageEvent['kind']; value: string }>;
    for (const e of raw) this.events.push({ at: toBenchTime(e.t), kind: e.kind, value: e.value });
    return this.events;
  }

  async state(): Promise<EditorState> {
    return (await this.page.evaluate(READ_STATE)) as EditorState;
  }

  async ghostHtml(): Promise<string> {
    return (await this.page.evaluate(GHOST_HTML)) as string;
  }
}
