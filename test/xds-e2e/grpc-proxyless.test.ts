import type * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import {
  apiListener,
  callEcho,
  edsCluster,
  loadAssignment,
  startEchoServer,
  waitFor,
  weightedRoute,
  xdsClient,
} from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tally } from './helpers.ts';

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';

describe('proxyless gRPC (@grpc/grpc-js-xds) over SotW ADS', () => {
  const key = 'mesh/m/virtualNode/grpc-client';
  let xds: XdsServer;
  let client: grpc.Client;
  const servers: grpc.Server[] = [];
  let ports: { blue: number; green: number };

  const config = (blueWeight: number, blueExtra: Record<string, unknown> = {}, greenTimeout = '1s') => ({
    listeners: [apiListener('echo', 'echo-route')],
    routes: [
      weightedRoute(
        'echo-route',
        ['echo'],
        [
          ['blue', blueWeight],
          ['green', 100 - blueWeight],
        ],
      ),
    ],
    clusters: [edsCluster('blue', blueExtra), edsCluster('green', { connectTimeout: greenTimeout })],
    endpoints: [
      loadAssignment('blue', [{ host: '127.0.0.1', port: ports.blue }]),
      loadAssignment('green', [{ host: '127.0.0.1', port: ports.green }]),
    ],
  });

  const who = () => callEcho(client);

  beforeAll(async () => {
    grpcXds.register();
    const blue = await startEchoServer('blue');
    const green = await startEchoServer('green');
    servers.push(blue.server, green.server);
    ports = { blue: blue.port, green: green.port };
    xds = new XdsServer({ resolveProxy: (n) => n.id });
    const xdsPort = await xds.listen('127.0.0.1:0');
    xds.setProxyConfig(key, config(80), { revision: 'g1' });
    client = xdsClient('xds:///echo', key, xdsPort);
    await waitFor(async () => ['blue', 'green'].includes(await who()), {
      timeoutMs: 30_000,
      what: 'first RPC',
    });
  });

  afterAll(async () => {
    client?.close();
    for (const s of servers) s.forceShutdown();
    await xds?.shutdown(500);
  });

  it('connects by name (gRPC style) and splits 80/20 within ±5% over 2,000 RPCs', async () => {
    const st = xds.status().find((s) => s.proxyKey === key)!;
    expect(st.variant).toBe('sotw');
    expect(Object.keys(st.acked).sort()).toEqual(
      [
        'type.googleapis.com/envoy.config.cluster.v3.Cluster',
        'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
        'type.googleapis.com/envoy.config.listener.v3.Listener',
        'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
      ].sort(),
    );
    const counts = await tally(2000, 16, who);
    expect(counts.error ?? 0).toBe(0);
    expect(counts.blue / 2000).toBeGreaterThanOrEqual(0.75);
    expect(counts.blue / 2000).toBeLessThanOrEqual(0.85);
  });

  it('a weight change reaches the client', async () => {
    xds.setProxyConfig(key, config(10), { revision: 'g2' });
    await waitFor(() => xds.converged(key), { what: 'g2 ACKed' });
    const counts = await tally(500, 16, who);
    expect(counts.error ?? 0).toBe(0);
    expect(counts.green).toBeGreaterThan(counts.blue ?? 0);
  });

  it('obligation 8: a partly invalid push is NACKed with its version and recorded; the client keeps being served', async () => {
    // blue's new version is invalid for gRPC (MAGLEV), green's new version is fine
    xds.setProxyConfig(key, config(10, { lbPolicy: 'MAGLEV' }, '2s'), { revision: 'g3' });
    await waitFor(() => Boolean(xds.status().find((s) => s.proxyKey === key)?.nacked[CDS]), {
      what: 'CDS NACK',
    });
    const st = xds.status().find((s) => s.proxyKey === key)!;
    expect(st.nacked[CDS].message).toMatch(/lb_policy/);
    expect(st.nacked[CDS].version).toBe(st.sent[CDS].version);
    const counts = await tally(300, 8, who);
    expect(counts.error ?? 0).toBe(0);
    expect((counts.blue ?? 0) + (counts.green ?? 0)).toBe(300);
  });
});
