import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { CaBackend, LeafRequest, SignedLeaf } from '../backend.ts';
import { ChangeListeners } from '../emitter.ts';
import { type LocalAuthority, signLeaf } from '../local-authority.ts';
import { importSigningKey, splitPem, subtle } from '../pem.ts';
import { x509 } from '../x509.ts';

export interface FilesCaOptions {
  /** PEM: the intermediate CA certificate first, then its issuers. */
  certificateChain: string;
  /** PEM private key of that intermediate (PKCS#8, SEC1 or PKCS#1). */
  privateKey: string;
  /** PEM trust anchors for the bundle; default the self-signed certificates at the end of the chain. */
  trustBundle?: string;
  /** How long a replaced trust anchor stays in the bundle (the leaf lifetime). Default 24 h. */
  retireAfterMs?: number;
  /** How often the files are checked for changes. Default 1 s. */
  pollMs?: number;
  /** Told when changed files do not load (the previous CA keeps signing). */
  onError?: (err: Error) => void;
}

function selfSigned(pem: string): boolean {
  const c = new x509.X509Certificate(pem);
  return c.subject === c.issuer;
}

/**
 * An intermediate the organisation provides as files; re-read when they change (a bad change is reported and
 * the previous CA keeps signing).
 */
export class FilesCa implements CaBackend {
  readonly kind = 'files';
  readonly #o: FilesCaOptions;
  readonly #changes = new ChangeListeners();
  #current?: LocalAuthority;
  #anchors: string[] = [];
  #retired: { certificate: string; retireAt: number }[] = [];
  #watching = false;

  constructor(options: FilesCaOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.#load();
    const poll = { interval: this.#o.pollMs ?? 1000, persistent: false };
    const reload = () => {
      this.#load().then(
        (changed) => {
          if (changed) this.#changes.emit('CA files changed');
        },
        (err: Error) => this.#o.onError?.(err),
      );
    };
    for (const f of this.#files()) watchFile(f, poll, reload);
    this.#watching = true;
  }

  #files(): string[] {
    return [
      this.#o.certificateChain,
      this.#o.privateKey,
      ...(this.#o.trustBundle ? [this.#o.trustBundle] : []),
    ];
  }

  /** Loads the files; true when the CA certificate changed. */
  async #load(): Promise<boolean> {
    const read = (f: string, what: string) => {
      try {
        return readFileSync(f, 'utf8');
      } catch (err) {
        throw new Error(
          `ca.files.${what}: ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    };
    const chain = splitPem(read(this.#o.certificateChain, 'certificateChain'));
    if (chain.length === 0)
      throw new Error(`ca.files.certificateChain: ${this.#o.certificateChain}: no PEM certificate`);
    const certificate = new x509.X509Certificate(chain[0]!);
    const signing = await importSigningKey(read(this.#o.privateKey, 'privateKey'));
    await this.#checkPair(certificate, signing);
    const anchors = this.#o.trustBundle
      ? splitPem(read(this.#o.trustBundle, 'trustBundle'))
      : chain.filter(selfSigned);
    if (anchors.length === 0) {
      throw new Error(
        'ca.files: no trust anchor: the chain ends without a self-signed root; set ca.files.trustBundle',
      );
    }
    const before = this.#current?.certificate.serialNumber;
    const now = Date.now();
    for (const old of this.#anchors) {
      if (!anchors.includes(old))
        this.#retired.push({ certificate: old, retireAt: now + (this.#o.retireAfterMs ?? 86_400_000) });
    }
    this.#anchors = anchors;
    this.#current = { certificate, signing, chain: chain.filter((c) => !selfSigned(c)) };
    return before !== undefined && before !== certificate.serialNumber;
  }

  /** The key must belong to the certificate: sign and verify a probe. */
  async #checkPair(certificate: x509.X509Certificate, signing: LocalAuthority['signing']): Promise<void> {
    const probe = new TextEncoder().encode('plexus ca key check');
    const sig = await subtle.sign(signing.algorithm, signing.key, probe);
    const pub = await certificate.publicKey.export();
    if (!(await subtle.verify(signing.algorithm, pub, sig, probe))) {
      throw new Error(
        `ca.files: ${this.#o.privateKey} is not the key of the first certificate in ${this.#o.certificateChain}`,
      );
    }
  }

  sign(request: LeafRequest): Promise<SignedLeaf> {
    if (!this.#current) throw new Error('files CA used before start()');
    return signLeaf(this.#current, request);
  }

  trustBundle(): string[] {
    const now = Date.now();
    return [...this.#anchors, ...this.#retired.filter((r) => r.retireAt > now).map((r) => r.certificate)];
  }

  onChange(listener: (reason: string) => void): () => void {
    return this.#changes.add(listener);
  }

  close(): void {
    if (this.#watching) for (const f of this.#files()) unwatchFile(f);
    this.#watching = false;
  }
}
