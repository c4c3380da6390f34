import { stringify } from 'yaml';
import { KIND_INFO, type ResourceKey } from '../kinds.ts';

type Tags = Array<{ key: string; value: string }>;

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function kebab(kind: string): string {
  return kind.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
}

/** Where a resource created through the API goes: `<dir>/<mesh>/<kind>-[<parent>-]<name>.yaml`. */
export function newResourcePath(dir: string, key: ResourceKey): string {
  const base = [kebab(key.kind), key.parent, key.name]
    .filter(Boolean)
    .map((p) => slug(p!))
    .join('-');
  const folder = dir.replace(/^\/+|\/+$/g, '');
  return [folder, slug(key.mesh), `${base}.yaml`].filter(Boolean).join('/');
}

/** A native (`plexus/v1`) document for a resource created through the API. */
export function nativeDocument(key: ResourceKey, spec: unknown, tags: Tags | undefined): string {
  const metadata: Record<string, unknown> = { name: key.name };
  if (key.kind !== 'Mesh') metadata.mesh = key.mesh;
  const parent = KIND_INFO[key.kind].parent;
  if (parent) metadata[parent.kind === 'VirtualRouter' ? 'virtualRouter' : 'virtualGateway'] = key.parent;
  if (tags && tags.length > 0) metadata.tags = tags;
  return stringify({ apiVersion: 'plexus/v1', kind: key.kind, metadata, spec: spec ?? {} });
}
