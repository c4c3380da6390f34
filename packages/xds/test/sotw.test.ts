import { waitFor, XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { NODE, sampleConfig, startHarness } from './harness.ts';

const names = (r: { resources: { name: string }[] }) => r.resources.map((x) => x.name).sort();

describe('state of the world', () => {
  it('obligation 17: a stale nonce is ignored; name changes arriving with a later ACK apply', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.endpoint, names: ['a'] });
    const r1 = await s.next();
    s.ack(r1, ['a']);
    await waitFor(() => h.server.status()[0].acked[XdsTypes.endpoint] === r1.versionInfo);
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'], port: 9001 }));
    const r2 = await s.next();
    // a request still carrying the old nonce is stale: its names are not applied, nothing is answered
    s.request({
      typeUrl: XdsTypes.endpoint,
      names: ['a', 'b'],
      versionInfo: r1.versionInfo,
      nonce: r1.nonce,
    });
    expect(await s.receivesWithin(300)).toBe(false);
    expect(h.server.status()[0].acked[XdsTypes.endpoint]).toBe(r1.versionInfo);
    // the ACK of the current response carries the new names: they apply
    s.ack(r2, ['a', 'c']);
    const r3 = await s.next();
    expect(names(r3)).toEqual(['a', 'c']);
  });

  it('obligation 18: listener and cluster responses hold every subscribed resource; a missing one is deleted', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const r1 = await s.next();
    expect(names(r1)).toEqual(['a', 'b', 'c']);
    s.ack(r1);
    await waitFor(() => h.server.converged(NODE));
    const cfg = sampleConfig({ clusters: ['a', 'b', 'c'] });
    cfg.clusters = cfg.clusters.filter((c) => c.name !== 'b');
    h.server.setProxyConfig(NODE, cfg);
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a', 'c']);
    s.ack(r2);
    h.server.setProxyConfig(NODE, { ...cfg, clusters: [] });
    const r3 = await s.next();
    expect(r3.resources).toEqual([]);
  });

  it('obligation 19: an empty first request is a wildcard until names are given; "*" is explicit', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const r1 = await s.next();
    expect(names(r1)).toEqual(['a', 'b']);
    s.ack(r1, ['a']); // now named: only a
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a']);
    s.ack(r2, []); // after naming, an empty list means none
    const r3 = await s.next();
    expect(r3.resources).toEqual([]);
    s.ack(r3, ['*', 'a']); // explicit wildcard
    const r4 = await s.next();
    expect(names(r4)).toEqual(['a', 'b']);
    // Envoy-style (wildcard) and gRPC-style (named) clients side by side
    const g = h.client().sotw({ id: NODE });
    g.request({ typeUrl: XdsTypes.cluster, names: ['b'] });
    expect(names(await g.next())).toEqual(['b']);
  });

  it('obligation 20: newly named resources are sent even if unchanged; unknown names are sent when they appear', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.endpoint, names: ['a'] });
    const r1 = await s.next();
    s.ack(r1, ['a', 'b', 'later']);
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a', 'b']);
    s.ack(r2, ['a', 'b', 'later']);
    expect(await s.receivesWithin(200)).toBe(false);
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'later'] }));
    const r3 = await s.next();
    expect(names(r3)).toContain('later');
  });
});
