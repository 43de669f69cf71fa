// The editor benchmark's printout: the issue's targets first, then one row per pause and one per
// request, so that every miss can be traced to what the server saw and what Hearth logged.
import type { EditorFigures, PauseFigures, RequestFigures } from './measure';
import { CACHE_TAIL_TOKENS } from './measure';

export interface ReportContext {
  readonly title: string;
  readonly lines: string[];
  readonly finalFileOk: boolean;
  readonly finalFileDiff: string;
}

const ms = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x)}`);
const ok = (pass: boolean) => (pass ? 'met' : 'MISSED');
const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(0)} %`);
const short = (s: string, n: number) => {
  const t = JSON.stringify(s);
  return t.length <= n ? t : `${t.slice(0, n - 1)}…`;
};

export function renderReport(f: EditorFigures, ctx: ReportContext): string {
  const s = f.summary;
  const out: string[] = [ctx.title, ...ctx.lines.map((l) => `  ${l}`), ''];
  const p50ok = s.keyToGhostP50 !== undefined && s.keyToGhostP50 <= s.boundP50;
  const rows: Array<[string, string, string]> = [
    ['ghost text at every pause', `${s.pausesFilled}/${s.pausesToFill} pauses with something to add showed one within 2.5 s; at ${s.pausesNothingToAddQuiet}/${s.pausesNothingToAdd} line ends whose next line the editor had already closed below the cursor, none or the right one was shown`, ok(s.pausesFilled === s.pausesToFill && s.pausesNothingToAddQuiet === s.pausesNothingToAdd)],
    ['key → ghost text, p50', `${ms(s.keyToGhostP50)} ms over the ${s.freshGhosts} pauses whose ghost text appeared in the pause; bound p50 ${ms(s.boundP50)} ms = debounce + prefill of at most ${CACHE_TAIL_TOKENS} new tokens + 100; ${s.pausesWithinBound}/${s.freshGhosts} within their own bound (${s.pausesWithinActualBound}/${s.freshGhosts} when the full re-prefill of a cache miss counts as new)`, ok(p50ok)],
    ['key → request on the wire', `p50 ${ms(s.keyToWireP50)} ms, p90 ${ms(s.keyToWireP90)} ms (debounce at most ${s.debounceMaxMs} ms; issue: within debounce + 30)`, ok(s.keyToWireP50 !== undefined && s.keyToWireP50 <= s.debounceMaxMs + 30)],
    [`requests re-prefilling ≤ ${CACHE_TAIL_TOKENS} tokens`, `${s.cacheWithin512}/${s.cacheCounted} = ${pct(s.cacheWithin512, s.cacheCounted)} (first request and first after the index completed excluded); re-prefill p50 ${ms(s.reprefillP50)}, p90 ${ms(s.reprefillP90)} tokens; ${s.fullPrefills} full prefills`, ok(s.cacheCounted > 0 && s.cacheWithin512 / s.cacheCounted >= 0.9)],
    ['requests per pause', `at most ${s.maxRequestsPerPause}; ${s.pausesWithMoreThanOne} pauses with more than one; ${s.requestsInPauses} requests in pauses, ${s.requestsWhileTyping} while typing between pauses, ${s.requests} in all; besides, ${s.warmups} cache warm-ups where the cursor came to rest (${s.warmupTokens} tokens prefilled)`, ok(s.maxRequestsPerPause <= 1)],
    ['requests while typing through', `${s.throughRequests} for positions typed into a shown suggestion (${s.throughKeys} keys typed its next character and left some of it; ${s.throughChosen} of them by choice)`, ok(s.throughRequests === 0 && s.throughKeys > 0)],
    ['Tab leaves the intended text', `${s.tabsOk}/${s.tabs} Tabs; final file ${ctx.finalFileOk ? 'equals the original' : 'DIFFERS from the original'}`, ok(s.tabs > 0 && s.tabsOk === s.tabs && ctx.finalFileOk)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  out.push('  targets');
  for (const [name, value, verdict] of rows) out.push(`  ${name.padEnd(w)}  ${value}  (${verdict})`);
  out.push(`  ${'person'.padEnd(w)}  ${s.repairs} repairs of the document, ${s.strayLines} times stray lines below the cursor; session ${(s.sessionMs / 1000).toFixed(1)} s; index done ${s.indexDoneAt === undefined ? 'not seen' : `${(s.indexDoneAt / 1000).toFixed(1)} s after the first key`}`);
  const outcomes = Object.entries(s.hearthOutcomes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`).join(', ');
  out.push(`  ${'Hearth\'s provider'.padEnd(w)}  ${outcomes || 'no trace lines in its log'}`);
  const lag = s.providerLag;
  const part = (x: { n: number; p50: number; max: number } | undefined, what: string) => (x ? `${what} p50 ${ms(x.p50)}, max ${ms(x.max)} (n=${x.n})` : `${what} —`);
  out.push(`  ${'key → provider called'.padEnd(w)}  p50 ${ms(lag.p50)} ms, max ${ms(lag.max)} ms over ${lag.n} calls; ${part(lag.whileIndexing, 'keys before the index completed')}; ${part(lag.afterIndex, 'after')}; ${s.staleRequests} requests reached the server in a later pause than the position they were for`);
  if (!ctx.finalFileOk) out.push(...ctx.finalFileDiff.split('\n').map((l) => `    ${l}`));
  out.push('', '  per pause (ms from the pause\'s last key; bound = debounce + prefill of new tokens + 100)');
  out.push(`  ${['#', 'line:col', 'kind', 'wire', 'ghost', 'bound', 'req', 'refill', 'then', 'shown at the end', 'notes'].join('  ')}`);
  for (const p of f.pauses) out.push(`  ${pauseRow(p)}`);
  out.push('', '  per request (ms since the first key; re-prefill = prompt tokens − tokens reused from the server\'s prefix cache)');
  out.push(`  ${['id', 'at', 'line:col', 'prompt', 'reused', 'refill', 'first change', 'context +/−', 'after/before chars', 'sent in', 'the prompt around a change ahead of the cursor section (previous → this)'].join('  ')}`);
  for (const r of f.requests) out.push(`  ${requestRow(r)}`);
  return out.join('\n');
}

function pauseRow(p: PauseFigures): string {
  const notes = [
    p.ghostKept ? 'kept' : '',
    p.ghostVerdict === 'none' ? '' : p.ghostVerdict === 'closed' ? 'the line + closers of later lines' : p.ghostVerdict,
    p.tabOk === undefined ? '' : p.tabOk ? 'Tab ok' : `Tab WRONG: ${p.tabWhy}`,
    p.suggestWidget ? 'suggest widget open' : '',
    p.indexing ? 'indexing' : '',
    p.requests > 1 ? `requests ${p.requestIds.join(',')}` : p.requests === 1 ? `request ${p.requestIds[0]}` : '',
    p.staleRequests > 0 ? `${p.staleRequests} for an earlier position` : '',
    // Without a ghost text: what Hearth's provider answered (its trace line), the last one in the pause.
    p.ghostShown ? '' : hearthSaid(p.hearthLog),
  ].filter(Boolean).join('; ');
  return [
    String(p.index).padStart(2),
    p.where.padEnd(7),
    p.kind.padEnd(26),
    ms(p.keyToWireMs).padStart(5),
    (p.ghostShown ? ms(p.keyToGhostMs) : 'none').padStart(5),
    ms(p.boundMs).padStart(5),
    String(p.requests).padStart(2),
    (p.reprefilled === undefined ? '—' : String(p.reprefilled)).padStart(5),
    p.action.padEnd(7),
    short(p.ghostAtEnd, 40).padEnd(40),
    notes,
  ].join('  ');
}

function hearthSaid(log: readonly string[]): string {
  const line = log.filter((l) => /\bcompletion \S+:\d+:\d+ /.test(l)).at(-1);
  return line ? `Hearth: ${line.replace(/^\[\w+\] completion /, '')}` : '';
}

function requestRow(r: RequestFigures): string {
  const ctx = r.contextAdded.length || r.contextDropped.length ? `+${r.contextAdded.length}/−${r.contextDropped.length}` : '=';
  return [
    String(r.id).padStart(3),
    ms(r.at).padStart(6),
    (r.where ?? '?').padEnd(7),
    String(r.promptTokens ?? '—').padStart(5),
    String(r.cachedTokens ?? '—').padStart(5),
    String(r.reprefilled ?? '—').padStart(5),
    `${r.changedSection ?? '—'}${r.tokensFromChange === undefined ? '' : ` (${r.tokensFromChange} tok to end)`}`.padEnd(26),
    ctx.padEnd(7),
    `${r.afterChars}/${r.beforeChars}`.padEnd(11),
    [r.pause === undefined ? 'typing' : `pause ${r.pause}`, r.whileTypingThrough ? 'THROUGH' : '', r.closedEarly ? 'closed early' : '', r.replyCorrect === false ? 'wrong reply' : '', r.excludedFromCacheTarget ? `(${r.excludedFromCacheTarget})` : ''].filter(Boolean).join(', '),
    r.change && r.changedSection !== 'before' && r.changedSection !== 'seed' ? `${JSON.stringify(r.change.before)} → ${JSON.stringify(r.change.after)}` : '',
  ].join('  ');
}
