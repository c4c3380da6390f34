import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@plexus/testkit';
import { afterAll, describe, expect, test } from 'vitest';
import {
  expandReplicaUrls,
  fetchFleetStatus,
  mergeFleetStatus,
  type ReplicaAnswer,
} from '../src/fleet-status.ts';
import type { StatusDocument } from '../src/status.ts';

const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';

function doc(applied: string | null, nodes: string[]): StatusDocument {
  return {
    revision: { applied, attempted: applied, error: null },
    proxies: nodes.map((node) => ({
      node,
      connected: true,
      acked: { [LDS]: 'v1' },
      nacked: {},
      revision: applied,
    })),
  };
}

describe('mergeFleetStatus', () => {
  test('merges proxies, takes the majority revision and flags the replica that differs', () => {
    const answers: ReplicaAnswer[] = [
      { server: 'http://a:9090', doc: doc('r2', ['mesh/m/virtualNode/x']) },
      { server: 'http://b:9090', doc: doc('r1', ['mesh/m/virtualNode/y']) },
      { server: 'http://c:9090', doc: doc('r2', ['mesh/m/virtualNode/x', 'mesh/m/virtualNode/z']) },
    ];
    const fleet = mergeFleetStatus(answers);
    expect(fleet.revision).toBe('r2');
    expect(fleet.consistent).toBe(false);
    expect(fleet.replicas.map((r) => [r.server, r.differs, r.proxies])).toEqual([
      ['http://a:9090', false, 1],
      ['http://b:9090', true, 1],
      ['http://c:9090', false, 2],
    ]);
    expect(fleet.proxies.map((p) => `${p.node}@${p.replica}`)).toEqual([
      'mesh/m/virtualNode/x@http://a:9090',
      'mesh/m/virtualNode/x@http://c:9090',
      'mesh/m/virtualNode/y@http://b:9090',
      'mesh/m/virtualNode/z@http://c:9090',
    ]);
  });

  test('an unreachable replica makes the fleet inconsistent but is not a revision of its own', () => {
    const fleet = mergeFleetStatus([
      { server: 'http://a:9090', doc: doc('r1', []) },
      { server: 'http://b:9090', error: 'ECONNREFUSED' },
    ]);
    expect(fleet.revision).toBe('r1');
    expect(fleet.consistent).toBe(false);
    expect(fleet.replicas[1]).toMatchObject({ reachable: false, error: 'ECONNREFUSED', differs: false });
  });

  test('all on one revision is consistent', () => {
    const fleet = mergeFleetStatus([
      { server: 'http://a:9090', doc: doc('r1', []) },
      { server: 'http://b:9090', doc: doc('r1', []) },
    ]);
    expect(fleet).toMatchObject({ revision: 'r1', consistent: true });
  });
});

describe('expandReplicaUrls', () => {
  test('a name resolving to several addresses stands for one replica per address', async () => {
    const resolve = async (host: string) =>
      host === 'plexus.mesh.svc' ? ['10.0.0.2', '10.0.0.1', 'fd00::3'] : ['10.9.9.9'];
    expect(
      await expandReplicaUrls(['http://plexus.mesh.svc:9090/', 'http://one.example:9090'], resolve),
    ).toEqual([
      'http://10.0.0.1:9090',
      'http://10.0.0.2:9090',
      'http://[fd00::3]:9090',
      'http://one.example:9090',
    ]);
    expect(await expandReplicaUrls(['http://127.0.0.1:1'], resolve)).toEqual(['http://127.0.0.1:1']);
  });

  test('localhost resolves for real and is kept as one replica', async () => {
    const urls = await expandReplicaUrls(['http://localhost:9090']);
    expect(urls.length).toBeGreaterThanOrEqual(1);
  });
});

describe('fetchFleetStatus', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });
  async function serve(body: StatusDocument): Promise<string> {
    const s = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  test('reads each replica over HTTP and reports the one that does not answer', async () => {
    const a = await serve(doc('r1', ['mesh/m/virtualNode/x']));
    const b = await serve(doc('r1', ['mesh/m/virtualNode/y']));
    const dead = `http://127.0.0.1:${await freePort()}`;
    const fleet = await fetchFleetStatus([a, b, dead], { timeoutMs: 2000 });
    expect(fleet.revision).toBe('r1');
    expect(fleet.proxies).toHaveLength(2);
    expect(fleet.replicas[2]).toMatchObject({ server: dead, reachable: false });
    expect(fleet.replicas[2]?.error).toMatch(/ECONNREFUSED/);
  });
});
