/**
 * Bootstrap documents that point a data plane at the daemon: Envoy's (as App Mesh's sidecar image built it:
 * admin on 9901, ADS over gRPC, LDS and CDS through ADS) and gRPC's xDS bootstrap for proxyless clients.
 */
import { isIP } from 'node:net';
import { tokenSecrets, xdsClusterTokenFilters } from './bootstrap-token.ts';
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
  /** CA bundle that signed the daemon's xDS certificate: the client speaks TLS and verifies the server. */
  xdsCaFile?: string;
  /** Name the server certificate must carry (SAN) and SNI; default the host of `xdsAddress`. */
  serverName?: string;
  /** Client certificate and key (mTLS, identity method `certificate`). */
  clientCertFile?: string;
  clientKeyFile?: string;
  /**
   * A file holding the proxy's bearer token (node token, Kubernetes service-account token). A Lua filter on
   * `xds_cluster` reads it at every stream start, so a refreshed token needs no restart.
   */
  tokenFile?: string;
  /**
   * A token embedded in the bootstrap instead (Envoy's own gRPC client; a static secret that `xds_cluster`'s
   * credential injector attaches): a new token means a new bootstrap and a restart.
   */
  token?: string;
  /** Incremental xDS (`DELTA_GRPC`) instead of state of the world. */
  delta?: boolean;
  /**
   * gRPC only: `google_default` channel credentials (TLS with the roots in GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, and
   * a per-call JWT signed with the key file in GOOGLE_APPLICATION_CREDENTIALS), which @grpc/grpc-js-xds
   * supports where it does not support gRFC A65's `tls`.
   */
  googleDefault?: boolean;
  /** node.locality: where the proxy runs (zone preferences rank its own zone's endpoints first). */
  locality?: { zone: string; region?: string };
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

/** `host:port` or `unix:///path`. */
function xdsTarget(address: string): { host: string; port: number } | { path: string } {
  if (address.startsWith('unix:')) return { path: address.replace(/^unix:(\/\/)?/, '') };
  return parseHostPort(address);
}

function checkCredentialFlags(o: BootstrapOptions): void {
  if (Boolean(o.clientCertFile) !== Boolean(o.clientKeyFile)) {
    throw new Error('a client certificate needs both the certificate and the key file');
  }
  if (o.clientCertFile && !o.xdsCaFile)
    throw new Error('a client certificate needs TLS: give the xDS CA too');
  if (o.token && o.tokenFile) throw new Error('give the token as a file or embedded, not both');
  if ((o.tokenFile || o.token) && !o.xdsCaFile) {
    throw new Error(
      'a token travels only over TLS (gRPC sends call credentials on secure channels only): give the xDS CA too',
    );
  }
}

const dataSource = (filename: string) => ({ filename });

/**
 * Envoy's own gRPC client to the static `xds_cluster` (over TLS when a CA is given); a token, from a file or
 * embedded, is attached by the cluster's filters, not here.
 */
function envoyGrpcService() {
  return [{ envoy_grpc: { cluster_name: 'xds_cluster' } }];
}

/** The TLS transport socket of `xds_cluster`: verify the server's SAN, offer h2, present a client certificate. */
function xdsTransportSocket(o: BootstrapOptions, host: string) {
  const name = o.serverName ?? host;
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      ...(isIP(name) ? {} : { sni: name }),
      common_tls_context: {
        alpn_protocols: ['h2'],
        ...(o.clientCertFile
          ? {
              tls_certificates: [
                {
                  certificate_chain: dataSource(o.clientCertFile),
                  private_key: dataSource(o.clientKeyFile!),
                },
              ],
            }
          : {}),
        validation_context: {
          trusted_ca: dataSource(o.xdsCaFile!),
          match_typed_subject_alt_names: [
            { san_type: isIP(name) ? 'IP_ADDRESS' : 'DNS', matcher: { exact: name } },
          ],
        },
      },
    },
  };
}

export function envoyBootstrap(o: BootstrapOptions): Record<string, unknown> {
  checkCredentialFlags(o);
  const target = xdsTarget(o.xdsAddress);
  const adsSource = { ads: {}, resource_api_version: 'V3' };
  const address =
    'path' in target
      ? { pipe: { path: target.path } }
      : { socket_address: { address: target.host, port_value: target.port } };
  const tlsHost = 'path' in target ? (o.serverName ?? 'localhost') : target.host;
  const tokenFilters = xdsClusterTokenFilters(o);
  const secrets = tokenSecrets(o);
  return {
    node: {
      id: o.node,
      cluster: o.cluster ?? defaultCluster(o.node),
      ...(o.locality ? { locality: o.locality } : {}),
    },
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
        api_type: o.delta ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        grpc_services: envoyGrpcService(),
        set_node_on_first_message_only: true,
      },
      lds_config: adsSource,
      cds_config: adsSource,
    },
    static_resources: {
      ...(secrets ? { secrets } : {}),
      // ADS and the access log service both reach the daemon here, with the proxy's token (if any) attached by
      // the cluster's filters, so every stream proves who the proxy is.
      clusters: [
        {
          name: 'xds_cluster',
          type: 'path' in target || isIP(target.host) ? 'STATIC' : 'STRICT_DNS',
          connect_timeout: '1s',
          ...(o.xdsCaFile ? { transport_socket: xdsTransportSocket(o, tlsHost) } : {}),
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
              ...(tokenFilters ? { http_filters: tokenFilters } : {}),
            },
          },
          load_assignment: {
            cluster_name: 'xds_cluster',
            endpoints: [
              {
                lb_endpoints: [{ endpoint: { address } }],
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * gRPC's xDS bootstrap. With a CA: TLS channel credentials as gRFC A65 defines them (`tls`, certificate
 * provider files) and, with a token file, A97's `jwt_token_file` call credentials.
 */
export function grpcBootstrap(o: BootstrapOptions): Record<string, unknown> {
  checkCredentialFlags(o);
  xdsTarget(o.xdsAddress);
  if (o.googleDefault && (o.xdsCaFile || o.tokenFile || o.clientCertFile)) {
    throw new Error(
      '--google-default takes its roots and key from GRPC_DEFAULT_SSL_ROOTS_FILE_PATH and GOOGLE_APPLICATION_CREDENTIALS; drop --xds-ca, --token-file and --client-cert',
    );
  }
  const channelCreds = o.googleDefault
    ? [{ type: 'google_default' }]
    : o.xdsCaFile
      ? [
          {
            type: 'tls',
            config: {
              ca_certificate_file: o.xdsCaFile,
              ...(o.clientCertFile
                ? { certificate_file: o.clientCertFile, private_key_file: o.clientKeyFile }
                : {}),
            },
          },
        ]
      : [{ type: 'insecure' }];
  const callCreds = o.tokenFile
    ? [{ type: 'jwt_token_file', config: { jwt_token_file: o.tokenFile } }]
    : undefined;
  return {
    xds_servers: [
      {
        server_uri: o.xdsAddress,
        channel_creds: channelCreds,
        ...(callCreds ? { call_creds: callCreds } : {}),
        server_features: ['xds_v3'],
      },
    ],
    node: { id: o.node, cluster: o.cluster ?? defaultCluster(o.node), locality: o.locality ?? {} },
  };
}
