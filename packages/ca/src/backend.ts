import type { CryptoKey } from './pem.ts';

/**
 * Where the mesh CA's signing power comes from. Plexus generates each proxy's key pair itself; a backend only
 * signs the public key into a leaf and says which CA certificates relying parties must trust. Vault PKI or
 * cert-manager would be further implementations of this interface (see docs/ca.md).
 */
export interface CaBackend {
  /** `generated`, `files`, `aws-pca`, ... (logs and metrics). */
  readonly kind: string;
  /** Loads or creates the CA; throws with a one-line reason when it cannot. */
  start(): Promise<void>;
  /** Signs one leaf certificate. */
  sign(request: LeafRequest): Promise<SignedLeaf>;
  /**
   * The CA certificates (PEM) a peer must trust to accept every leaf this backend issued and still valid: the
   * current CA and, during a CA rotation, the previous one.
   */
  trustBundle(): string[];
  /** Called when the signing CA changed (rotation, reloaded files): every leaf should be reissued. */
  onChange(listener: (reason: string) => void): () => void;
  close(): void;
}

export interface LeafRequest {
  publicKey: CryptoKey;
  /** The leaf's private key, for a backend that needs a CSR (proof of possession); never stored. */
  privateKey: CryptoKey;
  /** URI SAN: `spiffe://<trust-domain>/mesh/<m>/virtualNode/<n>`. */
  spiffeId: string;
  dnsNames: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface SignedLeaf {
  /** The leaf, PEM. */
  certificate: string;
  /** The leaf's issuers up to (not including) a trust anchor, PEM, nearest first. */
  intermediates: string[];
}
