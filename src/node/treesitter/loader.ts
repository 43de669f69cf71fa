// Loads the tree-sitter runtime and, lazily, one grammar per language with its compiled tags query.
// Loading all 12 grammars costs ~66 ms and ~57 MB, so only the languages a workspace uses are loaded.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as WebTreeSitter from 'web-tree-sitter';
import type { Language, Parser, Query } from 'web-tree-sitter';
import type { LanguageId } from '../../core/index/tags';
import { wasmFileFor } from './languages';
import { tagsQueryFor } from './queries';

export interface GrammarPaths {
  /** Folder holding the `tree-sitter-<lang>.wasm` grammar files. */
  readonly wasmDir: string;
  /** The web-tree-sitter runtime, `tree-sitter.wasm`. */
  readonly runtimeWasm: string;
}

/** What parses and tags one language. The parser is not re-entrant: use it from one caller at a time. */
export interface Grammar {
  readonly parser: Parser;
  readonly language: Language;
  readonly tagsQuery: Query;
  /** Patterns rooted at the file node, run from the root only (see queries/index.ts); none for some languages. */
  readonly topLevelQuery?: Query;
}

/**
 * `require`, not `import`: an import makes esbuild bundle web-tree-sitter's ESM build, which
 * locates itself through `import.meta.url`, empty in the CJS bundle (Parser.init then fails with
 * "The argument 'filename' must be ... Received undefined"); its CJS build uses `__dirname`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Language: LanguageClass, Parser: ParserClass, Query: QueryClass } = require('web-tree-sitter') as typeof WebTreeSitter;

/**
 * The runtime is one wasm module per process (web-tree-sitter keeps it in module state), so it is
 * initialised once whatever the number of loaders; the first loader's path wins.
 */
let runtimeReady: Promise<void> | undefined;
/** The options object given to the runtime, which emscripten turns into its module (with HEAP8). */
interface RuntimeModule {
  locateFile(file: string, prefix: string): string;
  readonly HEAP8?: Int8Array;
}
let runtimeModule: RuntimeModule | undefined;

function initRuntime(runtimeWasm: string): Promise<void> {
  const moduleOptions: RuntimeModule = {
    locateFile: (file: string, prefix: string) => (file === 'tree-sitter.wasm' ? runtimeWasm : prefix + file),
  };
  runtimeReady ??= ParserClass.init(moduleOptions).then(() => {
    runtimeModule = moduleOptions;
  }, (e: unknown) => {
    runtimeReady = undefined;
    throw new Error(`tree-sitter runtime failed to load from ${runtimeWasm}: ${errorText(e)}`);
  });
  return runtimeReady;
}

/**
 * Size of the tree-sitter wasm heap in bytes (0 before the runtime loads). It only grows: trees
 * that are not deleted show up here, not in the JS heap.
 */
export function runtimeHeapBytes(): number {
  return runtimeModule?.HEAP8?.byteLength ?? 0;
}

export class GrammarLoader {
  private readonly grammars = new Map<LanguageId, Promise<Grammar>>();
  private readonly loaded: Grammar[] = [];

  constructor(private readonly opts: GrammarPaths) {}

  /** Loads the runtime ahead of the first grammar (a worker does while it waits for work). */
  init(): Promise<void> {
    return initRuntime(this.opts.runtimeWasm);
  }

  /** The grammar of `lang`, loaded on first use and cached; a failed load is retried on the next call. */
  parserFor(lang: LanguageId): Promise<Grammar> {
    let g = this.grammars.get(lang);
    if (!g) {
      g = this.load(lang);
      g.catch(() => this.grammars.delete(lang));
      this.grammars.set(lang, g);
    }
    return g;
  }

  /** Frees the parsers and queries. Languages stay in the runtime (web-tree-sitter cannot unload them). */
  dispose(): void {
    for (const g of this.loaded.splice(0)) {
      g.tagsQuery.delete();
      g.topLevelQuery?.delete();
      g.parser.delete();
    }
    this.grammars.clear();
  }

  private async load(lang: LanguageId): Promise<Grammar> {
    await initRuntime(this.opts.runtimeWasm);
    const file = join(this.opts.wasmDir, wasmFileFor(lang));
    let language: Language;
    try {
      language = await LanguageClass.load(new Uint8Array(await readFile(file)));
    } catch (e) {
      throw new Error(`tree-sitter grammar for ${lang} failed to load from ${file}: ${errorText(e)}`);
    }
    const source = tagsQueryFor(lang);
    let tagsQuery: Query;
    let topLevelQuery: Query | undefined;
    try {
      tagsQuery = new QueryClass(language, source.main);
      if (source.topLevel.trim() !== '') topLevelQuery = new QueryClass(language, source.topLevel);
    } catch (e) {
      throw new Error(`tags query for ${lang} does not compile: ${errorText(e)}`);
    }
    const parser = new ParserClass();
    parser.setLanguage(language);
    const grammar: Grammar = topLevelQuery ? { parser, language, tagsQuery, topLevelQuery } : { parser, language, tagsQuery };
    this.loaded.push(grammar);
    return grammar;
  }
}

/**
 * Where the wasm files are: `grammars/` next to the running bundle (esbuild's CJS output keeps
 * `__dirname`; the build copies the runtime and the grammars there), else the installed packages.
 */
export function defaultGrammarPaths(): GrammarPaths {
  if (typeof __dirname === 'string') {
    const bundled = join(__dirname, 'grammars');
    const runtimeWasm = join(bundled, 'tree-sitter.wasm');
    if (existsSync(runtimeWasm)) return { wasmDir: bundled, runtimeWasm };
  }
  const req = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'index.js'));
  // web-tree-sitter's `exports` map does not expose package.json, but it does expose the wasm.
  const runtimeWasm = req.resolve('web-tree-sitter/tree-sitter.wasm');
  const wasmDir = join(dirname(req.resolve('tree-sitter-wasms/package.json')), 'out');
  return { wasmDir, runtimeWasm };
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg || 'unknown error (an incompatible grammar ABI gives an empty message)';
}
