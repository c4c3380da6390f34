import type { LeafRequest, SignedLeaf } from './backend.ts';
import type { SigningKey } from './pem.ts';
import { ECDSA_P256, generateP256, privateKeyPem } from './pem.ts';
import { x509 } from './x509.ts';

/** A CA whose private key this process holds: the generated CA, or an organisation's intermediate. */
export interface LocalAuthority {
  certificate: x509.X509Certificate;
  signing: SigningKey;
  /** Sent after each leaf: this CA and its issuers when it is an intermediate (PEM, nearest first); empty for a root. */
  chain: string[];
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // a positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

/** Signs a leaf for `request.publicKey`: SPIFFE URI SAN plus DNS SANs, client and server auth. */
export async function signLeaf(ca: LocalAuthority, request: LeafRequest): Promise<SignedLeaf> {
  const sans: x509.JsonGeneralName[] = [
    { type: 'url', value: request.spiffeId },
    ...request.dnsNames.map((value) => ({ type: 'dns' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${request.spiffeId.split('/').pop()}, O=Plexus mesh`,
    issuer: ca.certificate.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    signingAlgorithm: ca.signing.algorithm,
    publicKey: request.publicKey,
    signingKey: ca.signing.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(
        [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      new x509.SubjectAlternativeNameExtension(sans, false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false),
    ],
  });
  return { certificate: cert.toString('pem'), intermediates: ca.chain };
}

/** A new self-signed root: ECDSA P-256, its SPIFFE trust-domain ID as URI SAN (DESIGN.md). */
export async function createRootAuthority(
  trustDomain: string,
  lifetimeMs: number,
  now = new Date(),
): Promise<{ authority: LocalAuthority; keyPem: string }> {
  const keys = await generateP256();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Plexus mesh CA ${now.toISOString()}, O=${trustDomain}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + lifetimeMs),
    signingAlgorithm: ECDSA_P256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }], false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    authority: { certificate, signing: { key: keys.privateKey, algorithm: ECDSA_P256 }, chain: [] },
    keyPem: await privateKeyPem(keys.privateKey),
  };
}
