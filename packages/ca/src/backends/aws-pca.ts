import {
  ACMPCAClient,
  type ACMPCAClientConfig,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  RequestInProgressException,
  type SigningAlgorithm,
} from '@aws-sdk/client-acm-pca';
import type { CaBackend, LeafRequest, SignedLeaf } from '../backend.ts';
import { ChangeListeners } from '../emitter.ts';
import { ECDSA_P256, splitPem } from '../pem.ts';
import { x509 } from '../x509.ts';

export interface AwsPcaCaOptions {
  /** The AWS Private CA that signs every leaf. */
  certificateAuthorityArn: string;
  region?: string;
  /** A VPC endpoint, or moto in tests. */
  endpoint?: string;
  /** Must match the CA's key type: SHA256WITHRSA for an RSA CA, SHA256WITHECDSA for an EC one. */
  signingAlgorithm?: SigningAlgorithm;
  /** Extra client settings (credentials, retries). Default: the SDK's credential chain. */
  client?: ACMPCAClientConfig;
  /** Waits between GetCertificate polls while the certificate is being issued. Default 200 ms. */
  pollMs?: number;
}

const END_ENTITY_TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';

/**
 * AWS Private CA issues each leaf (IssueCertificate with a CSR for the key Plexus generated, then
 * GetCertificate). The private key never leaves the daemon; PCA sees only the CSR. SANs pass through from
 * the CSR (the EndEntityCertificate/V1 template does that).
 */
export class AwsPcaCa implements CaBackend {
  readonly kind = 'aws-pca';
  readonly #o: AwsPcaCaOptions;
  readonly #client: ACMPCAClient;
  readonly #changes = new ChangeListeners();
  #anchors: string[] = [];

  constructor(options: AwsPcaCaOptions) {
    this.#o = options;
    this.#client = new ACMPCAClient({
      region: options.region,
      endpoint: options.endpoint,
      ...options.client,
    });
  }

  async start(): Promise<void> {
    let out: { Certificate?: string; CertificateChain?: string };
    try {
      out = await this.#client.send(
        new GetCertificateAuthorityCertificateCommand({
          CertificateAuthorityArn: this.#o.certificateAuthorityArn,
        }),
      );
    } catch (err) {
      throw new Error(
        `ca.awsPca: GetCertificateAuthorityCertificate ${this.#o.certificateAuthorityArn}: ${(err as Error).message}`,
      );
    }
    if (!out.Certificate)
      throw new Error(
        `ca.awsPca: ${this.#o.certificateAuthorityArn} has no CA certificate yet (is it ACTIVE?)`,
      );
    // A subordinate CA's chain ends at its root; a root CA has none and is its own anchor.
    const chain = splitPem(out.CertificateChain ?? '');
    this.#anchors = chain.length > 0 ? [chain[chain.length - 1]!] : [out.Certificate];
  }

  async sign(request: LeafRequest): Promise<SignedLeaf> {
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=${request.spiffeId.split('/').pop()}, O=Plexus mesh`,
      keys: { publicKey: request.publicKey, privateKey: request.privateKey },
      signingAlgorithm: ECDSA_P256,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: request.spiffeId },
          ...request.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ]),
      ],
    });
    const issued = await this.#client.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: this.#o.certificateAuthorityArn,
        Csr: new TextEncoder().encode(csr.toString('pem')),
        SigningAlgorithm: this.#o.signingAlgorithm ?? 'SHA256WITHRSA',
        TemplateArn: END_ENTITY_TEMPLATE,
        Validity: { Type: 'ABSOLUTE', Value: Math.floor(request.notAfter.getTime() / 1000) },
        ValidityNotBefore: { Type: 'ABSOLUTE', Value: Math.floor(request.notBefore.getTime() / 1000) },
      }),
    );
    const arn = issued.CertificateArn;
    if (!arn) throw new Error('ca.awsPca: IssueCertificate returned no certificate ARN');
    for (let attempt = 0; ; attempt++) {
      try {
        const got = await this.#client.send(
          new GetCertificateCommand({
            CertificateAuthorityArn: this.#o.certificateAuthorityArn,
            CertificateArn: arn,
          }),
        );
        if (!got.Certificate) throw new Error(`ca.awsPca: GetCertificate ${arn} returned no certificate`);
        const anchors = new Set(this.#anchors.map((a) => a.trim()));
        const intermediates = splitPem(got.CertificateChain ?? '').filter((c) => !anchors.has(c.trim()));
        return { certificate: got.Certificate, intermediates };
      } catch (err) {
        if (!(err instanceof RequestInProgressException) || attempt > 100) throw err;
        await new Promise((r) => setTimeout(r, this.#o.pollMs ?? 200));
      }
    }
  }

  trustBundle(): string[] {
    return [...this.#anchors];
  }

  onChange(listener: (reason: string) => void): () => void {
    return this.#changes.add(listener);
  }

  close(): void {
    this.#client.destroy();
  }
}
