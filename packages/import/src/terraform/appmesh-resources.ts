import type { AnySchema, FieldPath, Kind } from '@plexus/spec';
import type { SourceNaming } from '../map/api-shape.ts';

/** The aws_appmesh_* resources and their arguments besides `spec` (the provider's documented arguments). */
export interface TfAppMeshType {
  kind: Kind;
  /** Arguments the resource takes (meta-arguments aside). */
  arguments: readonly string[];
  parent?: 'virtual_router_name' | 'virtual_gateway_name';
  arnPath: (name: string, parent?: string) => string;
}

export const TF_APPMESH_TYPES: Readonly<Record<string, TfAppMeshType>> = {
  aws_appmesh_mesh: { kind: 'Mesh', arguments: ['name', 'spec', 'tags'], arnPath: () => '' },
  aws_appmesh_virtual_node: {
    kind: 'VirtualNode',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'spec', 'tags'],
    arnPath: (n) => `/virtualNode/${n}`,
  },
  aws_appmesh_virtual_service: {
    kind: 'VirtualService',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'spec', 'tags'],
    arnPath: (n) => `/virtualService/${n}`,
  },
  aws_appmesh_virtual_router: {
    kind: 'VirtualRouter',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'spec', 'tags'],
    arnPath: (n) => `/virtualRouter/${n}`,
  },
  aws_appmesh_route: {
    kind: 'Route',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'virtual_router_name', 'spec', 'tags'],
    parent: 'virtual_router_name',
    arnPath: (n, p) => `/virtualRouter/${p}/route/${n}`,
  },
  aws_appmesh_virtual_gateway: {
    kind: 'VirtualGateway',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'spec', 'tags'],
    arnPath: (n) => `/virtualGateway/${n}`,
  },
  aws_appmesh_gateway_route: {
    kind: 'GatewayRoute',
    arguments: ['name', 'mesh_name', 'mesh_owner', 'virtual_gateway_name', 'spec', 'tags'],
    parent: 'virtual_gateway_name',
    arnPath: (n, p) => `/virtualGateway/${p}/gatewayRoute/${n}`,
  },
};

/** Terraform meta-arguments and meta-blocks, valid in every resource. */
export const META_ARGUMENTS = new Set([
  'count',
  'for_each',
  'depends_on',
  'provider',
  'lifecycle',
  'provisioner',
  'connection',
  'timeouts',
]);

/** Repeated blocks the provider names in the singular where the API has a plural list. */
const SINGULAR: Readonly<Record<string, string>> = {
  listeners: 'listener',
  backends: 'backend',
  weightedTargets: 'weighted_target',
  headers: 'header',
  queryParameters: 'query_parameter',
};

export function snakeCase(apiKey: string): string {
  return apiKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export const TF_NAMING: SourceNaming = {
  spell: (apiKey: string, _member: AnySchema) => SINGULAR[apiKey] ?? snakeCase(apiKey),
  blocks: true,
  format: (path: FieldPath) => {
    let out = '';
    for (const s of path) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
    return out;
  },
};
