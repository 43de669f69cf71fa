// Turns one source file into FileTags: parse with tree-sitter, run the language's tags query, and
// read its captures. The query (queries/<lang>.ts) says WHAT is a definition, a reference or an
// import; this file only knows the capture names, which are the contract between the two:
//
//   @definition.<kind>  the whole definition node (<kind> is a DefinitionKind); `definition.none`
//                       un-defines a name an earlier pattern defined (`const fs = require('fs')`)
//   @name               its name, in the same match
//   @body               optional, same match: the node that opens the body (`{ ... }`, a Python block)
//   @container          optional, same match: the owner's name when it is not an enclosing node
//                       (a Go method's receiver type, C++ `Foo::bar` defined out of line)
//   @scope, @scope.name a container that is not itself a definition (a Rust `impl Foo`)
//   @reference.call | .type | .other   a name used
//   @import             the import statement; @import.source the module as written;
//   @import.name        a name it brings in (also a Reference of kind 'import');
//   @import.names       a list of names it brings in (`{ a, b as c }`, `{ x, y: z }`): each entry's
//                       `name` field, else its `key` field if an identifier, else the entry itself
//                       if it is an identifier, counts as an @import.name
//   @import.default     a default import ('default'); @import.namespace a namespace/wildcard ('*')
//   @local              a name declared for local use only (a type parameter `T`): type references
//                       to that name in the file are dropped, they do not point to another file
//
// Captures starting with `_` are helpers for predicates and are ignored. When two patterns define
// the same name node, the LATER pattern wins: queries list generic patterns first (`function`) and
// specific ones after (`method` when inside a class); the top-level query's patterns come after
// all of the main query's.
import type { Node, QueryCapture, Tree } from 'web-tree-sitter';
import type {
  Definition, DefinitionKind, FileTags, ImportSpec, LanguageId, Reference, ReferenceKind,
} from '../../core/index/tags';
import type { Grammar } from './loader';

const enum Role {
  Ignore, Name, Definition, Body, Container, Scope, ScopeName, Reference, Local,
  Import, ImportSource, ImportName, ImportNames, ImportDefault, ImportNamespace,
}

interface CaptureRole {
  readonly role: Role;
  readonly defKind?: DefinitionKind;
  readonly refKind?: ReferenceKind;
}

const DEFINITION_KINDS: ReadonlySet<string> = new Set<DefinitionKind>([
  'function', 'method', 'class', 'interface', 'type', 'enum', 'constant', 'variable',
  'field', 'module', 'namespace', 'macro', 'trait', 'struct', 'constructor',
]);

/**
 * Definitions that other definitions nest in, and so name their container. Not `type`: a C
 * typedef wraps the struct it names, which is not nested in it (queries name a type alias's
 * members' container with @container).
 */
const CONTAINER_KINDS: ReadonlySet<DefinitionKind> = new Set<DefinitionKind>([
  'class', 'interface', 'struct', 'trait', 'enum', 'module', 'namespace',
]);

const REFERENCE_KINDS: ReadonlySet<string> = new Set<ReferenceKind>(['call', 'type', 'import', 'other']);

/** The kind of a tombstone: a later pattern saying an earlier one's match is not a definition. */
const NOT_A_DEFINITION = 'none' as DefinitionKind;

/**
 * Matches a query may have in progress at once (tree-sitter's default is unbounded). A pattern
 * that captures each entry of a long list and needs a node after it keeps one per entry, each
 * stepped on every later node: quadratic in the list's length, where no bound drops the oldest.
 * The patterns avoid that shape (queries/ecmascript.ts); this bounds what one would cost.
 */
const MATCH_LIMIT = 1024;

/** Names longer than this are not identifiers someone will look up (minified code, generated blobs). */
const MAX_NAME_LENGTH = 200;

function roleOf(captureName: string): CaptureRole {
  switch (captureName) {
    case 'name': return { role: Role.Name };
    case 'body': return { role: Role.Body };
    case 'container': return { role: Role.Container };
    case 'scope': return { role: Role.Scope };
    case 'scope.name': return { role: Role.ScopeName };
    case 'import': return { role: Role.Import };
    case 'import.source': return { role: Role.ImportSource };
    case 'import.name': return { role: Role.ImportName };
    case 'import.names': return { role: Role.ImportNames };
    case 'import.default': return { role: Role.ImportDefault };
    case 'import.namespace': return { role: Role.ImportNamespace };
    case 'local': return { role: Role.Local };
  }
  if (captureName.startsWith('definition.')) {
    const kind = captureName.slice('definition.'.length);
    if (DEFINITION_KINDS.has(kind)) return { role: Role.Definition, defKind: kind as DefinitionKind };
    if (kind === 'none') return { role: Role.Definition, defKind: NOT_A_DEFINITION };
  }
  if (captureName.startsWith('reference.')) {
    const kind = captureName.slice('reference.'.length);
    if (REFERENCE_KINDS.has(kind)) return { role: Role.Reference, refKind: kind as ReferenceKind };
  }
  return { role: Role.Ignore };
}

/** Capture name → role, built once per capture name and shared by every query. */
const roles = new Map<string, CaptureRole>();

function captureRole(name: string): CaptureRole {
  let r = roles.get(name);
  if (!r) {
    r = roleOf(name);
    roles.set(name, r);
  }
  return r;
}

interface RawDefinition {
  name: string;
  kind: DefinitionKind;
  line: number;
  nameIndex: number;
  startIndex: number;
  endIndex: number;
  startLine: number;
  endLine: number;
  signatureEndLine: number;
  container: string | undefined;
  pattern: number;
}

interface RawScope {
  readonly name: string;
  readonly startIndex: number;
  readonly endIndex: number;
}

interface RawReference {
  readonly name: string;
  readonly kind: ReferenceKind;
  readonly line: number;
  readonly index: number;
}

interface RawImport {
  readonly source: string;
  readonly line: number;
  readonly names: string[];
}

/** The name node of an entry of an @import.names list (see the contract above); undefined for a comment, a rest element, a computed key. */
function listedName(entry: Node): Node | undefined {
  const name = entry.childForFieldName('name');
  if (name) return name;
  const key = entry.childForFieldName('key');
  if (key) return key.type.includes('identifier') ? key : undefined;
  return entry.childCount === 0 && entry.type.includes('identifier') ? entry : undefined;
}

/** A file that yields nothing: empty input, or a parse that did not finish. */
function emptyTags(language: LanguageId): FileTags {
  return { language, definitions: [], references: [], imports: [] };
}

/**
 * Definitions, references and imports of one file. Never throws: a syntax error yields what the
 * parser recovered, and an internal failure yields what was gathered before it. The tree is always
 * freed (it lives in wasm memory, which the garbage collector does not see).
 */
export function extractTags(text: string, lang: LanguageId, grammar: Grammar): FileTags {
  if (text.length === 0) return emptyTags(lang);
  let tree: Tree | null = null;
  const acc = new Accumulator(text);
  try {
    tree = grammar.parser.parse(text);
    if (!tree) return emptyTags(lang);
    const root = tree.rootNode;
    const matches = grammar.tagsQuery.matches(root, { matchLimit: MATCH_LIMIT });
    for (let i = 0; i < matches.length; i++) acc.addMatch(matches[i]!.captures, matches[i]!.patternIndex);
    if (grammar.topLevelQuery) {
      // Numbered after the main query's patterns, so that they override them.
      const offset = grammar.tagsQuery.patternCount();
      const top = grammar.topLevelQuery.matches(root, { maxStartDepth: 0, matchLimit: MATCH_LIMIT });
      for (let i = 0; i < top.length; i++) acc.addMatch(top[i]!.captures, offset + top[i]!.patternIndex);
    }
  } catch {
    // Keep what was gathered: a partial index entry beats none, and the caller must not fail.
    // A parse cut short would resume on the next call unless reset.
    try {
      grammar.parser.reset();
    } catch {
      // Nothing more to do: the next parse reports its own failure.
    }
  } finally {
    tree?.delete();
  }
  try {
    return acc.finish(lang);
  } catch {
    return emptyTags(lang);
  }
}

class Accumulator {
  /** Keyed by the name node's start, so a later pattern can override an earlier one. */
  private readonly defs = new Map<number, RawDefinition>();
  private readonly scopes: RawScope[] = [];
  private readonly refs: RawReference[] = [];
  private readonly imports = new Map<string, RawImport>();
  private readonly importRefs: RawReference[] = [];
  private locals: Set<string> | undefined;

  constructor(private readonly source: string) {}

  /** A node's text, cut from the parsed string (indices are UTF-16 code units), not read back through web-tree-sitter. */
  private textOf(node: Node): string {
    return this.source.slice(node.startIndex, node.endIndex);
  }

  addMatch(captures: readonly QueryCapture[], pattern: number): void {
    let name: Node | undefined;
    let def: Node | undefined;
    let defKind: DefinitionKind | undefined;
    let body: Node | undefined;
    let container: Node | undefined;
    let scope: Node | undefined;
    let scopeName: Node | undefined;
    let imp: Node | undefined;
    let source: Node | undefined;
    let importNames: string[] | undefined;
    for (let i = 0; i < captures.length; i++) {
      const c = captures[i]!;
      const r = captureRole(c.name);
      switch (r.role) {
        case Role.Name: name = c.node; break;
        case Role.Definition: def = c.node; defKind = r.defKind; break;
        case Role.Body: body = c.node; break;
        case Role.Container: container = c.node; break;
        case Role.Scope: scope = c.node; break;
        case Role.ScopeName: scopeName = c.node; break;
        case Role.Reference: this.addReference(c.node, r.refKind!); break;
        case Role.Local: (this.locals ??= new Set()).add(this.textOf(c.node)); break;
        case Role.Import: imp = c.node; break;
        case Role.ImportSource: source = c.node; break;
        case Role.ImportName: this.addImportName(c.node, (importNames ??= [])); break;
        case Role.ImportNames: {
          const into = (importNames ??= []);
          for (const entry of c.node.namedChildren) {
            const n = entry && listedName(entry);
            if (n) this.addImportName(n, into);
          }
          break;
        }
        case Role.ImportDefault: (importNames ??= []).push('default'); break;
        case Role.ImportNamespace: (importNames ??= []).push('*'); break;
        default: break;
      }
    }
    if (def && name && defKind) this.addDefinition(def, defKind, name, body, container, pattern);
    if (scope && scopeName) {
      const n = this.textOf(scopeName);
      if (isName(n)) this.scopes.push({ name: n, startIndex: scope.startIndex, endIndex: scope.endIndex });
    }
    if (imp && source) this.addImport(imp, source, importNames);
  }

  /** A name an import brings in: to the import's names, and a reference of kind 'import'. */
  private addImportName(node: Node, into: string[]): void {
    const n = this.textOf(node);
    into.push(n);
    const short = lastSegment(n);
    if (isName(short)) this.importRefs.push({ name: short, kind: 'import', line: node.startPosition.row, index: node.startIndex });
  }

  private addDefinition(def: Node, kind: DefinitionKind, nameNode: Node, body: Node | undefined, container: Node | undefined, pattern: number): void {
    const nameIndex = nameNode.startIndex;
    const prev = this.defs.get(nameIndex);
    if (prev && prev.pattern > pattern) return;
    const name = cleanName(this.textOf(nameNode));
    if (!isName(name)) return;
    const startLine = def.startPosition.row;
    const endLine = Math.max(startLine, lastLine(def));
    let signatureEndLine = endLine;
    if (body) signatureEndLine = Math.min(endLine, Math.max(startLine, bodyStartLine(body)));
    const containerName = container ? cleanName(this.textOf(container)) : undefined;
    this.defs.set(nameIndex, {
      name,
      kind,
      line: nameNode.startPosition.row,
      nameIndex,
      startIndex: def.startIndex,
      endIndex: def.endIndex,
      startLine,
      endLine,
      signatureEndLine,
      container: containerName && isName(containerName) ? containerName : undefined,
      pattern,
    });
  }

  private addReference(node: Node, kind: ReferenceKind): void {
    const name = cleanName(this.textOf(node));
    if (isName(name)) this.refs.push({ name, kind, line: node.startPosition.row, index: node.startIndex });
  }

  private addImport(imp: Node, sourceNode: Node, names: string[] | undefined): void {
    const source = unquote(this.textOf(sourceNode));
    if (source.length === 0 || source.length > 1000) return;
    const key = `${imp.startIndex}\u0000${source}`;
    let entry = this.imports.get(key);
    if (!entry) {
      entry = { source, line: imp.startPosition.row, names: [] };
      this.imports.set(key, entry);
    }
    if (names) for (const n of names) if (!entry.names.includes(n)) entry.names.push(n);
  }

  finish(language: LanguageId): FileTags {
    const raw = [...this.defs.values()].filter((d) => d.kind !== NOT_A_DEFINITION).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex || a.nameIndex - b.nameIndex);
    assignContainers(raw, this.scopes);
    const definitions: Definition[] = raw
      .sort((a, b) => a.line - b.line || a.nameIndex - b.nameIndex)
      .map((d) => {
        const out: { -readonly [K in keyof Definition]: Definition[K] } = {
          name: d.name, kind: d.kind, line: d.line, startLine: d.startLine, endLine: d.endLine, signatureEndLine: d.signatureEndLine,
        };
        if (d.container !== undefined) out.container = d.container;
        return out;
      });

    // A definition's own name is not a use of it (type-identifier patterns also match declarations).
    const defNames = new Set<number>();
    for (const d of raw) defNames.add(d.nameIndex);
    const locals = this.locals;
    const refs = this.refs
      .filter((r) => !defNames.has(r.index) && !(locals && r.kind === 'type' && locals.has(r.name)))
      .concat(this.importRefs);
    refs.sort((a, b) => a.line - b.line || a.index - b.index || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    const references: Reference[] = [];
    const seen = new Set<string>();
    for (const r of refs) {
      const key = `${r.line}\u0000${r.kind}\u0000${r.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      references.push({ name: r.name, kind: r.kind, line: r.line });
    }

    const imports: ImportSpec[] = [...this.imports.values()]
      .sort((a, b) => a.line - b.line)
      .map((i) => ({ source: i.source, names: i.names, line: i.line }));
    return { language, definitions, references, imports };
  }
}

/**
 * The container of each definition: the innermost enclosing class-like definition or scope, unless
 * the query named one. Ranges in a syntax tree nest or are disjoint, so one sweep with a stack does.
 * `defs` must be sorted by start, outer first.
 */
function assignContainers(defs: RawDefinition[], scopes: readonly RawScope[]): void {
  if (defs.length === 0) return;
  const open: RawScope[] = [];
  const sortedScopes = [...scopes].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  let s = 0;
  for (const d of defs) {
    // Scopes starting before this definition (or with it, when wider) are candidates.
    while (s < sortedScopes.length && (sortedScopes[s]!.startIndex < d.startIndex
      || (sortedScopes[s]!.startIndex === d.startIndex && sortedScopes[s]!.endIndex > d.endIndex))) {
      push(open, sortedScopes[s++]!);
    }
    while (open.length > 0 && !encloses(open[open.length - 1]!, d)) open.pop();
    if (d.container === undefined && open.length > 0) d.container = open[open.length - 1]!.name;
    if (CONTAINER_KINDS.has(d.kind)) push(open, { name: d.name, startIndex: d.startIndex, endIndex: d.endIndex });
  }
}

function push(open: RawScope[], scope: RawScope): void {
  while (open.length > 0 && !encloses(open[open.length - 1]!, scope)) open.pop();
  open.push(scope);
}

function encloses(outer: RawScope, inner: { startIndex: number; endIndex: number }): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex
    && (outer.startIndex !== inner.startIndex || outer.endIndex !== inner.endIndex);
}

/** The node's last line; a node ending with its newline (`#define`) ends on the line before. */
function lastLine(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/**
 * The line where the body opens: a body that starts with a token (`{`, `[`) starts on that line;
 * one that starts with its first statement (a Python block, a Ruby body) opens on the line of the
 * token before it (the `:`, the parameters).
 */
function bodyStartLine(body: Node): number {
  const first = body.firstChild;
  if (first === null || !first.isNamed) return body.startPosition.row;
  let prev = body.previousSibling;
  while (prev !== null && prev.isExtra) prev = prev.previousSibling;
  return prev === null ? body.startPosition.row : prev.endPosition.row;
}

/** Ruby symbols (`:name`) and PHP variables (`$name`) name things without their sigil. */
function cleanName(text: string): string {
  const c = text.charCodeAt(0);
  return c === 0x3a /* : */ || c === 0x24 /* $ */ ? text.slice(1) : text;
}

function isName(s: string): boolean {
  return s.length > 0 && s.length <= MAX_NAME_LENGTH && !/[\s]/.test(s);
}

/** `a::b::c`, `a.b.c`, `A\B\C` → the last segment, the name a use site will mention. */
function lastSegment(s: string): string {
  const i = Math.max(s.lastIndexOf(':'), s.lastIndexOf('.'), s.lastIndexOf('\\'));
  return i < 0 ? s : s.slice(i + 1);
}

/** The module as written, without its quotes or angle brackets. */
function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2) {
    const a = t[0];
    const b = t[t.length - 1];
    if ((a === '"' || a === '\'' || a === '`') && b === a) return t.slice(1, -1);
    if (a === '<' && b === '>') return t.slice(1, -1);
  }
  return t;
}
