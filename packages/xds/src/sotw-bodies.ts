import type { ResourceEntry } from './resource-cache.ts';
import { encodeSotwResources } from './wire.ts';

// Small on purpose: what pays is one change pushed to many streams at once, which reuses a body within moments.
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const MAX_SEEN = 4096;

/**
 * The resources part of SotW responses, encoded once per (type, version) and shared by every stream sent that
 * set: thousands of proxies with one config get one encoding, each stream copying it once instead of
 * re-encoding every resource. A version names its resources and their content versions (versions.ts), so
 * equal keys hold equal bytes. A set is kept from its second request on (a set only one stream asks for is
 * encoded whole, as before: keeping it would only add garbage), bounded by bytes, least recently used out first.
 */
export class SotwBodies {
  readonly #bodies = new Map<string, Buffer>();
  /** Keys asked for once, not yet kept (bounded: oldest out first). */
  readonly #seen = new Set<string>();
  readonly #maxBytes: number;
  #bytes = 0;
  /**
   * Per type, the body last handed out: a push asks for one (type, version) from every stream in turn, and those
   * asks skip the key and the LRU update. Holds at most one body per type beyond the budget.
   */
  readonly #last = new Map<string, { version: string; body: Buffer }>();

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#bodies.size;
  }

  /** The shared body for this set, or undefined the first time it is asked for (encode the response whole). */
  body(typeUrl: string, version: string, entries: ReadonlyMap<string, ResourceEntry>): Buffer | undefined {
    const last = this.#last.get(typeUrl);
    if (last?.version === version) return last.body;
    const key = `${typeUrl}\u0000${version}`;
    const hit = this.#bodies.get(key);
    if (hit) {
      this.#bodies.delete(key);
      this.#bodies.set(key, hit);
      this.#last.set(typeUrl, { version, body: hit });
      return hit;
    }
    if (!this.#seen.delete(key)) {
      this.#seen.add(key);
      if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.values().next().value!);
      return undefined;
    }
    const body = encodeSotwResources([...entries.values()].map((e) => e.any));
    if (body.length > this.#maxBytes) return body;
    this.#bodies.set(key, body);
    this.#bytes += body.length;
    this.#last.set(typeUrl, { version, body });
    for (const [k, b] of this.#bodies) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#bodies.delete(k);
      this.#bytes -= b.length;
    }
    return body;
  }
}
