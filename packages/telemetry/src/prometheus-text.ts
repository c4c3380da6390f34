import { type EdgeStats, type EdgeStore, RESPONSE_CLASSES } from './edge-store.ts';
import { DURATION_BUCKETS } from './latency.ts';

/**
 * The per-edge series in Prometheus text format, written directly: a mesh of thousands of edges has ~20 series
 * per edge, and building prom-client's label objects for each took over a second per scrape. An edge's labels
 * never change, so its rendered label set is kept with it.
 */
const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelCache = new WeakMap<EdgeStats, string>();

/** `mesh="…",virtual_node="…",…` in App Mesh's words; a source is a node or a gateway, the other is empty. */
export function edgeLabelText(e: EdgeStats): string {
  let s = labelCache.get(e);
  if (s === undefined) {
    const l = e.labels;
    s =
      `mesh="${escapeLabelValue(l.mesh)}",` +
      `virtual_node="${l.sourceKind === 'virtualNode' ? escapeLabelValue(l.source) : ''}",` +
      `virtual_gateway="${l.sourceKind === 'virtualGateway' ? escapeLabelValue(l.source) : ''}",` +
      `virtual_service="${escapeLabelValue(l.virtualService)}",` +
      `route="${escapeLabelValue(l.route)}",` +
      `target_virtual_node="${escapeLabelValue(l.targetVirtualNode)}"`;
    labelCache.set(e, s);
  }
  return s;
}

const header = (name: string, type: string, help: string) =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
const LE = [...DURATION_BUCKETS.map(String), '+Inf'];

/** Every per-edge family, HELP and TYPE included (also when empty, as prom-client writes them). */
export function edgeSeriesText(store: EdgeStore): string {
  const http: EdgeStats[] = [];
  const tcp: EdgeStats[] = [];
  for (const e of store.edges()) (e.labels.protocol === 'tcp' ? tcp : http).push(e);
  const out: string[] = [];

  out.push(
    header(
      'plexus_mesh_requests_total',
      'counter',
      'HTTP/gRPC requests per mesh edge (source → virtual service → route → target virtual node), by response class',
    ),
  );
  for (const e of http) {
    const l = edgeLabelText(e);
    for (const c of RESPONSE_CLASSES) {
      const n = e.byClass[c];
      if (n > 0) out.push(`plexus_mesh_requests_total{${l},response_class="${c}"} ${n}\n`);
    }
  }

  out.push(
    header(
      'plexus_mesh_response_flags_total',
      'counter',
      'Requests and TCP connections per mesh edge carrying an Envoy response flag (UH, UF, URX, NR, UO, UT, DC, ...)',
    ),
  );
  for (const e of store.edges()) {
    if (e.byFlag.size === 0) continue;
    const l = edgeLabelText(e);
    for (const [f, n] of e.byFlag)
      out.push(`plexus_mesh_response_flags_total{${l},response_flag="${escapeLabelValue(f)}"} ${n}\n`);
  }

  const d = 'plexus_mesh_request_duration_seconds';
  out.push(
    header(
      d,
      'histogram',
      'Request duration per mesh edge, first byte in to last byte out, as the calling proxy saw it',
    ),
  );
  for (const e of http) {
    const l = edgeLabelText(e);
    let cumulative = 0;
    for (let i = 0; i < LE.length; i++) {
      cumulative += e.latency.buckets[i] ?? 0;
      out.push(`${d}_bucket{${l},le="${LE[i]}"} ${cumulative}\n`);
    }
    out.push(`${d}_sum{${l}} ${e.latency.sum}\n${d}_count{${l}} ${e.latency.count}\n`);
  }

  const tcpFamily = (name: string, type: string, help: string, value: (e: EdgeStats) => number) => {
    out.push(header(name, type, help));
    for (const e of tcp) out.push(`${name}{${edgeLabelText(e)}} ${value(e)}\n`);
  };
  tcpFamily(
    'plexus_mesh_tcp_connections_active',
    'gauge',
    'Open TCP connections per mesh edge',
    (e) => e.tcp.active,
  );
  tcpFamily(
    'plexus_mesh_tcp_connections_total',
    'counter',
    'TCP connections opened per mesh edge',
    (e) => e.tcp.opened,
  );
  tcpFamily(
    'plexus_mesh_tcp_received_bytes_total',
    'counter',
    'Bytes the calling proxy received from the downstream app per TCP mesh edge',
    (e) => e.tcp.receivedBytes,
  );
  tcpFamily(
    'plexus_mesh_tcp_sent_bytes_total',
    'counter',
    'Bytes the calling proxy sent to the downstream app per TCP mesh edge',
    (e) => e.tcp.sentBytes,
  );
  return out.join('');
}
