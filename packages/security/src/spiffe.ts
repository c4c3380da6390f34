/** SPIFFE IDs of proxies: `spiffe://<trust-domain>/mesh/<m>/virtualNode/<n>` (DESIGN.md "Proxy identity"). */
export const DEFAULT_TRUST_DOMAIN = 'plexus.local';

export function spiffeIdOf(trustDomain: string, proxyKey: string): string {
  return `spiffe://${trustDomain}/${proxyKey}`;
}

/** The proxy key a SPIFFE ID names in the trust domain, or why it names none. */
export function proxyKeyOfSpiffeId(
  trustDomain: string,
  id: string,
): { proxyKey: string } | { error: string } {
  const prefix = `spiffe://${trustDomain}/`;
  if (!id.startsWith('spiffe://')) return { error: `'${id}' is not a SPIFFE ID` };
  if (!id.startsWith(prefix)) {
    return { error: `SPIFFE ID '${id}' is outside trust domain '${trustDomain}'` };
  }
  const path = id.slice(prefix.length);
  const m = /^mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(path);
  if (!m) {
    return { error: `SPIFFE ID '${id}' names no proxy: expected ${prefix}mesh/<mesh>/virtualNode/<name>` };
  }
  return { proxyKey: path };
}

/** The URI SANs of a certificate as Node's `subjectaltname` string lists them (`URI:spiffe://..., DNS:x`). */
export function uriSans(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
}
