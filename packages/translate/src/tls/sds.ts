import type { Ctx } from '../context.ts';
import { names } from '../names.ts';
import { ADS_SOURCE, type Json, TYPE } from '../types.ts';
import { meshCertificateSecretName, meshTrustBundleSecretName } from './mesh-ca-names.ts';

/** A secret the xDS server sends on the proxy's own ADS stream (the mesh CA's certificate and bundle). */
export function adsSecretConfig(name: string): Json {
  return { name, sds_config: ADS_SOURCE };
}

/** The proxy's own mesh CA certificate, over ADS. */
export function meshCertificateConfig(ctx: Ctx, trustDomain: string): Json {
  return adsSecretConfig(meshCertificateSecretName(trustDomain, ctx.proxy));
}

/** The mesh CA trust bundle, over ADS. */
export function meshBundleConfig(trustDomain: string): Json {
  return adsSecretConfig(meshTrustBundleSecretName(trustDomain));
}

/**
 * A secret named in an App Mesh `sds` field. With the mesh CA on, the names it serves (this proxy's SPIFFE ID,
 * the trust domain's bundle) come over ADS, as SPIRE would have served them; every other name goes to the
 * local SDS agent.
 */
export function sdsSecretRef(ctx: Ctx, secretName: string): Json {
  const td = ctx.opts.meshCa?.trustDomain;
  if (
    td &&
    (secretName === meshCertificateSecretName(td, ctx.proxy) || secretName === meshTrustBundleSecretName(td))
  )
    return adsSecretConfig(secretName);
  return sdsSecretConfig(ctx, secretName);
}

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
