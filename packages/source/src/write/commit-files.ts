import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { compareAndSwapRef, HeadMovedError } from './ref-cas.ts';
import { editTree, type FileChange } from './tree-edit.ts';
import { syncWorktree } from './worktree-sync.ts';

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface CommitFilesRequest {
  gitdir: string;
  /** Full ref name, e.g. `refs/heads/main`. */
  ref: string;
  /** The commit the changes were computed on: the ref must still point there (compare-and-swap). */
  expectedHead: string;
  /** Paths relative to the repository root; `before` is the content at `expectedHead` (null: absent). */
  changes: ReadonlyArray<FileChange & { before: string | null }>;
  author: CommitAuthor;
  message: string;
  /** The work tree whose checked-out branch is `ref`: its files and index follow the commit. */
  worktree?: string;
  /** Commit time (default now). */
  time?: Date;
}

export interface CommitFilesResult {
  commit: string;
  /** Work tree files left as they were because they hold uncommitted edits. */
  skippedWorktreeFiles: string[];
}

/**
 * Commits `changes` on top of `expectedHead` and moves `ref` to the new commit only if it still points at
 * `expectedHead`; otherwise throws HeadMovedError and the ref is untouched (the new objects are garbage).
 */
export async function commitFiles(req: CommitFilesRequest): Promise<CommitFilesResult> {
  const { gitdir } = req;
  const base = await git.readCommit({ fs, gitdir, oid: req.expectedHead });
  const tree = (await editTree(gitdir, base.commit.tree, req.changes)) ?? (await emptyTree(gitdir));
  const when = req.time ?? new Date();
  const signature = {
    name: req.author.name,
    email: req.author.email,
    timestamp: Math.floor(when.getTime() / 1000),
    timezoneOffset: 0,
  };
  const commit = await git.writeCommit({
    fs,
    gitdir,
    commit: {
      message: req.message.endsWith('\n') ? req.message : `${req.message}\n`,
      tree,
      parent: [req.expectedHead],
      author: signature,
      committer: signature,
    },
  });
  await compareAndSwapRef(gitdir, req.ref, req.expectedHead, commit);
  const skippedWorktreeFiles =
    req.worktree && (await checkedOut(gitdir, req.ref))
      ? await syncWorktree(req.worktree, gitdir, req.changes)
      : [];
  return { commit, skippedWorktreeFiles };
}

async function checkedOut(gitdir: string, ref: string): Promise<boolean> {
  return (await git.currentBranch({ fs, gitdir, fullname: true })) === ref;
}

function emptyTree(gitdir: string): Promise<string> {
  return git.writeTree({ fs, gitdir, tree: [] });
}

export { HeadMovedError };
