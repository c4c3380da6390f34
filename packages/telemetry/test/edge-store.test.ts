import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  attributeEntry,
  EdgeStore,
  edgeSeriesText,
  edgesDocument,
  type HttpRecord,
  registerTelemetryMetrics,
  responseFlagCodes,
  streamIdentity,
} from '../src/index.ts';

const front = streamIdentity('mesh/colorapp/virtualNode/front', 'front', 'plexus_egress');
const gw = streamIdentity(
  'arn:aws:appmesh:us-west-2:123:mesh/colorapp/virtualGateway/gw',
  '',
  'plexus_egress',
);
const http = (o: Partial<HttpRecord> = {}): HttpRecord => ({
  upstreamCluster: 'cds_egress_colorapp_colorteller-red_http_9081',
  routeName: 'colorteller/colors',
  authority: 'colorteller.colorapp.local:9080',
  responseCode: 200,
  flags: [],
  durationSeconds: 0.004,
  ...o,
});

describe('attribution', () => {
  it('router routes, node-provided services, gateways and passthrough', () => {
    expect(attributeEntry(front, http(), 'http')).toEqual({
      mesh: 'colorapp',
      sourceKind: 'virtualNode',
      source: 'front',
      virtualService: 'colorteller.colorapp.local',
      virtualRouter: 'colorteller',
      route: 'colors',
      targetVirtualNode: 'colorteller-red',
      protocol: 'http',
    });
    expect(
      attributeEntry(
        gw,
        http({
          routeName: 'front.colorapp.local:9080',
          authority: '127.0.0.1:9070',
          upstreamCluster: 'cds_egress_colorapp_front_http_9080',
        }),
        'http',
      ),
    ).toMatchObject({
      sourceKind: 'virtualGateway',
      source: 'gw',
      virtualService: 'front.colorapp.local',
      route: '',
      targetVirtualNode: 'front',
    });
    expect(
      attributeEntry(
        front,
        http({
          upstreamCluster: 'cds_egress_colorapp_mesh-allow-all',
          routeName: '',
          authority: 'example.com',
        }),
        'http',
      ),
    ).toMatchObject({ virtualService: 'example.com', targetVirtualNode: '' });
    // Another logger, or a node id that names no proxy, is not mesh traffic.
    expect(
      attributeEntry(streamIdentity('mesh/colorapp/virtualNode/front', '', 'other'), http(), 'http'),
    ).toBeUndefined();
    expect(attributeEntry(streamIdentity('random', '', 'plexus_egress'), http(), 'http')).toBeUndefined();
  });

  it('response flags map to Envoy short codes', () => {
    expect(
      responseFlagCodes({
        upstream_connection_failure: true,
        upstream_retry_limit_exceeded: true,
        no_route_found: false,
      }),
    ).toEqual(['UF', 'URX']);
  });
});

describe('EdgeStore', () => {
  it('counts per edge and class, windows by end time, quantiles', () => {
    let now = 1_000_000;
    const s = new EdgeStore({ now: () => now });
    for (let i = 0; i < 8; i++) s.recordHttp(front, http({ durationSeconds: 0.001 * (i + 1) }));
    s.recordHttp(front, http({ responseCode: 503, flags: ['UF'] }));
    s.recordHttp(front, http({ responseCode: 0, flags: ['DC'] }));
    now += 500;
    const doc = edgesDocument(s, 10);
    expect(doc.edges).toHaveLength(1);
    const e = doc.edges[0]!;
    expect(e.total).toMatchObject({ requests: 10, errors: 2, byFlag: { UF: 1, DC: 1 } });
    expect(e.total.byClass).toMatchObject({ '2xx': 8, '5xx': 1, none: 1 });
    expect(e.window).toMatchObject({ requests: 10, errors: 2, errorRate: 0.2 });
    expect(e.window.latencyMs!.p50).toBeGreaterThan(3);
    expect(e.window.latencyMs!.p99).toBeGreaterThanOrEqual(e.window.latencyMs!.p90);
    // A request that ended 30 s ago counts in a 60 s window, not a 10 s one.
    s.recordHttp(front, http({ endMs: now - 30_000 }));
    expect(edgesDocument(s, 10).edges[0]!.window.requests).toBe(10);
    expect(edgesDocument(s, 60).edges[0]!.window.requests).toBe(11);
    now += 61_000;
    expect(edgesDocument(s, 60).edges[0]!.window.requests).toBe(0);
  });

  it('caps edges and expires idle ones', () => {
    let now = 0;
    const s = new EdgeStore({ now: () => now, maxEdges: 2, expireAfterMs: 1000 });
    for (const n of ['a', 'b', 'c'])
      s.recordHttp(front, http({ upstreamCluster: `cds_egress_colorapp_${n}_http_80` }));
    expect(s.size).toBe(2);
    expect(s.dropped.overCap).toBe(1);
    now = 5000;
    s.recordHttp(front, http({ upstreamCluster: 'cds_egress_colorapp_d_http_80' }));
    expect(s.size).toBe(1);
    expect(s.expired).toBe(2);
  });

  it('TCP: open connections, byte deltas from running totals, failures by flag', () => {
    const s = new EdgeStore();
    const tcp = {
      upstreamCluster: 'cds_egress_colorapp_db_tcp_5432',
      tags: { 'plexus.virtual_service': 'db.colorapp.local' },
      flags: [] as string[],
    };
    s.recordTcp(front, { ...tcp, streamId: '1', type: 'connected', receivedBytes: 0, sentBytes: 0 });
    s.recordTcp(front, { ...tcp, streamId: '2', type: 'connected', receivedBytes: 0, sentBytes: 0 });
    s.recordTcp(front, { ...tcp, streamId: '1', type: 'periodic', receivedBytes: 100, sentBytes: 40 });
    s.recordTcp(front, { ...tcp, streamId: '1', type: 'end', receivedBytes: 150, sentBytes: 50 });
    s.recordTcp(front, { ...tcp, streamId: '3', type: 'end', receivedBytes: 0, sentBytes: 0, flags: ['UF'] });
    const e = [...s.edges()][0]!;
    expect(e.labels).toMatchObject({
      virtualService: 'db.colorapp.local',
      targetVirtualNode: 'db',
      protocol: 'tcp',
    });
    expect(e.tcp).toEqual({ active: 1, opened: 3, closed: 2, receivedBytes: 150, sentBytes: 50 });
    expect(e.errors).toBe(1);
  });

  it('exports App Mesh labels on /metrics', async () => {
    const s = new EdgeStore();
    s.recordHttp(front, http());
    s.recordHttp(gw, http({ responseCode: 503, flags: ['UH'] }));
    const reg = new Registry();
    registerTelemetryMetrics(reg, s, {
      streams: 0,
      activeStreams: 0,
      messages: 0,
      httpEntries: 2,
      tcpEntries: 0,
      refused: 0,
    });
    const text = (await reg.metrics()) + edgeSeriesText(s);
    expect(text).toContain(
      'plexus_mesh_requests_total{mesh="colorapp",virtual_node="front",virtual_gateway="",virtual_service="colorteller.colorapp.local",route="colors",target_virtual_node="colorteller-red",response_class="2xx"} 1',
    );
    expect(text).toContain('response_flag="UH"} 1');
    expect(text).toMatch(
      /plexus_mesh_request_duration_seconds_bucket\{[^}]*virtual_node="front"[^}]*le="0.005"\} 1/,
    );
    expect(text).toContain('plexus_telemetry_entries_total{protocol="http"} 2');
  });

  it('writes valid exposition text: one HELP and TYPE per family, escaped labels, a histogram per HTTP edge', () => {
    const s = new EdgeStore();
    s.recordHttp(front, http({ authority: 'we"ird\\name.local' }));
    const text = edgeSeriesText(s);
    const lines = text.trimEnd().split('\n');
    const families = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    for (const l of lines.filter((x) => !x.startsWith('#'))) {
      expect(l).toMatch(/^[a-z_]+\{([a-z_]+="([^"\\]|\\.)*",?)+\} \d+(\.\d+)?(e-?\d+)?$/);
    }
    expect(lines.filter((l) => l.startsWith('plexus_mesh_request_duration_seconds_bucket{'))).toHaveLength(
      15,
    );
    expect(text).toContain('le="+Inf"} 1');
    expect(text).toContain('plexus_mesh_request_duration_seconds_count{');
  });
});
