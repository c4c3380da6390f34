import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'plexus-ca-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The first certificate of a PEM chain, parsed by Node (OpenSSL), not by the library that wrote it. */
export function leafOf(chainPem: string): X509Certificate {
  return new X509Certificate(chainPem.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----');
}

/** Whether `leaf` verifies against one of the bundle's CA certificates. */
export function verifiesAgainst(leaf: X509Certificate, bundle: string[]): boolean {
  return bundle.some((pem) => {
    const ca = new X509Certificate(pem);
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  });
}
