import type { ProxyRef } from '@plexus/graph';

/**
 * Names of the SDS secrets the Plexus mesh CA serves over ADS, as SPIRE names them: a proxy's own certificate
 * by its SPIFFE ID, the trust bundle by the trust domain.
 */
export function meshCertificateSecretName(trustDomain: string, proxy: ProxyRef): string {
  return `spiffe://${trustDomain}/mesh/${proxy.mesh}/${proxy.kind}/${proxy.name}`;
}

export function meshTrustBundleSecretName(trustDomain: string): string {
  return `spiffe://${trustDomain}`;
}
