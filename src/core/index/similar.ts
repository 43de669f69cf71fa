// Windows of code that look like the code at the cursor, from the editor's open tabs and from the
// places the user edited last (in other files). Identifier-set Jaccard similarity, as Copilot and
// Cody rank their neighbouring-tab snippets; recent edits get a bonus that fades with age, because
// the code just written elsewhere is what the user is most likely to be wiring up here.
//
// A document is cut into fixed windows once per version, and only when a cursor in another file
// needs it (the file being typed in is never re-cut per keystroke), so finding the best windows for
// a cursor is a scan over small precomputed sets.
import type { ContextSnippet } from '../context/types';

/** A document the editor has open: `text` is read only when its version is new to us. */
export interface OpenDocument {
  readonly path: string;
  readonly languageId: string;
  readonly version: number;
  text(): string;
}

export interface SimilarOptions {
  readonly windowLines: number;
  readonly stride: number;
  /** Lines each side of a recent edit that make its window. */
  readonly editRadius: number;
  /** Most documents considered, most recently used first. */
  readonly maxDocuments: number;
  /** Recent edit locations remembered. */
  readonly maxEdits: number;
  /** Windows below this similarity are noise. */
  readonly minScore: number;
  /** Largest document cut into windows (characters). */
  readonly maxDocumentChars: number;
}

export const SIMILAR_DEFAULTS: SimilarOptions = {
  windowLines: 24, stride: 12, editRadius: 10, maxDocuments: 20, maxEdits: 16, minScore: 0.08, maxDocumentChars: 500_000,
};

/** Bonus of the most recent edit; the n-th most recent gets EDIT_BONUS / (1 + n / 4). */
const EDIT_BONUS = 0.25;

const STOP = new Set((
  'abstract and any as async await bool boolean break case catch char class const constructor continue def default delete do double elif else '
  + 'enum except export extends false final finally float fn for from func function get if impl implements import in instanceof int interface is '
  + 'let long match mod module mut namespace new nil none not null number object of or package pass private protected pub public raise readonly '
  + 'require return self set static string struct super switch this throw true try type typeof undefined use var void while with yield '
  + 'None True False Self'
).split(' '));

/** Identifier tokens of a text, without the words every program uses. */
export function identifierTokens(text: string, stop: ReadonlySet<string> = STOP): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) if (!stop.has(m[0])) out.add(m[0]);
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Languages whose code can stand in for each other's (a .ts file next to .js and .tsx files). */
export function languageFamily(languageId: string): string {
  if (/^(typescript|javascript)(react)?$|^tsx$|^jsx$/.test(languageId)) return 'ecmascript';
  if (languageId === 'c' || languageId === 'cpp' || languageId === 'objective-c' || languageId === 'objective-cpp') return 'c';
  return languageId;
}

interface Window { readonly start: number; readonly end: number; readonly tokens: ReadonlySet<string> }
interface Cut { readonly lines: readonly string[]; readonly windows: readonly Window[] }
interface Doc { readonly source: OpenDocument; readonly family: string; cut?: Cut }
interface Edit { readonly path: string; readonly line: number }

/** What the windows are for: a cursor's file and the code around it. */
export interface SimilarQuery {
  readonly path: string;
  readonly languageId: string;
  /** The code the windows should resemble (the lines around the cursor). */
  readonly text: string;
  /** Line ranges of other files already in the prompt (definitions): windows overlapping them are skipped. */
  readonly taken?: ReadonlyArray<{ readonly path: string; readonly startLine: number; readonly endLine: number }>;
}

export class SimilarWindows {
  private readonly docs = new Map<string, Doc>();
  /** Open documents, most recently used first. */
  private order: string[] = [];
  private edits: Edit[] = [];
  private rev = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly estimate: (text: string) => number, private readonly opts: SimilarOptions = SIMILAR_DEFAULTS) {}

  /** Bumped whenever what `find` could return changes. */
  get revision(): number { return this.rev; }

  /** Paths whose windows changed after `revision` (to tell the cursor's own file from the others). */
  changedSince(revision: number): Set<string> {
    const out = new Set<string>();
    for (const [p, r] of this.changedAt) if (r > revision) out.add(p);
    return out;
  }

  /** Whether any window could be offered for a cursor in `path`. */
  hasCandidates(path: string, languageId: string): boolean {
    const family = languageFamily(languageId);
    for (const p of this.order) if (p !== path && this.docs.get(p)?.family === family) return true;
    return false;
  }

  /** The open documents, most recently used first; a document's text is read only when it is needed. */
  setDocuments(docs: readonly OpenDocument[]): void {
    const next: string[] = [];
    for (const d of docs) {
      if (next.length >= this.opts.maxDocuments) break;
      if (next.includes(d.path)) continue;
      const known = this.docs.get(d.path);
      if (!known || known.source.version !== d.version) {
        this.docs.set(d.path, { source: d, family: languageFamily(d.languageId) });
        this.touch(d.path);
      }
      next.push(d.path);
    }
    for (const p of this.order) if (!next.includes(p)) { this.docs.delete(p); this.touch(p); }
    for (const p of next) if (!this.order.includes(p)) this.touch(p);
    this.order = next;
    const edits = this.edits.filter((e) => this.docs.has(e.path));
    if (edits.length !== this.edits.length) this.edits = edits;
  }

  /** The user changed `path` at `line` (0-based). Nearby edits merge into the newest. */
  recordEdit(path: string, line: number): void {
    const near = this.edits.findIndex((e) => e.path === path && Math.abs(e.line - line) <= this.opts.editRadius);
    if (near === 0 && this.edits[0].line === line) return;
    if (near >= 0) this.edits.splice(near, 1);
    this.edits.unshift({ path, line });
    if (this.edits.length > this.opts.maxEdits) this.edits.length = this.opts.maxEdits;
    this.touch(path);
  }

  /**
   * The windows most like `query.text` from other open documents of the same language family, and
   * around recent edits in them, best first, while their tokens fit `budget`. At most one window
   * per document and none overlapping another chosen one or a range already taken.
   */
  find(query: SimilarQuery, budget: number): ContextSnippet[] {
    if (budget <= 0) return [];
    const family = languageFamily(query.languageId);
    const want = identifierTokens(query.text);
    if (want.size === 0) return [];
    const candidates: Array<{ path: string; start: number; end: number; score: number; kind: 'similar' | 'recent' }> = [];
    this.edits.forEach((e, age) => {
      const cut = e.path === query.path ? undefined : this.cutOf(e.path, family);
      if (!cut) return;
      const start = Math.max(0, Math.min(e.line, cut.lines.length - 1) - this.opts.editRadius);
      const end = Math.min(cut.lines.length - 1, start + 2 * this.opts.editRadius);
      const tokens = identifierTokens(cut.lines.slice(start, end + 1).join('\n'));
      candidates.push({ path: e.path, start, end, kind: 'recent', score: jaccard(want, tokens) + EDIT_BONUS / (1 + age / 4) });
    });
    for (const path of this.order) {
      const cut = path === query.path ? undefined : this.cutOf(path, family);
      if (!cut) continue;
      for (const w of cut.windows) {
        const score = jaccard(want, w.tokens);
        if (score >= this.opts.minScore) candidates.push({ path, start: w.start, end: w.end, score, kind: 'similar' });
      }
    }
    candidates.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
    const taken = [...(query.taken ?? [])];
    const used = new Set<string>();
    const out: ContextSnippet[] = [];
    let left = budget;
    for (const c of candidates) {
      if (used.has(c.path) || taken.some((t) => t.path === c.path && t.startLine <= c.end && c.start <= t.endLine)) continue;
      const lines = this.docs.get(c.path)?.cut?.lines ?? [];
      const text = lines.slice(c.start, c.end + 1).join('\n');
      if (!text.trim()) continue;
      const tokens = this.estimate(text) + 12;
      if (tokens > left) continue;
      left -= tokens;
      used.add(c.path);
      taken.push({ path: c.path, startLine: c.start, endLine: c.end });
      out.push({ kind: c.kind, path: c.path, startLine: c.start, endLine: c.end, text, tokens });
    }
    return out;
  }

  /** A document's windows, cut on first need; undefined for another language family or a huge text. */
  private cutOf(path: string, family: string): Cut | undefined {
    const doc = this.docs.get(path);
    if (!doc || doc.family !== family) return undefined;
    if (!doc.cut) {
      const text = doc.source.text();
      doc.cut = text.length > this.opts.maxDocumentChars ? { lines: [], windows: [] } : this.cut(text);
    }
    return doc.cut;
  }

  private cut(text: string): Cut {
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    const windows: Window[] = [];
    for (let start = 0; start < lines.length; start += this.opts.stride) {
      const end = Math.min(lines.length, start + this.opts.windowLines) - 1;
      windows.push({ start, end, tokens: identifierTokens(lines.slice(start, end + 1).join('\n')) });
      if (end >= lines.length - 1) break;
    }
    return { lines, windows };
  }

  private touch(path: string): void {
    this.rev++;
    this.changedAt.set(path, this.rev);
  }
}
