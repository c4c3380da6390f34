/**
 * eks discovery end to end: EndpointSlices in the fake Kubernetes API server (list + watch over real HTTP)
 * reach a real grpc-js-xds client through the daemon.
 */
import { type FakeKubeApiServer, freePort, type KubeObject, startFakeKubeApiServer } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EchoClient,
  type EchoServer,
  expectEndpoints,
  type MeshRun,
  startEcho,
  startMeshRun,
  xdsClient,
} from './harness.ts';

const NS = 'disco';
let api: FakeKubeApiServer;
let run: MeshRun;
let client: EchoClient;
const servers: EchoServer[] = [];
let port = 0;

/** The Service's EndpointSlice as the EndpointSlice controller writes it; `terminating` pods are going away. */
function slice(ready: EchoServer[], terminating: EchoServer[] = []): KubeObject {
  const ep = (s: EchoServer, term: boolean) => ({
    addresses: [s.host],
    conditions: { ready: !term, serving: true, terminating: term },
    targetRef: { kind: 'Pod', name: `echo-${s.host.replaceAll('.', '-')}`, namespace: NS },
  });
  return {
    addressType: 'IPv4',
    metadata: { name: 'echo-abcde', namespace: NS, labels: { 'kubernetes.io/service-name': 'echo' } },
    ports: [{ name: 'grpc', port, protocol: 'TCP' }],
    endpoints: [...ready.map((s) => ep(s, false)), ...terminating.map((s) => ep(s, true))],
  };
}

const line = (s: EchoServer, health = 'healthy') => `${s.id} ${health}`;
const ids = (list: EchoServer[]) => list.map((s) => s.id);

beforeAll(async () => {
  port = await freePort();
  for (const host of ['127.0.2.1', '127.0.2.2', '127.0.2.3']) servers.push(await startEcho(host, port));
  api = await startFakeKubeApiServer();
  api.apply('endpointslices', slice(servers.slice(0, 2)));
  run = await startMeshRun({ eks: { service: 'echo', namespace: NS, port: 'grpc' } }, port, {
    plugins: { eks: { server: api.url } },
  });
  await expectEndpoints(
    run,
    servers.slice(0, 2).map((s) => line(s)),
    'ready pods',
  );
  client = xdsClient(run.daemon.xdsPort);
});

afterAll(async () => {
  client?.close();
  await run?.stop();
  await api?.stop();
  for (const s of servers) s.stop();
});

describe('eks discovery end to end (fake Kubernetes API server, pod IPs 127.0.2.x)', () => {
  it('RPCs reach the ready pods; a new pod joins, a terminating pod gets no new RPCs, a deleted pod leaves', async () => {
    const [a, b, c] = servers as [EchoServer, EchoServer, EchoServer];
    await client.settlesOn(ids([a, b]), 'ready pods');

    api.apply('endpointslices', slice([a, b, c]));
    await expectEndpoints(run, [line(a), line(b), line(c)], 'added');
    await client.settlesOn(ids([a, b, c]), 'added');

    api.apply('endpointslices', slice([b, c], [a]));
    await expectEndpoints(run, [line(a, 'draining'), line(b), line(c)], 'terminating');
    await client.settlesOn(ids([b, c]), 'terminating');

    api.apply('endpointslices', slice([b, c]));
    await expectEndpoints(run, [line(b), line(c)], 'deleted');
    a.stop();
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(ids([b, c]).sort());
  });
});
