import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectorySource } from './directory/directory-source.ts';
import { SourceError } from './errors.ts';
import type { GitSourceOptions } from './git/git-source-options.ts';
import { locateLocalRepo } from './git/locate.ts';
import { describeTarget, type GitTarget } from './git/resolve-target.ts';
import { LocalGitSource } from './local/local-git-source.ts';
import { RemoteGitSource } from './remote/remote-git-source.ts';
import { isHttpUrl, rejectUnsupportedUrl, stripCredentials } from './remote/url.ts';
import { normaliseSubdir } from './spec-files.ts';
import type { Source, SourceOptions } from './types.ts';

function label(where: string, target: GitTarget | null, subdir: string): string {
  const path = subdir ? ` path ${subdir}` : '';
  return target
    ? `${where} (${describeTarget(target)}${path})`
    : `${where}${path ? ` (${path.trim()})` : ''}`;
}

/**
 * Picks the source for a --repo: an https:// URL → remote (isomorphic-git, shallow fetch + ls-remote polling);
 * a local git work tree or bare repo → its committed branch/tag/commit, ref files watched; any other local
 * directory → dev mode, watched file by file. Throws SourceError (code 'config', 'unsupported-protocol' or
 * 'not-found') for a setting that can never work, e.g. an SSH URL.
 */
export function createSource(opts: SourceOptions): Source {
  const target: GitTarget = { branch: opts.branch, tag: opts.tag, commit: opts.commit };
  const chosen = [target.branch, target.tag, target.commit].filter(Boolean).length;
  if (chosen > 1) throw new SourceError('config', 'give at most one of branch, tag and commit');
  const subdir = normaliseSubdir(opts.path);
  const gitOptions = (where: string): GitSourceOptions => ({
    target,
    subdir,
    label: label(where, target, subdir),
    pollIntervalMs: opts.pollIntervalMs,
  });

  rejectUnsupportedUrl(opts.repo);
  if (isHttpUrl(opts.repo)) {
    const key = createHash('sha256')
      .update(`${stripCredentials(opts.repo)}\0${describeTarget(target)}`)
      .digest('hex')
      .slice(0, 16);
    return new RemoteGitSource({
      ...gitOptions(stripCredentials(opts.repo)),
      url: opts.repo,
      cacheDir: opts.cacheDir ?? join(tmpdir(), 'plexus-source', key),
      auth: opts.auth,
    });
  }

  const local = locateLocalRepo(opts.repo);
  if (local.kind === 'directory') {
    if (chosen > 0) {
      throw new SourceError(
        'config',
        `${local.dir} is not a git repository, so branch, tag and commit do not apply`,
      );
    }
    const root = subdir ? join(local.dir, subdir) : local.dir;
    try {
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new SourceError('not-found', `path ${subdir} does not exist in ${local.dir}`);
    }
    return new DirectorySource({ root, label: label(local.dir, null, subdir), settleMs: opts.settleMs });
  }
  const where = local.kind === 'worktree' ? local.dir : local.gitdir;
  return new LocalGitSource({ ...gitOptions(where), gitdir: local.gitdir });
}
