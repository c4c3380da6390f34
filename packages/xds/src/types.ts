import type { StreamIdentity } from './authorize.ts';
import type { ResourceEntry } from './resource-cache.ts';

/** The identity a client gave in its first request (obligation 2). */
export interface XdsNode {
  id: string;
  cluster: string;
  metadata?: Record<string, unknown>;
  userAgentName?: string;
  userAgentVersion?: string;
  clientFeatures?: string[];
  /** Where the proxy runs (Envoy's node.locality; App Mesh's sidecar sets the task's region and zone). */
  locality?: { region?: string; zone?: string; subZone?: string };
}

/** What setProxyConfig takes: proto3 JSON resources with "@type", as the translate stage produces them. */
export interface ProxyConfig {
  listeners?: object[];
  routes?: object[];
  clusters?: object[];
  endpoints?: object[];
  secrets?: object[];
}

export interface ProxySnapshot {
  revision?: string;
  /** typeUrl → resource name → encoded entry */
  types: Map<string, Map<string, ResourceEntry>>;
}

export interface NackRecord {
  /** The version the client rejected. */
  version: string;
  message: string;
  at: number;
}

/** One connected (or just closed) ADS stream, as status() and /api/v1/status show it. */
export interface ProxyStatus {
  streamId: number;
  variant: 'sotw' | 'delta';
  node: XdsNode;
  proxyKey: string;
  connected: boolean;
  connectedAt: number;
  /** What the stream proved it is. */
  identity?: StreamIdentity;
  peer?: string;
  /** The snapshot revision (commit) the stream's proxy is configured from. */
  revision?: string;
  acked: Record<string, string>;
  nacked: Record<string, NackRecord>;
  sent: Record<string, { version: string; at: number }>;
  /** Responses written on this stream so far. */
  responses: number;
  /** Responses handed to the transport and not yet flushed to the socket (at most maxQueuedPerStream). */
  queued: number;
}

export interface AckEvent {
  streamId: number;
  proxyKey: string;
  nodeId: string;
  typeUrl: string;
  version: string;
  revision?: string;
  at: number;
}

export interface NackEvent extends AckEvent {
  message: string;
}

export interface ConnectEvent {
  streamId: number;
  proxyKey: string;
  node: XdsNode;
  variant: 'sotw' | 'delta';
  identity?: StreamIdentity;
  at: number;
}

/** A stream refused before it was served, or ended because its identity no longer holds. */
export interface RejectEvent {
  node?: XdsNode;
  code: number;
  reason: string;
  /** `ip:port` of the caller, when known. */
  peer?: string;
  at: number;
}

/** The pino-like logger subset we use. */
export interface XdsLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
