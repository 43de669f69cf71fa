// `npm run eval:context [--points N] [--budget 1000,4000] [--provider name[,name]] [--language ts,py,go] [--rebuild]`
//
// Offline, model-free measure of repository context: cross-file definition recall at budget B
// (XDR@B, metric.ts) of every context provider (registry.ts) on the dev set (devset.ts: TypeScript,
// Python, Go), per language, with context efficiency and provider latency, and each figure of
// Hearth's providers as a ratio against the repo-map baseline. Prints tables and writes
// .cache/eval/last-report.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { percentile } from '../stats';
import { cursorForPoint, DEV_LANGUAGES, loadDevSet, packageRoot, TYPESCRIPT_PART, type DevLanguage, type DevPoint, type DevSet, type PartBuilder } from './devset';
import { GO_PART } from './devsetGo';
import { PYTHON_PART } from './devsetPython';
import { aggregate, scorePoint, type Aggregate, type PointScore } from './metric';
import { HEARTH_PROVIDERS, loadProviders, REPO_MAP, type ProviderEntry } from './registry';

/** The builder of each language's part of the dev set. */
export const PART_BUILDERS: Readonly<Record<DevLanguage, PartBuilder>> = { typescript: TYPESCRIPT_PART, python: PYTHON_PART, go: GO_PART };

export const DEFAULT_BUDGETS = [1000, 4000, 16000, 64000];

export interface EvalOptions {
  readonly points?: number;
  readonly budgets: readonly number[];
  readonly providers?: readonly string[];
  readonly languages: readonly DevLanguage[];
  readonly rebuild: boolean;
}

export interface ReportRow extends Aggregate {
  readonly budget: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface ProviderReport {
  readonly name: string;
  readonly description?: string;
  /** Total time spent in create() over all packages. */
  readonly setupMs: number;
  readonly rows: readonly ReportRow[];
  /** XDR per package and budget (same order as `budgets`). */
  readonly perPackage: Readonly<Record<string, { defs: number; xdr: number[] }>>;
  /** Definitions present per point and budget (same order as `budgets`). */
  readonly perPoint: Readonly<Record<string, number[]>>;
  /** The rows of each language's points (same order as `budgets`). */
  readonly perLanguage: Readonly<Partial<Record<DevLanguage, readonly ReportRow[]>>>;
}

export interface EvalReport {
  readonly createdAt: string;
  readonly devset: { file: string; key: string; cached: boolean; buildMs: number; points: number; defs: number; parts: DevSet['parts']; packages: DevSet['packages'] };
  readonly budgets: readonly number[];
  readonly providers: readonly ProviderReport[];
  readonly runMs: number;
}

const USAGE = `usage: npm run eval:context -- [--points N] [--budget 1000,4000,16000,64000] [--provider none,open-tabs] [--language ts,py,go] [--rebuild]
  --points N      evaluate the first N points of the dev set (balanced across packages and languages); default all
  --budget LIST   token budgets, comma-separated (1000, 4k, 16K…); default ${DEFAULT_BUDGETS.join(',')}
  --provider L    only these providers (repeatable or comma-separated); default all
  --language L    only these languages: typescript (ts), python (py), go; default all
  --rebuild       rebuild the dev set even if a cached copy matches
Python and Go need Debian packages: npm run provision:eval (scripts/provision-eval.sh).`;

const LANGUAGE_NAMES: Readonly<Record<string, DevLanguage>> = { typescript: 'typescript', ts: 'typescript', python: 'python', py: 'python', go: 'go' };

export function parseArgs(argv: readonly string[]): EvalOptions | 'help' {
  let points: number | undefined;
  let budgets = DEFAULT_BUDGETS;
  const providers: string[] = [];
  const languages: DevLanguage[] = [];
  let rebuild = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--points': {
        points = Number(value());
        if (!Number.isInteger(points) || points <= 0) throw new Error(`--points wants a positive integer\n${USAGE}`);
        break;
      }
      case '--budget':
      case '--budgets':
        budgets = value().split(',').filter((s) => s.trim() !== '').map(parseBudget);
        break;
      case '--provider':
      case '--providers':
        providers.push(...value().split(',').map((s) => s.trim()).filter((s) => s !== ''));
        break;
      case '--language':
      case '--languages':
        for (const name of value().split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) {
          const lang = LANGUAGE_NAMES[name];
          if (!lang) throw new Error(`unknown language "${name}"\n${USAGE}`);
          if (!languages.includes(lang)) languages.push(lang);
        }
        break;
      case '--rebuild':
        rebuild = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  return { points, budgets, providers: providers.length > 0 ? providers : undefined, languages: languages.length > 0 ? DEV_LANGUAGES.filter((l) => languages.includes(l)) : DEV_LANGUAGES, rebuild };
}

function parseBudget(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kK]?)\s*$/.exec(s);
  const n = m ? Math.round(Number(m[1]) * (m[2] ? 1000 : 1)) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`bad budget "${s}"\n${USAGE}`);
  return n;
}

/** Runs the providers over the points; `log` gets progress lines. */
export async function runEval(repoRoot: string, devset: DevSet, points: readonly DevPoint[], providers: readonly ProviderEntry[], budgets: readonly number[], log: (m: string) => void = () => {}): Promise<ProviderReport[]> {
  const byPkg = new Map<string, DevPoint[]>();
  for (const p of points) {
    const list = byPkg.get(p.pkg) ?? [];
    list.push(p);
    byPkg.set(p.pkg, list);
  }
  const reports: ProviderReport[] = [];
  for (const entry of providers) {
    const t0 = performance.now();
    let setupMs = 0;
    const scores = budgets.map(() => [] as PointScore[]);
    const latencies = budgets.map(() => [] as number[]);
    const byLanguage = new Map<DevLanguage, { scores: PointScore[][]; latencies: number[][] }>();
    const perPackage: Record<string, { defs: number; xdr: number[] }> = {};
    const perPoint: Record<string, number[]> = {};
    for (const pkg of devset.packages) {
      const pkgPoints = byPkg.get(pkg.name);
      if (!pkgPoints) continue;
      const root = packageRoot(repoRoot, pkg);
      let lang = byLanguage.get(pkg.language);
      if (!lang) byLanguage.set(pkg.language, (lang = { scores: budgets.map(() => []), latencies: budgets.map(() => []) }));
      const ts0 = performance.now();
      const provider = await entry.create(root, pkg.files);
      setupMs += performance.now() - ts0;
      const texts = new Map<string, string>();
      const pkgScores = budgets.map(() => [] as PointScore[]);
      for (const point of pkgPoints) {
        let text = texts.get(point.path);
        if (text === undefined) {
          text = readFileSync(join(root, point.path), 'utf8');
          texts.set(point.path, text);
        }
        const cursor = cursorForPoint(point, text);
        const present: number[] = [];
        for (let b = 0; b < budgets.length; b++) {
          const t = performance.now();
          const snippets = await provider.contextFor(cursor, budgets[b]);
          const ms = performance.now() - t;
          latencies[b].push(ms);
          lang.latencies[b].push(ms);
          const s = scorePoint(point.defs, snippets, budgets[b], root);
          scores[b].push(s);
          pkgScores[b].push(s);
          lang.scores[b].push(s);
          present.push(s.present);
        }
        perPoint[point.id] = present;
      }
      const dispose = (provider as { dispose?: () => unknown }).dispose;
      if (typeof dispose === 'function') await dispose.call(provider);
      perPackage[pkg.name] = { defs: pkgScores[0]?.reduce((n, s) => n + s.total, 0) ?? 0, xdr: pkgScores.map((s) => round(aggregate(s).xdr, 4)) };
    }
    const rowsOf = (s: PointScore[][], l: number[][]): ReportRow[] => budgets.map((budget, b) => ({
      budget,
      ...aggregate(s[b]),
      latencyMs: { p50: percentile(l[b], 50), p90: percentile(l[b], 90), p99: percentile(l[b], 99), max: Math.max(0, ...l[b]) },
    }));
    const perLanguage: Partial<Record<DevLanguage, ReportRow[]>> = {};
    for (const language of DEV_LANGUAGES) {
      const l = byLanguage.get(language);
      if (l) perLanguage[language] = rowsOf(l.scores, l.latencies);
    }
    reports.push({ name: entry.name, description: entry.description, setupMs: Math.round(setupMs), rows: rowsOf(scores, latencies), perPackage, perPoint, perLanguage });
    log(`  ${entry.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s (setup ${(setupMs / 1000).toFixed(1)} s)`);
  }
  return reports;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const num = (x: number | null, d = 3) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(d));

/** The detailed table of one language (or of all points, without `language`). */
export function formatTable(reports: readonly ProviderReport[], language?: DevLanguage): string {
  const head = ['provider', 'budget', 'XDR', 'XDR/pt', 'name', 'member', 'hit≥1', 'all', 'eff', 'tok/pt', 'max tok', 'ch/tok', 'over', 'p50 ms', 'p99 ms'];
  const rows: string[][] = [];
  for (const r of reports) {
    for (const row of (language ? r.perLanguage[language] : r.rows) ?? []) {
      rows.push([
        r.name, String(row.budget), num(row.xdr), num(row.xdrPointMean), num(row.xdrByVia.name), num(row.xdrByVia.member),
        `${row.anyHit}/${row.points}`, `${row.allHit}`, num(row.efficiency), row.meanPackedTokens.toFixed(0), String(row.maxPackedTokens),
        num(row.charsPerToken, 2), String(row.overflows + row.invalidSnippets), num(row.latencyMs.p50, 2), num(row.latencyMs.p99, 2),
      ]);
    }
  }
  return alignTable(head, rows);
}

function alignTable(head: readonly string[], rows: readonly string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `0.73 (1.74×)`: a figure of Hearth's with its ratio to the baseline's, or the figure alone. */
export function withRatio(x: number, baseline: number | undefined): string {
  if (baseline === undefined) return x.toFixed(3);
  return `${x.toFixed(3)} (${baseline > 0 ? `${(x / baseline).toFixed(2)}×` : x > 0 ? '∞' : '–'})`;
}

/**
 * XDR per language and provider at each budget; Hearth's providers carry their ratio to the
 * repo-map baseline's figure on the same points and budget.
 */
export function formatSummary(reports: readonly ProviderReport[], languages: readonly DevLanguage[], budgets: readonly number[]): string {
  const head = ['language', 'provider', ...budgets.map((b) => `XDR@${b >= 1000 && b % 1000 === 0 ? `${b / 1000}K` : b}`)];
  const rows: string[][] = [];
  const baseline = reports.find((r) => r.name === REPO_MAP);
  for (const language of languages) {
    const base = baseline?.perLanguage[language];
    for (const r of reports) {
      const own = r.perLanguage[language];
      if (!own) continue;
      const points = own[0]?.points ?? 0;
      rows.push([`${language} (${points} pts)`, r.name, ...own.map((row, b) => (HEARTH_PROVIDERS.has(r.name) ? withRatio(row.xdr, base?.[b]?.xdr) : row.xdr.toFixed(3)))]);
    }
  }
  return alignTable(head, rows);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const repoRoot = resolve(__dirname, '..', '..');
  const t0 = performance.now();
  const all = await loadProviders();
  const providers = args.providers ? args.providers.map((n) => {
    const p = all.find((e) => e.name === n);
    if (!p) throw new Error(`no provider named "${n}" (have: ${all.map((e) => e.name).join(', ')})`);
    return p;
  }) : all;

  const { devset, cached, file } = loadDevSet(repoRoot, args.languages.map((l) => PART_BUILDERS[l]), { rebuild: args.rebuild, log: (m) => console.log(m) });
  const tBuilt = performance.now();
  const points = args.points ? devset.points.slice(0, args.points) : devset.points;
  const defs = points.reduce((n, p) => n + p.defs.length, 0);
  console.log(`XDR dev set: ${points.length} points, ${defs} cross-file definitions from ${devset.packages.length} packages${cached ? ' (cached)' : ''}`);
  for (const part of devset.parts) {
    const mine = points.filter((p) => p.language === part.language);
    const byVia = { name: 0, member: 0 };
    for (const p of mine) for (const d of p.defs) byVia[d.via]++;
    const pkgs = devset.packages.filter((p) => p.language === part.language);
    console.log(`  ${part.language}: ${mine.length} points, ${byVia.name + byVia.member} definitions (${byVia.name} named, ${byVia.member} members), ground truth from ${part.resolver}; `
      + `${part.cached ? 'cached' : `built in ${(part.buildMs / 1000).toFixed(1)} s`} (${part.file.slice(repoRoot.length + 1)})`);
    console.log(`    ${pkgs.map((p) => `${p.name}@${p.version} (${p.files.length} files, ${p.points} pts)`).join(', ')}`);
  }
  console.log(`budgets: ${args.budgets.join(', ')} tokens; providers: ${providers.map((p) => p.name).join(', ')}`);

  const reports = await runEval(repoRoot, devset, points, providers, args.budgets, (m) => console.log(m));
  const runMs = performance.now() - t0;
  const languages = args.languages.filter((l) => points.some((p) => p.language === l));
  for (const language of languages) {
    console.log(`\n${language}:`);
    console.log(formatTable(reports, language));
  }
  console.log('\nXDR per language (Hearth\'s providers: ratio to the repo-map baseline in parentheses):');
  console.log(formatSummary(reports, languages, args.budgets));
  console.log('\nXDR: share of needed cross-file definitions whose name line is inside a packed snippet that names it; XDR/pt: mean per point;'
    + '\nname/member: XDR of definitions named on the line / reached through a member access; hit≥1: points with one or more present; all: points with all present;'
    + '\neff: share of packed tokens on lines of needed definitions; tok/pt: packed tokens per point (as the provider counts them); over: budget overflows + invalid snippets.');
  for (const r of reports) {
    const overflow = r.rows.filter((row) => row.overflows + row.invalidSnippets > 0);
    for (const row of overflow) console.log(`WARNING: ${r.name} returned more than ${row.budget} tokens (or invalid snippets) for ${row.overflows + row.invalidSnippets} points; the excess was not counted.`);
  }
  const report: EvalReport = {
    createdAt: new Date().toISOString(),
    devset: { file, key: devset.key, cached, buildMs: devset.buildMs, points: points.length, defs, parts: devset.parts, packages: devset.packages },
    budgets: args.budgets,
    providers: reports,
    runMs: Math.round(runMs),
  };
  const out = join(repoRoot, '.cache', 'eval', 'last-report.json');
  mkdirSync(join(repoRoot, '.cache', 'eval'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nreport: ${out.slice(repoRoot.length + 1)}; eval:context finished in ${(runMs / 1000).toFixed(1)} s `
    + `(dev set ${cached ? 'from cache' : 'built'} in ${((tBuilt - t0) / 1000).toFixed(1)} s, providers ${((performance.now() - tBuilt) / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
