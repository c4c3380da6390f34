/**
 * Bootstrap documents that point a data plane at the daemon: Envoy's (as App Mesh's sidecar image built it:
 * admin on 9901, ADS over gRPC, LDS and CDS through ADS) and gRPC's xDS bootstrap for proxyless clients.
 */
import { isIP } from 'node:net';
import { parseHostPort } from './http.ts';

export interface BootstrapOptions {
  /** `mesh/<mesh>/virtualNode/<name>`, `.../virtualGateway/<name>` or an App Mesh ARN. */
  node: string;
  /** The daemon's xDS address, `host:port`. */
  xdsAddress: string;
  /** Envoy's node.cluster; default: the resource name in `node` (App Mesh's APPMESH_RESOURCE_CLUSTER default). */
  cluster?: string;
  adminPort?: number;
  adminAddress?: string;
  /**
   * Tag Envoy's own stats the way App Mesh's image did with ENABLE_ENVOY_STATS_TAGS=1 (`appmesh.mesh`,
   * `appmesh.virtual_node` or `appmesh.virtual_gateway`, and the listener protocol/port and route config
   * tags), so dashboards built on App Mesh's Prometheus dimensions keep working.
   */
  appMeshStatsTags?: boolean;
}

const PROXY_ID = /(?:^|:)mesh\/([^/@]+)(?:@[^/]+)?\/(virtualNode|virtualGateway)\/([^/]+)$/;

/** App Mesh's stats tags: fixed mesh and node/gateway names, plus regex tags over Plexus's stat names. */
export function appMeshStatsConfig(node: string): Record<string, unknown> {
  const m = PROXY_ID.exec(node);
  if (!m) throw new Error(`--node '${node}' names no virtual node or gateway (needed for the stats tags)`);
  const kindTag = m[2] === 'virtualNode' ? 'appmesh.virtual_node' : 'appmesh.virtual_gateway';
  return {
    stats_tags: [
      { tag_name: 'appmesh.mesh', fixed_value: m[1] },
      { tag_name: kindTag, fixed_value: m[3] },
      // `...ingress.<protocol>.<port>.` (listeners with several port mappings) and `rds_<dir>_<protocol>_<port>`.
      { tag_name: 'appmesh.listener_protocol', regex: '\\.ingress\\.((\\w+?)\\.)\\d+\\.' },
      { tag_name: 'appmesh.listener_port', regex: '\\.ingress\\.\\w+?\\.((\\d+)\\.)' },
      { tag_name: 'envoy_rds_route_config', regex: '(\\.rds\\.(rds_\\w+?)\\.)' },
    ],
  };
}

function defaultCluster(node: string): string {
  return node.split('/').at(-1) || node;
}

export function envoyBootstrap(o: BootstrapOptions): Record<string, unknown> {
  const { host, port } = parseHostPort(o.xdsAddress);
  const adsSource = { ads: {}, resource_api_version: 'V3' };
  return {
    node: { id: o.node, cluster: o.cluster ?? defaultCluster(o.node) },
    ...(o.appMeshStatsTags ? { stats_config: appMeshStatsConfig(o.node) } : {}),
    admin: {
      access_log: [
        {
          name: 'envoy.access_loggers.file',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
            path: '/dev/null',
          },
        },
      ],
      address: { socket_address: { address: o.adminAddress ?? '0.0.0.0', port_value: o.adminPort ?? 9901 } },
    },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds_cluster' } }],
        set_node_on_first_message_only: true,
      },
      lds_config: adsSource,
      cds_config: adsSource,
    },
    static_resources: {
      clusters: [
        {
          name: 'xds_cluster',
          type: isIP(host) ? 'STATIC' : 'STRICT_DNS',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: 'xds_cluster',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: host, port_value: port } } } },
                ],
              },
            ],
          },
        },
      ],
    },
  };
}

export function grpcBootstrap(o: BootstrapOptions): Record<string, unknown> {
  parseHostPort(o.xdsAddress);
  return {
    xds_servers: [
      { server_uri: o.xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: o.node, cluster: o.cluster ?? defaultCluster(o.node), locality: {} },
  };
}
