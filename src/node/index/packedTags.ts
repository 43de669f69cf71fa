// One file's tags as flat arrays of numbers over a table of strings: the layout of the tags cache
// on disk (tagsCache.ts) and of the parse worker's messages. Posted as objects, a file's tags are
// structured-cloned field by field, and the receiving thread (the extension host's) rebuilds them
// slowly (V8 deserializes many small objects slowly): measured on 10,600 files of real tags, 240 ms
// to serialize and 510 ms to deserialize as objects, against 200 ms to pack and serialize and
// 145 ms to deserialize and unpack this way (typed arrays clone as one copy).
import type {
  Definition, DefinitionKind, FileTags, ImportSpec, LanguageId, Reference, ReferenceKind,
} from '../../core/index/tags';

/**
 * name, kind, line, startLine, endLine, signatureEndLine, container (-1: none), then the span:
 * byteStart after the previous definition's span, byteLength (-1: no span), and its last line
 * after startLine times 4 plus its flags (small numbers keep the cache's JSON short: it is read
 * on every warm start).
 */
export const DEF_FIELDS = 10;
/** name, kind, line */
export const REF_FIELDS = 3;
// imports: source, line, n, name × n, repeated

const WHOLE = 1;
const CUT = 2;

/** How a packer numbers strings and kinds. */
export interface Numbering {
  string(s: string): number;
  defKind(k: DefinitionKind): number;
  refKind(k: ReferenceKind): number;
}

/** The reverse, throwing on a number it does not know (a corrupt cache). */
export interface Naming {
  string(i: number): string;
  defKind(i: number): DefinitionKind;
  refKind(i: number): ReferenceKind;
}

export interface PackedArrays<A> {
  readonly defs: A;
  readonly refs: A;
  readonly imports: A;
}

/** A table of strings, each numbered once, in the order first seen. */
export function stringTable(): { readonly strings: string[]; number(s: string): number } {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  return {
    strings,
    number(s) {
      let i = ids.get(s);
      if (i === undefined) {
        i = strings.push(s) - 1;
        ids.set(s, i);
      }
      return i;
    },
  };
}

/** Packs into arrays made by `alloc` (plain arrays for JSON, typed arrays for messages), filled in one pass. */
export function pack<A extends { [i: number]: number }>(tags: FileTags, n: Numbering, alloc: (length: number) => A): PackedArrays<A> {
  const defs = alloc(tags.definitions.length * DEF_FIELDS);
  let k = 0;
  let lastStart = 0;
  for (const d of tags.definitions) {
    defs[k++] = n.string(d.name);
    defs[k++] = n.defKind(d.kind);
    defs[k++] = d.line;
    defs[k++] = d.startLine;
    defs[k++] = d.endLine;
    defs[k++] = d.signatureEndLine;
    defs[k++] = d.container === undefined ? -1 : n.string(d.container);
    const s = d.span;
    defs[k++] = s ? s.byteStart - lastStart : 0;
    defs[k++] = s ? s.byteLength : -1;
    if (s) lastStart = s.byteStart;
    defs[k++] = s ? (s.endLine - d.startLine) * 4 + (s.whole ? WHOLE : 0) + (s.cut ? CUT : 0) : 0;
  }
  const refs = alloc(tags.references.length * REF_FIELDS);
  k = 0;
  for (const r of tags.references) {
    refs[k++] = n.string(r.name);
    refs[k++] = n.refKind(r.kind);
    refs[k++] = r.line;
  }
  let importFields = 0;
  for (const im of tags.imports) importFields += 3 + im.names.length;
  const imports = alloc(importFields);
  k = 0;
  for (const im of tags.imports) {
    imports[k++] = n.string(im.source);
    imports[k++] = im.line;
    imports[k++] = im.names.length;
    for (const name of im.names) imports[k++] = n.string(name);
  }
  return { defs, refs, imports };
}

export function unpack(language: LanguageId, { defs, refs, imports: imps }: PackedArrays<ArrayLike<number>>, n: Naming): FileTags {
  if (defs.length % DEF_FIELDS !== 0 || refs.length % REF_FIELDS !== 0) throw new Error('malformed');
  const definitions: Definition[] = new Array(defs.length / DEF_FIELDS);
  let lastStart = 0;
  for (let i = 0, k = 0; i < defs.length; i += DEF_FIELDS, k++) {
    const def: { -readonly [K in keyof Definition]: Definition[K] } = {
      name: n.string(defs[i]), kind: n.defKind(defs[i + 1]), line: defs[i + 2], startLine: defs[i + 3],
      endLine: defs[i + 4], signatureEndLine: defs[i + 5],
    };
    if (defs[i + 6] >= 0) def.container = n.string(defs[i + 6]);
    if (defs[i + 8] >= 0) {
      const packed = defs[i + 9];
      lastStart += defs[i + 7];
      def.span = { byteStart: lastStart, byteLength: defs[i + 8], endLine: def.startLine + (packed >> 2), whole: (packed & WHOLE) !== 0, cut: (packed & CUT) !== 0 };
    }
    definitions[k] = def;
  }
  const references: Reference[] = new Array(refs.length / REF_FIELDS);
  for (let i = 0, k = 0; i < refs.length; i += REF_FIELDS, k++) {
    references[k] = { name: n.string(refs[i]), kind: n.refKind(refs[i + 1]), line: refs[i + 2] };
  }
  const imports: ImportSpec[] = [];
  for (let i = 0; i < imps.length;) {
    const count = imps[i + 2];
    if (!(count >= 0) || i + 3 + count > imps.length) throw new Error('malformed');
    const names: string[] = new Array(count);
    for (let j = 0; j < count; j++) names[j] = n.string(imps[i + 3 + j]);
    imports.push({ source: n.string(imps[i]), names, line: imps[i + 1] });
    i += 3 + count;
  }
  return { language, definitions, references, imports };
}

// ---- the worker's messages ----------------------------------------------------------------------

/** A file's tags as the worker posts them: the kinds numbered by the fixed tables below. */
export interface WireTags extends PackedArrays<Int32Array> {
  readonly language: LanguageId;
  readonly strings: readonly string[];
}

/** Both ends run the same build, so the kinds need no table in the message. */
const DEF_KINDS: readonly DefinitionKind[] = [
  'function', 'method', 'class', 'interface', 'type', 'enum', 'constant', 'variable',
  'field', 'module', 'namespace', 'macro', 'trait', 'struct', 'constructor',
];
const REF_KINDS: readonly ReferenceKind[] = ['call', 'type', 'import', 'other'];
const DEF_KIND_INDEX = new Map(DEF_KINDS.map((k, i) => [k, i]));
const REF_KIND_INDEX = new Map(REF_KINDS.map((k, i) => [k, i]));

export function toWire(tags: FileTags): WireTags {
  const { strings, number } = stringTable();
  const arrays = pack(tags, {
    string: number,
    defKind: (k) => DEF_KIND_INDEX.get(k) as number,
    refKind: (k) => REF_KIND_INDEX.get(k) as number,
  }, (length) => new Int32Array(length));
  return { language: tags.language, strings, ...arrays };
}

export function fromWire(w: WireTags): FileTags {
  return unpack(w.language, w, {
    string: (i) => w.strings[i] as string,
    defKind: (i) => DEF_KINDS[i] as DefinitionKind,
    refKind: (i) => REF_KINDS[i] as ReferenceKind,
  });
}
