import { createHash, randomBytes } from 'node:crypto';
import type { ResourceEntry } from './resource-cache.ts';

/** A type's version for one client: derived from the names and content versions it gets (obligation 6). */
export function versionOf(entries: Iterable<ResourceEntry>): string {
  const parts: string[] = [];
  for (const e of entries) parts.push(`${e.name}\u0000${e.version}`);
  parts.sort();
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 16);
}

const fullVersions = new WeakMap<ReadonlyMap<string, ResourceEntry>, string>();

/** versionOf a whole type map of a snapshot, computed once per map (the common wildcard / all-named case). */
export function versionOfAll(all: ReadonlyMap<string, ResourceEntry>): string {
  let v = fullVersions.get(all);
  if (v === undefined) {
    v = versionOf(all.values());
    fullVersions.set(all, v);
  }
  return v;
}

/** Nonces unique per stream and meaningless on any other stream or after a reconnect (obligation 5). */
export function nonceSource(): () => string {
  const prefix = randomBytes(6).toString('base64url');
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}
