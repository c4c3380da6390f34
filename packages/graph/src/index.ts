export { affectedProxies, proxiesUsingNode, proxyIds } from './affected.ts';
export { buildGraph } from './build-graph.ts';
export type {
  GatewayEntry,
  MeshEntry,
  MeshGraph,
  ProxyView,
  ReachableService,
  RouterEntry,
  ServiceEntry,
} from './model.ts';
export { key as graphKey } from './model.ts';
export { byPriority } from './order.ts';
export { type AttachedPolicies, type PolicyIndex, policyUpstreams, serviceNode } from './policies.ts';
export { type ProxyRef, parseProxyId, proxyKey } from './proxy-id.ts';
export type * from './shapes.ts';
export { hashText, stableStringify } from './stable-hash.ts';
