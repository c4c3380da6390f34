import { EventEmitter } from 'node:events';
import type { RolloutStatus } from '@plexus/rollout';
import type { Logger } from 'pino';
import { type ConvergedEvent, ConvergenceTracker } from './convergence.ts';
import type { Channels, RevisionError, RevisionOutcome } from './messages.ts';
import type { DaemonMetrics } from './metrics.ts';
import type { ProxyRevisions } from './proxy-revisions.ts';
import type { SourceSet, SourceStatus } from './sources/source-set.ts';
import type { Discovery, XdsServer } from './stages.ts';

export type { ConvergedEvent };

const GRPC_CODES: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** GET /api/v1/status, exactly as DESIGN.md fixes it. */
export interface StatusDocument {
  /**
   * The mesh as served. With several sources, `applied`/`attempted` name the union (one source: its own
   * revision) and `error` is the newest error of a source refused right now.
   */
  revision: { applied: string | null; attempted: string | null; error: RevisionError | null };
  /** Multi-source daemons: each source's revision and error. */
  sources?: SourceStatus[];
  proxies: ProxyStatus[];
  /** Rollouts of the applied revision (a Plexus extension; absent when there are none). */
  rollouts?: RolloutStatus[];
}

export interface ProxyStatus {
  node: string;
  connected: boolean;
  acked: Record<string, string>;
  nacked: Record<string, { version: string; message: string }>;
  revision: string | null;
  /** Set while the node names a proxy the applied revision does not define: why it has no config yet. */
  waiting?: string;
}

/**
 * The daemon's state as users see it: applied/attempted revision and the last error (from the outcome
 * channel), per-proxy xDS status, and convergence (seen → every affected proxy ACKed) as events and a metric.
 */
export class StatusStore extends EventEmitter<{ converged: [ConvergedEvent]; outcome: [RevisionOutcome] }> {
  applied: string | null = null;
  attempted: string | null = null;
  error: RevisionError | null = null;
  /** The rollout controller's view, when it runs (daemon.ts). */
  rollouts?: () => RolloutStatus[];
  readonly #convergence: ConvergenceTracker;
  readonly #unsubscribe: Array<() => void> = [];
  /** Proxies already logged as waiting (once each, until a revision defines them). */
  readonly #loggedWaiting = new Set<string>();

  private readonly channels: Channels;
  private readonly xds: XdsServer;
  private readonly discovery: Discovery;
  private readonly metrics: DaemonMetrics;
  private readonly revisions: ProxyRevisions;
  private readonly log: Logger;
  private readonly sources?: SourceSet;
  constructor(
    channels: Channels,
    xds: XdsServer,
    discovery: Discovery,
    metrics: DaemonMetrics,
    revisions: ProxyRevisions,
    log: Logger,
    sources?: SourceSet,
  ) {
    super();
    this.sources = sources;
    this.channels = channels;
    this.xds = xds;
    this.discovery = discovery;
    this.metrics = metrics;
    this.revisions = revisions;
    this.log = log;
    this.#convergence = new ConvergenceTracker(xds, (e) => {
      if (e.proxies.length > 0) {
        this.metrics.convergence.observe(e.ms / 1000);
        this.log.info({ revision: e.revision, ms: e.ms, proxies: e.proxies.length }, 'revision converged');
      }
      this.emit('converged', e);
    });
  }

  start(): void {
    this.#unsubscribe.push(
      this.channels.revisions.subscribe((rev) => {
        this.attempted = rev.id;
      }),
      this.channels.outcomes.subscribe((o) => this.#onOutcome(o)),
    );
    this.xds.on('connect', (e) => {
      if (this.revisions.has(e.proxyKey) || this.#loggedWaiting.has(e.proxyKey)) return;
      this.#loggedWaiting.add(e.proxyKey);
      this.log.warn(
        { node: e.node.id, proxy: e.proxyKey, revision: this.applied },
        `${e.proxyKey} is ${this.#waitingReason()}; its stream stays open and gets config once a commit defines it`,
      );
    });
    this.xds.on('ack', (e) => this.#convergence.changed(e.proxyKey));
    this.xds.on('disconnect', (e) => this.#convergence.changed(e.proxyKey, true));
    this.xds.on('reject', (e) => {
      this.metrics.refusedStreams.inc({ code: GRPC_CODES[e.code] ?? String(e.code) });
    });
    this.xds.on('nack', (e) => {
      this.metrics.nacks.inc({ type_url: e.typeUrl });
      this.log.warn({ nack: e }, 'proxy rejected config');
    });
  }

  stop(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  #waitingReason(): string {
    return this.applied ? `not defined in revision ${this.applied}` : 'not defined: no revision applied yet';
  }

  #waiting(s: { connected: boolean; proxyKey: string }): string | undefined {
    return s.connected && !this.revisions.has(s.proxyKey) ? this.#waitingReason() : undefined;
  }

  #onOutcome(o: RevisionOutcome): void {
    const seconds = (Date.now() - o.seenAt) / 1000;
    if (o.ok) {
      if (this.applied !== o.revision) {
        if (this.applied) this.metrics.appliedRevision.remove({ revision: this.applied });
        this.metrics.appliedRevision.set({ revision: o.revision }, 1);
      }
      this.applied = o.revision;
      this.error = this.sources?.outstandingError() ?? null;
      for (const key of this.#loggedWaiting) if (this.revisions.has(key)) this.#loggedWaiting.delete(key);
      this.metrics.reconciles.inc({ outcome: 'applied', stage: 'apply' });
      this.metrics.reconcileDuration.observe({ outcome: 'applied' }, seconds);
      this.#convergence.applied(o.revision, o.seenAt, o.pushed, o.endpointPushes);
    } else {
      this.error = o.error;
      if (this.sources) this.attempted = o.revision;
      this.metrics.reconciles.inc({ outcome: 'failed', stage: o.error.stage });
      this.metrics.reconcileDuration.observe({ outcome: 'failed' }, seconds);
    }
    this.emit('outcome', o);
  }

  /** Refreshes gauges that are read rather than pushed (called before each /metrics scrape). */
  refreshGauges(): void {
    const streams = this.xds.status();
    this.metrics.connectedProxies.set(streams.filter((s) => s.connected).length);
    this.metrics.waitingProxies.set(streams.filter((s) => this.#waiting(s)).length);
    this.metrics.staleEndpointSets.reset();
    for (const set of this.discovery.current().values()) {
      if (set.stale) this.metrics.staleEndpointSets.inc({ source: set.source });
    }
  }

  document(): StatusDocument {
    const rollouts = this.rollouts?.() ?? [];
    return {
      revision: { applied: this.applied, attempted: this.attempted, error: this.error },
      ...(this.sources ? { sources: this.sources.status() } : {}),
      ...(rollouts.length > 0 ? { rollouts } : {}),
      proxies: this.xds.status().map((s) => {
        const waiting = this.#waiting(s);
        return {
          node: s.node.id,
          connected: s.connected,
          acked: s.acked,
          nacked: Object.fromEntries(
            Object.entries(s.nacked).map(([t, n]) => [t, { version: n.version, message: n.message }]),
          ),
          revision: this.revisions.display(s.proxyKey, s.revision) ?? null,
          ...(waiting ? { waiting } : {}),
        };
      }),
    };
  }
}
