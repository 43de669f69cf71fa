// The repo-map baseline as an XDR provider (ranking and packing: repoMapRank.ts). Its tags are the
// ones Hearth's tree-sitter index extracts: the package is indexed by a workspace as the `index`
// provider does (the same files, no git, no time budget), and the cursor's file is re-indexed from
// the cursor's text, so the target line's names are not among the tags. Per cursor: focus = the
// cursor's file; mentioned = the identifiers of the 50 lines before the cursor, its line and the 9
// after (what the open-tabs baseline compares). The ranking is the same for every budget, so it is
// kept for the cursor's position and reused across the budgets of one point.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextProvider, ContextSnippet, CursorContext } from '../../../src/core/completion/types';
import { identifierTokens } from '../../../src/core/index/similar';
import { silentLogger } from '../../../src/core/log';
import { openWorkspace } from '../../../src/node/workspace';
import { pointBuffers } from './buffers';
import { fillBudget, rankDefinitions, type RankedDefinition, type TagFile } from './repoMapRank';

const LINES_BEFORE = 50;
const LINES_AFTER = 9;

export async function createRepoMapProvider(packageRoot: string, files: readonly string[]): Promise<ContextProvider & { dispose(): Promise<void> }> {
  const workspace = openWorkspace({ root: packageRoot, files, git: null, logger: silentLogger, timeBudgetMs: Infinity });
  await workspace.build();
  const texts = new Map<string, string[]>();
  const linesOf = (path: string) => {
    let l = texts.get(path);
    if (!l) {
      try {
        l = readFileSync(join(packageRoot, path), 'utf8').replace(/\r\n/g, '\n').split('\n');
      } catch {
        return undefined;
      }
      texts.set(path, l);
    }
    return l;
  };
  const tagFiles = (): TagFile[] => {
    const out: TagFile[] = [];
    for (const path of [...workspace.index.paths()].sort()) {
      const f = workspace.index.file(path)!;
      out.push({ path, definitions: f.definitions, references: f.references });
    }
    return out;
  };
  const refresh = pointBuffers(workspace, packageRoot);
  let last: { key: string; ranked: RankedDefinition[] } | undefined;
  return {
    async contextFor(cursor: CursorContext, budget: number): Promise<readonly ContextSnippet[]> {
      const key = `${cursor.path}\0${cursor.prefix.length}\0${cursor.prefix.slice(-200)}`;
      if (last?.key !== key) {
        await refresh(cursor);
        const around = cursor.prefix.split('\n').slice(-(LINES_BEFORE + 1)).join('\n') + cursor.suffix.split('\n', LINES_AFTER + 1).join('\n');
        last = { key, ranked: rankDefinitions(tagFiles(), { focus: new Set([cursor.path]), mentioned: identifierTokens(around) }) };
      }
      const estimate = workspace.estimate;
      return fillBudget(last.ranked, budget, {
        definitions: (path) => workspace.index.file(path)?.definitions ?? [],
        lines: linesOf,
        estimate,
      });
    },
    dispose: () => workspace.dispose(),
  };
}
