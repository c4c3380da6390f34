import type { TlsValidation } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import type { Json } from '../types.ts';
import { meshBundleConfig, sdsSecretRef } from './sds.ts';

/**
 * Trust + SAN matching into a CommonTlsContext. SANs are matched as DNS and URI names (App Mesh did not say
 * which type; SPIFFE ids are URIs).
 */
export function applyValidation(
  ctx: Ctx,
  common: Json,
  v: TlsValidation,
  resource: SpecResource,
  path: ReadonlyArray<string | number>,
): void {
  const sans = v.subjectAlternativeNames?.match?.exact ?? [];
  const matchers = sans.flatMap((s) => [
    { san_type: 'DNS', matcher: { exact: s } },
    { san_type: 'URI', matcher: { exact: s } },
  ]);
  const trust = v.trust;
  let secret: Json | undefined;
  if (trust?.acm)
    secret = acmTrust(ctx, trust.acm.certificateAuthorityArns, resource, [...path, 'trust', 'acm']);
  else if (trust?.sds) secret = sdsSecretRef(ctx, trust.sds.secretName);
  if (secret) {
    if (matchers.length) {
      common.combined_validation_context = {
        default_validation_context: { match_typed_subject_alt_names: matchers },
        validation_context_sds_secret_config: secret,
      };
    } else common.validation_context_sds_secret_config = secret;
    return;
  }
  const vc: Json = {};
  if (trust?.file) vc.trusted_ca = { filename: trust.file.certificateChain };
  if (matchers.length) vc.match_typed_subject_alt_names = matchers;
  common.validation_context = vc;
}

/** ACM Private CA ARNs → the bundle of the CA configured for them; an ARN without one is refused where it is. */
function acmTrust(
  ctx: Ctx,
  arns: readonly string[],
  resource: SpecResource,
  path: ReadonlyArray<string | number>,
): Json {
  const meshCa = ctx.opts.meshCa;
  if (!meshCa) {
    throw new UnsupportedFeatureError(
      resource,
      [...path, 'certificateAuthorityArns', 0],
      `ACM Private CA trust needs the Plexus mesh CA: add a \`ca\` section listing ${arns[0] ?? 'the ARN'} in ca.acmCertificateAuthorityArns to the daemon config (docs/ca.md)`,
    );
  }
  const known = new Set(meshCa.acmCertificateAuthorityArns ?? []);
  arns.forEach((arn, i) => {
    if (known.has(arn)) return;
    throw new UnsupportedFeatureError(
      resource,
      [...path, 'certificateAuthorityArns', i],
      `no CA is configured for ${arn}: add it to ca.acmCertificateAuthorityArns in the daemon config`,
    );
  });
  return meshBundleConfig(meshCa.trustDomain);
}
