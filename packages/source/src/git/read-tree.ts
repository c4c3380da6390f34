import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { SourceError } from '../errors.ts';
import { isSpecFile } from '../spec-files.ts';
import type { SourceFile } from '../types.ts';

const decoder = new TextDecoder('utf-8');

/** Follows annotated tags down to the commit they name. */
export async function peelToCommit(gitdir: string, oid: string, cache: object): Promise<string> {
  let current = oid;
  for (let i = 0; i < 10; i++) {
    const obj = await git.readObject({ fs, gitdir, oid: current, cache, format: 'parsed' });
    if (obj.type === 'commit') return current;
    if (obj.type === 'tag') {
      current = (obj.object as { object: string }).object;
      continue;
    }
    throw new SourceError('git', `${oid} names a ${obj.type}, not a commit`);
  }
  throw new SourceError('git', `${oid}: too many nested tags`);
}

/**
 * The spec-like files of `subdir` at commit `oid`, read straight from git objects (no checkout, so the work
 * tree's uncommitted edits never leak in). Paths are relative to `subdir`, sorted.
 */
export async function readSpecFilesAtCommit(
  gitdir: string,
  oid: string,
  subdir: string,
  cache: object = {},
): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let rootTree: Awaited<ReturnType<typeof git.readTree>>;
  try {
    rootTree = await git.readTree({ fs, gitdir, oid, filepath: subdir || undefined, cache });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError' && subdir) {
      throw new SourceError('not-found', `path "${subdir}" does not exist at commit ${oid}`);
    }
    throw err;
  }
  const walk = async (treeOid: string, prefix: string, entries?: typeof rootTree.tree): Promise<void> => {
    const list = entries ?? (await git.readTree({ fs, gitdir, oid: treeOid, cache })).tree;
    for (const entry of list) {
      const rel = prefix ? `${prefix}/${entry.path}` : entry.path;
      if (entry.type === 'tree') await walk(entry.oid, rel);
      // mode 120000 is a symlink, type 'commit' a submodule: neither is a spec file
      else if (entry.type === 'blob' && entry.mode !== '120000' && isSpecFile(rel)) {
        const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
        files.push({ path: rel, content: decoder.decode(blob) });
      }
    }
  };
  await walk(rootTree.oid, '', rootTree.tree);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}
