import type { Kind } from '@plexus/spec';

/** How each AWS::AppMesh::* type names itself and its parents, and what Fn::GetAtt gives. */
export interface AppMeshType {
  kind: Kind;
  /** The property holding the resource's own name (Mesh: MeshName). */
  nameProperty: string;
  /** Route: VirtualRouterName; GatewayRoute: VirtualGatewayName. */
  parentProperty?: 'VirtualRouterName' | 'VirtualGatewayName';
  /** Whether CloudFormation generates the name when the property is left out. */
  generatedName: boolean;
  /** Properties of the type besides Spec and the names (AWS resource specification). */
  properties: readonly string[];
  /** The ARN's resource part after `mesh/<mesh>` (empty for a Mesh). */
  arnPath: (name: string, parent?: string) => string;
}

export const APPMESH_TYPES: Readonly<Record<string, AppMeshType>> = {
  'AWS::AppMesh::Mesh': {
    kind: 'Mesh',
    nameProperty: 'MeshName',
    generatedName: true,
    properties: ['MeshName', 'Spec', 'Tags'],
    arnPath: () => '',
  },
  'AWS::AppMesh::VirtualNode': {
    kind: 'VirtualNode',
    nameProperty: 'VirtualNodeName',
    generatedName: true,
    properties: ['MeshName', 'MeshOwner', 'VirtualNodeName', 'Spec', 'Tags'],
    arnPath: (n) => `/virtualNode/${n}`,
  },
  'AWS::AppMesh::VirtualService': {
    kind: 'VirtualService',
    nameProperty: 'VirtualServiceName',
    generatedName: false,
    properties: ['MeshName', 'MeshOwner', 'VirtualServiceName', 'Spec', 'Tags'],
    arnPath: (n) => `/virtualService/${n}`,
  },
  'AWS::AppMesh::VirtualRouter': {
    kind: 'VirtualRouter',
    nameProperty: 'VirtualRouterName',
    generatedName: true,
    properties: ['MeshName', 'MeshOwner', 'VirtualRouterName', 'Spec', 'Tags'],
    arnPath: (n) => `/virtualRouter/${n}`,
  },
  'AWS::AppMesh::Route': {
    kind: 'Route',
    nameProperty: 'RouteName',
    parentProperty: 'VirtualRouterName',
    generatedName: true,
    properties: ['MeshName', 'MeshOwner', 'VirtualRouterName', 'RouteName', 'Spec', 'Tags'],
    arnPath: (n, p) => `/virtualRouter/${p}/route/${n}`,
  },
  'AWS::AppMesh::VirtualGateway': {
    kind: 'VirtualGateway',
    nameProperty: 'VirtualGatewayName',
    generatedName: true,
    properties: ['MeshName', 'MeshOwner', 'VirtualGatewayName', 'Spec', 'Tags'],
    arnPath: (n) => `/virtualGateway/${n}`,
  },
  'AWS::AppMesh::GatewayRoute': {
    kind: 'GatewayRoute',
    nameProperty: 'GatewayRouteName',
    parentProperty: 'VirtualGatewayName',
    generatedName: true,
    properties: ['MeshName', 'MeshOwner', 'VirtualGatewayName', 'GatewayRouteName', 'Spec', 'Tags'],
    arnPath: (n, p) => `/virtualGateway/${p}/gatewayRoute/${n}`,
  },
};

/** Fn::GetAtt attributes of an App Mesh type (AWS resource specification). */
export function appMeshAttributes(type: AppMeshType): string[] {
  const own = type.kind === 'Mesh' ? [] : [type.nameProperty];
  const parent = type.parentProperty ? [type.parentProperty] : [];
  return ['Arn', 'MeshName', 'MeshOwner', 'ResourceOwner', 'Uid', ...own, ...parent];
}

/**
 * Attributes of other resource types that are just a property as written (so Plexus can read them
 * without the deployed stack): type → attribute (`Ref` for Ref) → property.
 */
export const ATTRIBUTES_FROM_PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'AWS::ServiceDiscovery::Service': { Name: 'Name' },
  'AWS::SSM::Parameter': { Ref: 'Name', Value: 'Value' },
};

/** Resource attributes a template may set besides Type and Properties. */
export const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'Condition',
  'DependsOn',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'CreationPolicy',
  'UpdatePolicy',
]);

/** CloudFormation's spelling of App Mesh API keys: PascalCase, with the acronyms the resource spec uses. */
const CFN_SPELLING: Readonly<Record<string, string>> = {
  tls: 'TLS',
  acm: 'ACM',
  sds: 'SDS',
  dns: 'DNS',
  awsCloudMap: 'AWSCloudMap',
  http: 'HTTP',
  http2: 'HTTP2',
  grpc: 'GRPC',
  tcp: 'TCP',
};

export function cfnSpelling(apiKey: string): string {
  return CFN_SPELLING[apiKey] ?? apiKey.charAt(0).toUpperCase() + apiKey.slice(1);
}
