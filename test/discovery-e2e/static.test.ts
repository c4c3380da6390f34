import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EchoClient,
  type EchoServer,
  expectEndpoints,
  type MeshRun,
  meshYaml,
  startEcho,
  startMeshRun,
  xdsClient,
} from './harness.ts';

const servers: EchoServer[] = [];
let run: MeshRun;
let client: EchoClient;

const staticOf = (list: EchoServer[]) => ({
  static: { endpoints: list.map((s) => ({ address: s.host, port: s.port })) },
});
const lines = (list: EchoServer[]) => list.map((s) => `${s.id} healthy`);

beforeAll(async () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) servers.push(await startEcho(host));
  run = await startMeshRun(staticOf(servers.slice(0, 2)), servers[0]!.port);
  await expectEndpoints(run, lines(servers.slice(0, 2)), 'first commit');
  client = xdsClient(run.daemon.xdsPort);
});

afterAll(async () => {
  client?.close();
  await run?.stop();
  for (const s of servers) s.stop();
});

describe('static discovery end to end (git commit → daemon → xDS → grpc-js-xds → real servers)', () => {
  it('RPCs reach the endpoints of the committed spec', async () => {
    await client.settlesOn([servers[0]!.id, servers[1]!.id], 'first commit');
  });

  it('a commit adding an endpoint reaches the client', async () => {
    const sha = run.repo.commit(meshYaml(staticOf(servers), servers[0]!.port), 'add 127.0.0.3');
    await run.applied(sha);
    await expectEndpoints(run, lines(servers), 'added');
    await client.settlesOn(
      servers.map((s) => s.id),
      'added',
    );
  });

  it('a commit removing an endpoint reaches the client (no RPC lands on it any more)', async () => {
    const kept = servers.slice(1);
    const sha = run.repo.commit(meshYaml(staticOf(kept), servers[0]!.port), 'remove 127.0.0.1');
    await run.applied(sha);
    await expectEndpoints(run, lines(kept), 'removed');
    await client.settlesOn(
      kept.map((s) => s.id),
      'removed',
    );
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(kept.map((s) => s.id).sort());
  });
});
