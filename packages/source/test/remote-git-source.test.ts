import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSource,
  createWebhookHandler,
  RemoteGitSource,
  type Source,
  SourceError,
} from '../src/index.ts';
import { cleanupsAfterEach } from './helpers/cleanups.ts';
import { collect, content, paths } from './helpers/collect.ts';
import { git, removeDir, tempDir, WorkTree } from './helpers/git-cli.ts';
import { type GitHttpServer, startGitHttpServer } from './helpers/git-http-server.ts';

const TOKEN = 'tok-Zq81-very-secret';
const TOKEN_ENV = 'PLEXUS_SOURCE_TEST_TOKEN';

describe('remote repository over HTTP (git http-backend)', () => {
  let root: string;
  let server: GitHttpServer;
  let work: WorkTree;
  let bare: string;
  const { defer, track } = cleanupsAfterEach();

  beforeAll(async () => {
    root = tempDir('http-root');
    work = WorkTree.create('upstream');
    work.commit({
      'mesh/mesh.yaml': 'kind: Mesh\n',
      'mesh/nodes/a.yaml': 'kind: VirtualNode\n',
      'app.go': 'package x',
    });
    bare = join(root, 'specs.git');
    git(root, 'clone', '-q', '--bare', work.dir, bare);
    server = await startGitHttpServer(root, TOKEN);
    process.env[TOKEN_ENV] = TOKEN;
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await server.stop();
    removeDir(root);
    removeDir(work.dir);
  });

  const remote = (opts: Partial<Parameters<typeof createSource>[0]> = {}): Source => {
    const cacheDir = opts.cacheDir ?? tempDir('cache');
    const source = createSource({
      repo: server.url('specs.git'),
      auth: { tokenEnv: TOKEN_ENV },
      pollIntervalMs: 600_000,
      ...opts,
      cacheDir,
    });
    return track(source, cacheDir);
  };
  const push = (files: Record<string, string | null>, ...flags: string[]) => {
    const sha = work.commit(files);
    work.git('push', '-q', ...flags, bare, 'HEAD:refs/heads/main');
    return sha;
  };

  it('fetches a branch subdirectory, polls cheaply, and fetches again only after a push', async () => {
    const source = remote({ branch: 'main', path: 'mesh', pollIntervalMs: 60 });
    expect(source).toBeInstanceOf(RemoteGitSource);
    const fetchesBefore = server.fetches;
    const seen = await collect(source);
    expect(seen.errors).toEqual([]);
    expect(seen.last()).toMatchObject({ id: work.head(), ref: 'refs/heads/main' });
    expect(paths(seen.last())).toEqual(['mesh.yaml', 'nodes/a.yaml']);
    expect(seen.last().source).toContain('specs.git');
    expect(server.fetches).toBe(fetchesBefore + 1);

    const listings = server.listings;
    await waitFor(() => server.listings >= listings + 3, { what: 'three more polls' });
    expect(server.fetches).toBe(fetchesBefore + 1); // unchanged head: ls-remote only, no fetch
    expect(seen.revs).toHaveLength(1);

    const next = push({ 'mesh/nodes/b.yml': 'kind: VirtualNode\nname: b\n' });
    await waitFor(() => seen.last().id === next, { what: 'the pushed commit' });
    expect(paths(seen.last())).toEqual(['mesh.yaml', 'nodes/a.yaml', 'nodes/b.yml']);
    expect(server.fetches).toBe(fetchesBefore + 2);
  });

  it('follows the remote default branch when none is named, and handles a force-push', async () => {
    const source = remote({ path: 'mesh', pollIntervalMs: 60 });
    const seen = await collect(source);
    expect(seen.last()).toMatchObject({ id: work.head(), ref: 'refs/heads/main' });

    // rewrite history: an orphan commit forced over main
    work.git('checkout', '-q', '--orphan', `rewrite-${Date.now()}`);
    work.git('rm', '-rq', '--cached', '.');
    work.git('clean', '-fdq');
    const forced = push({ 'mesh/mesh.yaml': 'kind: Mesh\nname: rewritten\n' }, '--force');
    await waitFor(() => seen.last().id === forced, { what: 'the force-pushed commit' });
    expect(paths(seen.last())).toEqual(['mesh.yaml']);
    expect(content(seen.last(), 'mesh.yaml')).toContain('rewritten');
    expect(seen.errors).toEqual([]);
  });

  it('fetches an annotated tag and a pinned commit that is no branch tip', async () => {
    const tagged = push({ 'mesh/tagged.yaml': 'tag: v1\n' });
    work.git('tag', '-a', 'v1', '-m', 'v1');
    work.git('push', '-q', bare, 'refs/tags/v1');
    push({ 'mesh/later.yaml': 'later: true\n' });

    const byTag = await collect(remote({ tag: 'v1', path: 'mesh' }));
    expect(byTag.errors).toEqual([]);
    expect(byTag.last()).toMatchObject({ id: tagged, ref: 'refs/tags/v1' });
    expect(paths(byTag.last())).toContain('tagged.yaml');
    expect(paths(byTag.last())).not.toContain('later.yaml');

    const pinnedSource = remote({ commit: tagged, pollIntervalMs: 30 });
    const pinned = await collect(pinnedSource);
    expect(pinned.errors).toEqual([]);
    expect(pinned.last().id).toBe(tagged);
    expect(pinned.last().ref).toBeUndefined();
    // a pinned commit never changes: no polling, and refresh needs no new fetch
    const fetches = server.fetches;
    await pinnedSource.refresh?.();
    expect(server.fetches).toBe(fetches);
    expect(pinned.revs).toHaveLength(1);
  });

  it('reads the token from a file; a wrong or missing token is a clear error that never shows the token', async () => {
    const dir = tempDir('token');
    defer(() => removeDir(dir));
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const fromFile = await collect(remote({ auth: { tokenFile: file } }));
    expect(fromFile.errors).toEqual([]);
    expect(fromFile.revs).toHaveLength(1);

    const wrong = 'wrong-tok-4471';
    process.env.PLEXUS_SOURCE_TEST_WRONG = wrong;
    const unauthorized = server.unauthorized;
    const bad = await collect(remote({ auth: { tokenEnv: 'PLEXUS_SOURCE_TEST_WRONG', username: 'ci-bot' } }));
    delete process.env.PLEXUS_SOURCE_TEST_WRONG;
    expect(bad.revs).toEqual([]);
    expect(server.unauthorized).toBeGreaterThan(unauthorized);
    const err = bad.errors[0];
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe('auth');
    expect(err.message).toMatch(/authentication failed \(HTTP 401\).*\$PLEXUS_SOURCE_TEST_WRONG/);
    const everything = [err.message, err.detail, err.stack, String(err), JSON.stringify(err)].join('\n');
    const basic = Buffer.from(`ci-bot:${wrong}`).toString('base64');
    for (const secret of [wrong, basic, TOKEN]) expect(everything).not.toContain(secret);

    const missing = await collect(remote({ auth: { tokenEnv: 'PLEXUS_SOURCE_TEST_UNSET' } }));
    expect(missing.errors[0].code).toBe('auth');
    expect(missing.errors[0].message).toContain('PLEXUS_SOURCE_TEST_UNSET');

    const none = await collect(remote({ auth: undefined }));
    expect(none.errors[0].message).toContain('no token');
  });

  it('a token in the URL is redacted from labels and errors', async () => {
    const url = server.url('specs.git').replace('http://', `http://bot:${TOKEN}@`);
    const withUrlToken = await collect(remote({ repo: url, auth: undefined }));
    expect(withUrlToken.errors).toEqual([]);
    expect(withUrlToken.last().source).not.toContain(TOKEN);

    const badUrl = server.url('missing.git').replace('http://', `http://bot:${TOKEN}@`);
    const missing = await collect(remote({ repo: badUrl, auth: undefined }));
    expect(missing.errors[0].code).toBe('not-found');
    expect([missing.errors[0].message, missing.errors[0].detail].join()).not.toContain(TOKEN);
  });

  it('a GitHub-signed webhook triggers an immediate fetch', async () => {
    const source = remote({ branch: 'main' }); // polls every 10 min: only the webhook can bring the push in time
    const seen = await collect(source);
    const secret = 'hook-secret';
    const hook: Server = createServer(
      createWebhookHandler({ secret, onTrigger: () => void source.refresh?.() }),
    );
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    defer(() => new Promise<void>((r) => hook.close(() => r())));
    const address = hook.address();
    const hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

    const next = push({ 'mesh/hooked.yaml': 'hooked: true\n' });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: next });
    const forged = await fetch(hookUrl, {
      method: 'POST',
      body,
      headers: {
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`,
      },
    });
    expect(forged.status).toBe(401);

    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const res = await fetch(hookUrl, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signature,
      },
    });
    expect(res.status).toBe(202);
    await waitFor(() => seen.last().id === next, { what: 'the revision the webhook brought' });
    expect(seen.revs).toHaveLength(2);
  });

  it('rebuilds its own cache once it holds too many packs, and never touches a foreign git directory', async () => {
    const cacheDir = tempDir('cache-own');
    const source = remote({ branch: 'main', cacheDir });
    const seen = await collect(source);
    expect(seen.errors).toEqual([]);
    for (let i = 0; i < 210; i++) writeFileSync(join(cacheDir, 'objects/pack', `junk-${i}.keep`), '');
    const next = push({ 'mesh/rebuilt.yaml': 'rebuilt: true\n' });
    await source.refresh?.();
    expect(seen.last().id).toBe(next);
    expect(readdirSync(join(cacheDir, 'objects/pack')).some((f) => f.startsWith('junk-'))).toBe(false);

    const foreign = tempDir('foreign');
    git(foreign, 'init', '-q', '--bare');
    const refused = await collect(remote({ cacheDir: foreign }));
    defer(() => removeDir(foreign));
    expect(refused.errors[0].code).toBe('config');
    expect(existsSync(join(foreign, 'HEAD'))).toBe(true);
  });

  it('reports an unreachable server through onError and keeps retrying', async () => {
    const cacheDir = tempDir('cache');
    const source = track(
      createSource({ repo: 'http://127.0.0.1:1/specs.git', pollIntervalMs: 20, cacheDir }),
      cacheDir,
    );
    const seen = await collect(source);
    expect(seen.revs).toEqual([]);
    expect(seen.errors[0].code).toBe('network');
    await source.refresh?.(); // a second failure with the same message is not reported twice
    expect(seen.errors).toHaveLength(1);
  });

  it('explains that SSH URLs are not supported and what to do instead', () => {
    for (const repo of ['git@github.com:acme/specs.git', 'ssh://git@example.com/acme/specs.git']) {
      let caught: unknown;
      try {
        createSource({ repo });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SourceError);
      expect((caught as SourceError).code).toBe('unsupported-protocol');
      expect((caught as SourceError).message).toMatch(
        /isomorphic-git.*HTTP\(S\).*https:\/\/.*token.*local clone/s,
      );
    }
    expect(() => createSource({ repo: 'git://example.com/x.git' })).toThrow(/only https/);
  });
});
