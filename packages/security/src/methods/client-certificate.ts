import { proxyKeyOfSpiffeId, uriSans } from '../spiffe.ts';
import type { Authenticator, Caller, Principal } from '../types.ts';

/**
 * mTLS: a client certificate verified against the client CA whose URI SAN is
 * `spiffe://<trust-domain>/mesh/<m>/virtualNode/<n>` is that proxy, and only that proxy.
 */
export class ClientCertificateAuthenticator implements Authenticator {
  readonly method = 'certificate';
  private readonly trustDomain: string;
  constructor(trustDomain: string) {
    this.trustDomain = trustDomain;
  }

  authenticate(caller: Caller): Principal | { refusal: string } | undefined {
    const cert = caller.peerCertificate;
    if (!cert) return undefined;
    const spiffe = uriSans(cert.subjectaltname).filter((u) => u.startsWith('spiffe://'));
    if (spiffe.length === 0) {
      return { refusal: `client certificate (subject ${cert.subject?.CN ?? '?'}) has no spiffe:// URI SAN` };
    }
    if (spiffe.length > 1)
      return { refusal: `client certificate has ${spiffe.length} SPIFFE IDs; expected one` };
    const r = proxyKeyOfSpiffeId(this.trustDomain, spiffe[0]);
    if ('error' in r) return { refusal: `client certificate: ${r.error}` };
    // Validity was checked at the handshake; like Envoy, a live connection outlives its certificate.
    return { method: this.method, subject: spiffe[0], nodes: [r.proxyKey] };
  }
}
