import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { anyFromJson } from './proto-json.ts';
import { encodeAny, encodeDeltaResource } from './wire.ts';

/** One resource at one content version, encoded once and shared by every proxy that gets it (obligation 14). */
export interface ResourceEntry {
  readonly typeUrl: string;
  readonly name: string;
  /** Content hash: the same content gives the same version on every replica and after restarts. */
  readonly version: string;
  /** The encoded google.protobuf.Any, as it goes into a DiscoveryResponse. */
  readonly any: Uint8Array;
  /** The encoded delta Resource wrapper, built on first delta use. */
  deltaBytes(): Uint8Array;
  /** A Listener holding an `api_listener`: for proxyless (API) clients only, which name it explicitly. */
  readonly apiListener: boolean;
  /** How many proxy snapshots hold this entry. */
  refs: number;
  readonly key: string;
}

/**
 * A copy with its own exact-size buffer. Small encoder output is a slice of Node's shared 8 KB Buffer pool, and a
 * long-lived slice keeps its whole slab alive: 20,000 cached resources held ~90 MB of mostly garbage that way.
 */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function resourceName(typeUrl: string, json: Record<string, unknown>): string {
  const n = typeUrl.endsWith('.ClusterLoadAssignment') ? (json.clusterName ?? json.cluster_name) : json.name;
  if (typeof n !== 'string' || !n) {
    throw new Error(`${typeUrl.slice(typeUrl.lastIndexOf('.') + 1)} without a name`);
  }
  return n;
}

/** Content-addressed cache of encoded resources; entries live while a snapshot references them. */
export class ResourceCache {
  private readonly byHash = new Map<string, ResourceEntry>();
  /** How many times a resource was actually encoded (for tests and metrics). */
  encodeCount = 0;

  /** Finds or encodes the entry for `json`; does not take a reference (call retain). */
  entryFor(typeUrl: string, json: Record<string, unknown>): ResourceEntry {
    const atType = json['@type'];
    if (atType !== undefined && atType !== typeUrl) {
      throw new Error(`resource "@type" ${String(atType)} where ${typeUrl} was expected`);
    }
    const name = resourceName(typeUrl, json);
    const typed = { ...json, '@type': typeUrl };
    const text = canonicalJson(typed);
    const hash = createHash('sha256').update(typeUrl).update('\0').update(text).digest('base64url');
    const found = this.byHash.get(hash);
    if (found) return found;
    const any = ownBytes(encodeAny(typeUrl, anyFromJson(typed, name).value));
    this.encodeCount++;
    const version = hash.slice(0, 16);
    let delta: Uint8Array | undefined;
    const entry: ResourceEntry = {
      typeUrl,
      name,
      version,
      any,
      deltaBytes: () => {
        delta ??= ownBytes(encodeDeltaResource(name, version, any));
        return delta;
      },
      apiListener: typeUrl.endsWith('.Listener') && (json.api_listener ?? json.apiListener) !== undefined,
      refs: 0,
      key: hash,
    };
    return entry;
  }

  /** Entries join the cache when first retained, so a failed setProxyConfig leaves nothing behind. */
  retain(e: ResourceEntry): void {
    if (e.refs++ === 0) this.byHash.set(e.key, e);
  }

  release(e: ResourceEntry): void {
    if (--e.refs <= 0) this.byHash.delete(e.key);
  }

  get size(): number {
    return this.byHash.size;
  }
}
