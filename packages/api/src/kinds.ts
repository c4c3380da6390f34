import type { Kind, SpecResource } from '@plexus/spec';

/** How the App Mesh API names one kind: path segments, name keys, payload and list keys. */
export interface KindInfo {
  kind: Kind;
  /** Path segment of the collection under a mesh (`virtualNodes`) or parent (`routes`). */
  collection: string;
  /** Request/response name key (`virtualNodeName`). */
  nameKey: string;
  /** Output payload member of Describe/Create/Update/Delete (`virtualNode`). */
  member: string;
  /** ARN resource type segment (`virtualNode`). */
  arnType: string;
  /** Route and GatewayRoute: the parent kind, its name key and the path segment before its name. */
  parent?: { kind: Kind; nameKey: 'virtualRouterName' | 'virtualGatewayName'; segment: string };
  /** List output member (`virtualNodes`, `meshes`). */
  listKey: string;
}

export const KIND_INFO: Record<Kind, KindInfo> = {
  Mesh: {
    kind: 'Mesh',
    collection: 'meshes',
    nameKey: 'meshName',
    member: 'mesh',
    arnType: 'mesh',
    listKey: 'meshes',
  },
  VirtualNode: {
    kind: 'VirtualNode',
    collection: 'virtualNodes',
    nameKey: 'virtualNodeName',
    member: 'virtualNode',
    arnType: 'virtualNode',
    listKey: 'virtualNodes',
  },
  VirtualService: {
    kind: 'VirtualService',
    collection: 'virtualServices',
    nameKey: 'virtualServiceName',
    member: 'virtualService',
    arnType: 'virtualService',
    listKey: 'virtualServices',
  },
  VirtualRouter: {
    kind: 'VirtualRouter',
    collection: 'virtualRouters',
    nameKey: 'virtualRouterName',
    member: 'virtualRouter',
    arnType: 'virtualRouter',
    listKey: 'virtualRouters',
  },
  VirtualGateway: {
    kind: 'VirtualGateway',
    collection: 'virtualGateways',
    nameKey: 'virtualGatewayName',
    member: 'virtualGateway',
    arnType: 'virtualGateway',
    listKey: 'virtualGateways',
  },
  Route: {
    kind: 'Route',
    collection: 'routes',
    nameKey: 'routeName',
    member: 'route',
    arnType: 'route',
    parent: { kind: 'VirtualRouter', nameKey: 'virtualRouterName', segment: 'virtualRouter' },
    listKey: 'routes',
  },
  GatewayRoute: {
    kind: 'GatewayRoute',
    collection: 'gatewayRoutes',
    nameKey: 'gatewayRouteName',
    member: 'gatewayRoute',
    arnType: 'gatewayRoute',
    parent: { kind: 'VirtualGateway', nameKey: 'virtualGatewayName', segment: 'virtualGateway' },
    listKey: 'gatewayRoutes',
  },
};

/** Which resource a request names: kind, mesh, optional parent, name. */
export interface ResourceKey {
  kind: Kind;
  mesh: string;
  parent?: string;
  name: string;
}

export function keyOf(r: SpecResource): ResourceKey {
  const parent =
    r.kind === 'Route' ? r.virtualRouter : r.kind === 'GatewayRoute' ? r.virtualGateway : undefined;
  return { kind: r.kind, mesh: r.mesh, name: r.name, ...(parent ? { parent } : {}) };
}

export function sameKey(a: ResourceKey, b: ResourceKey): boolean {
  return a.kind === b.kind && a.mesh === b.mesh && a.name === b.name && (a.parent ?? '') === (b.parent ?? '');
}

/** `colorapp/colorteller/colors` — how messages and commit subjects name a resource. */
export function describeKey(k: ResourceKey): string {
  if (k.kind === 'Mesh') return k.name;
  return [k.mesh, k.parent, k.name].filter(Boolean).join('/');
}

/** `arn:aws:appmesh:<region>:<account>:mesh/M/virtualRouter/R/route/N`. */
export function arnOf(k: ResourceKey, region: string, account: string): string {
  const info = KIND_INFO[k.kind];
  let path = `mesh/${k.mesh}`;
  if (info.parent) path += `/${info.parent.segment}/${k.parent}`;
  if (k.kind !== 'Mesh') path += `/${info.arnType}/${k.name}`;
  return `arn:aws:appmesh:${region}:${account}:${path}`;
}

/** The resource an App Mesh ARN names, or undefined. */
export function keyOfArn(arn: string): ResourceKey | undefined {
  const m = /^arn:aws[a-z-]*:appmesh:[^:]*:[^:]*:mesh\/([^/]+)(?:\/(.+))?$/.exec(arn);
  if (!m) return undefined;
  const mesh = decodeURIComponent(m[1]);
  if (!m[2]) return { kind: 'Mesh', mesh, name: mesh };
  const parts = m[2].split('/').map(decodeURIComponent);
  const byType = (t: string) => Object.values(KIND_INFO).find((i) => i.arnType === t && !i.parent);
  if (parts.length === 2) {
    const info = byType(parts[0]);
    return info && info.kind !== 'Mesh' ? { kind: info.kind, mesh, name: parts[1] } : undefined;
  }
  if (parts.length === 4) {
    const info = Object.values(KIND_INFO).find(
      (i) => i.parent?.segment === parts[0] && i.arnType === parts[2],
    );
    return info ? { kind: info.kind, mesh, parent: parts[1], name: parts[3] } : undefined;
  }
  return undefined;
}
