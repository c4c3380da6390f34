import * as fs from 'node:fs';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import type { FileChange } from './tree-edit.ts';

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * After a commit to the checked-out branch, brings the work tree and index along for the changed files, so
 * `git status` stays clean. A file the user has edited (its content is not the committed one) is left alone
 * and returned, so nobody's uncommitted work is overwritten.
 */
export async function syncWorktree(
  dir: string,
  gitdir: string,
  changes: ReadonlyArray<FileChange & { before: string | null }>,
): Promise<string[]> {
  const skipped: string[] = [];
  for (const change of changes) {
    const file = join(dir, change.path);
    if (readOrNull(file) !== change.before) {
      skipped.push(change.path);
      continue;
    }
    if (change.content === null) {
      rmSync(file, { force: true });
      await git.remove({ fs, dir, gitdir, filepath: change.path });
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, change.content);
      await git.add({ fs, dir, gitdir, filepath: change.path });
    }
  }
  return skipped;
}
