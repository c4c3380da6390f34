import { waitFor, XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { NODE, sampleConfig, startHarness } from './harness.ts';

const names = (r: { resources: { name: string }[] }) => r.resources.map((x) => x.name).sort();

describe('incremental (delta)', () => {
  it('obligation 21: subscribe and unsubscribe apply even with a stale nonce', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }));
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.endpoint, subscribe: ['a'] });
    const r1 = await d.next();
    expect(names(r1)).toEqual(['a']);
    d.request({ typeUrl: XdsTypes.endpoint, subscribe: ['b'], nonce: 'stale-nonce' });
    const r2 = await d.next();
    expect(names(r2)).toEqual(['b']);
    expect(h.server.status()[0].acked[XdsTypes.endpoint]).toBeUndefined(); // a stale nonce ACKs nothing
  });

  it('obligation 22: deletions and subscribed names that do not exist go in removed_resources', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }));
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.cluster }); // wildcard
    const r1 = await d.next();
    expect(names(r1)).toEqual(['a', 'b']);
    d.ack(r1);
    await waitFor(() => h.server.converged(NODE));
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }));
    const r2 = await d.next();
    expect(r2.resources).toEqual([]);
    expect(r2.removed).toEqual(['b']);
    d.ack(r2);
    const e = h.client().delta({ id: NODE });
    e.request({ typeUrl: XdsTypes.endpoint, subscribe: ['a', 'ghost'] });
    const r3 = await e.next();
    expect(names(r3)).toEqual(['a']);
    expect(r3.removed).toEqual(['ghost']);
  });

  it('CSDS shows what a delta client holds from us: sent entries, not names it said it had nor ones it dropped', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'] }));
    const c = h.client();
    const d = c.delta({ id: NODE });
    d.request({
      typeUrl: XdsTypes.endpoint,
      subscribe: ['a', 'b', 'c'],
      initialVersions: { c: 'v-from-before' },
    });
    const r1 = await d.next();
    expect(names(r1)).toEqual(['a', 'b', 'c']);
    d.ack(r1);
    const held = async () => {
      const st = (await c.fetchClientStatus({})) as {
        config: { generic_xds_configs: { name: string; type_url: string }[] }[];
      };
      return st.config[0].generic_xds_configs
        .filter((g) => g.type_url === XdsTypes.endpoint)
        .map((g) => g.name)
        .sort();
    };
    expect(await held()).toEqual(['a', 'b', 'c']);
    d.request({ typeUrl: XdsTypes.endpoint, unsubscribe: ['b'] });
    await waitFor(async () => (await held()).join() === 'a,c', {
      what: 'CSDS to drop the unsubscribed name',
    });
  });

  it('obligation 23: a re-subscribed resource is sent again', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }));
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.endpoint, subscribe: ['a'] });
    const r1 = await d.next();
    d.ack(r1);
    d.request({ typeUrl: XdsTypes.endpoint, subscribe: ['a'] });
    const r2 = await d.next();
    expect(names(r2)).toEqual(['a']);
  });

  it('obligation 24: initial_resource_versions on reconnect: only what differs is sent', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'] }));
    const d1 = h.client().delta({ id: NODE });
    d1.request({ typeUrl: XdsTypes.cluster });
    const r1 = await d1.next();
    const versions = Object.fromEntries(r1.resources.map((x) => [x.name, x.version!]));
    d1.close();
    const cfg = sampleConfig({ clusters: ['a', 'b', 'd'] });
    cfg.clusters[1] = { ...cfg.clusters[1], connectTimeout: '3s' }; // b changed, c gone, d new
    h.server.setProxyConfig(NODE, cfg);
    const d2 = h.client().delta({ id: NODE });
    d2.request({ typeUrl: XdsTypes.cluster, initialVersions: versions });
    const r2 = await d2.next();
    expect(names(r2)).toEqual(['b', 'd']);
    expect(r2.removed).toEqual(['c']);
  });

  it('obligation 25: unsubscribing names the client never had is ignored', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }));
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.endpoint, subscribe: ['a'] });
    const r1 = await d.next();
    d.ack(r1);
    d.request({ typeUrl: XdsTypes.endpoint, unsubscribe: ['never-had'] });
    expect(await d.receivesWithin(300)).toBe(false);
    expect(h.server.status()[0].connected).toBe(true);
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'], port: 9100 }));
    expect(names(await d.next())).toEqual(['a']);
  });

  it('obligation 8 (delta): a NACK is recorded and the rejected resource is not resent', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }));
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.cluster });
    const r1 = await d.next();
    d.nack(r1, 'cluster a is bad');
    expect(await d.receivesWithin(300)).toBe(false);
    expect(h.server.status()[0].nacked[XdsTypes.cluster]).toMatchObject({
      message: 'cluster a is bad',
      version: r1.systemVersionInfo,
    });
  });
});
