// The typed-through cache: a completion shown for prefix P is still right for P + t while the user
// types t = its first characters, so those keystrokes cost no request. A longest-prefix match over
// recent (prefix, suffix) states of each document, so backspacing to an earlier state is a hit too.
// A completion that replaces closers right of the cursor (merge.ts) stays a hit while the user types
// over them: the editor types over an auto-closed `)` rather than inserting a second one.
import { isSubsequence } from './merge';

interface Entry {
  readonly prefix: string;
  readonly suffix: string;
  readonly completion: string;
  /** Characters right of the cursor the completion replaces. */
  readonly replaces?: number;
  /** Characters at the completion's end the cursor stays in front of once accepted. */
  readonly caretBack?: number;
}

export interface CacheHit {
  /** What is still to be shown after what the user typed since the completion was made. */
  readonly remaining: string;
  /** Characters typed through (0 = the exact state the completion was made for). */
  readonly typed: number;
  /** Characters right of the cursor `remaining` replaces; absent: none. */
  readonly replaces?: number;
  /** Characters at the end of `remaining` the cursor stays in front of once accepted; absent: none. */
  readonly caretBack?: number;
}

export class TypedThroughCache {
  private readonly docs = new Map<string, Entry[]>();

  constructor(private readonly perDocument = 64, private readonly documents = 32) {}

  store(doc: string, prefix: string, suffix: string, completion: string, replaces = 0, caretBack?: number): void {
    if (completion.length === 0) return;
    let list = this.docs.get(doc);
    if (list) this.docs.delete(doc);
    else list = [];
    this.docs.set(doc, list); // most recently used document last
    const dup = list.findIndex((e) => e.prefix.length === prefix.length && e.prefix === prefix && e.suffix === suffix);
    if (dup >= 0) list.splice(dup, 1);
    list.push({ prefix, suffix, completion, replaces, ...(caretBack ? { caretBack } : {}) });
    if (list.length > this.perDocument) list.shift();
    if (this.docs.size > this.documents) this.docs.delete(this.docs.keys().next().value as string);
  }

  /** The newest entry whose completion the user is typing through; undefined when none. */
  lookup(doc: string, prefix: string, suffix: string): CacheHit | undefined {
    const list = this.docs.get(doc);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const hit = typedThrough(list[i], prefix, suffix);
      if (hit) return hit;
    }
    return undefined;
  }

  clear(doc?: string): void {
    if (doc === undefined) this.docs.clear();
    else this.docs.delete(doc);
  }
}

/** What the editor may insert right of the cursor as the user types an opener (auto-closing). */
const AUTO_CLOSERS = new Set([')', ']', '}', '"', "'", '`']);
const OPENERS = new Set(['(', '[', '{', '"', "'", '`']);
/** Closers auto-inserted at once that a hit may still account for. */
const MAX_AUTO_CLOSED = 4;

/**
 * Whether `prefix`/`suffix` is the state of a completion `e` made earlier, plus some of its
 * characters typed, perhaps over some of those it replaces, and perhaps with closers the editor
 * auto-inserted right of the cursor for openers typed (`(` typed, `)` appears): the completion
 * then shows over them, as it writes them. Cheap checks first: lengths, then the typed part, then
 * the long comparisons.
 */
export function typedThrough(e: { prefix: string; suffix: string; completion: string; replaces?: number; caretBack?: number }, prefix: string, suffix: string): CacheHit | undefined {
  const typed = prefix.length - e.prefix.length;
  if (typed < 0 || typed >= e.completion.length) return undefined;
  const replaces = e.replaces ?? 0;
  const typedText = typed > 0 ? prefix.slice(e.prefix.length) : '';
  if (typed > 0 && typedText !== e.completion.slice(0, typed)) return undefined;
  let openers = 0;
  for (const c of typedText) if (OPENERS.has(c)) openers++;
  const maxAdded = Math.min(openers, MAX_AUTO_CLOSED);
  // `over`: replaced characters typed over; `added`: characters the editor inserted since.
  const shrunk = e.suffix.length - suffix.length;
  if (shrunk > replaces || shrunk + maxAdded < 0) return undefined;
  if (!prefix.startsWith(e.prefix)) return undefined;
  const remaining = e.completion.slice(typed);
  for (let added = 0; added <= maxAdded; added++) {
    const over = shrunk + added;
    if (over < 0 || over > replaces) continue;
    const inserted = suffix.slice(0, added);
    if ([...inserted].some((c) => !AUTO_CLOSERS.has(c))) continue;
    // What is still replaced must still be written by what is left to show.
    const replaced = inserted + e.suffix.slice(over, replaces);
    if (replaced !== '' && !isSubsequence(replaced, remaining)) continue;
    // All that is left writes again what is already right of the cursor (the `}` of an accepted
    // `=> {}`): showing it changes nothing, and the model is asked what comes next.
    if (replaced.length === remaining.length) continue;
    if (suffix.slice(added) !== e.suffix.slice(over)) continue;
    const caret = e.caretBack && e.caretBack < remaining.length ? { caretBack: e.caretBack } : {};
    return replaced.length > 0 ? { remaining, typed, replaces: replaced.length, ...caret } : { remaining, typed, ...caret };
  }
  return undefined;
}
