// Each language's tags query (tree-sitter query language), by Hearth's language id: the main
// query, and the patterns rooted at the file node, which run as a second query from the root
// only (maxStartDepth 0). In the main query each root pattern stays in progress over the whole
// tree; apart they cost almost nothing.
import type { LanguageId } from '../../../core/index/tags';
import { C_TAGS, C_TOP_LEVEL_TAGS } from './c';
import { CPP_TAGS, CPP_TOP_LEVEL_TAGS } from './cpp';
import { CSHARP_TAGS, CSHARP_TOP_LEVEL_TAGS } from './csharp';
import { GO_TAGS, GO_TOP_LEVEL_TAGS } from './go';
import { JAVA_TAGS, JAVA_TOP_LEVEL_TAGS } from './java';
import { JAVASCRIPT_TAGS, JAVASCRIPT_TOP_LEVEL_TAGS } from './javascript';
import { PHP_TAGS, PHP_TOP_LEVEL_TAGS } from './php';
import { PYTHON_TAGS, PYTHON_TOP_LEVEL_TAGS } from './python';
import { RUBY_TAGS, RUBY_TOP_LEVEL_TAGS } from './ruby';
import { RUST_TAGS, RUST_TOP_LEVEL_TAGS } from './rust';
import { TSX_TAGS, TSX_TOP_LEVEL_TAGS } from './tsx';
import { TYPESCRIPT_TAGS, TYPESCRIPT_TOP_LEVEL_TAGS } from './typescript';

export interface TagsQuerySource {
  /** Runs over the whole tree. */
  readonly main: string;
  /** Patterns rooted at the file node; '' when the language has none. Its matches override the main query's. */
  readonly topLevel: string;
}

const TAGS: Readonly<Record<LanguageId, TagsQuerySource>> = {
  typescript: { main: TYPESCRIPT_TAGS, topLevel: TYPESCRIPT_TOP_LEVEL_TAGS },
  tsx: { main: TSX_TAGS, topLevel: TSX_TOP_LEVEL_TAGS },
  javascript: { main: JAVASCRIPT_TAGS, topLevel: JAVASCRIPT_TOP_LEVEL_TAGS },
  python: { main: PYTHON_TAGS, topLevel: PYTHON_TOP_LEVEL_TAGS },
  go: { main: GO_TAGS, topLevel: GO_TOP_LEVEL_TAGS },
  rust: { main: RUST_TAGS, topLevel: RUST_TOP_LEVEL_TAGS },
  java: { main: JAVA_TAGS, topLevel: JAVA_TOP_LEVEL_TAGS },
  c: { main: C_TAGS, topLevel: C_TOP_LEVEL_TAGS },
  cpp: { main: CPP_TAGS, topLevel: CPP_TOP_LEVEL_TAGS },
  csharp: { main: CSHARP_TAGS, topLevel: CSHARP_TOP_LEVEL_TAGS },
  ruby: { main: RUBY_TAGS, topLevel: RUBY_TOP_LEVEL_TAGS },
  php: { main: PHP_TAGS, topLevel: PHP_TOP_LEVEL_TAGS },
};

export function tagsQueryFor(lang: LanguageId): TagsQuerySource {
  return TAGS[lang];
}
