/**
 * What the translated access loggers promise the daemon's telemetry ingestion (@plexus/telemetry): the log name
 * of the egress streams and the custom tags each entry carries, in App Mesh terms.
 */
export const TELEMETRY_CONTRACT = {
  /** `log_name` of the gRPC access loggers on egress listeners (a proxy's calls to its backends). */
  egressLogName: 'plexus_egress',
  /** Route metadata namespace holding the App Mesh names of each Envoy route. */
  metadataNamespace: 'plexus',
  /** Custom tags on every entry: filled from route metadata (HTTP) or literals (TCP). */
  tags: {
    virtualService: 'plexus.virtual_service',
    virtualRouter: 'plexus.virtual_router',
    route: 'plexus.route',
  },
} as const;

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
