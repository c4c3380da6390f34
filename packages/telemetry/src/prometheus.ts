import type { Registry } from 'prom-client';
import type { AccessLogServiceCounters } from './access-log-service.ts';
import type { EdgeStore } from './edge-store.ts';

type Labels = Record<string, string | number>;
interface Value {
  labels: Labels;
  value: number;
  metricName?: string;
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

/** Registers the ingestion's own counters on `registry` (the per-edge series: prometheus-text.ts). */
export function registerTelemetryMetrics(
  registry: Registry,
  store: EdgeStore,
  counters: AccessLogServiceCounters,
): void {
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
