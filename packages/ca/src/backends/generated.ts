import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaBackend, LeafRequest, SignedLeaf } from '../backend.ts';
import { ChangeListeners } from '../emitter.ts';
import { createRootAuthority, type LocalAuthority, signLeaf } from '../local-authority.ts';
import { importSigningKey } from '../pem.ts';
import { x509 } from '../x509.ts';

export interface GeneratedCaOptions {
  /** The daemon's `--state-dir`; the CA lives in `<stateDir>/ca/`. */
  stateDir: string;
  trustDomain: string;
  /** Lifetime of a generated CA certificate. Default 10 years. */
  caLifetimeMs?: number;
}

const TEN_YEARS = 10 * 365 * 24 * 3600_000;

interface Previous {
  certificate: string;
  /** Epoch ms after which no leaf it signed is valid any more: it leaves the bundle then. */
  retireAt: number;
}

/**
 * A root CA generated on first start and kept in `<stateDir>/ca/` (key file mode 0600), so a restarted
 * daemon signs with the same CA. `rotate()` makes a new one; the old one stays in the trust bundle until the
 * leaves it signed have expired.
 */
export class GeneratedCa implements CaBackend {
  readonly kind = 'generated';
  readonly #o: GeneratedCaOptions;
  readonly #dir: string;
  readonly #changes = new ChangeListeners();
  #current?: LocalAuthority;
  #previous: Previous[] = [];

  constructor(options: GeneratedCaOptions) {
    this.#o = options;
    this.#dir = join(options.stateDir, 'ca');
  }

  get certificatePath(): string {
    return join(this.#dir, 'ca.pem');
  }

  get keyPath(): string {
    return join(this.#dir, 'ca-key.pem');
  }

  async start(): Promise<void> {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    if (existsSync(this.keyPath) && existsSync(this.certificatePath)) {
      const certificate = new x509.X509Certificate(readFileSync(this.certificatePath, 'utf8'));
      const signing = await importSigningKey(readFileSync(this.keyPath, 'utf8'));
      this.#current = { certificate, signing, chain: [] };
    } else {
      await this.#generate();
    }
    const prevFile = join(this.#dir, 'previous.json');
    this.#previous = existsSync(prevFile) ? (JSON.parse(readFileSync(prevFile, 'utf8')) as Previous[]) : [];
  }

  async #generate(): Promise<void> {
    const { authority, keyPem } = await createRootAuthority(
      this.#o.trustDomain,
      this.#o.caLifetimeMs ?? TEN_YEARS,
    );
    // Written beside and renamed, so a crash never leaves a key without its certificate.
    const tmpKey = `${this.keyPath}.new`;
    writeFileSync(tmpKey, keyPem, { mode: 0o600 });
    chmodSync(tmpKey, 0o600);
    writeFileSync(`${this.certificatePath}.new`, authority.certificate.toString('pem'));
    renameSync(tmpKey, this.keyPath);
    renameSync(`${this.certificatePath}.new`, this.certificatePath);
    this.#current = authority;
  }

  /**
   * Replaces the CA with a new one. The old certificate stays in the bundle until `retireAfterMs` from now
   * (the longest leaf lifetime), so proxies that still hold old leaves keep being trusted.
   */
  async rotate(retireAfterMs: number): Promise<void> {
    const old = this.#authority();
    this.#previous.push({
      certificate: old.certificate.toString('pem'),
      retireAt: Date.now() + retireAfterMs,
    });
    writeFileSync(join(this.#dir, 'previous.json'), JSON.stringify(this.#previous));
    rmSync(this.keyPath, { force: true });
    await this.#generate();
    this.#changes.emit('CA rotated');
  }

  sign(request: LeafRequest): Promise<SignedLeaf> {
    return signLeaf(this.#authority(), request);
  }

  trustBundle(): string[] {
    const now = Date.now();
    const live = this.#previous.filter((p) => p.retireAt > now).map((p) => p.certificate);
    return [this.#authority().certificate.toString('pem'), ...live];
  }

  /** The current CA certificate's serial (hex). */
  serial(): string {
    return this.#authority().certificate.serialNumber;
  }

  onChange(listener: (reason: string) => void): () => void {
    return this.#changes.add(listener);
  }

  close(): void {}

  #authority(): LocalAuthority {
    if (!this.#current) throw new Error('generated CA used before start()');
    return this.#current;
  }
}
