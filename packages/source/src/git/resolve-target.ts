import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { SourceError } from '../errors.ts';
import { peelToCommit } from './read-tree.ts';

/** Which revision of a repository to follow; at most one of the three is set. */
export interface GitTarget {
  branch?: string;
  tag?: string;
  commit?: string;
}

export interface ResolvedTarget {
  /** The commit to read. */
  commit: string;
  /** Full ref name, when the target is a ref. */
  ref?: string;
}

/** How messages and labels name a target: `commit <sha>`, `tag <t>`, `branch <b>` or `HEAD`. */
export function describeTarget(t: GitTarget): string {
  if (t.commit) return `commit ${t.commit}`;
  if (t.tag) return `tag ${t.tag}`;
  if (t.branch) return `branch ${t.branch}`;
  return 'HEAD';
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: string }).code === 'NotFoundError';
}

/** Resolves a target in a local git directory to a commit, following HEAD when no target is given. */
export async function resolveLocalTarget(
  gitdir: string,
  target: GitTarget,
  cache: object,
): Promise<ResolvedTarget> {
  try {
    if (target.commit) {
      const oid = await git.expandOid({ fs, gitdir, oid: target.commit, cache });
      return { commit: await peelToCommit(gitdir, oid, cache) };
    }
    if (target.tag) {
      const ref = `refs/tags/${target.tag}`;
      const oid = await git.resolveRef({ fs, gitdir, ref });
      return { commit: await peelToCommit(gitdir, oid, cache), ref };
    }
    const ref = target.branch
      ? `refs/heads/${target.branch}`
      : ((await git.currentBranch({ fs, gitdir, fullname: true })) ?? 'HEAD');
    const oid = await git.resolveRef({ fs, gitdir, ref });
    return { commit: await peelToCommit(gitdir, oid, cache), ref: ref === 'HEAD' ? undefined : ref };
  } catch (err) {
    if (err instanceof SourceError) throw err;
    if (isNotFound(err)) {
      const what =
        target.commit || target.tag || target.branch ? describeTarget(target) : 'HEAD (no commit yet?)';
      throw new SourceError('not-found', `${what} not found in ${gitdir}`, { cause: err });
    }
    throw err;
  }
}
