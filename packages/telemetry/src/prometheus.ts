import type { Registry } from 'prom-client';
import type { AccessLogServiceCounters } from './access-log-service.ts';
import { type EdgeStats, type EdgeStore, RESPONSE_CLASSES } from './edge-store.ts';
import { DURATION_BUCKETS } from './latency.ts';

type Labels = Record<string, string | number>;
interface Value {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** App Mesh's words as labels; a source is either a virtual node or a virtual gateway, the other is empty. */
export function edgePromLabels(e: EdgeStats): Labels {
  const l = e.labels;
  return {
    mesh: l.mesh,
    virtual_node: l.sourceKind === 'virtualNode' ? l.source : '',
    virtual_gateway: l.sourceKind === 'virtualGateway' ? l.source : '',
    virtual_service: l.virtualService,
    route: l.route,
    target_virtual_node: l.targetVirtualNode,
  };
}

/**
 * A metric read from the store at scrape time (prom-client calls get()): no per-request label hashing on the
 * ingestion path, and expired edges simply stop being listed.
 */
function metric(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  values: () => Value[],
): void {
  registry.registerMetric({
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, values: values(), aggregator: 'sum' }),
    reset() {},
  } as never);
}

function each(
  store: EdgeStore,
  protocol: 'http' | 'tcp',
  f: (e: EdgeStats, l: Labels, out: Value[]) => void,
) {
  return () => {
    const out: Value[] = [];
    for (const e of store.edges()) if (e.labels.protocol === protocol) f(e, edgePromLabels(e), out);
    return out;
  };
}

/** Registers the per-edge series and the ingestion's own counters on `registry`. */
export function registerTelemetryMetrics(
  registry: Registry,
  store: EdgeStore,
  counters: AccessLogServiceCounters,
): void {
  metric(
    registry,
    'plexus_mesh_requests_total',
    'HTTP/gRPC requests per mesh edge (source → virtual service → route → target virtual node), by response class',
    'counter',
    each(store, 'http', (e, l, out) => {
      for (const c of RESPONSE_CLASSES) {
        if (e.byClass[c] > 0) out.push({ labels: { ...l, response_class: c }, value: e.byClass[c] });
      }
    }),
  );
  metric(
    registry,
    'plexus_mesh_response_flags_total',
    'Requests and TCP connections per mesh edge carrying an Envoy response flag (UH, UF, URX, NR, UO, UT, DC, ...)',
    'counter',
    () => {
      const out: Value[] = [];
      for (const e of store.edges()) {
        const l = edgePromLabels(e);
        for (const [f, n] of e.byFlag) out.push({ labels: { ...l, response_flag: f }, value: n });
      }
      return out;
    },
  );
  metric(
    registry,
    'plexus_mesh_request_duration_seconds',
    'Request duration per mesh edge, first byte in to last byte out, as the calling proxy saw it',
    'histogram',
    each(store, 'http', (e, l, out) => {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += e.latency.buckets[i]!;
        out.push({
          metricName: 'plexus_mesh_request_duration_seconds_bucket',
          labels: { ...l, le },
          value: cumulative,
        });
      });
      cumulative += e.latency.buckets[DURATION_BUCKETS.length]!;
      out.push({
        metricName: 'plexus_mesh_request_duration_seconds_bucket',
        labels: { ...l, le: '+Inf' },
        value: cumulative,
      });
      out.push({ metricName: 'plexus_mesh_request_duration_seconds_sum', labels: l, value: e.latency.sum });
      out.push({
        metricName: 'plexus_mesh_request_duration_seconds_count',
        labels: l,
        value: e.latency.count,
      });
    }),
  );
  metric(
    registry,
    'plexus_mesh_tcp_connections_active',
    'Open TCP connections per mesh edge',
    'gauge',
    each(store, 'tcp', (e, l, out) => out.push({ labels: l, value: e.tcp.active })),
  );
  metric(
    registry,
    'plexus_mesh_tcp_connections_total',
    'TCP connections opened per mesh edge',
    'counter',
    each(store, 'tcp', (e, l, out) => out.push({ labels: l, value: e.tcp.opened })),
  );
  metric(
    registry,
    'plexus_mesh_tcp_received_bytes_total',
    'Bytes the calling proxy received from the downstream app per TCP mesh edge',
    'counter',
    each(store, 'tcp', (e, l, out) => out.push({ labels: l, value: e.tcp.receivedBytes })),
  );
  metric(
    registry,
    'plexus_mesh_tcp_sent_bytes_total',
    'Bytes the calling proxy sent to the downstream app per TCP mesh edge',
    'counter',
    each(store, 'tcp', (e, l, out) => out.push({ labels: l, value: e.tcp.sentBytes })),
  );
  metric(registry, 'plexus_telemetry_edges', 'Mesh edges currently tracked (capped)', 'gauge', () => [
    { labels: {}, value: store.size },
  ]);
  metric(
    registry,
    'plexus_telemetry_access_log_streams',
    'Access log service streams currently open',
    'gauge',
    () => [{ labels: {}, value: counters.activeStreams }],
  );
  metric(
    registry,
    'plexus_telemetry_entries_total',
    'Access log entries received, by protocol',
    'counter',
    () => [
      { labels: { protocol: 'http' }, value: counters.httpEntries },
      { labels: { protocol: 'tcp' }, value: counters.tcpEntries },
    ],
  );
  metric(
    registry,
    'plexus_telemetry_dropped_entries_total',
    'Access log entries not counted: over the edge cap, or not attributable to a mesh edge',
    'counter',
    () => [
      { labels: { reason: 'edge_cap' }, value: store.dropped.overCap },
      { labels: { reason: 'unattributed' }, value: store.dropped.unattributed },
    ],
  );
  metric(
    registry,
    'plexus_telemetry_expired_edges_total',
    'Edges dropped after going idle',
    'counter',
    () => [{ labels: {}, value: store.expired }],
  );
}
