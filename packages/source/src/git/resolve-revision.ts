import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { SourceError } from '../errors.ts';
import { peelToCommit } from './read-tree.ts';

/** A commit from a revision as people write it: a branch, tag, HEAD, a (short) SHA, with `~N` / `^` suffixes. */
export async function resolveRevision(gitdir: string, rev: string): Promise<string> {
  const m = /^(.*?)((?:~\d*|\^)*)$/.exec(rev);
  const base = m?.[1] || rev;
  let oid: string;
  try {
    oid = await git.resolveRef({ fs, gitdir, ref: base });
  } catch {
    try {
      oid = await git.expandOid({ fs, gitdir, oid: base });
    } catch {
      throw new SourceError('not-found', `revision '${rev}' not found in ${gitdir}`);
    }
  }
  oid = await peelToCommit(gitdir, oid, {});
  for (const step of (m?.[2] ?? '').match(/~\d*|\^/g) ?? []) {
    const n = step === '^' ? 1 : Number(step.slice(1) || '1');
    for (let i = 0; i < n; i++) {
      const { commit } = await git.readCommit({ fs, gitdir, oid });
      if (!commit.parent[0])
        throw new SourceError('not-found', `revision '${rev}': ${oid.slice(0, 12)} has no parent`);
      oid = commit.parent[0];
    }
  }
  return oid;
}
