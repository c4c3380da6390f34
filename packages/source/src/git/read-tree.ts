import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { SourceError } from '../errors.ts';
import type { SourceFile } from '../types.ts';
import { GitTreeReader } from './tree-reader.ts';

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
 * tree's uncommitted edits never leak in). Paths are relative to `subdir`, sorted. One-shot: a source that
 * reads commit after commit keeps a GitTreeReader instead, which reuses unchanged trees and blobs.
 */
export async function readSpecFilesAtCommit(
  gitdir: string,
  oid: string,
  subdir: string,
  cache: object = {},
): Promise<SourceFile[]> {
  return new GitTreeReader(gitdir, cache).read(oid, subdir);
}
