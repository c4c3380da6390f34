import type { ClientPolicy } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { type Json, TYPE } from '../types.ts';
import { fileCertificates, meshCertificateConfig, sdsSecretRef } from './sds.ts';
import { applyValidation } from './validation.ts';

/** A backend's (or backend defaults') client TLS policy → UpstreamTlsContext on the egress cluster. */
export function upstreamTls(
  ctx: Ctx,
  tls: NonNullable<ClientPolicy['tls']>,
  resource: SpecResource,
  path: ReadonlyArray<string | number>,
  sni?: string,
): Json {
  const common: Json = {};
  if (tls.certificate?.file) {
    common.tls_certificates = fileCertificates(tls.certificate.file);
  } else if (tls.certificate?.sds) {
    common.tls_certificate_sds_secret_configs = [sdsSecretRef(ctx, tls.certificate.sds.secretName)];
  } else if (tls.validation?.trust?.acm && ctx.opts.meshCa?.mutualTls) {
    common.tls_certificate_sds_secret_configs = [meshCertificateConfig(ctx, ctx.opts.meshCa.trustDomain)];
  }
  applyValidation(ctx, common, tls.validation, resource, [...path, 'validation']);
  const out: Json = { '@type': TYPE.upstreamTls, common_tls_context: common };
  if (sni) out.sni = sni;
  return { name: 'envoy.transport_sockets.tls', typed_config: out };
}
