import { afterAll, expect, it } from 'vitest';
import {
  type AdsGateway,
  close,
  GATEWAY,
  get,
  namedBackend,
  policy,
  ports,
  startAdsGateway,
} from './gateway.ts';

/**
 * Zone preference through a real Envoy fed by Plexus's xDS server. The gateway's bootstrap says it runs in
 * zone-a (node.locality, as App Mesh's sidecar reports it) and Plexus translates with that locality. Red has two
 * endpoints in zone-a and one in zone-b: zone-a takes all the traffic while healthy; once discovery reports
 * both zone-a endpoints unhealthy, zone-b takes it.
 */
const N = 60;
let gw: AdsGateway | undefined;
const backends: Array<Awaited<ReturnType<typeof namedBackend>>> = [];

afterAll(async () => {
  await gw?.stop();
  await Promise.all(backends.map((b) => close(b.server)));
});

async function tally(port: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < N; i++) {
    const r = await get(port, `/z/${i}`);
    expect(r.status).toBe(200);
    counts[r.text] = (counts[r.text] ?? 0) + 1;
  }
  return counts;
}

it('same-zone endpoints take the traffic while healthy, the other zone when they fail', async () => {
  const p = await ports();
  const [a1, a2, b1] = [await namedBackend('a1'), await namedBackend('a2'), await namedBackend('b1')];
  backends.push(a1, a2, b1);
  const ep = (port: number, zone: string, health: 'healthy' | 'unhealthy' = 'healthy') => ({
    address: '127.0.0.1',
    port,
    zone,
    region: 'r1',
    health,
  });
  gw = await startAdsGateway(
    p,
    policy('TrafficPolicy', 'local-first', GATEWAY, '  zoneAware: { preferLocalZone: true }\n'),
    {
      locality: { zone: 'zone-a', region: 'r1' },
      endpoints: { red: [ep(a1.port, 'zone-a'), ep(a2.port, 'zone-a'), ep(b1.port, 'zone-b')] },
    },
  );
  const local = await tally(p.gateway);
  expect(Object.keys(local).sort()).toEqual(['a1', 'a2']);
  expect(local.a1! + local.a2!).toBe(N);

  await gw.setEndpoints({
    red: [ep(a1.port, 'zone-a', 'unhealthy'), ep(a2.port, 'zone-a', 'unhealthy'), ep(b1.port, 'zone-b')],
  });
  expect(await tally(p.gateway)).toEqual({ b1: N });

  // Back to healthy: traffic returns to the local zone.
  await gw.setEndpoints({ red: [ep(a1.port, 'zone-a'), ep(a2.port, 'zone-a'), ep(b1.port, 'zone-b')] });
  expect(Object.keys(await tally(p.gateway)).sort()).toEqual(['a1', 'a2']);
}, 90_000);
