// Checks one generated test's code for syntax on its own, with the tree-sitter grammars the index
// already loads (no compiler or interpreter of the project is started, so nothing generated runs):
// a test that does not parse is dropped alone instead of making the whole scratch file fail to load.
// TypeScript is accepted by the TypeScript or the TSX grammar (a test may hold JSX); a Go test
// function is parsed as it stands, without its file's package clause, which the grammar allows.
import type { LanguageId } from '../../core/index/tags';
import type { SyntaxChecker, TestLanguage } from '../../core/testgen/types';
import { defaultGrammarPaths, GrammarLoader, type GrammarPaths } from '../treesitter/loader';

const GRAMMARS: Record<TestLanguage, readonly LanguageId[]> = {
  typescript: ['typescript', 'tsx'],
  javascript: ['javascript'],
  python: ['python'],
  go: ['go'],
};

interface SyntaxNode {
  readonly type: string;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly startPosition: { row: number; column: number };
  readonly text: string;
  readonly childCount: number;
  child(i: number): SyntaxNode | null;
}

/** The first ERROR or MISSING node, depth first. */
function firstError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    const e = c && firstError(c);
    if (e) return e;
  }
  return undefined;
}

export class TreeSitterSyntaxChecker implements SyntaxChecker {
  private readonly loader: GrammarLoader;

  constructor(paths: GrammarPaths = defaultGrammarPaths()) {
    this.loader = new GrammarLoader(paths);
  }

  async check(language: TestLanguage, code: string): Promise<string | undefined> {
    let problem: string | undefined;
    for (const lang of GRAMMARS[language]) {
      const { parser } = await this.loader.parserFor(lang);
      const tree = parser.parse(code);
      if (!tree) return 'the parser gave no tree';
      try {
        const err = firstError(tree.rootNode as unknown as SyntaxNode);
        if (!err) return undefined;
        const where = `line ${err.startPosition.row + 1}, column ${err.startPosition.column + 1}`;
        problem ??= err.isMissing ? `${where}: "${err.type}" expected` : `${where}: unexpected ${JSON.stringify(err.text.split('\n')[0].slice(0, 40))}`;
      } finally {
        tree.delete();
      }
    }
    return problem;
  }

  dispose(): void {
    this.loader.dispose();
  }
}
