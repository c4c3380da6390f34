import { status as GrpcStatus } from '@grpc/grpc-js';
import { AdsClient, waitFor, XdsTypes } from '@plexus/testkit';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '../src/index.ts';
import { FakeDiscovery, FakeSource, fakeStages } from './fakes.ts';

const A = 'mesh/m/virtualNode/a';
let daemon: Daemon | undefined;
const clients: AdsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = undefined;
});

describe('discovery-bound identity in the daemon', () => {
  it('admits a stream from an endpoint address of its node, and ends it when discovery drops the address', async () => {
    const discovery = new FakeDiscovery();
    daemon = await startDaemon({
      repo: '/nowhere',
      httpListen: '127.0.0.1:0',
      xdsListen: '127.0.0.1:0',
      identity: { discovery: { meshes: ['m'] } },
      logger: pino({ level: 'silent' }),
      overrides: { stages: fakeStages(), source: new FakeSource(), discovery, discoveryPlugins: [] },
    });
    const open = () => {
      const c = new AdsClient(`127.0.0.1:${daemon!.xdsPort}`);
      clients.push(c);
      const s = c.sotw({ id: A });
      s.request({ typeUrl: XdsTypes.cluster });
      return s;
    };
    const refused = await open().ended();
    expect(refused.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(refused.details).toMatch(/peer 127\.0\.0\.1 is not an endpoint of mesh\/m\/virtualNode\/a/);

    discovery.set('a', ['127.0.0.1']);
    const s = open();
    await waitFor(() => daemon!.status.document().proxies.some((p) => p.node === A && p.connected), {
      what: 'admitted',
    });
    discovery.set('a', ['10.9.9.9']);
    const end = await s.ended();
    expect(end.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(end.details).toMatch(/no longer an endpoint/);
  });
});
