import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { settles, staysQuiet, waitFor } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { createSource, DirectorySource, hashFiles, SourceError } from '../src/index.ts';
import { cleanupsAfterEach } from './helpers/cleanups.ts';
import { collect, content, paths } from './helpers/collect.ts';
import { removeDir, tempDir, writeFiles } from './helpers/git-cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('plain directory (dev mode)', () => {
  const { defer, track } = cleanupsAfterEach();

  it('delivers the tree, then edits, additions and deletions; the id hashes the (path, content) list', async () => {
    const dir = tempDir('dir');
    writeFiles(dir, { 'mesh.yaml': 'kind: Mesh\n', 'notes.md': 'no', '.hidden/x.yaml': 'hidden' });
    const source = track(createSource({ repo: dir, settleMs: 100 }), dir);
    expect(source).toBeInstanceOf(DirectorySource);
    const seen = await collect(source);
    await waitFor(() => seen.revs.length === 1, { what: 'the first revision' });
    expect(paths(seen.last())).toEqual(['mesh.yaml']);
    expect(seen.last().id).toBe(hashFiles([{ path: 'mesh.yaml', content: 'kind: Mesh\n' }]));
    expect(seen.last().ref).toBeUndefined();

    await writeFile(join(dir, 'mesh.yaml'), 'kind: Mesh # v2\n');
    await waitFor(() => content(seen.last(), 'mesh.yaml') === 'kind: Mesh # v2\n', { what: 'the edit' });

    writeFiles(dir, { 'nodes/a.json': '{"a":1}', 'mesh.yaml': null });
    await waitFor(() => paths(seen.last()).join() === 'nodes/a.json', { what: 'the add and the delete' });

    const before = seen.revs.length;
    await writeFile(join(dir, 'notes.md'), 'still ignored');
    await writeFile(join(dir, 'nodes/a.json'), '{"a":1}'); // same content: same id, no new revision
    await source.refresh?.();
    await staysQuiet(() => seen.revs.length > before, {
      quietMs: 300,
      what: 'no revision for ignored edits',
    });
    await source.refresh?.();
    expect(seen.revs.length).toBe(before);
    expect(seen.errors).toEqual([]);
  });

  it('turns a burst of writes into few revisions, the last one complete', async () => {
    const dir = tempDir('burst');
    writeFiles(dir, { 'mesh.yaml': 'kind: Mesh\n' });
    const source = track(createSource({ repo: dir, settleMs: 150 }), dir);
    const seen = await collect(source);
    await waitFor(() => seen.revs.length === 1, { what: 'the first revision' });
    for (let i = 0; i < 40; i++) {
      await writeFile(join(dir, `vn-${i % 10}.yaml`), `kind: VirtualNode\nversion: ${i}\n`);
    }
    await waitFor(
      () =>
        paths(seen.last()).length === 11 &&
        content(seen.last(), 'vn-9.yaml') === 'kind: VirtualNode\nversion: 39\n',
      { what: 'the final state' },
    );
    // 40 writes: with batching a handful of revisions at most, never one per write
    expect(
      (await settles(() => seen.revs.length, { what: 'the revisions to stop' })) - 1,
    ).toBeLessThanOrEqual(4);
    expect(seen.last().files.map((f) => f.content.split('version: ')[1])).toEqual([
      undefined,
      ...Array.from({ length: 10 }, (_, i) => `${30 + i}\n`),
    ]);
  });

  it('never delivers a half-written file (two chunks with a pause between them)', async () => {
    const dir = tempDir('half');
    writeFiles(dir, { 'mesh.yaml': 'kind: Mesh\n' });
    const source = track(createSource({ repo: dir, settleMs: 600 }), dir);
    const seen = await collect(source);
    await waitFor(() => seen.revs.length === 1, { what: 'the first revision' });

    const first = 'kind: VirtualNode\nname: half\nspec:\n';
    const second = '  listeners: []\n';
    for (const name of ['mesh.yaml', 'new.yaml']) {
      const fh = await open(join(dir, name), 'w');
      await fh.write(first);
      await fh.sync();
      await sleep(150);
      await fh.write(second);
      await fh.close();
    }
    await waitFor(
      () =>
        content(seen.last(), 'new.yaml') === first + second &&
        content(seen.last(), 'mesh.yaml') === first + second,
      { what: 'both complete files' },
    );
    for (const rev of seen.revs) {
      for (const f of rev.files) expect(f.content).not.toBe(first);
    }
  });

  it('applies an atomic rename-into-place save, and honours the subdirectory', async () => {
    const dir = tempDir('sub');
    writeFiles(dir, { 'specs/mesh.yaml': 'kind: Mesh\n', 'other.yaml': 'outside\n' });
    const source = track(createSource({ repo: dir, path: 'specs', settleMs: 100 }), dir);
    const seen = await collect(source);
    await waitFor(() => seen.revs.length === 1, { what: 'the first revision' });
    expect(paths(seen.last())).toEqual(['mesh.yaml']);
    await writeFile(join(dir, 'specs/.mesh.yaml.tmp'), 'kind: Mesh # saved atomically\n');
    await rename(join(dir, 'specs/.mesh.yaml.tmp'), join(dir, 'specs/mesh.yaml'));
    await waitFor(() => content(seen.last(), 'mesh.yaml') === 'kind: Mesh # saved atomically\n', {
      what: 'the save',
    });
  });

  it('refuses a git ref for a plain directory and a missing subdirectory', () => {
    const dir = tempDir('bad');
    defer(() => removeDir(dir));
    expect(() => createSource({ repo: dir, branch: 'main' })).toThrow(SourceError);
    expect(() => createSource({ repo: dir, path: 'missing' })).toThrow(/missing/);
    expect(() => createSource({ repo: join(dir, 'nope') })).toThrow(/not a directory/);
  });
});
