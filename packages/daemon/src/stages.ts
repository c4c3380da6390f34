/**
 * The daemon's view of the pipeline stages it wires together. Kept as small structural interfaces so the
 * runners depend on what they call, not on each stage package's internals; `loadCoreStages` binds them to the
 * real packages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerCredentials } from '@grpc/grpc-js';
import type { EndpointSet } from '@plexus/plugin-api';
import type { Diagnostic, SourceFile, SpecResource } from '@plexus/spec';
import type { Authorize, AuthorizeAdmin, Recheck, StreamIdentity } from '@plexus/xds';

/** One commit (or directory snapshot) as the source stage hands it over. */
export interface SourceRevision {
  id: string;
  files: SourceFile[];
  /** Epoch ms at which the source noticed the revision. */
  seenAt: number;
  source?: string;
  /** Git sources: the commit's author (`Name <email>`), subject line and time. */
  commit?: { author: string; subject: string; time: string };
}

export interface SourceOptions {
  repo: string;
  branch?: string;
  tag?: string;
  commit?: string;
  path?: string;
  pollIntervalMs?: number;
  /** Remote repositories: a token from an environment variable or a file (never logged). */
  auth?: { tokenEnv?: string; tokenFile?: string; username?: string };
  /** Remote repositories: where the shallow clone is kept. */
  cacheDir?: string;
}

export interface Source {
  start(onRevision: (rev: SourceRevision) => void, onError: (err: unknown) => void): void | Promise<void>;
  stop(): void | Promise<void>;
  refresh?(): void | Promise<void>;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LoadOutcome {
  resources: SpecResource[];
  diagnostics: Diagnostic[];
  ok?: boolean;
}

/** Envoy resources for one proxy, proto3 JSON with "@type". */
export interface ProxyConfig {
  listeners: unknown[];
  routes: unknown[];
  clusters: unknown[];
  endpoints: unknown[];
  secrets: unknown[];
}

export type ConfigTransform = (proxyKey: string, config: ProxyConfig) => ProxyConfig;

export type EndpointsLookup = (mesh: string, virtualNode: string) => EndpointSet | undefined;

/** The pure stages (spec, graph, translate) plus the source factory. `Graph` and `ProxyRef` stay opaque here. */
export interface CoreStages {
  createSource(options: SourceOptions): Source;
  createWebhookHandler?(options: { secret?: string; onTrigger: () => void }): WebhookHandler;
  loadAndValidate(files: SourceFile[], options: { partial: boolean }): LoadOutcome;
  formatDiagnostic(d: Diagnostic): string;
  buildGraph(resources: SpecResource[]): unknown;
  /** Ids of every proxy (virtual node / gateway) in the graph. */
  proxyIds(graph: unknown): Iterable<string>;
  /** Parses `mesh/M/virtualNode/V`, `mesh/M/virtualGateway/G` or an App Mesh ARN; null when it is none. */
  parseProxyId(id: string): unknown | null;
  /** The canonical key of a parsed proxy ref: `mesh/<m>/<kind>/<n>`. */
  proxyKey(ref: unknown): string;
  affectedProxies?(before: unknown, after: unknown): Set<string>;
  /** Proxies holding a cluster of virtual node `mesh/node`: the ones to re-translate when its endpoints change. */
  proxiesUsingNode?(graph: unknown, mesh: string, node: string): Iterable<string>;
  translateProxy(graph: unknown, proxy: unknown, lookup: EndpointsLookup, options?: object): ProxyConfig;
}

/** Per-stream status as the xDS server reports it. */
export interface XdsStreamStatus {
  node: string | { id: string; cluster?: string };
  proxyKey?: string;
  connected: boolean;
  revision?: string;
  acked?: Record<string, string>;
  nacked?: Record<string, { version: string; message: string }>;
  sent?: Record<string, string | { version: string }>;
  /** Epoch ms the stream connected. */
  connectedAt?: number;
  identity?: StreamIdentity;
  peer?: string;
}

/** A gRPC service hosted on the xDS port (same listener, credentials and identity checks as ADS). */
export interface HostedGrpcService {
  definition: import('@grpc/grpc-js').ServiceDefinition;
  handlers: import('@grpc/grpc-js').UntypedServiceImplementation;
}

export interface XdsServer {
  listen(hostPort: string): Promise<number> | number;
  /** Hosts another gRPC service on the xDS port; before listen(). */
  addService?(definition: HostedGrpcService['definition'], handlers: HostedGrpcService['handlers']): void;
  setProxyConfig(proxyKey: string, config: ProxyConfig, options: { revision: string }): void;
  updateEndpoints(proxyKey: string, endpoints: unknown[], options?: { revision?: string }): void;
  removeProxyConfig(proxyKey: string): void;
  status(): XdsStreamStatus[];
  /** True when every stream of the proxy (at least one) ACKed all it was sent of the current snapshot. */
  converged?(proxyKey: string): boolean;
  on(event: 'ack' | 'nack' | 'connect' | 'disconnect' | 'reject', listener: (e: unknown) => void): unknown;
  /** Ends live streams whose identity no longer holds (see @plexus/xds XdsServer.recheck). */
  recheck?(check: Recheck): number;
  shutdown(graceMs: number): Promise<void> | void;
}

export type ResolveProxy = (node: { id?: string; cluster?: string }) => string | { error: string };

export interface XdsLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CreateXdsServerOptions {
  resolveProxy: ResolveProxy;
  logger?: XdsLogger;
  authorize?: Authorize;
  authorizeAdmin?: AuthorizeAdmin;
  credentials?: ServerCredentials;
}

export type CreateXdsServer = (options: CreateXdsServerOptions) => XdsServer;

/** Endpoint discovery over the plugins: told the current resources, reports endpoint sets as they change. */
export interface Discovery {
  update(resources: SpecResource[]): void | Promise<void>;
  /** Current sets keyed by `mesh/virtualNode`. */
  current(): Map<string, EndpointSet>;
  onChange(listener: () => void): void;
  stop(): void | Promise<void>;
}
