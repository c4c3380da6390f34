import { loadAssignment, XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { NODE, sampleConfig, startHarness } from './harness.ts';

const zoneOf = (n: { locality?: { region?: string; zone?: string } }) =>
  n.locality?.zone ? `zone=${n.locality.region ?? ''}/${n.locality.zone}` : undefined;

const portsOf = (r: { resources: { value: Record<string, unknown> }[] }) =>
  r.resources.map((x) => {
    const eps = x.value.endpoints as {
      lb_endpoints: { endpoint: { address: { socket_address: { port_value: number } } } }[];
    }[];
    return eps[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value;
  });

describe('localized endpoints (one proxy, streams in several zones)', () => {
  it("a stream in zone a gets zone a's endpoints, a stream without a locality the proxy's own; the rest is shared", async () => {
    const { server, client } = await startHarness({ localityKeyOf: zoneOf });
    server.setProxyConfig(NODE, sampleConfig({ port: 9000 }));
    server.setLocalizedEndpoints(NODE, 'zone=r/a', [
      loadAssignment('c1', [{ host: '127.0.0.1', port: 9001 }]),
    ]);

    const inA = client().sotw({ id: NODE, locality: { region: 'r', zone: 'a' } });
    const plain = client().sotw({ id: NODE });
    const inB = client().sotw({ id: NODE, locality: { region: 'r', zone: 'b' } });
    for (const s of [inA, plain, inB]) s.request({ typeUrl: XdsTypes.endpoint, names: ['c1', 'c2'] });
    const [a, p, b] = await Promise.all([inA, plain, inB].map((s) => s.nextOf(XdsTypes.endpoint)));
    expect(portsOf(a!)).toEqual([9001, 9000]);
    expect(portsOf(p!)).toEqual([9000, 9000]);
    expect(portsOf(b!)).toEqual([9000, 9000]);

    // The zone's own set changes: only its stream is sent anything.
    for (const [s, r] of [
      [inA, a],
      [plain, p],
      [inB, b],
    ] as const)
      s.ack(r!, ['c1', 'c2']);
    server.setLocalizedEndpoints(NODE, 'zone=r/a', [
      loadAssignment('c1', [{ host: '127.0.0.1', port: 9002 }]),
    ]);
    const again = await inA.nextOf(XdsTypes.endpoint);
    expect(portsOf(again)).toEqual([9002, 9000]);
    expect(await plain.receivesWithin(300)).toBe(false);
    expect(await inB.receivesWithin(300)).toBe(false);

    // A new proxy config keeps the zone's override of c1 and takes the rest from the proxy.
    inA.ack(again, ['c1', 'c2']);
    server.setProxyConfig(NODE, sampleConfig({ port: 9100 }));
    expect(portsOf(await inA.nextOf(XdsTypes.endpoint))).toEqual([9002, 9100]);

    // Removed: back to the proxy's own.
    server.removeLocalizedEndpoints(NODE, 'zone=r/a');
    expect(portsOf(await inA.nextOf(XdsTypes.endpoint))).toEqual([9100, 9100]);
  });

  it('an override for an assignment the proxy does not have adds nothing', async () => {
    const { server, client } = await startHarness({ localityKeyOf: zoneOf });
    server.setProxyConfig(NODE, sampleConfig({ clusters: ['c1'] }));
    server.setLocalizedEndpoints(NODE, 'zone=r/a', [
      loadAssignment('c9', [{ host: '127.0.0.1', port: 9009 }]),
    ]);
    const s = client().sotw({ id: NODE, locality: { region: 'r', zone: 'a' } });
    s.request({ typeUrl: XdsTypes.endpoint, names: [] });
    const r = await s.nextOf(XdsTypes.endpoint);
    expect(r.resources.map((x) => x.name)).toEqual(['c1']);
  });
});
