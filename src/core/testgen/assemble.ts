// Test files as text: the scratch file a batch is checked in (imports at the top, deduplicated, then
// the tests; the package clause for Go), and the user's test file with the kept tests merged in
// (appended after what is there, imports merged without duplicates) for `--write` and the editor's
// diff. Pure: paths are root-relative with '/'.
//
// The model writes imports as the TEST FILE needs them, but the batch is checked in a scratch file
// next to the target; in JavaScript and TypeScript a relative module path is therefore moved from
// the test file's folder to the scratch file's before it is written there.
import { importStyleOf } from './frameworks';
import type { FrameworkId, GeneratedTest } from './types';

export interface AssembleOptions {
  readonly framework: FrameworkId;
  /** The Go package the tests are in (the test file's, else the source's); required for Go. */
  readonly goPackage?: string;
  /** Root-relative test file the imports were written for; with `scratchFile`, relative JS paths are moved. */
  readonly testFile?: string;
  readonly scratchFile?: string;
}

/** The scratch file's whole text for a batch. */
export function assembleScratch(imports: string, tests: readonly GeneratedTest[], opts: AssembleOptions): string {
  const style = importStyleOf(opts.framework);
  let head: string[];
  if (style === 'go') {
    const specs = goImportSpecs(imports);
    head = [`package ${opts.goPackage ?? 'main'}`, ...(specs.length ? ['', renderGoImports(specs)] : [])];
  } else {
    const statements = mergeStatements([], splitImports(imports, style), style).map((s) => s.text);
    if (opts.framework === 'unittest' && !statements.some((s) => /^import\s+unittest\b|^from\s+unittest\b/.test(s))) statements.unshift('import unittest');
    head = statements;
  }
  let text = [...head, '', ...tests.map((t) => t.code.replace(/\s+$/, '')).join('\n\n').split('\n')].join('\n');
  if (style === 'js' && opts.testFile && opts.scratchFile) text = rebaseRelativeSpecifiers(text, dirOf(opts.testFile), dirOf(opts.scratchFile));
  return `${text.replace(/^\n+/, '')}\n`;
}

/**
 * The test file with the kept tests: `existing` as it is, new imports merged in (a named import from
 * a module it already imports joins that statement; an identical one is not repeated; others go
 * after its last import), the tests appended after a blank line. With no existing text, the file
 * as the scratch file would have it (without moving relative paths: they were written for it).
 */
export function mergeIntoTestFile(existing: string | undefined, imports: string, tests: readonly GeneratedTest[], opts: AssembleOptions): string {
  if (existing === undefined || existing.trim() === '') return assembleScratch(imports, tests, { framework: opts.framework, goPackage: opts.goPackage });
  const style = importStyleOf(opts.framework);
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  let lines = existing.replace(/\r\n/g, '\n').split('\n');
  if (style === 'go') lines = mergeGoImports(lines, goImportSpecs(imports));
  else lines = mergeImportLines(lines, splitImports(imports, style), style);
  let body = lines.join('\n').replace(/\s+$/, '');
  if (tests.length) body += `\n\n${tests.map((t) => t.code.replace(/\s+$/, '')).join('\n\n')}`;
  return `${body}\n`.replace(/\n/g, eol);
}

/** Two import texts as one: every statement of both, named imports of one module joined, none twice. */
export function mergeImportText(framework: FrameworkId, a: string, b: string): string {
  const style = importStyleOf(framework);
  if (style === 'go') return goImportSpecs(`${a}\n${b}`).map(renderGoSpec).join('\n');
  return mergeStatements(splitImports(a, style), splitImports(b, style), style).map((s) => s.text).join('\n');
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript and Python import statements

interface ImportStatement {
  readonly text: string;
  /** For a named import that can take more names: the module, whether it is type-only, and the names. */
  readonly named?: { readonly module: string; readonly typeOnly: boolean; readonly names: readonly string[]; readonly quote: string };
}

const JS_STATEMENT = /^\s*(?:import\b[\s\S]*?(?:from\s*(['"])[^'"\n]+\1|(['"])[^'"\n]+\2)\s*;?|(?:const|let|var)\b[^\n]*?require\(\s*(['"])[^'"\n]+\3\s*\)[^\n]*?;?|export\b[\s\S]*?from\s*(['"])[^'"\n]+\4\s*;?)/;
const JS_NAMED = /^import\s+(type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"]+)\3\s*;?$/;
const PY_FROM = /^from\s+([\w.]+)\s+import\s+([^()#]+?)\s*(?:#.*)?$/;

/** Import statements of a text: multi-line JS statements kept whole; other non-blank lines as they are. */
export function splitImports(text: string, style: 'js' | 'python'): ImportStatement[] {
  const out: ImportStatement[] = [];
  let rest = text.replace(/\r\n/g, '\n');
  while (rest.trim() !== '') {
    rest = rest.replace(/^\s*\n/, '');
    const m = style === 'js' ? JS_STATEMENT.exec(rest) : null;
    let raw: string;
    if (m) {
      raw = m[0].trim();
      rest = rest.slice(m[0].length);
    } else if (style === 'python' && /^\s*from\s+[\w.]+\s+import\s*\(/.test(rest)) {
      const end = rest.indexOf(')');
      raw = (end < 0 ? rest : rest.slice(0, end + 1)).trim();
      rest = end < 0 ? '' : rest.slice(end + 1);
    } else {
      const nl = rest.indexOf('\n');
      raw = (nl < 0 ? rest : rest.slice(0, nl)).trim();
      rest = nl < 0 ? '' : rest.slice(nl + 1);
    }
    if (raw !== '') out.push(parseStatement(raw, style));
  }
  return out;
}

function parseStatement(raw: string, style: 'js' | 'python'): ImportStatement {
  const flat = raw.replace(/\s+/g, ' ').replace(/\(\s*/g, '(').replace(/\s*\)/g, ')');
  if (style === 'js') {
    const m = JS_NAMED.exec(flat);
    if (m) return { text: raw, named: { module: m[4], typeOnly: m[1] !== undefined, names: splitNames(m[2]), quote: m[3] } };
    return { text: raw };
  }
  const p = PY_FROM.exec(flat.replace(/\((.*)\)/, '$1'));
  if (p && !p[2].includes('*')) return { text: raw, named: { module: p[1], typeOnly: false, names: splitNames(p[2]), quote: '' } };
  return { text: raw };
}

function splitNames(list: string): string[] {
  return list.split(',').map((n) => n.trim().replace(/\s+/g, ' ')).filter((n) => n !== '');
}

const normalize = (s: string) => s.replace(/\s+/g, ' ').replace(/;\s*$/, '').replace(/"/g, '\'').trim();

function renderNamed(n: NonNullable<ImportStatement['named']>, style: 'js' | 'python'): string {
  if (style === 'python') return `from ${n.module} import ${n.names.join(', ')}`;
  return `import ${n.typeOnly ? 'type ' : ''}{ ${n.names.join(', ')} } from ${n.quote}${n.module}${n.quote};`;
}

/** The local name a named import binds: `a as b` → b, `type a` → a. */
const boundName = (n: string) => n.replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();

/**
 * `into` with each of `add` merged: named imports of one module joined, identical statements once,
 * and a name already bound by a named import (from whatever module: `./math` and `./math.js` are
 * one file) not imported again, which would not compile.
 */
function mergeStatements(into: readonly ImportStatement[], add: readonly ImportStatement[], style: 'js' | 'python'): ImportStatement[] {
  const out = [...into];
  const bound = () => new Set(out.flatMap((o) => (o.named ? o.named.names.map(boundName) : [])));
  for (const s0 of add) {
    if (out.some((o) => normalize(o.text) === normalize(s0.text))) continue;
    let s = s0;
    if (s.named) {
      const have = bound();
      const fresh = s.named.names.filter((n) => !have.has(boundName(n)));
      if (fresh.length === 0) continue;
      if (fresh.length !== s.named.names.length) {
        const named = { ...s.named, names: fresh };
        s = { text: renderNamed(named, style), named };
      }
    }
    const i = s.named ? out.findIndex((o) => o.named && o.named.module === s.named!.module && o.named.typeOnly === s.named!.typeOnly) : -1;
    if (i >= 0) {
      const had = out[i].named!;
      const named = { ...had, names: [...had.names, ...s.named!.names] };
      out[i] = { text: renderNamed(named, style), named };
      continue;
    }
    out.push(s);
  }
  return out;
}

/** The existing file's lines with new import statements merged into its top-level imports. */
function mergeImportLines(lines: readonly string[], add: readonly ImportStatement[], style: 'js' | 'python'): string[] {
  // The file's top-level import statements, by the lines they span.
  const spans: Array<{ from: number; to: number; statement: ImportStatement }> = [];
  const starts = style === 'js' ? /^(?:import\b|(?:const|let|var)\b.*\brequire\()/ : /^(?:import\s|from\s+[\w.]+\s+import\b)/;
  for (let i = 0; i < lines.length; i++) {
    if (!starts.test(lines[i])) continue;
    let j = i;
    const closes = style === 'js'
      ? (t: string) => /(?:from\s*['"][^'"]+['"]|^import\s*['"][^'"]+['"]|require\(\s*['"][^'"]+['"]\s*\))\s*;?\s*(?:\/\/.*)?$/.test(t)
      : (t: string) => !/\(\s*$/.test(t.split('\n')[0]) || t.includes(')');
    while (j < lines.length - 1 && !closes(lines.slice(i, j + 1).join('\n'))) j++;
    spans.push({ from: i, to: j, statement: parseStatement(lines.slice(i, j + 1).join('\n'), style) });
    i = j;
  }
  const existing = spans.map((s) => s.statement);
  const merged = mergeStatements(existing, add, style);
  const added = merged.slice(existing.length).map((s) => s.text);
  if (spans.length === 0) {
    if (added.length === 0) return [...lines];
    // After a leading shebang, 'use strict' or comment lines; else at the top.
    const out = [...lines];
    let at = 0;
    while (at < out.length && /^#!|^\s*(?:\/\/|#)|^\s*['"]use strict['"]/.test(out[at])) at++;
    out.splice(at, 0, ...added, ...(out[at]?.trim() ? [''] : []));
    return out;
  }
  // Statements that grew are rewritten in place; new ones follow the last import.
  const out: string[] = [];
  let k = 0;
  for (let i = 0; i < lines.length; i++) {
    const span = spans[k];
    if (!span || i !== span.from) {
      out.push(lines[i]);
      continue;
    }
    out.push(...(merged[k] !== existing[k] ? [merged[k].text] : lines.slice(span.from, span.to + 1)));
    i = span.to;
    if (++k === spans.length) out.push(...added);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Go import specs

interface GoSpec {
  readonly alias?: string;
  readonly path: string;
}

export function goImportSpecs(text: string): GoSpec[] {
  const out: GoSpec[] = [];
  const body = text.replace(/^\s*package\s+\w+\s*$/gm, '').replace(/\bimport\b/g, '\n').replace(/[()]/g, '\n');
  for (const line of body.split('\n')) {
    const m = /^\s*(?:([\w.]+)\s+)?("[^"]+")\s*(?:\/\/.*)?$/.exec(line);
    if (!m) continue;
    const spec = { ...(m[1] ? { alias: m[1] } : {}), path: m[2] };
    if (!out.some((s) => s.path === spec.path && s.alias === spec.alias)) out.push(spec);
  }
  return out;
}

function renderGoSpec(s: GoSpec): string {
  return s.alias ? `${s.alias} ${s.path}` : s.path;
}

function renderGoImports(specs: readonly GoSpec[]): string {
  return specs.length === 1 ? `import ${renderGoSpec(specs[0])}` : ['import (', ...specs.map((s) => `\t${renderGoSpec(s)}`), ')'].join('\n');
}

function mergeGoImports(lines: readonly string[], add: readonly GoSpec[]): string[] {
  const text = lines.join('\n');
  const have = goImportSpecs((text.match(/^import\s*\([\s\S]*?^\)|^import\s+[^\n]+/gm) ?? []).join('\n'));
  const missing = add.filter((s) => !have.some((h) => h.path === s.path && h.alias === s.alias));
  if (missing.length === 0) return [...lines];
  const out = [...lines];
  const block = out.findIndex((l) => /^import\s*\(\s*$/.test(l));
  if (block >= 0) {
    const close = out.findIndex((l, i) => i > block && /^\)\s*$/.test(l));
    out.splice(close, 0, ...missing.map((s) => `\t${renderGoSpec(s)}`));
    return out;
  }
  const single = out.map((l, i) => (/^import\s/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (single.length) {
    out.splice(single[single.length - 1] + 1, 0, ...missing.map((s) => `import ${renderGoSpec(s)}`));
    return out;
  }
  const pkg = out.findIndex((l) => /^package\s+\w+/.test(l));
  out.splice(pkg + 1, 0, '', renderGoImports(missing));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Relative module paths

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function segments(path: string): string[] {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(s);
  }
  return out;
}

/** `spec` (relative to folder `from`) as a path relative to folder `to`; both root-relative. */
export function rebaseSpecifier(spec: string, from: string, to: string): string {
  const target = segments(`${from}/${spec}`);
  const base = segments(to);
  let common = 0;
  while (common < base.length && common < target.length && base[common] === target[common]) common++;
  const rel = [...base.slice(common).map(() => '..'), ...target.slice(common)].join('/');
  const out = rel.startsWith('..') ? rel : `./${rel}`;
  return spec.endsWith('/') && !out.endsWith('/') ? `${out}/` : out;
}

/** Every relative module path in imports, requires, dynamic imports and mock calls, moved from folder `from` to `to`. */
export function rebaseRelativeSpecifiers(text: string, from: string, to: string): string {
  if (segments(from).join('/') === segments(to).join('/')) return text;
  const re = /(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\b(?:vi|jest)\s*\.\s*(?:mock|doMock|unmock|importActual|requireActual)\s*(?:<[^>]*>)?\s*\(\s*)(['"])(\.{1,2}\/[^'"\n]*|\.{1,2})\2/g;
  return text.replace(re, (_m, lead: string, q: string, spec: string) => `${lead}${q}${rebaseSpecifier(spec, from, to)}${q}`);
}

/**
 * How the test file names the unit: for JavaScript and TypeScript the source's path relative to the
 * test file's folder, without its extension (`../src/add`); for Python its module name from the
 * project folder (a leading `src/` layout folder dropped); none for Go (same package).
 */
export function unitImportPath(framework: FrameworkId, testFile: string, source: string, projectDir = ''): string | undefined {
  const style = importStyleOf(framework);
  if (style === 'go') return undefined;
  if (style === 'js') {
    const i = source.lastIndexOf('/');
    const stem = source.slice(i + 1).replace(/\.(?:[cm]?[jt]sx?)$/, '');
    return rebaseSpecifier(`./${stem}`, dirOf(source), dirOf(testFile));
  }
  const base = segments(projectDir).join('/');
  let rel = base && source.startsWith(`${base}/`) ? source.slice(base.length + 1) : source;
  rel = rel.replace(/^src\//, '').replace(/\.py$/, '').replace(/\/__init__$/, '');
  return rel.split('/').join('.');
}
