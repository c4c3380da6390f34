import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GitTreeReader } from '../src/git/tree-reader.ts';
import { isSpecFile, readSpecFilesAtCommit, type SourceFile } from '../src/index.ts';
import { removeDir, WorkTree } from './helpers/git-cli.ts';

const repos: WorkTree[] = [];
afterAll(() => {
  for (const r of repos) removeDir(r.dir);
});

function repo(): WorkTree {
  const r = WorkTree.create('tree-reader');
  repos.push(r);
  return r;
}

/** The spec files of a commit as the git CLI sees them: the reference the readers are held to. */
function viaCli(r: WorkTree, commit: string, subdir = ''): SourceFile[] {
  const listed = r.git('ls-tree', '-r', '-z', '--full-tree', commit, ...(subdir ? [`${subdir}/`] : []));
  const files: SourceFile[] = [];
  for (const line of listed.split('\0').filter(Boolean)) {
    const [meta, full] = line.split('\t');
    const [mode, type] = meta.split(' ');
    if (type !== 'blob' || mode === '120000') continue;
    const rel = subdir ? full.slice(subdir.length + 1) : full;
    if (!isSpecFile(rel)) continue;
    files.push({ path: rel, content: r.git('cat-file', 'blob', `${commit}:${full}`) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Trims like the CLI helper does, so contents compare with viaCli's. */
const trimmed = (files: SourceFile[]) => files.map((f) => ({ path: f.path, content: f.content.trim() }));

const doc = (name: string) => `kind: VirtualNode\nmetadata: { name: ${name} }\n`;

describe('GitTreeReader', () => {
  test('one reader across edits, renames, moves, deletions, copies and a force move reads what git has', async () => {
    const r = repo();
    const gitdir = join(r.dir, '.git');
    const reader = new GitTreeReader(gitdir);
    const commits: string[] = [];
    const steps: Array<Record<string, string | null>> = [
      {
        'mesh.yaml': doc('mesh'),
        'nodes/a.yaml': doc('a'),
        'nodes/b.yaml': doc('b'),
        'nodes/deep/c.json': '{"c": 1}',
        'routes/r.yml': doc('r'),
        'README.md': 'not a spec',
      },
      { 'nodes/a.yaml': doc('a2') },
      { 'nodes/a.yaml': null, 'nodes/renamed.yaml': doc('a2') },
      { 'nodes/deep/c.json': null, 'moved/c.json': '{"c": 1}' },
      { 'copy/a.yaml': doc('b'), 'copy/b.yaml': doc('b') },
      { 'routes/r.yml': null },
      { 'copy2/a.yaml': doc('b'), 'copy2/b.yaml': doc('b'), 'nodes/b.yaml': doc('b3') },
    ];
    for (const step of steps) {
      commits.push(r.commit(step));
      const head = commits.at(-1) as string;
      const cached = await reader.read(head, '');
      expect(trimmed(cached)).toEqual(viaCli(r, head));
      expect(cached).toEqual(await readSpecFilesAtCommit(gitdir, head, ''));
    }
    // a force move back in history, then forward again, and a repack that deletes the loose objects
    r.git('reset', '-q', '--hard', commits[1]);
    for (const c of [commits[1], commits[0], commits[6]]) {
      expect(trimmed(await reader.read(c, ''))).toEqual(viaCli(r, c));
    }
    r.git('gc', '-q', '--prune=now');
    r.commit({ 'after-gc.yaml': doc('gc') });
    const cache = await reader.cache();
    r.git('repack', '-a', '-d', '-q');
    expect(await reader.cache()).not.toBe(cache);
    const head = r.head();
    expect(trimmed(await reader.read(head, ''))).toEqual(viaCli(r, head));
  });

  test('a subdirectory is read the same, and a missing one is a not-found error', async () => {
    const r = repo();
    const gitdir = join(r.dir, '.git');
    const reader = new GitTreeReader(gitdir);
    const first = r.commit({ 'specs/a.yaml': doc('a'), 'specs/x/b.yaml': doc('b'), 'other.yaml': doc('o') });
    expect(trimmed(await reader.read(first, 'specs'))).toEqual(viaCli(r, first, 'specs'));
    const second = r.commit({ 'specs/x/b.yaml': doc('b2'), 'other.yaml': null });
    expect(trimmed(await reader.read(second, 'specs'))).toEqual(viaCli(r, second, 'specs'));
    await expect(reader.read(second, 'nope')).rejects.toMatchObject({ code: 'not-found' });
    // a failed read leaves the memo of the last good one intact
    expect(reader.memoSize).toEqual({ trees: 2, blobs: 2 });
  });

  test("each commit's info and tree are its own (the commit read once per check is not another's)", async () => {
    const r = repo();
    const reader = new GitTreeReader(join(r.dir, '.git'));
    const one = r.commit({ 'a.yaml': doc('one') }, 'first change');
    const two = r.commit({ 'a.yaml': doc('two') }, 'second change');
    expect(trimmed(await reader.read(one, ''))).toEqual(viaCli(r, one, ''));
    expect((await reader.commitInfo(one))?.subject).toBe('first change');
    expect(trimmed(await reader.read(two, ''))).toEqual(viaCli(r, two, ''));
    expect((await reader.commitInfo(two))?.subject).toBe('second change');
    expect((await reader.commitInfo(one))?.subject).toBe('first change');
    expect(trimmed(await reader.read(one, ''))).toEqual(viaCli(r, one, ''));
  });

  test('a one-file commit reads only the trees on its path and its one blob; a rename reads no blob', async () => {
    const r = repo();
    const reader = new GitTreeReader(join(r.dir, '.git'));
    const many: Record<string, string> = { 'mesh.yaml': doc('mesh') };
    for (let i = 0; i < 40; i++) many[`top/d${i % 4}/f${i}.yaml`] = doc(`n${i}`);
    await reader.read(r.commit(many), '');
    expect(reader.lastRead).toEqual({ trees: 6, blobs: 41 });
    expect(reader.memoSize).toEqual({ trees: 6, blobs: 41 });
    // root changes, top/ is reused whole: its four subtrees must stay in the memo
    await reader.read(r.commit({ 'mesh.yaml': doc('mesh2') }), '');
    expect(reader.lastRead).toEqual({ trees: 1, blobs: 1 });
    expect(reader.memoSize).toEqual({ trees: 6, blobs: 41 });
    await reader.read(r.commit({ 'top/d1/f1.yaml': doc('edited') }), '');
    expect(reader.lastRead).toEqual({ trees: 3, blobs: 1 });
    await reader.read(r.commit({ 'top/d1/f1.yaml': null, 'top/d2/moved.yaml': doc('edited') }), '');
    expect(reader.lastRead).toEqual({ trees: 4, blobs: 0 });
    expect(reader.memoSize).toEqual({ trees: 6, blobs: 41 });
  });

  test('the memo holds only the latest tree: it shrinks when files go', async () => {
    const r = repo();
    const reader = new GitTreeReader(join(r.dir, '.git'));
    const many: Record<string, string | null> = {};
    for (let i = 0; i < 60; i++) many[`d${i % 6}/f${i}.yaml`] = doc(`n${i}`);
    await reader.read(r.commit(many), '');
    expect(reader.memoSize).toEqual({ trees: 7, blobs: 60 });
    for (let round = 0; round < 5; round++) {
      await reader.read(r.commit({ 'd0/f0.yaml': doc(`edit${round}`) }), '');
      expect(reader.memoSize).toEqual({ trees: 7, blobs: 60 });
    }
    const gone: Record<string, string | null> = {};
    for (const path of Object.keys(many)) if (!path.startsWith('d1/')) gone[path] = null;
    const files = await reader.read(r.commit(gone), '');
    expect(files.map((f) => f.path)).toEqual(
      Object.keys(many)
        .filter((p) => p.startsWith('d1/'))
        .sort(),
    );
    expect(reader.memoSize).toEqual({ trees: 2, blobs: 10 });
  });
});
