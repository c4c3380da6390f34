import type { CaBackend } from './backend.ts';
import { generateP256, privateKeyPem } from './pem.ts';
import { x509 } from './x509.ts';

export const DEFAULT_LEAF_LIFETIME_MS = 24 * 3600_000;

export interface MeshCaOptions {
  backend: CaBackend;
  trustDomain: string;
  /** Leaf lifetime. Default 24 h; leaves are renewed at half-life. */
  leafLifetimeMs?: number;
  /** notBefore is set this far in the past, for proxies whose clock runs behind. Default 60 s. */
  clockSkewMs?: number;
}

/** One proxy's certificate with its key, as it is sent; nothing here is written anywhere. */
export interface IssuedCertificate {
  proxyKey: string;
  spiffeId: string;
  /** Leaf then intermediates, PEM. */
  certificateChain: string;
  privateKey: string;
  /** Hex, as Envoy's /certs shows it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** Epoch ms at half-life: when the leaf should be replaced. */
  renewAt: number;
}

/** Issues per-proxy leaves: a fresh ECDSA P-256 key in memory, signed by the backend. */
export class MeshCa {
  readonly backend: CaBackend;
  readonly trustDomain: string;
  readonly leafLifetimeMs: number;
  readonly #skew: number;

  constructor(o: MeshCaOptions) {
    this.backend = o.backend;
    this.trustDomain = o.trustDomain;
    this.leafLifetimeMs = o.leafLifetimeMs ?? DEFAULT_LEAF_LIFETIME_MS;
    this.#skew = o.clockSkewMs ?? 60_000;
  }

  spiffeIdOf(proxyKey: string): string {
    return `spiffe://${this.trustDomain}/${proxyKey}`;
  }

  async issue(proxyKey: string, dnsNames: readonly string[] = []): Promise<IssuedCertificate> {
    const keys = await generateP256();
    const issuedAt = Date.now();
    const notAfter = new Date(issuedAt + this.leafLifetimeMs);
    const spiffeId = this.spiffeIdOf(proxyKey);
    const signed = await this.backend.sign({
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      spiffeId,
      dnsNames: [...dnsNames],
      notBefore: new Date(issuedAt - this.#skew),
      notAfter,
    });
    const leaf = new x509.X509Certificate(signed.certificate);
    return {
      proxyKey,
      spiffeId,
      certificateChain: [signed.certificate, ...signed.intermediates].map((p) => p.trim()).join('\n'),
      privateKey: await privateKeyPem(keys.privateKey),
      serial: leaf.serialNumber,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      renewAt: issuedAt + (leaf.notAfter.getTime() - issuedAt) / 2,
    };
  }

  /** The trust bundle as one PEM string. */
  trustBundlePem(): string {
    return this.backend
      .trustBundle()
      .map((p) => p.trim())
      .join('\n');
  }
}
