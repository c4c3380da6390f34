import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SourceError } from '../errors.ts';

export type LocalRepo =
  | { kind: 'worktree'; dir: string; gitdir: string }
  | { kind: 'bare'; gitdir: string }
  | { kind: 'directory'; dir: string };

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function looksLikeGitdir(p: string): boolean {
  return existsSync(join(p, 'HEAD')) && isDir(join(p, 'objects')) && isDir(join(p, 'refs'));
}

/** Decides what a local --repo path is: a git work tree, a bare repository, or a plain directory. */
export function locateLocalRepo(path: string): LocalRepo {
  const dir = resolve(path);
  if (!isDir(dir)) throw new SourceError('not-found', `repository path ${dir} is not a directory`);
  const dotGit = join(dir, '.git');
  if (isDir(dotGit)) return { kind: 'worktree', dir, gitdir: dotGit };
  if (existsSync(dotGit)) {
    // a `.git` file ("gitdir: <path>"): submodules and linked worktrees
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) throw new SourceError('git', `${dotGit} is neither a directory nor a "gitdir:" file`);
    const target = isAbsolute(m[1].trim()) ? m[1].trim() : resolve(dir, m[1].trim());
    if (existsSync(join(target, 'commondir'))) {
      throw new SourceError(
        'config',
        `${dir} is a linked worktree (git worktree add), which isomorphic-git cannot read: point --repo at the main clone and pick the branch with --branch`,
      );
    }
    return { kind: 'worktree', dir, gitdir: target };
  }
  if (looksLikeGitdir(dir)) return { kind: 'bare', gitdir: dir };
  return { kind: 'directory', dir };
}
