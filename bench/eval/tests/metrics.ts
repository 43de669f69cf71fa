// The funnel of one function's test generation and of the whole set, and the table `npm run
// eval:tests` prints. Stages, as Meta's TestGen-LLM counts them: generated (tests in the model's
// first batch) → parsed (named, not duplicated, parsing on their own) → passed (passing once the
// repair turns are over) → stable (passing every re-run) → kept (in the report's kept list, which
// the user is offered). Coverage gain: lines of the function the kept tests run that the existing
// tests did not (the temporary projects have none, so: lines the kept tests run).

export interface FunctionOutcome {
  readonly id: string;
  readonly pkg: string;
  readonly version: string;
  readonly path: string;
  readonly line: number;
  /** The function as the pipeline's tree-sitter target named it (undefined: the whole file). */
  readonly symbol?: string;
  /** Why the pipeline could not run for this function (server error, unreadable answer…). */
  readonly failed?: string;
  readonly generated: number;
  readonly parsed: number;
  readonly passed: number;
  readonly stable: number;
  readonly kept: number;
  readonly possibleBugs: number;
  /** Null when coverage could not be measured (see coverageNote) or nothing was kept. */
  readonly coverageGain: number | null;
  /** The function's executable lines as the coverage tool counts them, when it said. */
  readonly executableLines: number | null;
  readonly coverageNote?: string;
  readonly requests: number;
  readonly seconds: number;
  /** Of which waiting for the model, and running the tests (the runner's process trees). */
  readonly modelSeconds: number;
  readonly runnerSeconds: number;
  readonly keptNames: readonly string[];
  readonly dropped: readonly { readonly name: string; readonly reason: string; readonly possibleBug: boolean }[];
}

export interface Totals {
  readonly functions: number;
  readonly failed: number;
  readonly generated: number;
  readonly parsed: number;
  readonly passed: number;
  readonly stable: number;
  readonly kept: number;
  readonly possibleBugs: number;
  readonly coverageGain: number;
  /** Functions where coverage was measured, and their executable lines. */
  readonly coverageMeasured: number;
  readonly executableLines: number;
  readonly requests: number;
  readonly seconds: number;
  /** Shares of `generated`. */
  readonly rates: { readonly parsed: number; readonly passed: number; readonly stable: number; readonly kept: number };
  /** Functions with at least one kept test. */
  readonly functionsWithKept: number;
}

const sum = (xs: readonly FunctionOutcome[], f: (o: FunctionOutcome) => number) => xs.reduce((a, o) => a + f(o), 0);
const share = (n: number, of: number) => (of === 0 ? 0 : n / of);

export function totalsOf(outcomes: readonly FunctionOutcome[]): Totals {
  const generated = sum(outcomes, (o) => o.generated);
  const measured = outcomes.filter((o) => o.coverageGain !== null);
  const t = {
    parsed: sum(outcomes, (o) => o.parsed), passed: sum(outcomes, (o) => o.passed),
    stable: sum(outcomes, (o) => o.stable), kept: sum(outcomes, (o) => o.kept),
  };
  return {
    functions: outcomes.length, failed: outcomes.filter((o) => o.failed).length, generated, ...t,
    possibleBugs: sum(outcomes, (o) => o.possibleBugs),
    coverageGain: sum(measured, (o) => o.coverageGain ?? 0),
    coverageMeasured: measured.length,
    executableLines: sum(measured, (o) => o.executableLines ?? 0),
    requests: sum(outcomes, (o) => o.requests),
    seconds: Math.round(sum(outcomes, (o) => o.seconds) * 10) / 10,
    rates: { parsed: share(t.parsed, generated), passed: share(t.passed, generated), stable: share(t.stable, generated), kept: share(t.kept, generated) },
    functionsWithKept: outcomes.filter((o) => o.kept > 0).length,
  };
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** One row per function, then the totals and the funnel in shares of what was generated. */
export function formatTable(outcomes: readonly FunctionOutcome[], totals: Totals): string {
  const head = ['function', 'gen', 'parsed', 'passed', 'stable', 'kept', 'bugs?', 'cov +lines', 'requests', 'seconds'];
  const cov = (o: { coverageGain: number | null; executableLines: number | null }) =>
    o.coverageGain === null ? 'n/a' : `${o.coverageGain}${o.executableLines !== null ? `/${o.executableLines}` : ''}`;
  const rows = outcomes.map((o) => [
    `${o.id}${o.failed ? ' (FAILED)' : ''}`, o.generated, o.parsed, o.passed, o.stable, o.kept, o.possibleBugs, cov(o), o.requests, o.seconds.toFixed(1),
  ].map(String));
  rows.push([
    'total', totals.generated, totals.parsed, totals.passed, totals.stable, totals.kept, totals.possibleBugs,
    `${totals.coverageGain}/${totals.executableLines}`, totals.requests, totals.seconds.toFixed(1),
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows[rows.length - 1])];
  out.push('', `funnel: generated ${totals.generated} → parsed ${pct(totals.rates.parsed)} → passed ${pct(totals.rates.passed)} → stable ${pct(totals.rates.stable)} → kept ${pct(totals.rates.kept)}; ${totals.functionsWithKept} of ${totals.functions} functions got at least one kept test`);
  out.push(`coverage: +${totals.coverageGain} of ${totals.executableLines} executable lines, over the ${totals.coverageMeasured} functions where it was measured (cov +lines = gained/executable)`);
  for (const o of outcomes) {
    if (o.failed) out.push(`${o.id}: ${o.failed}`);
    else if (o.coverageGain === null && o.coverageNote) out.push(`${o.id}: coverage not measured: ${o.coverageNote}`);
  }
  return out.join('\n');
}
