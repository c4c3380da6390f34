/**
 * dns discovery end to end. Translate turns a `dns` node into a DNS cluster (LOGICAL_DNS for LOADBALANCER,
 * STRICT_DNS for ENDPOINTS), not EDS: a proxyless gRPC client resolves the hostname itself (grpc-js only
 * accepts LOGICAL_DNS). So the client part dials a LOADBALANCER node on `localhost` (→ 127.0.0.1 here), and the
 * dns plugin's own watch is proven at the daemon level against a real UDP DNS server on loopback.
 */
import { lookup } from 'node:dns/promises';
import { freePort, waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The loopback UDP DNS server is shared with the dns plugin's own tests.
import { startDnsServer, type TestDnsServer } from '../../plugins/discovery-dns/test/dns-server.ts';
import {
  type EchoClient,
  type EchoServer,
  expectEndpoints,
  isLoopback,
  type MeshRun,
  startEcho,
  startMeshRun,
  summary,
  xdsClient,
} from './harness.ts';

const POOL = 'pool.disco.test';
let dns: TestDnsServer;
let run: MeshRun;
let client: EchoClient;
let server: EchoServer;
let poolPort = 0;

/** A second provider node, watched by the dns plugin (ENDPOINTS: every A record); no client dials it. */
const poolNode = (port: number) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: pool, mesh: disco }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: grpc } }]
  serviceDiscovery: { dns: { hostname: ${POOL}, responseType: ENDPOINTS, ipPreference: IPv4_ONLY } }
`;

beforeAll(async () => {
  // Before any client connects: the name the client will resolve must be loopback only.
  const resolved = await lookup('localhost', { all: true, family: 4 });
  expect(resolved.length).toBeGreaterThan(0);
  expect(resolved.every((a) => isLoopback(a.address))).toBe(true);
  server = await startEcho('127.0.0.1');
  poolPort = await freePort();
  dns = await startDnsServer();
  dns.records.set('localhost', ['127.0.0.1']);
  dns.records.set(POOL, ['127.0.4.1', '127.0.4.2']);
  run = await startMeshRun(
    { dns: { hostname: 'localhost', responseType: 'LOADBALANCER', ipPreference: 'IPv4_ONLY' } },
    server.port,
    { plugins: { dns: { servers: [dns.server], pollIntervalMs: 100 } } },
    poolNode(poolPort),
  );
  // LOGICAL_DNS: no EDS to compare; the client resolves `localhost` itself (checked above).
  await expectEndpoints(run, [`${server.id} healthy`], 'localhost', { xds: false });
  client = xdsClient(run.daemon.xdsPort);
});

afterAll(async () => {
  client?.close();
  await run?.stop();
  await dns?.stop();
  server?.stop();
});

describe('dns discovery end to end', () => {
  it('a LOADBALANCER node on localhost: the grpc-js-xds client gets a LOGICAL_DNS cluster and reaches the server', async () => {
    await client.settlesOn([server.id], 'localhost');
    const status = (await (await fetch(`http://127.0.0.1:${run.daemon.httpPort}/api/v1/status`)).json()) as {
      proxies: Array<{ node: string; nacked: Record<string, unknown> }>;
    };
    const mine = status.proxies.find((p) => p.node === 'mesh/disco/virtualNode/caller');
    expect(mine?.nacked).toEqual({});
  });

  it('the daemon follows A records added and removed on a real UDP DNS server (ENDPOINTS node)', async () => {
    const pool = (...hosts: string[]) => hosts.map((h) => `${h}:${poolPort} healthy`);
    const waitPool = async (want: string[], what: string) => {
      await waitFor(() => JSON.stringify(summary(run.endpointsOf('pool'))) === JSON.stringify(want.sort()), {
        timeoutMs: 20_000,
        what: `${what}: ${want.join(', ')}`,
      });
    };
    await waitPool(pool('127.0.4.1', '127.0.4.2'), 'first answer');
    dns.records.set(POOL, ['127.0.4.1', '127.0.4.2', '127.0.4.3']);
    await waitPool(pool('127.0.4.1', '127.0.4.2', '127.0.4.3'), 'record added');
    dns.records.set(POOL, ['127.0.4.2', '127.0.4.3']);
    await waitPool(pool('127.0.4.2', '127.0.4.3'), 'record removed');
  });
});
