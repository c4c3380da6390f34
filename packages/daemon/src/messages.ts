/** What flows through the daemon's channels, in pipeline order. */
import type { EndpointSet } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import { LatestValueSubject } from './latest-value.ts';
import type { LoadOutcome, MeshGraph, ProxyConfig, ProxyRef, SourceRevision } from './stages.ts';

/**
 * A revision on its way to the spec stage. A multi-source daemon hands over the union of its sources' files
 * already validated (with the ownership rules), and which source's change it carries.
 */
export interface PipelineRevision extends SourceRevision {
  validated?: LoadOutcome;
  /** The source whose revision this union brings in, and each source's revision in it. */
  change?: { source: string; revision: string; sources: Record<string, string> };
}

/** A revision that loaded and validated. */
export interface ValidRevision {
  revision: string;
  seenAt: number;
  resources: SpecResource[];
}

/** A valid revision with its desired-state graph. */
export interface GraphSnapshot extends ValidRevision {
  graph: MeshGraph;
  /** Proxy id → parsed ref, for every proxy of the graph. */
  proxies: Map<string, ProxyRef>;
}

/** The graph plus the endpoints discovery currently reports; `cause` says which of the two changed. */
export interface DiscoveredSnapshot {
  graph: GraphSnapshot;
  endpoints: Map<string, EndpointSet>;
  cause: 'revision' | 'endpoints';
}

/** Proxy id → locality key → the endpoint assignments its streams there get instead of the proxy's own. */
export type LocalizedEndpoints = Map<string, Map<string, object[]>>;

/** Every proxy's computed config for one snapshot (computed in full before any is pushed). */
export interface ConfigSnapshot {
  revision: string;
  seenAt: number;
  cause: 'revision' | 'endpoints';
  configs: Map<string, ProxyConfig>;
  /** Proxies with a zone preference: their endpoints per zone their replicas report. */
  localized?: LocalizedEndpoints;
}

export interface RevisionError {
  revision: string;
  /** Multi-source daemons: the source whose revision this is (the error is that source's). */
  source?: string;
  stage: 'load' | 'graph' | 'discovery' | 'translate' | 'apply';
  /** First error's position and field, for one-line display. */
  file?: string;
  line?: number;
  col?: number;
  field?: string;
  message: string;
  /** Every error as `file:line:col: Kind mesh/name: field.path: message`. */
  errors: string[];
  at: string;
}

/** The end of one revision's trip through the pipeline. */
export type RevisionOutcome =
  | { revision: string; seenAt: number; ok: true; pushed: string[]; endpointPushes: string[] }
  | {
      revision: string;
      seenAt: number;
      ok: false;
      error: RevisionError;
      /** A source's refused commit: who made it and what it says (for the console's history). */
      commit?: SourceRevision['commit'];
    };

export interface Channels {
  revisions: LatestValueSubject<PipelineRevision>;
  valid: LatestValueSubject<ValidRevision>;
  graphs: LatestValueSubject<GraphSnapshot>;
  discovered: LatestValueSubject<DiscoveredSnapshot>;
  configs: LatestValueSubject<ConfigSnapshot>;
  outcomes: LatestValueSubject<RevisionOutcome>;
}

export function createChannels(): Channels {
  return {
    revisions: new LatestValueSubject('revisions'),
    valid: new LatestValueSubject('valid'),
    graphs: new LatestValueSubject('graphs'),
    discovered: new LatestValueSubject('discovered'),
    configs: new LatestValueSubject('configs'),
    outcomes: new LatestValueSubject('outcomes'),
  };
}
