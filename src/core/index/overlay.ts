// The index as it would be with some files in another state: their text from outside the working
// tree (a staged blob) or left out. Review packs what is staged, not what is on disk, so the
// long-window pack reads the index through this view; the index itself is not touched.
import type { PackIndex } from './packer';
import { moduleStem, type IndexedFile, type RepoIndex } from './repoIndex';
import type { LocatedDefinition } from './snippets';

/**
 * `index` with each file of `files` standing as given: an IndexedFile in place of the indexed one
 * (or added), undefined for a file left out altogether. Ranks stay the index's own: they order the
 * outline, and a file left out has no definitions to list in it.
 */
export function overlayIndex(index: RepoIndex, files: ReadonlyMap<string, IndexedFile | undefined>): PackIndex {
  const byName = new Map<string, LocatedDefinition[]>();
  for (const f of files.values()) {
    for (const d of f?.definitions ?? []) {
      const list = byName.get(d.name);
      if (list) list.push(d);
      else byName.set(d.name, [d]);
    }
  }
  return {
    file: (path) => (files.has(path) ? files.get(path) : index.file(path)),
    definitionsNamed: (name) => [...index.definitionsNamed(name).filter((d) => !files.has(d.path)), ...(byName.get(name) ?? [])],
    filesUsing: (name) => {
      const users = new Set([...index.filesUsing(name)].filter((p) => !files.has(p)));
      for (const [path, f] of files) if (f?.references.has(name)) users.add(path);
      return users;
    },
    pathsWithStem: (stem) => {
      const paths = new Set([...index.pathsWithStem(stem)].filter((p) => !files.has(p)));
      for (const [path, f] of files) if (f && moduleStem(path) === stem) paths.add(path);
      return paths;
    },
    rank: (focus) => index.rank(focus),
  };
}
