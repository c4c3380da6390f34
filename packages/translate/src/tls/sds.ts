import type { Ctx } from '../context.ts';
import { names } from '../names.ts';
import { type Json, TYPE } from '../types.ts';

/** A secret fetched from the local SDS agent (SPIRE in App Mesh) over its Unix socket. */
export function sdsSecretConfig(ctx: Ctx, secretName: string): Json {
  ctx.usesSds = true;
  return {
    name: secretName,
    sds_config: {
      resource_api_version: 'V3',
      api_config_source: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: names.sdsCluster } }],
      },
    },
  };
}

/** The static cluster App Mesh's bootstrap carried for SDS; emitted when any TLS context uses SDS. */
export function sdsAgentCluster(socketPath: string): Json {
  return {
    name: names.sdsCluster,
    type: 'STATIC',
    connect_timeout: '1s',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': TYPE.httpProtocolOptions,
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    load_assignment: {
      cluster_name: names.sdsCluster,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: socketPath } } } }] }],
    },
  };
}

/** An App Mesh `file` certificate → CommonTlsContext.tls_certificates. */
export function fileCertificates(file: { certificateChain: string; privateKey: string }): Json[] {
  return [
    { certificate_chain: { filename: file.certificateChain }, private_key: { filename: file.privateKey } },
  ];
}
