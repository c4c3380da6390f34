import type { ResourceEntry } from './resource-cache.ts';
import { encodeSotwResources } from './wire.ts';

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The resources part of SotW responses, encoded once per (type, version) and shared by every stream sent that
 * set: thousands of proxies with one config get one encoding, each stream copying it once instead of
 * re-encoding every resource. A version names its resources and their content versions (versions.ts), so
 * equal keys hold equal bytes. Bounded by bytes, least recently used out first.
 */
export class SotwBodies {
  readonly #bodies = new Map<string, Buffer>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#bodies.size;
  }

  body(typeUrl: string, version: string, entries: ReadonlyMap<string, ResourceEntry>): Buffer {
    const key = `${typeUrl}\u0000${version}`;
    const hit = this.#bodies.get(key);
    if (hit) {
      this.#bodies.delete(key);
      this.#bodies.set(key, hit);
      return hit;
    }
    const body = encodeSotwResources([...entries.values()].map((e) => e.any));
    if (body.length > this.#maxBytes) return body;
    this.#bodies.set(key, body);
    this.#bytes += body.length;
    for (const [k, b] of this.#bodies) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#bodies.delete(k);
      this.#bytes -= b.length;
    }
    return body;
  }
}
