import type { TlsValidation } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import type { Json } from '../types.ts';
import { sdsSecretConfig } from './sds.ts';

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
  if (trust?.acm) {
    throw new UnsupportedFeatureError(
      resource,
      [...path, 'trust', 'acm'],
      'ACM Private CA trust needs AWS Certificate Manager; use trust.file or trust.sds',
    );
  }
  if (trust?.sds) {
    if (matchers.length) {
      common.combined_validation_context = {
        default_validation_context: { match_typed_subject_alt_names: matchers },
        validation_context_sds_secret_config: sdsSecretConfig(ctx, trust.sds.secretName),
      };
    } else common.validation_context_sds_secret_config = sdsSecretConfig(ctx, trust.sds.secretName);
    return;
  }
  const vc: Json = {};
  if (trust?.file) vc.trusted_ca = { filename: trust.file.certificateChain };
  if (matchers.length) vc.match_typed_subject_alt_names = matchers;
  common.validation_context = vc;
}
