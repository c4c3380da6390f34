import type { Protocol } from '@plexus/graph';

/** App Mesh's Envoy resource names (UG envoy-metrics.md "Resource naming conventions"). */
export const names = {
  listener: (direction: 'ingress' | 'egress', ip: string, port: number) => `lds_${direction}_${ip}_${port}`,
  ingressCluster: (mesh: string, node: string, protocol: string, port: number) =>
    `cds_ingress_${mesh}_${node}_${protocol}_${port}`,
  egressCluster: (mesh: string, node: string, protocol: string, port: number) =>
    `cds_egress_${mesh}_${node}_${protocol}_${port}`,
  allowAllCluster: (mesh: string) => `cds_egress_${mesh}_mesh-allow-all`,
  amazonawsCluster: (mesh: string) => `cds_egress_${mesh}_amazonaws`,
  selfRedirectCluster: (mesh: string, gateway: string, protocol: string, port: number) =>
    `cds_ingress_${mesh}_${gateway}_self_redirect_${protocol}_${port}`,
  sdsCluster: 'static_cluster_sds_unix_socket',
  ingressRoutes: (protocol: string, port: number) => `rds_ingress_${protocol}_${port}`,
  egressRoutes: (port: number) => `rds_egress_http_${port}`,
  selfRedirectRoutes: (port: number) => `rds_egress_self_redirect_${port}`,
};

export function isHttpFamily(p: Protocol | undefined): boolean {
  return p === 'http' || p === 'http2' || p === 'grpc';
}
