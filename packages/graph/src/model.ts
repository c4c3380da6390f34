import type { SpecResource, Tracing } from '@plexus/spec';
import type { PolicyIndex } from './policies.ts';
import type { ProxyRef } from './proxy-id.ts';
import type {
  ClientPolicy,
  GatewayRouteShape,
  MeshShape,
  RouteShape,
  VirtualGatewayShape,
  VirtualNodeShape,
  VirtualRouterShape,
  VirtualServiceShape,
} from './shapes.ts';

export interface MeshEntry {
  name: string;
  resource: SpecResource<MeshShape>;
  egressFilter: 'ALLOW_ALL' | 'DROP_ALL';
  /** The mesh's tracing (a Plexus extension on the Mesh), if any. */
  tracing?: Tracing;
}

/** A virtual service and what provides it (undefined when it has no provider or the provider is missing). */
export interface ServiceEntry {
  mesh: string;
  name: string;
  resource: SpecResource<VirtualServiceShape>;
  provider?: { kind: 'virtualNode'; name: string } | { kind: 'virtualRouter'; name: string };
}

export interface RouterEntry {
  mesh: string;
  name: string;
  resource: SpecResource<VirtualRouterShape>;
  /** In App Mesh's match order: priority ascending (unset last), then name. */
  routes: SpecResource<RouteShape>[];
}

export interface GatewayEntry {
  mesh: string;
  name: string;
  resource: SpecResource<VirtualGatewayShape>;
  /** In match order: priority ascending (unset last), then name. */
  gatewayRoutes: SpecResource<GatewayRouteShape>[];
}

/** One backend a virtual node may reach, with the client policy in force (backend's own, else defaults). */
export interface ReachableService {
  name: string;
  clientPolicy?: ClientPolicy;
  /** True when reached through ALLOW_ALL rather than a declared backend. */
  implicit: boolean;
}

/** Everything one proxy's config depends on (except endpoints). */
export interface ProxyView {
  ref: ProxyRef;
  id: string;
  /** Virtual services this proxy routes to (node: backends or all under ALLOW_ALL; gateway: route targets). */
  services: ReachableService[];
  /** Virtual nodes whose clusters this proxy holds (route targets and node providers). */
  upstreamNodes: string[];
  /** Resource ids (`Kind/mesh/name`) in this proxy's input closure. */
  inputs: string[];
  /** Content hash of the input closure. */
  hash: string;
}

export interface MeshGraph {
  meshes: Map<string, MeshEntry>;
  /** Keyed `mesh/name`. */
  virtualNodes: Map<string, SpecResource<VirtualNodeShape>>;
  services: Map<string, ServiceEntry>;
  routers: Map<string, RouterEntry>;
  gateways: Map<string, GatewayEntry>;
  /** Keyed by proxy id `mesh/<m>/<kind>/<n>`. */
  proxies: Map<string, ProxyView>;
  /** AuthPolicy, TrafficPolicy and ProxyPatch resources by the id of the resource they attach to. */
  policies: PolicyIndex;
  /** References that did not resolve (the spec stage reports them with positions; the graph just skips them). */
  unresolved: string[];
}

export function key(mesh: string, name: string): string {
  return `${mesh}/${name}`;
}
