import * as fs from 'node:fs';
import git from 'isomorphic-git';

/** One file to write (content) or delete (null), path relative to the repository root. */
export interface FileChange {
  path: string;
  content: string | null;
}

type TreeEntry = Awaited<ReturnType<typeof git.readTree>>['tree'][number];

const encoder = new TextEncoder();

/** Git orders tree entries by name, a directory as if its name ended in '/'. */
function sortKey(e: TreeEntry): string {
  return e.type === 'tree' ? `${e.path}/` : e.path;
}

/**
 * Writes the tree of `baseTree` with `changes` applied and returns its oid. Only the trees on the changed
 * paths are rewritten; an emptied directory disappears, as git would have it.
 */
export async function editTree(
  gitdir: string,
  baseTree: string | null,
  changes: readonly FileChange[],
): Promise<string | null> {
  const entries: TreeEntry[] = baseTree ? (await git.readTree({ fs, gitdir, oid: baseTree })).tree : [];
  const byName = new Map(entries.map((e) => [e.path, e]));
  const nested = new Map<string, FileChange[]>();
  for (const change of changes) {
    const slash = change.path.indexOf('/');
    if (slash === -1) {
      if (change.content === null) byName.delete(change.path);
      else {
        const oid = await git.writeBlob({ fs, gitdir, blob: encoder.encode(change.content) });
        const old = byName.get(change.path);
        const mode = old?.type === 'blob' ? old.mode : '100644';
        byName.set(change.path, { mode, path: change.path, oid, type: 'blob' });
      }
      continue;
    }
    const dir = change.path.slice(0, slash);
    const list = nested.get(dir) ?? [];
    list.push({ path: change.path.slice(slash + 1), content: change.content });
    nested.set(dir, list);
  }
  for (const [dir, list] of nested) {
    const old = byName.get(dir);
    const oid = await editTree(gitdir, old?.type === 'tree' ? old.oid : null, list);
    if (oid === null) byName.delete(dir);
    else byName.set(dir, { mode: '040000', path: dir, oid, type: 'tree' });
  }
  if (byName.size === 0) return null;
  const tree = [...byName.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  return git.writeTree({ fs, gitdir, tree });
}
