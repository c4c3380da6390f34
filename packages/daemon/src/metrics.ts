import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The daemon's Prometheus metrics, on a registry of its own (several daemons may share a process in tests). */
export interface DaemonMetrics {
  registry: Registry;
  /** Series rendered as Prometheus text by their owner (telemetry's per-edge families), appended to /metrics. */
  textSources: (() => string)[];
  reconcileDuration: Histogram<'outcome'>;
  reconciles: Counter<'outcome' | 'stage'>;
  appliedRevision: Gauge<'revision'>;
  connectedProxies: Gauge;
  waitingProxies: Gauge;
  pushes: Counter<'kind'>;
  nacks: Counter<'type_url'>;
  staleEndpointSets: Gauge<'source'>;
  convergence: Histogram;
  refusedStreams: Counter<'code'>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): DaemonMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    textSources: [],
    reconcileDuration: new Histogram({
      name: 'plexus_reconcile_duration_seconds',
      help: 'Time from a revision being seen to it being applied or rejected',
      labelNames: ['outcome'],
      buckets: SECONDS,
      registers,
    }),
    reconciles: new Counter({
      name: 'plexus_reconcile_total',
      help: 'Revisions reconciled, by outcome (applied|failed) and the stage that decided it',
      labelNames: ['outcome', 'stage'],
      registers,
    }),
    appliedRevision: new Gauge({
      name: 'plexus_applied_revision_info',
      help: 'The revision currently served (value 1)',
      labelNames: ['revision'],
      registers,
    }),
    connectedProxies: new Gauge({
      name: 'plexus_connected_proxies',
      help: 'xDS streams currently connected',
      registers,
    }),
    waitingProxies: new Gauge({
      name: 'plexus_waiting_proxies',
      help: 'Connected xDS streams whose node names a proxy the applied revision does not define (they get config once a commit defines it)',
      registers,
    }),
    pushes: new Counter({
      name: 'plexus_xds_pushes_total',
      help: 'Per-proxy pushes: kind=config (full) or endpoints (endpoints only)',
      labelNames: ['kind'],
      registers,
    }),
    nacks: new Counter({
      name: 'plexus_xds_nacks_total',
      help: 'NACKs received from proxies',
      labelNames: ['type_url'],
      registers,
    }),
    staleEndpointSets: new Gauge({
      name: 'plexus_discovery_stale_endpoint_sets',
      help: 'Endpoint sets served from a failed discovery source (last known endpoints)',
      labelNames: ['source'],
      registers,
    }),
    refusedStreams: new Counter({
      name: 'plexus_xds_refused_streams_total',
      help: 'xDS streams refused or ended by the server, by gRPC status (PERMISSION_DENIED, UNAUTHENTICATED, ...)',
      labelNames: ['code'],
      registers,
    }),
    convergence: new Histogram({
      name: 'plexus_convergence_seconds',
      help: 'Time from a revision being seen to every affected connected proxy ACKing it',
      buckets: SECONDS,
      registers,
    }),
  };
}
