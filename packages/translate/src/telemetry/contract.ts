/**
 * What the translated access loggers promise the daemon's telemetry ingestion (@plexus/telemetry): the log name
 * of the egress streams, the route and cluster names it decodes (names.ts) and the TCP loggers' literal tag.
 */
export const TELEMETRY_CONTRACT = {
  /** `log_name` of the gRPC access loggers on egress listeners (a proxy's calls to its backends). */
  egressLogName: 'plexus_egress',
  /** Custom tag of TCP entries (TCP carries no name): the virtual service the tcp_proxy reaches. */
  tags: { virtualService: 'plexus.virtual_service' },
} as const;

export interface RouteRef {
  /** Set for `<router>/<route>`. */
  virtualRouter?: string;
  route?: string;
  /** Set for a node-provided service's catch-all route `<service>:<port>`. */
  virtualService?: string;
}

/** Inverse of the Envoy route names service-routes.ts gives: `<router>/<route>` or `<service>:<port>`. */
export function parseRouteName(name: string): RouteRef {
  const slash = name.indexOf('/');
  if (slash > 0) return { virtualRouter: name.slice(0, slash), route: name.slice(slash + 1) };
  const m = /^(.+):(\d+)$/.exec(name);
  return m ? { virtualService: m[1] } : {};
}

export interface EgressClusterRef {
  /** The upstream virtual node, or undefined for the mesh's passthrough (`mesh-allow-all`) and AWS clusters. */
  virtualNode?: string;
  protocol?: string;
  port?: number;
}

const CLUSTER_TAIL = /_(http|http2|grpc|tcp)_(\d+)$/;

/** Inverse of names.egressCluster for a known mesh: `cds_egress_<mesh>_<node>_<protocol>_<port>` → its parts. */
export function parseEgressCluster(mesh: string, cluster: string): EgressClusterRef | undefined {
  const prefix = `cds_egress_${mesh}_`;
  if (!cluster.startsWith(prefix)) return undefined;
  const rest = cluster.slice(prefix.length);
  if (rest === 'mesh-allow-all' || rest === 'amazonaws') return {};
  const m = CLUSTER_TAIL.exec(rest);
  if (!m || m.index === 0) return undefined;
  return { virtualNode: rest.slice(0, m.index), protocol: m[1], port: Number(m[2]) };
}
