import type { MeshGraph } from '@plexus/graph';
import type { EndpointSet } from '@plexus/plugin-api';
import type { RolloutStatus } from '@plexus/rollout';
import type { EdgesDocument } from '@plexus/telemetry';

/** One connected (or recently seen) proxy as the Proxies view lists it. */
export interface ProxyRow {
  node: string;
  proxyKey: string;
  connected: boolean;
  /** The revision its config comes from. */
  revision: string | null;
  /** typeUrl → ACKed version. */
  acked: Record<string, string>;
  nacked: Record<string, { version: string; message: string }>;
  /** Every type it was sent is ACKed at the current snapshot. */
  synced: boolean;
  connectedAt: string | null;
  /** Last ACK of any type (ISO 8601), null before the first. */
  lastAckAt: string | null;
  userAgent?: string;
}

/** A revision in the history view (mirrors the daemon's RevisionRecord). */
export interface RevisionRow {
  revision: string;
  /** Multi-source daemons: the source whose commit it is, and that commit. */
  source?: string;
  sourceRevision?: string;
  seenAt: string;
  author?: string;
  subject?: string;
  commitTime?: string;
  outcome: 'pending' | 'applied' | 'refused';
  error?: { stage: string; message: string; errors: string[] };
  changedProxies?: string[];
  endpointOnlyProxies?: string[];
  convergedMs?: number;
  convergedProxies?: number;
}

/** Envoy resources of one proxy, proto3 JSON with "@type" (what `plexus config-dump` prints). */
export interface ProxyConfigDump {
  listeners: unknown[];
  routes: unknown[];
  clusters: unknown[];
  endpoints: unknown[];
  secrets: unknown[];
}

/** What the console reads from the daemon. The daemon implements it; the console does no wiring. */
export interface ConsoleSource {
  /** The applied revision's graph, undefined before the first. */
  graph(): { revision: string; graph: MeshGraph } | undefined;
  applied(): string | null;
  proxies(): ProxyRow[];
  proxyConfig(proxyKey: string): ProxyConfigDump | undefined;
  /** Endpoints discovery reports for `mesh/node`. */
  endpoints(mesh: string, node: string): EndpointSet | undefined;
  /** Newest first; with `source`, only that source's commits. */
  revisions(source?: string): RevisionRow[];
  /** Per-edge traffic over the last `windowSeconds`; undefined when telemetry is off. */
  edges(windowSeconds: number): EdgesDocument | undefined;
  /** The rollouts the daemon's controller runs (empty when none, or when it cannot run). */
  rollouts(): RolloutStatus[];
  /** Calls `listener` when the graph, the revisions or the proxies change; returns the unsubscribe. */
  onChange(listener: (what: 'graph' | 'revisions' | 'proxies') => void): () => void;
}
