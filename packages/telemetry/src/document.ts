import type { EdgeLabels } from './edge.ts';
import type { EdgeStats, EdgeStore, ResponseClass } from './edge-store.ts';

/** One edge as GET /api/v1/telemetry/edges reports it. */
export interface EdgeDocument extends Omit<EdgeLabels, 'sourceKind' | 'source'> {
  source: { kind: EdgeLabels['sourceKind']; name: string };
  /** The last `windowSeconds`: what dashboards draw. */
  window: {
    requests: number;
    /** Requests (TCP: closed connections) per second. */
    rate: number;
    errors: number;
    /** errors / requests, 0..1 (0 with no requests). */
    errorRate: number;
    byClass: Record<ResponseClass, number>;
    byFlag: Record<string, number>;
    /** Milliseconds; null with no requests in the window. */
    latencyMs: { p50: number; p90: number; p99: number } | null;
    receivedBytes: number;
    sentBytes: number;
  };
  /** Since the edge was first seen. */
  total: {
    requests: number;
    errors: number;
    byClass: Record<ResponseClass, number>;
    byFlag: Record<string, number>;
  };
  tcp?: EdgeStats['tcp'];
  firstSeen: string;
  lastSeen: string;
}

export interface EdgesDocument {
  at: string;
  windowSeconds: number;
  edges: EdgeDocument[];
  dropped: { overCap: number; unattributed: number };
}

export const MAX_WINDOW_SECONDS = 60;

export function edgeDocument(
  store: EdgeStore,
  e: EdgeStats,
  windowSeconds: number,
  now: number,
): EdgeDocument {
  const w = store.windowOf(e, windowSeconds, now);
  // The window ends now, inside the current second; an edge younger than the window counts from first sight.
  const elapsed = Math.max(
    0.001,
    Math.min(
      windowSeconds - 1 + (now % 1000) / 1000,
      (now - e.firstSeenMs) / 1000 + (e.firstSeenMs % 1000) / 1000,
    ),
  );
  const { sourceKind, source, ...rest } = e.labels;
  const doc: EdgeDocument = {
    ...rest,
    source: { kind: sourceKind, name: source },
    window: {
      requests: w.requests,
      rate: Math.round((w.requests / elapsed) * 1000) / 1000,
      errors: w.errors,
      errorRate: w.requests > 0 ? Math.round((w.errors / w.requests) * 10_000) / 10_000 : 0,
      byClass: w.byClass,
      byFlag: w.byFlag,
      latencyMs: e.labels.protocol === 'http' ? e.latency.quantiles(now, windowSeconds) : null,
      receivedBytes: w.receivedBytes,
      sentBytes: w.sentBytes,
    },
    total: {
      requests: e.requests,
      errors: e.errors,
      byClass: { ...e.byClass },
      byFlag: Object.fromEntries(e.byFlag),
    },
    firstSeen: new Date(e.firstSeenMs).toISOString(),
    lastSeen: new Date(e.lastSeenMs).toISOString(),
  };
  if (e.labels.protocol === 'tcp') doc.tcp = { ...e.tcp };
  return doc;
}

/** Every edge (optionally of one mesh), sorted by source, service, route, target. */
export function edgesDocument(store: EdgeStore, windowSeconds: number, mesh?: string): EdgesDocument {
  const now = store.now();
  const win = Math.min(MAX_WINDOW_SECONDS, Math.max(1, Math.round(windowSeconds)));
  const edges: EdgeDocument[] = [];
  for (const e of store.edges()) {
    if (mesh && e.labels.mesh !== mesh) continue;
    edges.push(edgeDocument(store, e, win, now));
  }
  edges.sort((a, b) =>
    `${a.mesh}/${a.source.name}/${a.virtualService}/${a.route}/${a.targetVirtualNode}`.localeCompare(
      `${b.mesh}/${b.source.name}/${b.virtualService}/${b.route}/${b.targetVirtualNode}`,
    ),
  );
  return { at: new Date(now).toISOString(), windowSeconds: win, edges, dropped: { ...store.dropped } };
}
