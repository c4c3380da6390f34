/**
 * The daemon's view of the pipeline stages it wires together. Every signature is taken from the stage package
 * itself (type-only imports, erased at run time), so a change in spec, graph, translate, source or xds fails
 * `tsc` here, while `loadCoreStages` still imports the packages lazily.
 */
import type { EndpointSet } from '@plexus/plugin-api';
import type { SpecLoader } from '@plexus/spec';

type SourcePkg = typeof import('@plexus/source');
type SpecPkg = typeof import('@plexus/spec');
type GraphPkg = typeof import('@plexus/graph');
type TranslatePkg = typeof import('@plexus/translate');
type XdsPkg = typeof import('@plexus/xds');

export type { MeshGraph, ProxyRef } from '@plexus/graph';
export type { Source, SourceOptions } from '@plexus/source';
export type { TranslateOptions } from '@plexus/translate';
export type { AckEvent, ConnectEvent, NackEvent, ResolveProxy, XdsLogger } from '@plexus/xds';

/** One commit (or directory snapshot) as the source stage hands it over. */
export type SourceRevision = import('@plexus/source').Revision;

export type WebhookHandler = ReturnType<SourcePkg['createWebhookHandler']>;

export type LoadOutcome = ReturnType<SpecLoader['loadAndValidate']>;

/** Envoy resources for one proxy, proto3 JSON with "@type" (what translate produces and xds serves). */
export type ProxyConfig = import('@plexus/translate').EnvoyConfig;

export type ConfigTransform = (proxyKey: string, config: ProxyConfig) => ProxyConfig;

export type EndpointsLookup = import('@plexus/translate').EndpointLookup;

/** The pure stages (spec, graph, translate) plus the source factory, as the real packages export them. */
export interface CoreStages {
  createSource: SourcePkg['createSource'];
  createWebhookHandler?: SourcePkg['createWebhookHandler'];
  loadAndValidate: SpecLoader['loadAndValidate'];
  formatDiagnostic: SpecPkg['formatDiagnostic'];
  buildGraph: GraphPkg['buildGraph'];
  /** Ids of every proxy (virtual node / gateway) in the graph. */
  proxyIds: GraphPkg['proxyIds'];
  /** Parses `mesh/M/virtualNode/V`, `mesh/M/virtualGateway/G` or an App Mesh ARN; null when it is none. */
  parseProxyId: GraphPkg['parseProxyId'];
  /** The canonical key of a parsed proxy ref: `mesh/<m>/<kind>/<n>`. */
  proxyKey: GraphPkg['proxyKey'];
  /** Optional so a test can say "cannot tell": the translate runner then translates every proxy. */
  affectedProxies?: GraphPkg['affectedProxies'];
  /** Proxies holding a cluster of virtual node `mesh/node`: the ones to re-translate when its endpoints change. */
  proxiesUsingNode?: GraphPkg['proxiesUsingNode'];
  translateProxy: TranslatePkg['translateProxy'];
  /** Whether a proxy's config depends on its zone; optional (unset: one config per proxy). */
  usesLocality?: TranslatePkg['usesLocality'];
}

type RealXds = InstanceType<XdsPkg['XdsServer']>;

/** Per-stream status as the xDS server reports it. */
export type XdsStreamStatus = ReturnType<RealXds['status']>[number];

/** The part of @plexus/xds's XdsServer the daemon uses, with its events typed. */
export interface XdsServer
  extends Pick<
    RealXds,
    'listen' | 'setProxyConfig' | 'updateEndpoints' | 'removeProxyConfig' | 'status' | 'shutdown'
  > {
  /** Hosts another gRPC service on the xDS port (telemetry's access log service); before listen(). */
  addService?: RealXds['addService'];
  /** A proxy's secrets apart from its config (the mesh CA's), pushed on its own streams only. */
  setProxySecrets?: RealXds['setProxySecrets'];
  /** The ADS identity check for a call of an added service (see @plexus/xds XdsServer.authorizeCall). */
  authorizeCall?: RealXds['authorizeCall'];
  /** Ends live streams whose identity no longer holds (see @plexus/xds XdsServer.recheck). */
  recheck?: RealXds['recheck'];
  /** True when every stream of the proxy (at least one) ACKed all it was sent of the current snapshot. */
  converged?: RealXds['converged'];
  /** status() of one proxy's streams, without a scan of every stream. */
  statusOf?: RealXds['statusOf'];
  /** Endpoints for the proxy's streams in one zone (see @plexus/xds XdsServer.setLocalizedEndpoints). */
  setLocalizedEndpoints?: RealXds['setLocalizedEndpoints'];
  removeLocalizedEndpoints?: RealXds['removeLocalizedEndpoints'];
  on(event: 'ack', listener: (e: import('@plexus/xds').AckEvent) => void): unknown;
  on(event: 'nack', listener: (e: import('@plexus/xds').NackEvent) => void): unknown;
  on(event: 'connect', listener: (e: import('@plexus/xds').ConnectEvent) => void): unknown;
  on(
    event: 'disconnect',
    listener: (e: { proxyKey: string; streamId: number; node?: import('@plexus/xds').XdsNode }) => void,
  ): unknown;
  on(event: 'reject', listener: (e: import('@plexus/xds').RejectEvent) => void): unknown;
}

export type CreateXdsServer = (options: import('@plexus/xds').XdsServerOptions) => XdsServer;

/** Endpoint discovery over the plugins: told the current resources, reports endpoint sets as they change. */
export interface Discovery {
  update(resources: import('@plexus/spec').SpecResource[]): void | Promise<void>;
  /** Current sets keyed by `mesh/virtualNode`. */
  current(): Map<string, EndpointSet>;
  onChange(listener: () => void): void;
  stop(): void | Promise<void>;
}
