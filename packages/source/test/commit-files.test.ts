import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAll, git, initRepo } from '@plexus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitFiles, HeadMovedError, readRef } from '../src/index.ts';

let dir: string;
const author = { name: 'API Writer', email: 'writer@example.com' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-commit-files-'));
  initRepo(dir);
  writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
  git(dir, ['add', '-A']);
  commitAll(dir, 'first');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('commitFiles', () => {
  it('commits new, changed and deleted files with the given author; work tree and index follow', async () => {
    const head = git(dir, ['rev-parse', 'HEAD']);
    const { commit } = await commitFiles({
      gitdir: join(dir, '.git'),
      ref: 'refs/heads/main',
      expectedHead: head,
      changes: [
        { path: 'a.yaml', before: 'a: 1\n', content: null },
        { path: 'mesh/deep/b.yaml', before: null, content: 'b: 2\n' },
      ],
      author,
      message: 'UpdateRoute colorapp/r/colors',
      worktree: dir,
    });
    expect(git(dir, ['rev-parse', 'HEAD'])).toBe(commit);
    expect(git(dir, ['log', '-1', '--format=%an <%ae>|%s|%P'])).toBe(
      `API Writer <writer@example.com>|UpdateRoute colorapp/r/colors|${head}`,
    );
    expect(git(dir, ['ls-tree', '-r', '--name-only', 'HEAD'])).toBe('mesh/deep/b.yaml');
    expect(readFileSync(join(dir, 'mesh/deep/b.yaml'), 'utf8')).toBe('b: 2\n');
    expect(git(dir, ['status', '--porcelain'])).toBe('');
    git(dir, ['fsck', '--strict']);
  });

  it('refuses when the branch moved (compare-and-swap) and leaves the ref alone', async () => {
    const base = git(dir, ['rev-parse', 'HEAD']);
    writeFileSync(join(dir, 'a.yaml'), 'a: 3\n');
    const moved = commitAll(dir, 'someone else');
    await expect(
      commitFiles({
        gitdir: join(dir, '.git'),
        ref: 'refs/heads/main',
        expectedHead: base,
        changes: [{ path: 'a.yaml', before: 'a: 1\n', content: 'a: 2\n' }],
        author,
        message: 'lost race',
      }),
    ).rejects.toBeInstanceOf(HeadMovedError);
    expect(await readRef(join(dir, '.git'), 'refs/heads/main')).toBe(moved);
  });

  it('leaves a work tree file with uncommitted edits alone', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'a: dirty\n');
    const { skippedWorktreeFiles } = await commitFiles({
      gitdir: join(dir, '.git'),
      ref: 'refs/heads/main',
      expectedHead: git(dir, ['rev-parse', 'HEAD']),
      changes: [{ path: 'a.yaml', before: 'a: 1\n', content: 'a: 2\n' }],
      author,
      message: 'edit',
      worktree: dir,
    });
    expect(skippedWorktreeFiles).toEqual(['a.yaml']);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('a: dirty\n');
    expect(git(dir, ['show', 'HEAD:a.yaml'])).toBe('a: 2');
  });
});
