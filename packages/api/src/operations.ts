import type { Kind } from '@plexus/spec';
import { KIND_INFO } from './kinds.ts';

export type Verb = 'Create' | 'Describe' | 'Update' | 'Delete' | 'List';

/** One App Mesh API call as its method and path name it. */
export type Operation =
  | {
      type: 'resource';
      name: string;
      verb: Verb;
      kind: Kind;
      mesh?: string;
      parent?: string;
      resource?: string;
    }
  | { type: 'tags'; name: 'ListTagsForResource' | 'TagResource' | 'UntagResource' };

const MESH_COLLECTIONS: Record<string, Kind> = {
  virtualNodes: 'VirtualNode',
  virtualServices: 'VirtualService',
  virtualRouters: 'VirtualRouter',
  virtualGateways: 'VirtualGateway',
};
const PARENT_SEGMENTS: Record<string, { collection: string; kind: Kind }> = {
  virtualRouter: { collection: 'routes', kind: 'Route' },
  virtualGateway: { collection: 'gatewayRoutes', kind: 'GatewayRoute' },
};

const ITEM_VERBS: Record<string, Verb> = { GET: 'Describe', PUT: 'Update', DELETE: 'Delete' };
const COLLECTION_VERBS: Record<string, Verb> = { GET: 'List', PUT: 'Create' };

export const API_PREFIX = '/v20190125';

function operationName(verb: Verb, kind: Kind): string {
  if (verb !== 'List') return `${verb}${kind}`;
  const key = KIND_INFO[kind].listKey;
  return `List${key[0].toUpperCase()}${key.slice(1)}`;
}

function resourceOp(
  method: string,
  kind: Kind,
  names: { mesh?: string; parent?: string; resource?: string },
): Operation | undefined {
  const verb = (names.resource !== undefined ? ITEM_VERBS : COLLECTION_VERBS)[method];
  if (!verb) return undefined;
  return { type: 'resource', name: operationName(verb, kind), verb, kind, ...names };
}

/** The operation of `METHOD /v20190125/...`, or undefined when the API has none there. */
export function matchOperation(method: string, path: string): Operation | undefined {
  if (!path.startsWith(`${API_PREFIX}/`)) return undefined;
  let segments: string[];
  try {
    segments = path
      .slice(API_PREFIX.length + 1)
      .split('/')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments.length === 1) {
    const [s] = segments;
    if (s === 'tags' && method === 'GET') return { type: 'tags', name: 'ListTagsForResource' };
    if (s === 'tag' && method === 'PUT') return { type: 'tags', name: 'TagResource' };
    if (s === 'untag' && method === 'PUT') return { type: 'tags', name: 'UntagResource' };
  }
  if (segments[0] !== 'meshes' || segments.some((s, i) => i > 0 && s === '')) return undefined;
  const [, mesh, a, b, c, d] = segments;
  switch (segments.length) {
    case 1:
      return resourceOp(method, 'Mesh', {});
    case 2:
      return resourceOp(method, 'Mesh', { mesh, resource: mesh });
    case 3:
    case 4:
      return MESH_COLLECTIONS[a] ? resourceOp(method, MESH_COLLECTIONS[a], { mesh, resource: b }) : undefined;
    case 5:
    case 6: {
      const p = PARENT_SEGMENTS[a];
      if (!p || c !== p.collection) return undefined;
      return resourceOp(method, p.kind, { mesh, parent: b, resource: d });
    }
    default:
      return undefined;
  }
}
