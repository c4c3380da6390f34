import type { ListenerTls } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import { type Json, TYPE } from '../types.ts';
import { fileCertificates, meshBundleConfig, meshCertificateConfig, sdsSecretRef } from './sds.ts';
import { applyValidation } from './validation.ts';

/** How a listener's filter chain is repeated for TLS: STRICT one TLS chain, PERMISSIVE TLS + plaintext. */
export interface TlsVariant {
  transportProtocol?: 'tls' | 'raw_buffer';
  transportSocket?: Json;
}

export function listenerTlsVariants(
  ctx: Ctx,
  tls: ListenerTls | undefined,
  resource: SpecResource,
  path: ReadonlyArray<string | number>,
): TlsVariant[] {
  if (!tls || tls.mode === 'DISABLED') return [{}];
  const socket = downstreamTls(ctx, tls, resource, path);
  if (tls.mode === 'STRICT') return [{ transportSocket: socket }];
  return [{ transportProtocol: 'tls', transportSocket: socket }, { transportProtocol: 'raw_buffer' }];
}

function downstreamTls(
  ctx: Ctx,
  tls: ListenerTls,
  resource: SpecResource,
  path: ReadonlyArray<string | number>,
): Json {
  const common: Json = {};
  const cert = tls.certificate;
  const meshCa = ctx.opts.meshCa;
  if (cert?.acm) {
    if (!meshCa) {
      throw new UnsupportedFeatureError(
        resource,
        [...path, 'certificate', 'acm', 'certificateArn'],
        'an ACM certificate needs the Plexus mesh CA: add a `ca` section to the daemon config (docs/ca.md), or use certificate.file or certificate.sds',
      );
    }
    // Whatever ACM certificate was named, the proxy presents its own Plexus-issued one.
    common.tls_certificate_sds_secret_configs = [meshCertificateConfig(ctx, meshCa.trustDomain)];
  } else if (cert?.file) {
    common.tls_certificates = fileCertificates(cert.file);
  } else if (cert?.sds) common.tls_certificate_sds_secret_configs = [sdsSecretRef(ctx, cert.sds.secretName)];
  const ctxJson: Json = { '@type': TYPE.downstreamTls, common_tls_context: common };
  if (tls.validation) {
    applyValidation(ctx, common, tls.validation, resource, [...path, 'validation']);
    ctxJson.require_client_certificate = true;
  } else if (cert?.acm && meshCa?.mutualTls) {
    common.validation_context_sds_secret_config = meshBundleConfig(meshCa.trustDomain);
    ctxJson.require_client_certificate = true;
  }
  return { name: 'envoy.transport_sockets.tls', typed_config: ctxJson };
}
