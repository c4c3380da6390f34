import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, type SourceRevision, type StatusDocument, startDaemon } from '../src/index.ts';
import type { Source } from '../src/stages.ts';
import { FakeDiscovery, FakeXds } from './fakes.ts';

/** A source that delivers the files a test commits (real YAML, loaded by the real spec stages). */
class FilesSource implements Source {
  #emit?: (rev: SourceRevision) => void;
  #first?: SourceRevision;
  constructor(first?: Record<string, string>) {
    if (first) this.#first = revision('r1', first);
  }
  async start(onRevision: (rev: SourceRevision) => void) {
    this.#emit = onRevision;
    if (this.#first) onRevision(this.#first);
  }
  async stop() {}
  commit(id: string, files: Record<string, string>) {
    this.#emit!(revision(id, files));
  }
}

const revision = (id: string, files: Record<string, string>): SourceRevision => ({
  id,
  seenAt: Date.now(),
  source: 'test',
  files: Object.entries(files).map(([path, content]) => ({ path, content })),
});

const MESH = `apiVersion: plexus/v1
kind: Mesh
metadata: { name: shop }
spec: {}
`;
const node = (name: string, port: number, backends: string[] = []) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: shop }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
  backends: [${backends.map((b) => `{ virtualService: { virtualServiceName: ${b} } }`).join(', ')}]
`;
const service = (name: string, provider: string) => `apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${name}, mesh: shop }
spec: { provider: { virtualNode: { virtualNodeName: ${provider} } } }
`;

const OWNERSHIP = {
  meshes: [
    {
      mesh: 'shop',
      owner: 'platform',
      label: 'plexus.yaml:2:5 (ownership.meshes[0])',
      members: [
        {
          owner: 'team-a',
          label: 'plexus.yaml:5:9 (ownership.meshes[0].members[0])',
          resources: [{ kind: '*' as const, name: 'web*' }],
        },
        {
          owner: 'team-b',
          label: 'plexus.yaml:7:9 (ownership.meshes[0].members[1])',
          resources: [{ kind: '*' as const, name: 'cart*' }],
        },
      ],
    },
  ],
};

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function start() {
  const platform = new FilesSource({ 'mesh.yaml': MESH });
  const a = new FilesSource({ 'web.yaml': node('web', 8080, ['cart.shop.local']) });
  const b = new FilesSource({
    'cart.yaml': node('cart', 8081),
    'cart-vs.yaml': service('cart.shop.local', 'cart'),
  });
  const xds = new FakeXds();
  daemon = await startDaemon({
    sources: [
      { name: 'platform', repo: '/p', owner: 'platform' },
      { name: 'team-a', repo: '/a' },
      { name: 'team-b', repo: '/b' },
    ],
    ownership: OWNERSHIP,
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    builtinPlugins: ['@plexus/discovery-static'],
    overrides: {
      sources: { platform, 'team-a': a, 'team-b': b },
      createXds: () => xds,
      discovery: new FakeDiscovery(),
      discoveryPlugins: [],
    },
  });
  const d = daemon;
  await d.idle();
  const status = async () =>
    (await (await fetch(`http://127.0.0.1:${d.httpPort}/api/v1/status`)).json()) as StatusDocument;
  const pushed = () => xds.calls.filter((c) => c.op === 'set').map((c) => c.key);
  return { platform, a, b, xds, d, status, pushed };
}

describe('several sources', () => {
  it('serves the union of every source, each resource knowing its source', async () => {
    const { d, status, pushed } = await start();
    expect(pushed().sort()).toEqual(['mesh/shop/virtualNode/cart', 'mesh/shop/virtualNode/web']);
    const s = await status();
    expect(s.sources?.map((x) => [x.name, x.owner, x.revision.applied, x.revision.error])).toEqual([
      ['platform', 'platform', 'r1', null],
      ['team-a', 'team-a', 'r1', null],
      ['team-b', 'team-b', 'r1', null],
    ]);
    expect(s.revision.applied).toMatch(/^[0-9a-f]{40}$/);
    expect(s.revision.error).toBeNull();
    const g = d.channels.graphs.latest()!;
    expect(g.resources.map((r) => `${r.source} ${r.kind} ${r.position.file}`).sort()).toEqual([
      'platform Mesh platform/mesh.yaml',
      'team-a VirtualNode team-a/web.yaml',
      'team-b VirtualNode team-b/cart.yaml',
      'team-b VirtualService team-b/cart-vs.yaml',
    ]);
  });

  it("refuses a broken commit for its source alone; the other sources' commits keep applying", async () => {
    const { a, b, xds, d, status, pushed } = await start();
    xds.calls = [];
    b.commit('b2', { 'cart.yaml': node('cart', 99999), 'cart-vs.yaml': service('cart.shop.local', 'cart') });
    await d.idle();
    expect(pushed()).toEqual([]);
    a.commit('a2', { 'web.yaml': node('web', 8090, ['cart.shop.local']) });
    await d.idle();
    expect(pushed()).toEqual(['mesh/shop/virtualNode/web']);
    const s = await status();
    const byName = Object.fromEntries(s.sources!.map((x) => [x.name, x]));
    expect(byName['team-a']!.revision).toEqual({ applied: 'a2', attempted: 'a2', error: null });
    expect(byName['team-b']!.revision).toMatchObject({
      applied: 'r1',
      attempted: 'b2',
      error: { source: 'team-b', revision: 'b2', file: 'team-b/cart.yaml', line: 5 },
    });
    // The top-level error stays while team-b is refused, though team-a's later commit applied.
    expect(s.revision.error).toMatchObject({ source: 'team-b' });
    const metrics = await (await fetch(`http://127.0.0.1:${d.httpPort}/metrics`)).text();
    expect(metrics).toContain('plexus_source_refused{source="team-b"} 1');
    expect(metrics).toContain('plexus_source_refused{source="team-a"} 0');
    expect(metrics).toContain('plexus_source_applied_revision_info{source="team-a",revision="a2"} 1');
  });

  it("refuses a commit that deletes what another source's resources use, naming them", async () => {
    const { b, xds, d, status, pushed } = await start();
    xds.calls = [];
    b.commit('b2', { 'cart.yaml': node('cart', 8081) });
    await d.idle();
    expect(pushed()).toEqual([]);
    const err = (await status()).sources!.find((x) => x.name === 'team-b')!.revision.error!;
    expect(err.message).toBe(
      "source team-b: the change breaks resources other sources depend on: team-a's VirtualNode shop/web",
    );
    expect(err.errors.join('\n')).toContain('team-a/web.yaml:');
  });

  it('refuses a resource its source may not define, at its file:line naming the rule', async () => {
    const { b, d, status, pushed, xds } = await start();
    xds.calls = [];
    b.commit('b2', {
      'cart.yaml': node('cart', 8081),
      'cart-vs.yaml': service('cart.shop.local', 'cart'),
      'web2.yaml': node('web-two', 8082),
    });
    await d.idle();
    expect(pushed()).toEqual([]);
    const err = (await status()).sources!.find((x) => x.name === 'team-b')!.revision.error!;
    expect(err.errors).toEqual([
      "team-b/web2.yaml:1:1: VirtualNode shop/web-two: owner 'team-b' (source team-b) may not define VirtualNode 'web-two' in mesh 'shop': rule plexus.yaml:7:9 (ownership.meshes[0].members[1]) allows * cart*",
    ]);
  });
});
