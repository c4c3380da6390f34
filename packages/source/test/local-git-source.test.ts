import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { staysQuiet, waitFor } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { createSource, LocalGitSource, SourceError } from '../src/index.ts';
import { cleanupsAfterEach } from './helpers/cleanups.ts';
import { collect, content, paths } from './helpers/collect.ts';
import { git, tempDir, WorkTree } from './helpers/git-cli.ts';

const MESH = 'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata:\n  name: m\n';

describe('local git work tree', () => {
  const { track } = cleanupsAfterEach();

  it('delivers the committed HEAD first, then each new commit as soon as the ref moves', async () => {
    const repo = WorkTree.create();
    const first = repo.commit({ 'mesh.yaml': MESH, 'README.md': '# not a spec', 'vn.json': '{}' });
    // a long backstop poll: only the ref watcher can notice the commit in time
    const source = track(createSource({ repo: repo.dir, pollIntervalMs: 600_000 }), repo.dir);
    expect(source).toBeInstanceOf(LocalGitSource);
    const seen = await collect(source);
    expect(seen.revs).toHaveLength(1);
    expect(seen.last()).toMatchObject({ id: first, ref: 'refs/heads/main' });
    expect(paths(seen.last())).toEqual(['mesh.yaml', 'vn.json']);
    expect(seen.last().source).toContain(repo.dir);

    const second = repo.commit({ 'routes/r.yml': 'kind: Route\n' });
    await waitFor(() => seen.revs.length === 2, { what: 'the second commit' });
    expect(seen.last().id).toBe(second);
    expect(paths(seen.last())).toEqual(['mesh.yaml', 'routes/r.yml', 'vn.json']);
    expect(seen.last().seenAt).toBeGreaterThan(0);
    expect(seen.errors).toEqual([]);
  });

  it('checks at the first ref event: a burst of commits ends on the last, every revision read whole', async () => {
    const repo = WorkTree.create();
    repo.commit({ 'a.yaml': 'a: 0\n' });
    const source = track(createSource({ repo: repo.dir, pollIntervalMs: 600_000 }), repo.dir);
    const seen = await collect(source);
    const commits = [1, 2, 3, 4, 5].map((i) => repo.commit({ 'a.yaml': `a: ${i}\n` }));
    await waitFor(() => seen.last().id === commits[4], { what: 'the last commit of the burst' });
    for (const rev of seen.revs.slice(1)) {
      expect(commits).toContain(rev.id);
      expect(content(rev, 'a.yaml')).toBe(`a: ${commits.indexOf(rev.id) + 1}\n`);
    }
    expect(seen.errors).toEqual([]);
  });

  it('ignores uncommitted and staged edits', async () => {
    const repo = WorkTree.create();
    const first = repo.commit({ 'mesh.yaml': MESH });
    const source = track(createSource({ repo: repo.dir, pollIntervalMs: 100 }), repo.dir);
    const seen = await collect(source);
    writeFileSync(join(repo.dir, 'mesh.yaml'), 'kind: Mesh # edited, not committed\n');
    writeFileSync(join(repo.dir, 'new.yaml'), 'kind: VirtualNode\n');
    repo.git('add', 'new.yaml');
    // several backstop polls and the index write come and go; then a real commit proves the watcher is alive
    await source.refresh?.();
    await staysQuiet(() => seen.revs.length > 1, { quietMs: 400, what: 'no revision for uncommitted edits' });
    expect(seen.revs.map((r) => r.id)).toEqual([first]);
    const committed = repo.commit({});
    await waitFor(() => seen.revs.length === 2, { what: 'the commit after the edits' });
    expect(seen.last().id).toBe(committed);
    expect(content(seen.last(), 'mesh.yaml')).toContain('edited');
    expect(content(seen.revs[0], 'mesh.yaml')).toBe(MESH);
  });

  it('picks up a reset that moves the branch backwards, and a force move to another line', async () => {
    const repo = WorkTree.create();
    const a = repo.commit({ 'a.yaml': 'a: 1\n' });
    const b = repo.commit({ 'b.yaml': 'b: 1\n' });
    const source = track(createSource({ repo: repo.dir, pollIntervalMs: 600_000 }), repo.dir);
    const seen = await collect(source);
    expect(seen.last().id).toBe(b);

    repo.git('reset', '-q', '--hard', a);
    await waitFor(() => seen.last().id === a, { what: 'the reset to A' });
    expect(paths(seen.last())).toEqual(['a.yaml']);

    // an unrelated history forced onto main (as a force-push would leave it)
    repo.git('checkout', '-q', '--orphan', 'other');
    repo.git('rm', '-rq', '--cached', '.');
    const c = repo.commit({ 'c.yaml': 'c: 1\n', 'a.yaml': null, 'b.yaml': null });
    repo.git('branch', '-f', 'main', c);
    repo.git('checkout', '-q', 'main');
    await waitFor(() => seen.last().id === c, { what: 'the forced move' });
    expect(paths(seen.last())).toEqual(['c.yaml']);
    expect(seen.revs.map((r) => r.id)).toEqual([b, a, c]);
  });

  it('follows a named branch only, and keeps working after git gc packs the refs', async () => {
    const repo = WorkTree.create();
    repo.commit({ 'main.yaml': 'm: 1\n' });
    repo.git('branch', 'release');
    const source = track(
      createSource({ repo: repo.dir, branch: 'release', pollIntervalMs: 600_000 }),
      repo.dir,
    );
    const seen = await collect(source);
    const onMain = repo.commit({ 'main.yaml': 'm: 2\n' });
    repo.git('checkout', '-q', 'release');
    const onRelease = repo.commit({ 'release.yaml': 'r: 1\n' });
    await waitFor(() => seen.last().id === onRelease, { what: 'the release commit' });
    expect(seen.revs.map((r) => r.id)).not.toContain(onMain);
    expect(seen.last().ref).toBe('refs/heads/release');

    repo.git('gc', '-q');
    const afterGc = repo.commit({ 'release.yaml': 'r: 2\n' });
    await waitFor(() => seen.last().id === afterGc, { what: 'the commit after gc' });
    expect(content(seen.last(), 'release.yaml')).toBe('r: 2\n');
  });

  it('reads only the subdirectory, with paths relative to it, and only .yaml/.yml/.json files', async () => {
    const repo = WorkTree.create();
    repo.commit({
      'top.yaml': 'outside: true\n',
      'deploy/mesh/mesh.yaml': MESH,
      'deploy/mesh/nodes/a.yml': 'kind: VirtualNode\n',
      'deploy/mesh/nodes/b.JSON': '{"kind":"VirtualNode"}',
      'deploy/mesh/notes.txt': 'ignored',
      'deploy/mesh/script.sh': 'echo ignored',
      'deploy/other.yaml': 'outside: true\n',
    });
    const source = track(createSource({ repo: repo.dir, path: 'deploy/mesh/' }), repo.dir);
    const seen = await collect(source);
    expect(paths(seen.last())).toEqual(['mesh.yaml', 'nodes/a.yml', 'nodes/b.JSON']);
    expect(content(seen.last(), 'nodes/a.yml')).toBe('kind: VirtualNode\n');
  });

  it('reports a missing subdirectory or branch as an error, without throwing', async () => {
    const repo = WorkTree.create();
    repo.commit({ 'a.yaml': 'a: 1\n' });
    const missingPath = track(createSource({ repo: repo.dir, path: 'nope' }), repo.dir);
    const one = await collect(missingPath);
    expect(one.revs).toEqual([]);
    expect(one.errors[0]).toBeInstanceOf(SourceError);
    expect(one.errors[0].code).toBe('not-found');
    expect(one.errors[0].message).toContain('nope');

    const missingBranch = track(createSource({ repo: repo.dir, branch: 'ghost' }));
    const two = await collect(missingBranch);
    expect(two.errors[0].message).toContain('branch ghost');
  });

  it('reads a bare repository and a tag, and notices a push into the bare repo', async () => {
    const repo = WorkTree.create();
    const v1 = repo.commit({ 'a.yaml': 'a: 1\n' });
    repo.git('tag', '-a', 'v1', '-m', 'release 1');
    const bare = tempDir('bare');
    git(bare, 'clone', '-q', '--bare', repo.dir, '.');

    const tagged = track(createSource({ repo: bare, tag: 'v1' }), bare, repo.dir);
    const t = await collect(tagged);
    expect(t.last()).toMatchObject({ id: v1, ref: 'refs/tags/v1' });

    const branch = track(createSource({ repo: bare, branch: 'main', pollIntervalMs: 600_000 }));
    const seen = await collect(branch);
    expect(seen.last().id).toBe(v1);
    const v2 = repo.commit({ 'a.yaml': 'a: 2\n' });
    repo.git('push', '-q', bare, 'main');
    await waitFor(() => seen.last().id === v2, { what: 'the push into the bare repo' });
    expect(content(seen.last(), 'a.yaml')).toBe('a: 2\n');
  });
});
