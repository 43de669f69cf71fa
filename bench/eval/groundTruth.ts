// Ground truth for XDR, independent of any context gatherer: the TypeScript compiler resolves every
// identifier of a package's files to its declarations, and we keep the lines that use something
// DECLARED IN ANOTHER FILE OF THE SAME PACKAGE.
//
// Resolution of one identifier:
//   symbol = checker.getSymbolAtLocation(id)   (for `{ x }` shorthand: the value symbol `x`)
//   then, repeatedly (at most 8 steps):
//     alias (import binding, export specifier, `const x = require()` in JS) → getAliasedSymbol
//     `{ x }` shorthand in an object (`module.exports = { x }`)              → the value symbol
//     `x: y` property assignment whose value is an identifier                → the symbol of `y`
//     `const { x } = require('./m')` (a JS destructured require)             → property `x` of the module
//   declarations: the symbol's value declaration and its overloads (not JS expando assignments such
//   as `obj.x = …` elsewhere), or all its declarations when it has no value declaration (types).
//   Kept: those in files of the package other than the current one. A symbol that also has a
//   declaration in the current file is skipped (it is visible there), and so are whole modules
//   (namespace imports, `const m = require('./m')` of a `module.exports = { … }` object): they are not
//   a definition, their members are.
// Identifiers inside import/export-from declarations and `require` declarations are not uses.
import ts from 'typescript';
import { relative, resolve, sep } from 'node:path';
import type { DefSite, GroundTruthDef } from './metric';

/** Compiler options for resolution only: JS and TS, bundler-style resolution (extensionless and `.js` → `.ts`). */
export const RESOLVER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es2022.d.ts'],
  jsx: ts.JsxEmit.Preserve,
  resolveJsonModule: false,
};

/** A line of a file that uses definitions from other files of the package. */
export interface UseLine {
  /** Package-relative path, forward slashes. */
  readonly path: string;
  /** 0-based line. */
  readonly line: number;
  /** Column (UTF-16 units) where the first cross-file identifier on the line starts. */
  readonly column: number;
  readonly defs: readonly GroundTruthDef[];
}

export interface ResolveResult {
  readonly lines: UseLine[];
  /** Identifiers visited and resolved to a cross-file definition (for the build log). */
  readonly identifiers: number;
  readonly crossFileUses: number;
}

const toPosix = (p: string) => p.split(sep).join('/');

/**
 * Every line of `files` (paths relative to `root`) that uses at least one identifier declared in
 * another of `files`, with those declarations. Lines are in file order, then line order.
 */
export function resolveCrossFileUses(root: string, files: readonly string[], options: ts.CompilerOptions = RESOLVER_OPTIONS): ResolveResult {
  const absRoot = resolve(root);
  const abs = files.map((f) => resolve(absRoot, f));
  const inPackage = new Map<string, string>();
  for (let i = 0; i < abs.length; i++) inPackage.set(normalizeKey(abs[i]), toPosix(files[i]).replace(/^\.\//, ''));
  const program = ts.createProgram(abs, options);
  const checker = program.getTypeChecker();
  const lines: UseLine[] = [];
  let identifiers = 0;
  let crossFileUses = 0;

  const siteCache = new Map<ts.Node, DefSite>();
  const siteOf = (decl: ts.Node, path: string): DefSite => {
    let s = siteCache.get(decl);
    if (!s) {
      s = declarationSite(decl, path);
      siteCache.set(decl, s);
    }
    return s;
  };

  for (let i = 0; i < abs.length; i++) {
    const sf = program.getSourceFile(abs[i]);
    if (!sf) continue;
    const here = normalizeKey(sf.fileName);
    const byLine = new Map<number, { column: number; defs: Map<string, { name: string; via: GroundTruthDef['via']; sites: DefSite[] }> }>();

    const onIdentifier = (id: ts.Identifier) => {
      identifiers++;
      let sym: ts.Symbol | undefined;
      if (ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id) sym = checker.getShorthandAssignmentValueSymbol(id.parent);
      else sym = checker.getSymbolAtLocation(id);
      if (!sym) return;
      const decls = primaryDeclarations(followSymbol(checker, sym));
      if (decls.length === 0) return;
      const sites: DefSite[] = [];
      let name = '';
      for (const d of decls) {
        const file = normalizeKey(d.getSourceFile().fileName);
        if (file === here) return; // visible in the current file
        const rel = inPackage.get(file);
        if (rel === undefined || isWholeModule(d)) continue;
        sites.push(siteOf(d, rel));
        if (name === '') name = declarationName(d);
      }
      if (sites.length === 0) return;
      crossFileUses++;
      const start = id.getStart(sf);
      const { line, character } = sf.getLineAndCharacterOfPosition(start);
      let entry = byLine.get(line);
      if (!entry) {
        entry = { column: character, defs: new Map() };
        byLine.set(line, entry);
      }
      entry.column = Math.min(entry.column, character);
      const key = sites.map((s) => `${s.path}:${s.startLine}:${s.nameLine}`).join('|');
      const via: GroundTruthDef['via'] = isMemberName(id) && !isModuleReceiver(checker, id) ? 'member' : 'name';
      const prev = entry.defs.get(key);
      if (prev) {
        if (via === 'name') prev.via = 'name';
      } else {
        entry.defs.set(key, { name, via, sites });
      }
    };

    const visit = (node: ts.Node): void => {
      if (isNotAUse(node)) return;
      if (ts.isIdentifier(node)) {
        onIdentifier(node);
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);

    const path = inPackage.get(here) ?? toPosix(relative(absRoot, sf.fileName));
    for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
      const e = byLine.get(line)!;
      lines.push({ path, line, column: e.column, defs: [...e.defs.values()].map((d) => ({ name: d.name, via: d.via, sites: d.sites })) });
    }
  }
  return { lines, identifiers, crossFileUses };
}

function normalizeKey(p: string): string {
  return toPosix(resolve(p));
}

/** Declarations that bring names in rather than use them. */
function isNotAUse(node: ts.Node): boolean {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportEqualsDeclaration(node)) return true;
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.every((d) => isRequireCall(d.initializer));
  if (ts.isVariableDeclaration(node)) return isRequireCall(node.initializer);
  return false;
}

/** `require('x')`, `require('x').y`, `require('x')(…)`. */
function isRequireCall(e: ts.Expression | undefined): boolean {
  while (e && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  if (!e || !ts.isCallExpression(e)) return false;
  if (ts.isIdentifier(e.expression) && e.expression.text === 'require') return true;
  return ts.isCallExpression(e.expression) && isRequireCall(e.expression);
}

function isMemberName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isQualifiedName(p) && p.right === id)
    || (ts.isPropertyAccessChain(p) && p.name === id) || (ts.isBindingElement(p) && p.propertyName === id);
}

/** `m.x` where `m` is a whole module (namespace import, `const m = require('./m')`): `x` is a top-level definition. */
function isModuleReceiver(checker: ts.TypeChecker, id: ts.Identifier): boolean {
  const p = id.parent;
  const recv = ts.isPropertyAccessExpression(p) ? p.expression : ts.isQualifiedName(p) ? p.left : undefined;
  if (!recv || !ts.isIdentifier(recv)) return false;
  const sym = checker.getSymbolAtLocation(recv);
  return !!sym && (followSymbol(checker, sym).declarations ?? []).some(isWholeModule);
}

/**
 * The declarations that define a symbol: its value declaration and its overloads (same file, same
 * kind), not the JS expando assignments (`webidl.converters.x = …` in other files) that TypeScript
 * also records as declarations. Symbols without a value declaration (types, merged interfaces)
 * keep all their declarations.
 */
function primaryDeclarations(s: ts.Symbol): readonly ts.Declaration[] {
  const all = s.declarations ?? [];
  const v = s.valueDeclaration;
  if (!v) return all;
  const file = v.getSourceFile();
  return all.filter((d) => d === v || (d.getSourceFile() === file && d.kind === v.kind));
}

function followSymbol(checker: ts.TypeChecker, start: ts.Symbol): ts.Symbol {
  let s = start;
  for (let step = 0; step < 8; step++) {
    if (s.flags & ts.SymbolFlags.Alias) {
      let a: ts.Symbol | undefined;
      try {
        a = checker.getAliasedSymbol(s);
      } catch {
        a = undefined;
      }
      if (!a || a === s || !a.declarations?.length) return s;
      s = a;
      continue;
    }
    const d = s.valueDeclaration ?? s.declarations?.[0];
    if (!d) return s;
    if (ts.isShorthandPropertyAssignment(d)) {
      const v = checker.getShorthandAssignmentValueSymbol(d);
      if (v && v !== s) {
        s = v;
        continue;
      }
    } else if (ts.isPropertyAssignment(d) && ts.isIdentifier(d.initializer)) {
      const v = checker.getSymbolAtLocation(d.initializer);
      if (v && v !== s) {
        s = v;
        continue;
      }
    } else if (ts.isBindingElement(d) && ts.isObjectBindingPattern(d.parent) && ts.isVariableDeclaration(d.parent.parent) && isRequireCall(d.parent.parent.initializer)) {
      const prop = d.propertyName ?? d.name;
      const name = ts.isIdentifier(prop) || ts.isStringLiteral(prop) ? prop.text : undefined;
      const v = name === undefined ? undefined : checker.getTypeAtLocation(d.parent.parent.initializer!).getProperty(name);
      if (v && v !== s) {
        s = v;
        continue;
      }
    }
    return s;
  }
  return s;
}

/** A whole module rather than a definition in it. */
function isWholeModule(d: ts.Node): boolean {
  if (ts.isSourceFile(d) || ts.isModuleDeclaration(d) && ts.isStringLiteral(d.name)) return true;
  // `module.exports = { … }` / `export = { … }`
  if (ts.isBinaryExpression(d) && ts.isObjectLiteralExpression(skipParens(d.right))) return true;
  if (ts.isExportAssignment(d) && ts.isObjectLiteralExpression(skipParens(d.expression))) return true;
  return false;
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** The name a definition is written with in its own file ('' when it has none to look for). */
function declarationName(d: ts.Node): string {
  if (ts.isBinaryExpression(d)) {
    const r = skipParens(d.right);
    if ((ts.isClassExpression(r) || ts.isFunctionExpression(r)) && r.name) return r.name.text;
    const l = d.left;
    if (ts.isPropertyAccessExpression(l) && l.name.text !== 'exports') return l.name.text;
    return '';
  }
  const n = ts.getNameOfDeclaration(d as ts.Declaration);
  if (!n) return '';
  if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  if (ts.isPropertyAccessExpression(n)) return n.name.text;
  return '';
}

/** The node whose lines a definition occupies: the whole statement for variables and CommonJS assignments. */
function rangeNode(d: ts.Node): ts.Node {
  if (ts.isBindingElement(d) || ts.isVariableDeclaration(d)) {
    let v: ts.Node = d;
    while (!ts.isVariableDeclaration(v) && v.parent) v = v.parent;
    if (ts.isVariableDeclaration(v) && ts.isVariableDeclarationList(v.parent) && v.parent.declarations.length === 1 && ts.isVariableStatement(v.parent.parent)) return v.parent.parent;
    return v;
  }
  if (ts.isPropertyAccessExpression(d) || ts.isElementAccessExpression(d) || ts.isBinaryExpression(d)) {
    for (let n: ts.Node | undefined = d; n; n = n.parent) {
      if (ts.isExpressionStatement(n)) return n;
      if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isFunctionLike(n)) break;
    }
  }
  return d;
}

function declarationSite(d: ts.Node, path: string): DefSite {
  const sf = d.getSourceFile();
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const r = rangeNode(d);
  const startLine = lineOf(r.getStart(sf, true));
  const endLine = Math.max(startLine, lineOf(r.getEnd()));
  const nameNode = ts.isBinaryExpression(d) ? d.left : ts.getNameOfDeclaration(d as ts.Declaration);
  const nameLine = nameNode ? lineOf(nameNode.getStart(sf)) : lineOf(d.getStart(sf));
  const brace = bodyStart(d, sf);
  const signatureEndLine = brace === undefined ? endLine : Math.min(endLine, Math.max(nameLine, lineOf(brace)));
  return { path, nameLine, startLine, endLine, signatureEndLine, kind: ts.SyntaxKind[d.kind] };
}

/** Position of the body's opening brace (or of an arrow's expression body), if the declaration has a body. */
function bodyStart(d: ts.Node, sf: ts.SourceFile): number | undefined {
  if (ts.isFunctionLike(d) && 'body' in d && d.body) return (d.body as ts.Node).getStart(sf);
  if (ts.isClassLike(d) || ts.isInterfaceDeclaration(d) || ts.isEnumDeclaration(d)) {
    const brace = d.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.OpenBraceToken);
    return brace?.getStart(sf);
  }
  if (ts.isModuleDeclaration(d) && d.body) return d.body.getStart(sf);
  if (ts.isTypeAliasDeclaration(d)) return d.type.getStart(sf);
  let init: ts.Expression | undefined;
  if (ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d) || ts.isPropertyAssignment(d)) init = d.initializer;
  else if (ts.isBinaryExpression(d)) init = d.right;
  else if (ts.isPropertyAccessExpression(d) && ts.isBinaryExpression(d.parent) && d.parent.left === d) init = d.parent.right;
  if (!init) return undefined;
  init = skipParens(init);
  if (ts.isFunctionExpression(init) || ts.isArrowFunction(init) || ts.isClassExpression(init)) return bodyStart(init, sf);
  if (ts.isObjectLiteralExpression(init) || ts.isCallExpression(init)) return init.getStart(sf);
  return undefined;
}
