// The functions `npm run eval:tests` asks tests for: plain functions of well-known npm packages the
// project did not write, at pinned versions (fetched once from the registry by the editor bench's
// ensureRepo, cached under .cache/bench-repos/), chosen to be testable with no network, clock or
// randomness. Each is found by a text of its first line, so a line number never goes stale.
import type { BenchRepo } from '../../editor/repo';

/** The packages, pinned: a changed version changes the prompts, so the recorded replies' keys. */
export const PACKAGES: Readonly<Record<string, BenchRepo>> = {
  ms: { pkg: 'ms', version: '2.1.3', keep: ['index.js', 'package.json', 'readme.md', 'license.md'] },
  'escape-html': { pkg: 'escape-html', version: '1.0.3', keep: ['index.js', 'package.json', 'Readme.md', 'LICENSE'] },
  bytes: { pkg: 'bytes', version: '3.1.2', keep: ['index.js', 'package.json', 'Readme.md', 'LICENSE'] },
  'fast-deep-equal': { pkg: 'fast-deep-equal', version: '3.1.3', keep: ['index.js', 'package.json', 'README.md', 'LICENSE'] },
  camelcase: { pkg: 'camelcase', version: '6.3.0', keep: ['index.js', 'package.json', 'readme.md', 'license'] },
  'balanced-match': { pkg: 'balanced-match', version: '1.0.2', keep: ['index.js', 'package.json', 'README.md', 'LICENSE.md'] },
  semver: { pkg: 'semver', version: '7.7.2', keep: ['classes', 'functions', 'internal', 'ranges', 'index.js', 'preload.js', 'package.json', 'README.md', 'LICENSE'] },
  'markdown-it': { pkg: 'markdown-it', version: '14.1.0', keep: ['lib', 'index.mjs', 'package.json', 'README.md', 'LICENSE'] },
};

export interface EvalFunction {
  /** Short and unique; names the recorded replies. */
  readonly id: string;
  /** Key of PACKAGES. */
  readonly pkg: string;
  /** Package-relative source file. */
  readonly path: string;
  /** Text (once in the file) on the function's first line: the line the tests are asked at. */
  readonly at: string;
}

export const FUNCTIONS: readonly EvalFunction[] = [
  // The unexported parser behind ms('1h'): tests must reach it through the default export.
  { id: 'ms-parse', pkg: 'ms', path: 'index.js', at: 'function parse(str) {' },
  { id: 'escape-html', pkg: 'escape-html', path: 'index.js', at: 'function escapeHtml(string) {' },
  { id: 'bytes-format', pkg: 'bytes', path: 'index.js', at: 'function format(value, options) {' },
  { id: 'bytes-parse', pkg: 'bytes', path: 'index.js', at: 'function parse(val) {' },
  { id: 'fast-deep-equal', pkg: 'fast-deep-equal', path: 'index.js', at: 'function equal(a, b) {' },
  { id: 'camelcase', pkg: 'camelcase', path: 'index.js', at: 'const camelCase = (input, options) => {' },
  { id: 'balanced-match', pkg: 'balanced-match', path: 'index.js', at: 'function balanced(a, b, str) {' },
  { id: 'semver-diff', pkg: 'semver', path: 'functions/diff.js', at: 'const diff = (version1, version2) => {' },
  { id: 'semver-coerce', pkg: 'semver', path: 'functions/coerce.js', at: 'const coerce = (version, options) => {' },
  { id: 'semver-inc', pkg: 'semver', path: 'functions/inc.js', at: 'const inc = (version, release, options, identifier, identifierBase) => {' },
  { id: 'semver-min-version', pkg: 'semver', path: 'ranges/min-version.js', at: 'const minVersion = (range, loose) => {' },
  { id: 'markdown-it-normalize-reference', pkg: 'markdown-it', path: 'lib/common/utils.mjs', at: 'function normalizeReference (str) {' },
  { id: 'markdown-it-unescape-all', pkg: 'markdown-it', path: 'lib/common/utils.mjs', at: 'function unescapeAll (str) {' },
];

/** The functions of the set (all, or those whose id contains one of `filters`), grouped by package in set order. */
export function selectFunctions(filters: readonly string[] = []): Map<string, EvalFunction[]> {
  const out = new Map<string, EvalFunction[]>();
  for (const f of FUNCTIONS) {
    if (filters.length && !filters.some((x) => f.id.includes(x))) continue;
    const list = out.get(f.pkg) ?? [];
    list.push(f);
    out.set(f.pkg, list);
  }
  return out;
}
