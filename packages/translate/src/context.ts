import type {
  ClientPolicy,
  MeshGraph,
  NodeListener,
  Protocol,
  ProxyRef,
  ProxyView,
  VirtualNodeShape,
} from '@plexus/graph';
import { graphKey } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import { type EndpointLookup, type EnvoyConfig, type Json, type ResolvedOptions, TYPE } from './types.ts';

/** State of one proxy's translation. */
export interface Ctx {
  graph: MeshGraph;
  proxy: ProxyRef;
  view: ProxyView;
  opts: ResolvedOptions;
  endpoints: EndpointLookup;
  clusters: Map<string, Json>;
  loadAssignments: Map<string, Json>;
  routeConfigs: Json[];
  listeners: Json[];
  /** Set when a TLS context refers to SDS: the SDS agent cluster is then emitted. */
  usesSds: boolean;
  /** Access log entries for every HCM / tcp_proxy of this proxy. */
  accessLog?: Json[];
  /** The HCM `tracing` block of the mesh's tracing extension, when set. */
  tracing?: Json;
  /** Circuit breakers applied to every egress cluster (gateway connection pools). */
  egressCircuitBreakers?: Json;
}

export function toConfig(ctx: Ctx): EnvoyConfig {
  return {
    listeners: ctx.listeners,
    routes: ctx.routeConfigs,
    clusters: [...ctx.clusters.values()].map((c) => ({ '@type': TYPE.cluster, ...c })),
    endpoints: [...ctx.loadAssignments.values()].map((e) => ({ '@type': TYPE.endpoint, ...e })),
    secrets: [],
  };
}

export interface PortProtocol {
  port: number;
  protocol: Protocol;
}

export function nodeOf(ctx: Ctx, name: string): SpecResource<VirtualNodeShape> | undefined {
  return ctx.graph.virtualNodes.get(graphKey(ctx.proxy.mesh, name));
}

/** The ports a virtual service is served on: its provider node's or router's listeners. */
export function servicePorts(ctx: Ctx, service: string): PortProtocol[] {
  const p = ctx.graph.services.get(graphKey(ctx.proxy.mesh, service))?.provider;
  if (!p) return [];
  const listeners =
    p.kind === 'virtualNode'
      ? nodeOf(ctx, p.name)?.spec?.listeners
      : ctx.graph.routers.get(graphKey(ctx.proxy.mesh, p.name))?.resource.spec?.listeners;
  return (listeners ?? []).map((l) => ({ port: l.portMapping.port, protocol: l.portMapping.protocol }));
}

/** The listener of a target node a route target reaches: by port when given, else the only/first one. */
export function targetListener(ctx: Ctx, node: string, port?: number): NodeListener | undefined {
  const ls = nodeOf(ctx, node)?.spec?.listeners ?? [];
  if (port !== undefined) return ls.find((l) => l.portMapping.port === port);
  return ls[0];
}

/** Client TLS applies on a port when `ports` is empty or names it, and `enforce` is not false. */
export function clientTlsFor(
  policy: ClientPolicy | undefined,
  port: number,
): ClientPolicy['tls'] | undefined {
  const tls = policy?.tls;
  if (!tls || tls.enforce === false) return undefined;
  if (tls.ports && tls.ports.length > 0 && !tls.ports.includes(port)) return undefined;
  return tls;
}
