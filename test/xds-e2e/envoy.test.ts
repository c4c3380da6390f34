import type { Server } from 'node:http';
import { edsCluster, freePort, httpListener, loadAssignment, waitFor, weightedRoute } from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvoyHandle, get, startBackend, startEnvoy, tally } from './helpers.ts';

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';

describe.each(['GRPC', 'DELTA_GRPC'] as const)('real Envoy over ADS (%s)', (apiType) => {
  const key = `mesh/m/virtualNode/front-${apiType}`;
  let xds: XdsServer;
  let envoy: EnvoyHandle;
  const backends: Server[] = [];
  let ports: { blue: number; green: number };
  let listenPort: number;

  const config = (blueWeight: number, extraClusters: object[] = []) => ({
    listeners: [httpListener('ingress', listenPort, 'r1')],
    routes: [
      weightedRoute(
        'r1',
        ['*'],
        [
          ['blue', blueWeight],
          ['green', 100 - blueWeight],
        ],
      ),
    ],
    clusters: [edsCluster('blue'), edsCluster('green'), ...extraClusters],
    endpoints: [
      loadAssignment('blue', [{ host: '127.0.0.1', port: ports.blue }]),
      loadAssignment('green', [{ host: '127.0.0.1', port: ports.green }]),
    ],
  });

  beforeAll(async () => {
    const blue = await startBackend('blue');
    const green = await startBackend('green');
    backends.push(blue.server, green.server);
    ports = { blue: blue.port, green: green.port };
    listenPort = await freePort();
    xds = new XdsServer({ resolveProxy: (n) => n.id });
    const xdsPort = await xds.listen('127.0.0.1:0');
    xds.setProxyConfig(key, config(80), { revision: 'rev-1' });
    envoy = await startEnvoy(key, xdsPort, apiType);
    await waitFor(async () => (await get(listenPort)).status === 200, {
      timeoutMs: 30_000,
      what: 'Envoy serving',
    });
    await waitFor(() => xds.converged(key), { what: 'all types ACKed' });
  });

  afterAll(async () => {
    await envoy?.proc.stop();
    await xds?.shutdown(500);
    for (const b of backends) b.close();
  });

  it('config_dump shows what was sent and no update was rejected', async () => {
    const dump = JSON.parse(await envoy.admin('/config_dump'));
    const text = JSON.stringify(dump);
    expect(text).toContain('"name":"blue"');
    expect(text).toContain('"name":"green"');
    expect(text).toContain('"route_config_name":"r1"');
    expect(text).toMatch(/"weight":80/);
    const stats = await envoy.admin('/stats?filter=update_rejected');
    const rejected = stats
      .split('\n')
      .filter((l) => l.includes('update_rejected'))
      .map((l) => Number(l.split(':')[1]));
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((v) => v === 0)).toBe(true);
    const st = xds.status().find((s) => s.proxyKey === key)!;
    expect(st.variant).toBe(apiType === 'GRPC' ? 'sotw' : 'delta');
    expect(st.revision).toBe('rev-1');
    expect(st.acked[CDS]).toBe(st.sent[CDS].version);
  });

  it('splits 80/20 within ±5% over 2,000 requests', async () => {
    const counts = await tally(2000, 16, async () => (await get(listenPort)).body);
    expect(counts.error ?? 0).toBe(0);
    expect(counts.blue / 2000).toBeGreaterThanOrEqual(0.75);
    expect(counts.blue / 2000).toBeLessThanOrEqual(0.85);
  });

  it('obligation 12: a weight change pushed mid-traffic fails no request (make before break)', async () => {
    let stop = false;
    const seen: Record<string, number> = {};
    const traffic = (async () => {
      while (!stop) {
        const c = await tally(50, 8, async () => {
          const r = await get(listenPort);
          return r.status === 200 ? r.body : `status ${r.status}`;
        });
        for (const [k, v] of Object.entries(c)) seen[k] = (seen[k] ?? 0) + v;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    // the new weights and a new cluster for the same backend, added and routed in one push
    const cfg = config(10, [edsCluster('green-v2')]);
    cfg.endpoints.push(loadAssignment('green-v2', [{ host: '127.0.0.1', port: ports.green }]));
    cfg.routes = [
      weightedRoute(
        'r1',
        ['*'],
        [
          ['blue', 10],
          ['green-v2', 90],
        ],
      ),
    ];
    xds.setProxyConfig(key, cfg, { revision: 'rev-2' });
    await waitFor(() => xds.converged(key), { what: 'rev-2 ACKed' });
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await traffic;
    const failed = Object.entries(seen).filter(([k]) => k !== 'blue' && k !== 'green');
    expect(failed).toEqual([]);
    const after = await tally(500, 8, async () => (await get(listenPort)).body);
    expect(after.green).toBeGreaterThan(after.blue ?? 0);
  });

  it('obligation 8: an invalid cluster is NACKed by Envoy, recorded, and the last good config keeps serving', async () => {
    const nacks: string[] = [];
    xds.on('nack', (e) => nacks.push(e.typeUrl));
    // encodes fine, but Envoy's validation wants connect_timeout > 0
    const cfg = config(80, [edsCluster('broken', { connectTimeout: '-1s' })]);
    xds.setProxyConfig(key, cfg, { revision: 'rev-bad' });
    await waitFor(() => Boolean(xds.status().find((s) => s.proxyKey === key)?.nacked[CDS]), {
      what: 'CDS NACK',
    }).catch((e) => {
      console.log(JSON.stringify(xds.status(), null, 1));
      console.log(envoy.proc.output().slice(-3000));
      throw e;
    });
    const st = xds.status().find((s) => s.proxyKey === key)!;
    expect(st.nacked[CDS].message).toMatch(/duration|connect_timeout/i);
    expect(st.nacked[CDS].version).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(nacks).toContain(CDS);
    const counts = await tally(200, 8, async () => (await get(listenPort)).body);
    expect(counts.error ?? 0).toBe(0);
    expect((counts.blue ?? 0) + (counts.green ?? 0)).toBe(200);
    const stats = await envoy.admin('/stats?filter=cluster_manager.cds.update_rejected');
    expect(Number(stats.split(':')[1])).toBeGreaterThan(0);
  });
});
