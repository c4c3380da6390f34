import type { Kind, SpecResource } from '../model/resource.ts';

/** Resources indexed once by kind, mesh, parent and name, so every rule is a map lookup. */
export interface ResourceIndex {
  /** Whether the input defines mesh `name`. */
  hasMesh(name: string): boolean;
  get(kind: Kind, mesh: string, name: string, parent?: string): SpecResource | undefined;
  /** Number of routes per `mesh/router`. */
  routeCount(mesh: string, router: string): number;
  /** Resources whose (kind, mesh, parent, name) was already taken, with the first holder. */
  duplicates: Array<{ resource: SpecResource; first: SpecResource }>;
}

function key(kind: Kind, mesh: string, name: string, parent = ''): string {
  return `${kind}\u0000${mesh}\u0000${parent}\u0000${name}`;
}

/** The key `get` answers a resource under (its own kind, mesh, parent and name). */
export function parentOf(r: SpecResource): string | undefined {
  return r.kind === 'Route' ? r.virtualRouter : r.kind === 'GatewayRoute' ? r.virtualGateway : undefined;
}

/** Specs are immutable once loaded: a resource kept across revisions builds its key once. */
const keys = new WeakMap<SpecResource, string>();
function keyOf(r: SpecResource): string {
  let k = keys.get(r);
  if (k === undefined) {
    k = key(r.kind, r.mesh, r.name, parentOf(r));
    keys.set(r, k);
  }
  return k;
}

export function indexResources(resources: readonly SpecResource[]): ResourceIndex {
  const byKey = new Map<string, SpecResource>();
  const routeCounts = new Map<string, number>();
  const meshes = new Set<string>();
  const duplicates: ResourceIndex['duplicates'] = [];
  /** Per mesh, the first definition that names an owner: every other one must name the same. */
  const ownerNamed = new Map<string, SpecResource>();
  for (const r of resources) {
    const k = keyOf(r);
    const first = byKey.get(k);
    const named = r.kind === 'Mesh' && r.owners?.meshOwner ? ownerNamed.get(r.name) : undefined;
    if (named && named.owners?.meshOwner?.value !== r.owners?.meshOwner?.value)
      duplicates.push({ resource: r, first: named });
    else if (!first) byKey.set(k, r);
    // App Mesh's sharing: beside the owner's Mesh, other accounts' views of it naming the owner in meshOwner (a
    // consumer's Kubernetes cluster needs its own Mesh). Views naming different owners were caught above.
    else if (r.kind === 'Mesh' && (first.owners?.meshOwner || r.owners?.meshOwner)) {
      if (!r.owners?.meshOwner) byKey.set(k, r); // the owner's definition is the mesh; the others name it
    } else duplicates.push({ resource: r, first });
    if (r.kind === 'Mesh' && r.owners?.meshOwner && !ownerNamed.has(r.name)) ownerNamed.set(r.name, r);
    if (r.kind === 'Mesh') meshes.add(r.name);
    if (r.kind === 'Route' && r.virtualRouter !== undefined) {
      const rk = `${r.mesh}\u0000${r.virtualRouter}`;
      routeCounts.set(rk, (routeCounts.get(rk) ?? 0) + 1);
    }
  }
  return {
    hasMesh: (name) => meshes.has(name),
    duplicates,
    get: (kind, mesh, name, parent) => byKey.get(key(kind, mesh, name, parent)),
    routeCount: (mesh, router) => routeCounts.get(`${mesh}\u0000${router}`) ?? 0,
  };
}
