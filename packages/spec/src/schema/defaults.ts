/**
 * App Mesh's documented defaults for fields a spec may leave out, keyed by field path pattern
 * (`[]` = any list element, `<route>` = httpRoute | http2Route | grpcRoute | tcpRoute). The spec stage does not
 * apply them (specs stay as written); the translation stage does.
 */
export interface AppMeshDefault {
  /** Resource kind the field belongs to. */
  kind: 'Mesh' | 'VirtualNode' | 'Route' | 'VirtualGateway' | 'GatewayRoute';
  path: string;
  value: unknown;
  /** Where App Mesh documents it. */
  source: string;
}

export const APP_MESH_DEFAULTS: readonly AppMeshDefault[] = [
  { kind: 'Mesh', path: 'egressFilter.type', value: 'DROP_ALL', source: 'API_EgressFilter' },
  {
    kind: 'VirtualNode',
    path: 'serviceDiscovery.dns.responseType',
    value: 'LOADBALANCER',
    source: 'UG virtual_nodes.md',
  },
  {
    kind: 'VirtualNode',
    path: 'backends[].virtualService.clientPolicy.tls.enforce',
    value: true,
    source: 'API_ClientPolicyTls',
  },
  {
    kind: 'VirtualNode',
    path: 'backendDefaults.clientPolicy.tls.enforce',
    value: true,
    source: 'API_ClientPolicyTls',
  },
  {
    kind: 'VirtualGateway',
    path: 'backendDefaults.clientPolicy.tls.enforce',
    value: true,
    source: 'API_VirtualGatewayClientPolicyTls',
  },
  {
    kind: 'VirtualNode',
    path: 'listeners[].timeout.<http|http2|grpc>.perRequest',
    value: { value: 15, unit: 's' },
    source: 'UG virtual_nodes.md (0 disables)',
  },
  {
    kind: 'VirtualNode',
    path: 'listeners[].timeout.<tcp|http|http2|grpc>.idle',
    value: { value: 300, unit: 's' },
    source: 'UG virtual_nodes.md',
  },
  {
    kind: 'VirtualNode',
    path: 'listeners[].healthCheck.port',
    value: 'listeners[].portMapping.port',
    source: 'API_HealthCheckPolicy',
  },
  {
    kind: 'VirtualGateway',
    path: 'listeners[].healthCheck.port',
    value: 'listeners[].portMapping.port',
    source: 'API_VirtualGatewayHealthCheckPolicy',
  },
  {
    kind: 'VirtualNode',
    path: 'serviceDiscovery.static.endpoints[].port',
    value: 'listeners[0].portMapping.port',
    source: 'Plexus DESIGN.md',
  },
  {
    kind: 'Route',
    path: '<httpRoute|http2Route|grpcRoute>.timeout.perRequest',
    value: { value: 15, unit: 's' },
    source: 'UG routes.md (0 disables)',
  },
  {
    kind: 'Route',
    path: '<route>.timeout.idle',
    value: { value: 300, unit: 's' },
    source: 'UG routes.md',
  },
  {
    kind: 'Route',
    path: '<httpRoute|http2Route>.match.headers[].invert',
    value: false,
    source: 'API_HttpRouteHeader',
  },
  { kind: 'Route', path: 'grpcRoute.match.metadata[].invert', value: false, source: 'API_GrpcRouteMetadata' },
  {
    kind: 'Route',
    path: '<route>.action.weightedTargets[].port',
    value: 'the target virtual node listener port (required when it has several)',
    source: 'API_WeightedTarget',
  },
  {
    kind: 'GatewayRoute',
    path: '<httpRoute|http2Route>.match.headers[].invert',
    value: false,
    source: 'API_HttpGatewayRouteHeader',
  },
  {
    kind: 'GatewayRoute',
    path: 'grpcRoute.match.metadata[].invert',
    value: false,
    source: 'API_GrpcGatewayRouteMetadata',
  },
  {
    kind: 'GatewayRoute',
    path: '<httpRoute|http2Route>.action.rewrite.prefix.defaultPrefix',
    value: 'ENABLED',
    source: 'API_HttpGatewayRoutePrefixRewrite',
  },
  {
    kind: 'GatewayRoute',
    path: '<httpRoute|http2Route|grpcRoute>.action.rewrite.hostname.defaultTargetHostname',
    value: 'ENABLED',
    source: 'API_GatewayRouteHostnameRewrite',
  },
];

/** Looks a default up by kind and exact pattern path as written in APP_MESH_DEFAULTS. */
export function appMeshDefault(kind: AppMeshDefault['kind'], path: string): unknown {
  return APP_MESH_DEFAULTS.find((d) => d.kind === kind && d.path === path)?.value;
}
