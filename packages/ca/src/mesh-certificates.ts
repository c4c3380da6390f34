import type { IssuedCertificate, MeshCa } from './mesh-ca.ts';
import type { CertificateNeeds } from './needs.ts';
import { certificateSecret, type EnvoySecret, trustBundleSecret } from './secrets.ts';

/** Where a proxy's secrets go: the xDS server's per-proxy secret set (pushed on the proxy's own streams). */
export type SecretSink = (proxyKey: string, secrets: EnvoySecret[]) => void;

export interface MeshCertificatesOptions {
  ca: MeshCa;
  sink: SecretSink;
  certificateSecretName: (proxyKey: string) => string;
  bundleSecretName: string;
  /**
   * After a CA change the new bundle goes to every proxy first; leaves from the new CA follow this much later,
   * so no peer sees a leaf it cannot verify yet. Default 10 s.
   */
  bundleLeadMs?: number;
  onIssued?: (cert: IssuedCertificate, why: 'new' | 'renewal' | 'ca change' | 'names changed') => void;
  onError?: (proxyKey: string, err: Error) => void;
}

interface Entry {
  needs: CertificateNeeds;
  cert?: IssuedCertificate;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps every proxy that needs one supplied with its own certificate and the trust bundle: issues on first
 * need, renews at half-life, reissues everything after a CA change (bundle first), and forgets a proxy (its
 * key included) once its config no longer asks.
 */
export class MeshCertificates {
  readonly #o: MeshCertificatesOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #unsubscribe: () => void;
  #caChange?: NodeJS.Timeout;
  #stopped = false;

  constructor(options: MeshCertificatesOptions) {
    this.#o = options;
    this.#unsubscribe = options.ca.backend.onChange(() => this.#onCaChange());
  }

  /** The CA that signs (its backend rotates). */
  get ca(): MeshCa {
    return this.#o.ca;
  }

  /** The certificate a proxy holds now (tests, status). */
  current(proxyKey: string): IssuedCertificate | undefined {
    return this.#entries.get(proxyKey)?.cert;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Brings the set of supplied proxies to `wanted`; resolves once every new certificate was handed over. */
  async sync(wanted: ReadonlyMap<string, CertificateNeeds>): Promise<void> {
    for (const [key, e] of this.#entries) {
      if (wanted.has(key)) continue;
      clearTimeout(e.timer);
      this.#entries.delete(key);
      this.#o.sink(key, []);
    }
    const work: Promise<void>[] = [];
    for (const [key, needs] of wanted) {
      const e = this.#entries.get(key);
      if (!e) {
        const entry: Entry = { needs };
        this.#entries.set(key, entry);
        work.push(this.#refresh(key, entry, 'new'));
      } else if (!sameNeeds(e.needs, needs)) {
        e.needs = needs;
        work.push(this.#refresh(key, e, 'names changed'));
      }
    }
    await Promise.all(work);
  }

  async #refresh(
    key: string,
    e: Entry,
    why: 'new' | 'renewal' | 'ca change' | 'names changed',
  ): Promise<void> {
    clearTimeout(e.timer);
    try {
      if (e.needs.certificate) {
        const cert = await this.#o.ca.issue(key, e.needs.dnsNames);
        if (this.#stopped || this.#entries.get(key) !== e) return;
        e.cert = cert;
        this.#o.onIssued?.(cert, why);
      } else e.cert = undefined;
      this.#push(key, e);
    } catch (err) {
      this.#o.onError?.(key, err as Error);
      // Try again soon; the proxy keeps the certificate it has.
      if (this.#stopped) return;
      e.timer = setTimeout(() => void this.#refresh(key, e, why), 5000);
      e.timer.unref();
      return;
    }
    if (e.cert) {
      e.timer = setTimeout(
        () => void this.#refresh(key, e, 'renewal'),
        Math.max(0, e.cert.renewAt - Date.now()),
      );
      e.timer.unref();
    }
  }

  #push(key: string, e: Entry): void {
    const secrets: EnvoySecret[] = [];
    if (e.cert) secrets.push(certificateSecret(this.#o.certificateSecretName(key), e.cert));
    if (e.needs.bundle || e.needs.certificate) {
      secrets.push(trustBundleSecret(this.#o.bundleSecretName, this.#o.ca.trustBundlePem()));
    }
    this.#o.sink(key, secrets);
  }

  /** Bundle (old + new CA) to everyone now, new leaves after the lead time. */
  #onCaChange(): void {
    if (this.#stopped) return;
    for (const [key, e] of this.#entries) this.#push(key, e);
    clearTimeout(this.#caChange);
    this.#caChange = setTimeout(() => {
      for (const [key, e] of this.#entries) void this.#refresh(key, e, 'ca change');
    }, this.#o.bundleLeadMs ?? 10_000);
    this.#caChange.unref();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
    clearTimeout(this.#caChange);
    for (const e of this.#entries.values()) clearTimeout(e.timer);
    this.#entries.clear();
  }
}

function sameNeeds(a: CertificateNeeds, b: CertificateNeeds): boolean {
  return (
    a.certificate === b.certificate &&
    a.bundle === b.bundle &&
    a.dnsNames.length === b.dnsNames.length &&
    a.dnsNames.every((n, i) => n === b.dnsNames[i])
  );
}
