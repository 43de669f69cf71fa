// The cursor's file as the editor holds it: each point re-indexes its file from the point's text
// (the target line removed), and the file the previous point changed is put back to its disk text
// first. Without that, a file stayed indexed without its target line until its next point, and
// every later point of the package missed what that line defined (a class whose header was the
// target line vanished from the index). Both Hearth's providers and the repo-map baseline use it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CursorContext } from '../../../src/core/completion/types';
import type { Workspace } from '../../../src/node/workspace';

/** Returns refresh(cursor): the cursor's file indexed from its text, the previous point's file restored. */
export function pointBuffers(workspace: Workspace, packageRoot: string): (cursor: CursorContext) => Promise<void> {
  let current: { path: string; text: string } | undefined;
  return async (cursor) => {
    const text = cursor.prefix + cursor.suffix;
    if (current?.path === cursor.path && current.text === text) return;
    if (current && current.path !== cursor.path) await workspace.service.updateBuffer(current.path, readFileSync(join(packageRoot, current.path), 'utf8'));
    await workspace.service.updateBuffer(cursor.path, text);
    current = { path: cursor.path, text };
  };
}
