/**
 * The App Mesh API of a real daemon over a real git repo, driven by @aws-sdk/client-app-mesh: its own
 * serializers and deserializers judge the shapes, errors and pagination.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppMesh,
  BadRequestException,
  ConflictException,
  NotFoundException,
  ResourceInUseException,
} from '@aws-sdk/client-app-mesh';
import { type Daemon, startDaemon } from '@plexus/daemon';
import { commitAll, git, initRepo, repoRoot, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let daemon: Daemon;
let mesh: AppMesh;
const KEY = { accessKeyId: 'AKIAPLEXUSTEST0001', secretAccessKey: 'plexus-test-secret-0001' };
const SCOPED = { accessKeyId: 'AKIAPLEXUSTEST0002', secretAccessKey: 'plexus-test-secret-0002' };

function client(creds: { accessKeyId: string; secretAccessKey: string }, region = 'us-west-2'): AppMesh {
  return new AppMesh({
    endpoint: `http://127.0.0.1:${daemon.httpPort}`,
    region,
    credentials: creds,
    maxAttempts: 1,
  });
}

const head = () => git(dir, ['rev-parse', 'HEAD']);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-api-sdk-'));
  initRepo(dir);
  cpSync(join(repoRoot, 'examples/colorapp/mesh'), join(dir, 'mesh'), { recursive: true });
  commitAll(dir, 'colorapp');
  daemon = await startDaemon({
    repo: dir,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    console: { enabled: false },
    telemetry: { enabled: false },
    logger: pino({ level: 'warn' }),
    api: {
      region: 'us-west-2',
      accountId: '123456789012',
      keys: [
        { ...KEY, author: 'Pipeline Bot <pipeline@example.com>' },
        { ...SCOPED, author: 'Scoped <scoped@example.com>', meshes: ['other'] },
      ],
    },
  });
  await waitFor(() => daemon.status.applied === head(), { what: 'first revision' });
  mesh = client(KEY);
});

afterAll(async () => {
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('App Mesh API through the AWS SDK', () => {
  it('describes and lists what the files say, with App Mesh metadata', async () => {
    const { mesh: m } = await mesh.describeMesh({ meshName: 'colorapp' });
    expect(m?.meshName).toBe('colorapp');
    expect(m?.metadata?.arn).toBe('arn:aws:appmesh:us-west-2:123456789012:mesh/colorapp');
    expect(m?.metadata?.version).toBe(1);
    expect(m?.metadata?.createdAt).toBeInstanceOf(Date);
    expect(m?.status?.status).toBe('ACTIVE');
    const { route } = await mesh.describeRoute({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'colors',
    });
    expect(route?.spec?.httpRoute?.action?.weightedTargets?.map((t) => t.weight)).toEqual([1, 1, 1]);
    expect(route?.metadata?.arn).toBe(
      'arn:aws:appmesh:us-west-2:123456789012:mesh/colorapp/virtualRouter/colorteller/route/colors',
    );
    const nodes = await mesh.listVirtualNodes({ meshName: 'colorapp' });
    expect(nodes.virtualNodes?.map((n) => n.virtualNodeName)).toEqual([
      'colorteller-blue',
      'colorteller-green',
      'colorteller-red',
      'front',
    ]);
    expect(nodes.virtualNodes?.[0]).toMatchObject({
      meshOwner: '123456789012',
      resourceOwner: '123456789012',
      version: 1,
    });
  });

  it('pages with limit and nextToken', async () => {
    const first = await mesh.listVirtualNodes({ meshName: 'colorapp', limit: 3 });
    expect(first.virtualNodes).toHaveLength(3);
    expect(first.nextToken).toBeTruthy();
    const second = await mesh.listVirtualNodes({
      meshName: 'colorapp',
      limit: 3,
      nextToken: first.nextToken,
    });
    expect(second.virtualNodes?.map((n) => n.virtualNodeName)).toEqual(['front']);
    expect(second.nextToken).toBeUndefined();
    await expect(mesh.listVirtualNodes({ meshName: 'colorapp', limit: 101 })).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  it('NotFoundException names what is missing', async () => {
    const err = await mesh
      .describeVirtualNode({ meshName: 'colorapp', virtualNodeName: 'nope' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err.message).toBe('VirtualNode colorapp/nope not found');
    const noMesh = await mesh.listRoutes({ meshName: 'nomesh', virtualRouterName: 'x' }).catch((e) => e);
    expect(noMesh).toBeInstanceOf(NotFoundException);
    expect(noMesh.message).toBe('Mesh nomesh not found');
  });

  it('update-route commits in the file it came from, keeps the rest, bumps the version', async () => {
    const before = readFileSync(join(dir, 'mesh/colorteller.yaml'), 'utf8');
    const { route } = await mesh.updateRoute({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'colors',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: {
            weightedTargets: [
              { virtualNode: 'colorteller-red', weight: 1 },
              { virtualNode: 'colorteller-blue', weight: 0 },
              { virtualNode: 'colorteller-green', weight: 3 },
            ],
          },
        },
      },
    });
    expect(route?.metadata?.version).toBe(2);
    expect(git(dir, ['log', '-1', '--format=%an <%ae>|%s'])).toBe(
      'Pipeline Bot <pipeline@example.com>|UpdateRoute Route colorapp/colorteller/colors',
    );
    const diff = git(dir, ['show', '--format=', '-U0', 'HEAD']);
    expect(diff.split('\n').filter((l) => /^[-+] /.test(l))).toEqual([
      '-          weight: 1',
      '+          weight: 0',
      '-          weight: 1',
      '+          weight: 3',
    ]);
    expect(readFileSync(join(dir, 'mesh/colorteller.yaml'), 'utf8')).toBe(
      before.replace(
        /weight: 1\n(\s+- virtualNode: colorteller-green\n\s+)weight: 1/,
        'weight: 0\n$1weight: 3',
      ),
    );
    expect(daemon.status.applied).toBe(head());
    expect(git(dir, ['status', '--porcelain'])).toBe('');
  });

  it('a weight of 1000 is refused with the validation message and nothing is committed', async () => {
    const sha = head();
    const err = await mesh
      .updateRoute({
        meshName: 'colorapp',
        virtualRouterName: 'colorteller',
        routeName: 'colors',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'colorteller-red', weight: 1000 }] },
          },
        },
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err.message).toMatch(
      /mesh\/colorteller\.yaml:\d+:\d+: Route colorapp\/colors: .*weightedTargets\[0\]\.weight/,
    );
    expect(head()).toBe(sha);
  });

  it('creates a virtual node in the configured folder, native format; create twice is a ConflictException', async () => {
    const spec = {
      listeners: [{ portMapping: { port: 9084, protocol: 'http' as const } }],
      serviceDiscovery: { dns: { hostname: 'purple.colorapp.local' } },
    };
    const { virtualNode } = await mesh.createVirtualNode({
      meshName: 'colorapp',
      virtualNodeName: 'colorteller-purple',
      spec,
      tags: [{ key: 'team', value: 'colors' }],
    });
    expect(virtualNode?.metadata?.version).toBe(1);
    expect(git(dir, ['show', '--name-only', '--format=%s', 'HEAD'])).toBe(
      'CreateVirtualNode VirtualNode colorapp/colorteller-purple\n\nappmesh-api/colorapp/virtual-node-colorteller-purple.yaml',
    );
    expect(
      readFileSync(join(dir, 'appmesh-api/colorapp/virtual-node-colorteller-purple.yaml'), 'utf8'),
    ).toContain('kind: VirtualNode');
    const again = await mesh
      .createVirtualNode({ meshName: 'colorapp', virtualNodeName: 'colorteller-purple', spec })
      .catch((e) => e);
    expect(again).toBeInstanceOf(ConflictException);
    const arn = virtualNode!.metadata!.arn!;
    expect((await mesh.listTagsForResource({ resourceArn: arn })).tags).toEqual([
      { key: 'team', value: 'colors' },
    ]);
    await mesh.tagResource({ resourceArn: arn, tags: [{ key: 'stage', value: 'canary' }] });
    await mesh.untagResource({ resourceArn: arn, tagKeys: ['team'] });
    expect((await mesh.listTagsForResource({ resourceArn: arn })).tags).toEqual([
      { key: 'stage', value: 'canary' },
    ]);
    const { virtualNode: gone } = await mesh.deleteVirtualNode({
      meshName: 'colorapp',
      virtualNodeName: 'colorteller-purple',
    });
    expect(gone?.status?.status).toBe('DELETED');
    expect(git(dir, ['ls-tree', '-r', '--name-only', 'HEAD'])).not.toContain('purple');
  });

  it('deleting a router that has routes is a ResourceInUseException', async () => {
    const err = await mesh
      .deleteVirtualRouter({ meshName: 'colorapp', virtualRouterName: 'colorteller' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ResourceInUseException);
    expect(err.message).toContain('Route colorapp/colorteller/colors');
  });

  it('a retry with the same clientToken gets the first answer without a second commit', async () => {
    const input = {
      meshName: 'colorapp',
      virtualServiceName: 'front.colorapp.local',
      spec: { provider: { virtualNode: { virtualNodeName: 'colorteller-red' } } },
      clientToken: 'token-1',
    };
    const first = await mesh.updateVirtualService(input);
    const sha = head();
    const second = await mesh.updateVirtualService(input);
    expect(head()).toBe(sha);
    expect(second.virtualService?.metadata?.version).toBe(first.virtualService?.metadata?.version);
    const changed = await mesh
      .updateVirtualService({ ...input, spec: { provider: { virtualNode: { virtualNodeName: 'front' } } } })
      .catch((e) => e);
    expect(changed).toBeInstanceOf(ConflictException);
    await mesh.updateVirtualService({
      ...input,
      clientToken: undefined,
      spec: { provider: { virtualNode: { virtualNodeName: 'front' } } },
    });
  });

  it('refuses unknown keys, bad secrets, other regions and meshes out of scope, in one line each', async () => {
    const unknown = await client({ accessKeyId: 'AKIAUNKNOWN000000', secretAccessKey: 'x'.repeat(20) })
      .listMeshes({})
      .catch((e) => e);
    expect(unknown.name).toBe('UnrecognizedClientException');
    const bad = await client({ ...KEY, secretAccessKey: 'wrong-secret-wrong-secret' })
      .listMeshes({})
      .catch((e) => e);
    expect(bad.name).toBe('InvalidSignatureException');
    const region = await client(KEY, 'eu-west-1')
      .listMeshes({})
      .catch((e) => e);
    expect(region.name).toBe('InvalidSignatureException');
    expect(region.message).toContain("not 'eu-west-1'");
    const scoped = await client(SCOPED)
      .deleteRoute({ meshName: 'colorapp', virtualRouterName: 'colorteller', routeName: 'colors' })
      .catch((e) => e);
    expect(scoped.name).toBe('AccessDeniedException');
    expect((await client(SCOPED).listMeshes({})).meshes?.map((m) => m.meshName)).toEqual(['colorapp']);
    const unsigned = await fetch(`http://127.0.0.1:${daemon.httpPort}/v20190125/meshes`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    for (const e of [unknown, bad, region, scoped]) expect(e.message).not.toMatch(/\n/);
  });
});
