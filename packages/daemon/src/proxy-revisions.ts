/**
 * Which revision each proxy's config is current for. The xDS server labels a snapshot with the revision that
 * last changed it; a proxy a later revision left unchanged is current for that later revision too.
 */
export class ProxyRevisions {
  readonly #byKey = new Map<string, { changedIn: string; currentFor: string }>();

  record(key: string, changedIn: string, currentFor: string): void {
    this.#byKey.set(key, { changedIn, currentFor });
  }

  /** True when the applied revision defines the proxy (its config is being served). */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }

  /** The revision to show for a stream whose snapshot the xDS server labels `serverRevision`. */
  display(key: string | undefined, serverRevision: string | undefined): string | undefined {
    const r = key ? this.#byKey.get(key) : undefined;
    return r && r.changedIn === serverRevision ? r.currentFor : serverRevision;
  }
}
