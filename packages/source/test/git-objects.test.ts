import * as fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { afterAll, expect, test } from 'vitest';
import { GitObjects } from '../src/git/git-objects.ts';
import { removeDir, WorkTree } from './helpers/git-cli.ts';

const repos: WorkTree[] = [];
afterAll(() => {
  for (const r of repos) removeDir(r.dir);
});

/** What isomorphic-git reads for every tree, blob and commit reachable from HEAD (the reference). */
async function viaIsomorphicGit(gitdir: string, commit: string) {
  const out = new Map<string, unknown>();
  const c = (await git.readCommit({ fs, gitdir, oid: commit })).commit;
  out.set(commit, { tree: c.tree, author: c.author, message: c.message });
  const walk = async (oid: string) => {
    const { tree } = await git.readTree({ fs, gitdir, oid });
    out.set(oid, tree);
    for (const e of tree) {
      if (e.type === 'tree') await walk(e.oid);
      else if (e.type === 'blob')
        out.set(e.oid, Buffer.from((await git.readBlob({ fs, gitdir, oid: e.oid })).blob));
    }
  };
  await walk(c.tree);
  return out;
}

async function viaGitObjects(objects: GitObjects, commit: string) {
  const out = new Map<string, unknown>();
  const c = await objects.commit(commit);
  out.set(commit, { tree: c.tree, author: { ...c.author }, message: c.message });
  const walk = async (oid: string) => {
    const tree = await objects.tree(oid);
    out.set(oid, tree);
    for (const e of tree) {
      if (e.type === 'tree') await walk(e.oid);
      else if (e.type === 'blob') out.set(e.oid, Buffer.from(await objects.blob(e.oid)));
    }
  };
  await walk(c.tree);
  return out;
}

/** Leaves only the fields of the author both readers report. */
const authors = (m: Map<string, unknown>) =>
  new Map(
    [...m].map(([k, v]) => {
      const a = (v as { author?: { name: string; email: string; timestamp: number } }).author;
      return [
        k,
        a ? { ...(v as object), author: { name: a.name, email: a.email, timestamp: a.timestamp } } : v,
      ];
    }),
  );

test('loose objects read from their files equal what isomorphic-git reads, packed ones fall back to it', async () => {
  const r = WorkTree.create('git-objects');
  repos.push(r);
  r.commit({
    'a.yaml': 'a: 1\n',
    'deep/er/b.yaml': 'b: 2\n',
    'ünïcode name.yaml': 'c: 3\n',
    'run.sh': '#!/bin/sh\n',
  });
  fs.chmodSync(join(r.dir, 'run.sh'), 0o755);
  fs.symlinkSync('a.yaml', join(r.dir, 'link.yaml'));
  r.git('add', '-A');
  r.git('update-index', '--add', '--cacheinfo', `160000,${r.head()},vendored`);
  r.git('commit', '-q', '-m', 'subject line\n\nbody with\nlines');
  const gitdir = join(r.dir, '.git');

  const loose = new GitObjects(gitdir, {});
  const fromFiles = await viaGitObjects(loose, r.head());
  expect(authors(fromFiles)).toEqual(authors(await viaIsomorphicGit(gitdir, r.head())));
  expect(loose.looseReads).toBe(fromFiles.size);
  const modes = (
    fromFiles.get((fromFiles.get(r.head()) as { tree: string }).tree) as { mode: string; path: string }[]
  )
    .map((e) => `${e.mode} ${e.path}`)
    .sort();
  expect(modes).toEqual([
    '040000 deep',
    '100644 a.yaml',
    '100644 ünïcode name.yaml',
    '100755 run.sh',
    '120000 link.yaml',
    '160000 vendored',
  ]);

  // a signed commit's multi-line header does not confuse the parse
  const signed = r
    .git('cat-file', 'commit', 'HEAD')
    .replace(/\n\n/, '\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\n');
  fs.writeFileSync(join(r.dir, 'signed.txt'), `${signed}\n`);
  const signedOid = r.git('hash-object', '-t', 'commit', '-w', 'signed.txt');
  expect((await loose.commit(signedOid)).message).toBe('subject line\n\nbody with\nlines\n');

  r.git('gc', '-q', '--prune=now');
  const packed = new GitObjects(gitdir, {});
  expect(authors(await viaGitObjects(packed, r.head()))).toEqual(authors(fromFiles));
  expect(packed.looseReads).toBe(0);
});
