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

function parentOf(r: SpecResource): string | undefined {
  return r.kind === 'Route' ? r.virtualRouter : r.kind === 'GatewayRoute' ? r.virtualGateway : undefined;
}

/**
 * Two definitions of one mesh that App Mesh's sharing allows: the owner's, and another account's or team's view
 * of it naming that owner in `meshOwner` (a Kubernetes cluster in the consumer account needs its own Mesh
 * resource). They conflict when both are the owner's or they name different owners.
 */
function sharedMeshViews(a: SpecResource, b: SpecResource): boolean {
  const ao = a.owners?.meshOwner?.value;
  const bo = b.owners?.meshOwner?.value;
  if (ao === undefined && bo === undefined) return false;
  return ao === undefined || bo === undefined || ao === bo;
}

export function indexResources(resources: readonly SpecResource[]): ResourceIndex {
  const byKey = new Map<string, SpecResource>();
  const routeCounts = new Map<string, number>();
  const meshes = new Set<string>();
  const duplicates: ResourceIndex['duplicates'] = [];
  /** Per mesh, the first definition that names an owner: every other one must name the same. */
  const ownerNamed = new Map<string, SpecResource>();
  for (const r of resources) {
    const k = key(r.kind, r.mesh, r.name, parentOf(r));
    const first = byKey.get(k);
    const named = r.kind === 'Mesh' && r.owners?.meshOwner ? ownerNamed.get(r.name) : undefined;
    if (named && named.owners?.meshOwner?.value !== r.owners?.meshOwner?.value)
      duplicates.push({ resource: r, first: named });
    else if (!first) byKey.set(k, r);
    else if (r.kind === 'Mesh' && sharedMeshViews(first, r)) {
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
