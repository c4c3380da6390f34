import { status as GrpcStatus } from '@grpc/grpc-js';
import { edsCluster, loadAssignment, type SotwResponse, waitFor, XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { XdsServer } from '../src/index.ts';
import { NODE, sampleConfig, startHarness } from './harness.ts';

describe('both variants', () => {
  it('obligation 1: serves StreamAggregatedResources and DeltaAggregatedResources', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const c = h.client();
    const s = c.sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    expect((await s.next()).resources.map((r) => r.name).sort()).toEqual(['c1', 'c2']);
    const d = c.delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.cluster });
    expect((await d.next()).resources.map((r) => r.name).sort()).toEqual(['c1', 'c2']);
  });

  it('obligation 2: the node of the first request identifies the stream; later requests need none', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    s.ack(await s.next());
    s.request({ typeUrl: XdsTypes.listener, names: ['l1'] }); // no node on this one
    const r = await s.next();
    expect(r.resources.map((x) => x.name)).toEqual(['l1']);
    expect(h.server.status()[0].node.id).toBe(NODE);
  });

  it('obligation 3: an empty type_url ends the stream with INVALID_ARGUMENT (SotW and delta)', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: '' });
    const end = await s.ended();
    expect(end.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(end.details).toMatch(/type_url/);
    expect(end.details).toBe('DiscoveryRequest.type_url is empty');
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: '' });
    const dEnd = await d.ended();
    expect(dEnd.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(dEnd.details).toBe('DeltaDiscoveryRequest.type_url is empty');
  });

  it('obligation 4: an unknown node gets NOT_FOUND naming it, a missing node INVALID_ARGUMENT, and a count', async () => {
    const h = await startHarness();
    const rejects: string[] = [];
    h.server.on('reject', (e) => rejects.push(e.reason));
    const s = h.client().sotw({ id: 'stranger' });
    s.request({ typeUrl: XdsTypes.cluster });
    const end = await s.ended();
    expect(end.code).toBe(GrpcStatus.NOT_FOUND);
    expect(end.details).toContain('"stranger"');
    const d = h.client().delta({ id: '' });
    d.request({ typeUrl: XdsTypes.cluster });
    expect((await d.ended()).code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(rejects).toHaveLength(2);
    const m = h.server.metrics().rejectedStreams;
    expect(Object.values(m).reduce((a, b) => a + b, 0)).toBe(2);
    expect(m['unknown node']).toBe(1);
  });

  it('obligation 5: nonces are unique per stream and differ between streams', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const c = h.client();
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const s = c.sotw({ id: NODE });
      s.request({ typeUrl: XdsTypes.cluster });
      const first = await s.next();
      s.ack(first);
      s.request({ typeUrl: XdsTypes.listener, names: ['l1'] });
      nonces.push(first.nonce, (await s.next()).nonce);
      s.close();
    }
    expect(new Set(nonces).size).toBe(4);
    expect(nonces.every((n) => n.length > 0)).toBe(true);
  });

  it('obligation 6: versions come from content: equal across servers, changing only for the type that changed', async () => {
    const versions: string[] = [];
    for (let i = 0; i < 2; i++) {
      const h = await startHarness();
      h.server.setProxyConfig(NODE, sampleConfig());
      const s = h.client().sotw({ id: NODE });
      s.request({ typeUrl: XdsTypes.cluster });
      versions.push((await s.next()).versionInfo);
    }
    expect(versions[0]).toBe(versions[1]);
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const c1 = await s.next();
    s.ack(c1);
    s.request({ typeUrl: XdsTypes.endpoint, names: ['c1', 'c2'] });
    const e1 = await s.next();
    s.ack(e1, ['c1', 'c2']);
    await waitFor(() => h.server.converged(NODE));
    const cfg = sampleConfig();
    cfg.endpoints = [loadAssignment('c1', [{ host: '127.0.0.2', port: 1 }]), cfg.endpoints[1]];
    h.server.setProxyConfig(NODE, cfg);
    const e2 = await s.next();
    expect(e2.typeUrl).toBe(XdsTypes.endpoint);
    expect(e2.versionInfo).not.toBe(e1.versionInfo);
    expect(await s.receivesWithin(300)).toBe(false); // clusters unchanged: no CDS push
  });

  it('obligation 7: every Any carries the response type_url; a name given twice is refused', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b', 'c'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const r = await s.next();
    expect(r.resources.every((x) => x.typeUrl === r.typeUrl)).toBe(true);
    expect(new Set(r.resources.map((x) => x.name)).size).toBe(r.resources.length);
    expect(() => h.server.setProxyConfig(NODE, { clusters: [edsCluster('a'), edsCluster('a')] })).toThrow(
      /clusters\[1\]: duplicate name "a"/,
    );
  });

  it('obligation 8: a NACK is recorded and exposed, not answered with a resend; a change is sent again', async () => {
    const h = await startHarness();
    const nacks: { typeUrl: string; version: string; message: string; nodeId: string }[] = [];
    h.server.on('nack', (e) => nacks.push(e));
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const r = await s.next();
    // a NACK whose version_info equals the response version is still a NACK
    s.request({
      typeUrl: XdsTypes.cluster,
      versionInfo: r.versionInfo,
      nonce: r.nonce,
      error: 'bad cluster c1',
    });
    expect(await s.receivesWithin(400)).toBe(false);
    expect(nacks).toEqual([
      expect.objectContaining({
        typeUrl: XdsTypes.cluster,
        version: r.versionInfo,
        message: 'bad cluster c1',
        nodeId: NODE,
      }),
    ]);
    const st = h.server.status()[0];
    expect(st.nacked[XdsTypes.cluster]).toMatchObject({ version: r.versionInfo, message: 'bad cluster c1' });
    expect(st.acked[XdsTypes.cluster]).toBeUndefined();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['c1'] }));
    const r2 = await s.next();
    expect(r2.resources.map((x) => x.name)).toEqual(['c1']);
  });

  it('obligation 9: an ACK is never answered with the same response', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.listener, names: ['l1'] });
    const r = await s.next();
    s.ack(r, ['l1']);
    await waitFor(() => h.server.converged(NODE));
    h.server.setProxyConfig(NODE, sampleConfig()); // same content again
    expect(await s.receivesWithin(400)).toBe(false);
    expect(h.server.status()[0].acked[XdsTypes.listener]).toBe(r.versionInfo);
  });

  it('obligation 10: the newest request for a type supersedes older ones', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.endpoint, names: ['a'] });
    s.request({ typeUrl: XdsTypes.endpoint, names: ['b'] });
    // the first may or may not have been answered before the second arrived; the last answer is for b
    let r = await s.next();
    if (r.resources.map((x) => x.name).join() === 'a') r = await s.next();
    expect(r.resources.map((x) => x.name)).toEqual(['b']);
    s.ack(r, ['b']);
    expect(await s.receivesWithin(300)).toBe(false);
  });

  it('obligation 11: a request is answered at once, even for a name that does not exist yet', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.listener, names: ['missing:8080'] });
    const r = await s.next(5000);
    expect(r.resources).toEqual([]); // full-state type: absent means "does not exist", the client stops waiting
  });

  it('obligation 12: clusters, endpoints, then listeners and routes; stale clusters removed last', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['old'] }));
    const s = h.client().sotw({ id: NODE });
    const names: Record<string, string[]> = {
      [XdsTypes.cluster]: [],
      [XdsTypes.endpoint]: ['old'],
      [XdsTypes.listener]: [],
      [XdsTypes.route]: ['r1'],
    };
    for (const t of Object.keys(names)) s.request({ typeUrl: t, names: names[t] });
    let lastEds: SotwResponse | undefined;
    for (let i = 0; i < 4; i++) {
      const r = await s.next();
      if (r.typeUrl === XdsTypes.endpoint) lastEds = r;
      s.ack(r, names[r.typeUrl]);
    }
    await waitFor(() => h.server.converged(NODE));
    names[XdsTypes.endpoint] = ['new'];
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['new'] }));
    const order: string[] = [];
    const cds1 = await s.next();
    order.push(cds1.typeUrl);
    // the old cluster stays while the route still points at it
    expect(cds1.resources.map((x) => x.name).sort()).toEqual(['new', 'old']);
    expect(await s.receivesWithin(300)).toBe(false); // nothing else before the clusters are ACKed
    // like Envoy: the new cluster's endpoint subscription, then the cluster ACK
    s.request({
      typeUrl: XdsTypes.endpoint,
      names: ['new'],
      versionInfo: lastEds!.versionInfo,
      nonce: lastEds!.nonce,
    });
    s.ack(cds1);
    for (;;) {
      const r = await s.next();
      order.push(r.typeUrl);
      s.ack(r, names[r.typeUrl]);
      if (r.typeUrl === XdsTypes.cluster) {
        expect(r.resources.map((x) => x.name)).toEqual(['new']);
        break;
      }
    }
    expect(order[0]).toBe(XdsTypes.cluster);
    expect(order.indexOf(XdsTypes.endpoint)).toBeLessThan(order.indexOf(XdsTypes.route));
    expect(order.at(-1)).toBe(XdsTypes.cluster);
  });

  it('obligation 12: an update of existing clusters holds nothing back (SotW and delta)', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['c1'] }));
    const s = h.client().sotw({ id: NODE });
    const d = h.client().delta({ id: `${NODE}` });
    const names: Record<string, string[]> = {
      [XdsTypes.cluster]: [],
      [XdsTypes.endpoint]: ['c1'],
      [XdsTypes.listener]: [],
      [XdsTypes.route]: ['r1'],
    };
    for (const t of Object.keys(names)) {
      s.request({ typeUrl: t, names: names[t] });
      d.request({ typeUrl: t, subscribe: names[t] });
    }
    for (let i = 0; i < 4; i++) {
      const r = await s.next();
      s.ack(r, names[r.typeUrl]);
      d.ack(await d.next());
    }
    await waitFor(() => h.server.converged(NODE));
    const cfg = sampleConfig({ clusters: ['c1'], split: [['c1', 3]] });
    cfg.clusters = [edsCluster('c1', { connectTimeout: '2s' })];
    h.server.setProxyConfig(NODE, cfg);
    // the changed cluster goes first, and the changed route follows before the cluster is ACKed
    const sotwTypes = [(await s.next()).typeUrl, (await s.next()).typeUrl];
    expect(sotwTypes).toEqual([XdsTypes.cluster, XdsTypes.route]);
    const deltaTypes = [(await d.next()).typeUrl, (await d.next()).typeUrl];
    expect(deltaTypes).toEqual([XdsTypes.cluster, XdsTypes.route]);
  });

  it('obligation 13: after a cluster update the endpoint request that follows is answered, even if it looks like an ACK', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['c1'] }));
    const s = h.client().sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    const c = await s.next();
    s.ack(c);
    s.request({ typeUrl: XdsTypes.endpoint, names: ['c1'] });
    const e = await s.next();
    s.ack(e, ['c1']);
    await waitFor(() => h.server.converged(NODE));
    const cfg = sampleConfig({ clusters: ['c1'] });
    cfg.clusters = [edsCluster('c1', { connectTimeout: '2s' })];
    h.server.setProxyConfig(NODE, cfg);
    const c2 = await s.next();
    expect(c2.typeUrl).toBe(XdsTypes.cluster);
    s.ack(c2);
    // like Envoy after re-creating the cluster: the same version and nonce as before
    s.request({ typeUrl: XdsTypes.endpoint, names: ['c1'], versionInfo: e.versionInfo, nonce: e.nonce });
    const e2 = await s.next();
    expect(e2.typeUrl).toBe(XdsTypes.endpoint);
    expect(e2.resources.map((x) => x.name)).toEqual(['c1']);
  });

  it('obligation 14: each resource is encoded once and the same bytes go to every proxy', async () => {
    const h = await startHarness();
    const before = h.server.metrics().encodes;
    for (const n of ['a', 'b', 'c']) h.server.setProxyConfig(`mesh/m/virtualNode/${n}`, sampleConfig());
    expect(h.server.metrics().encodes - before).toBe(6); // 1 listener + 1 route + 2 clusters + 2 endpoints, none more for the other proxies
    const got: Uint8Array[][] = [];
    for (const n of ['a', 'b', 'c']) {
      const s = h.client().sotw({ id: `mesh/m/virtualNode/${n}` });
      s.request({ typeUrl: XdsTypes.cluster });
      got.push((await s.next()).resources.map((r) => r.bytes));
    }
    expect(Buffer.from(got[1][0]).equals(Buffer.from(got[0][0]))).toBe(true);
    expect(Buffer.from(got[2][1]).equals(Buffer.from(got[0][1]))).toBe(true);
  });

  it('obligation 16: no TTL and no heartbeat for clients that do not ask for them', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const d = h.client().delta({ id: NODE });
    d.request({ typeUrl: XdsTypes.cluster });
    const r = await d.next();
    expect(r.resources.every((x) => x.ttl === undefined)).toBe(true);
    d.ack(r);
    expect(await d.receivesWithin(500)).toBe(false);
  });

  it('CSDS: FetchClientStatus reports each client with its resources and ACK state', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, sampleConfig());
    const c = h.client();
    const s = c.sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    s.ack(await s.next());
    type Status = {
      config: {
        node: { id: string };
        generic_xds_configs: { name: string; client_status: string; type_url: string }[];
      }[];
    };
    const clustersOf = (st: Status) =>
      st.config[0]?.generic_xds_configs.filter((g) => g.type_url === XdsTypes.cluster) ?? [];
    let res: Status = { config: [] };
    // The ACK is processed asynchronously: wait for it to show rather than sleeping.
    await waitFor(
      async () => {
        res = (await c.fetchClientStatus({})) as Status;
        const cl = clustersOf(res);
        return cl.length > 0 && cl.every((g) => g.client_status === 'ACKED');
      },
      { what: 'CSDS to report the ACK' },
    );
    expect(res.config[0].node.id).toBe(NODE);
    const clusters = res.config[0].generic_xds_configs.filter((g) => g.type_url === XdsTypes.cluster);
    expect(clusters.map((g) => g.name).sort()).toEqual(['c1', 'c2']);
    expect(clusters.every((g) => g.client_status === 'ACKED')).toBe(true);
  });

  it('an unencodable resource names where it is and leaves the last snapshot in place', () => {
    const server = new XdsServer({ resolveProxy: (n) => n.id });
    server.setProxyConfig(NODE, sampleConfig());
    const cfg = sampleConfig();
    cfg.clusters[1] = { ...edsCluster('c2'), connectTimout: '1s' } as never;
    expect(() => server.setProxyConfig(NODE, cfg)).toThrow(/clusters\[1\]: c2\.connectTimout: unknown field/);
  });
});
