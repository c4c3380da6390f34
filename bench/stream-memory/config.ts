import type { ProxyConfig } from '@plexus/xds';
import { TypeUrl } from '@plexus/xds';

/**
 * One proxy's config as the bench serves it to every client: a listener naming a route, 30 EDS clusters with
 * names of the length translation gives them, and their endpoints, so a SotW client subscribes to 30 names.
 */
export function proxyConfig(): { config: ProxyConfig; byType: Record<string, Record<string, unknown>[]> } {
  const names = Array.from({ length: 30 }, (_, i) => `cds_egress_bench_svc-${i}.bench.local_http_8080`);
  const clusters = names.map((name) => ({
    '@type': `type.googleapis.com/envoy.config.cluster.v3.Cluster`,
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: '1s',
  }));
  const endpoints = names.map((cluster_name, i) => ({
    '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
    cluster_name,
    endpoints: [
      {
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: `10.0.${i}.1`, port_value: 8080 } } } },
        ],
      },
    ],
  }));
  const listeners = [
    {
      '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
      name: 'lds_ingress_0.0.0.0_15000',
      address: { socket_address: { address: '0.0.0.0', port_value: 15000 } },
    },
  ];
  return {
    config: { clusters, endpoints, listeners } as ProxyConfig,
    byType: {
      [TypeUrl.Cluster]: clusters,
      [TypeUrl.ClusterLoadAssignment]: endpoints,
      [TypeUrl.Listener]: listeners,
    },
  };
}
