import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Channels, RevisionError, RevisionOutcome } from './messages.ts';
import type { DaemonMetrics } from './metrics.ts';
import type { ProxyRevisions } from './proxy-revisions.ts';
import type { Discovery, XdsServer, XdsStreamStatus } from './stages.ts';

/** GET /api/v1/status, exactly as DESIGN.md fixes it. */
export interface StatusDocument {
  revision: { applied: string | null; attempted: string | null; error: RevisionError | null };
  proxies: ProxyStatus[];
}

export interface ProxyStatus {
  node: string;
  connected: boolean;
  acked: Record<string, string>;
  nacked: Record<string, { version: string; message: string }>;
  revision: string | null;
}

export interface ConvergedEvent {
  revision: string;
  /** From the revision being seen to the last affected connected proxy ACKing it. */
  ms: number;
  proxies: string[];
}

interface Pending {
  revision: string;
  seenAt: number;
  full: Set<string>;
  endpointOnly: Set<string>;
}

function nodeId(s: XdsStreamStatus): string {
  return typeof s.node === 'string' ? s.node : s.node.id;
}

/** Fallback when the server has no converged(): every version sent was ACKed (and it runs the revision). */
function synced(s: XdsStreamStatus, revision: string, full: boolean): boolean {
  if (!s.connected) return true;
  if (full && s.revision !== undefined && s.revision !== revision) return false;
  const sent = s.sent ?? {};
  const acked = s.acked ?? {};
  if (Object.keys(sent).length === 0) return full ? s.revision === revision : true;
  return Object.entries(sent).every(([type, v]) => acked[type] === (typeof v === 'string' ? v : v.version));
}

/**
 * The daemon's state as users see it: applied/attempted revision and the last error (from the outcome
 * channel), per-proxy xDS status, and convergence (seen → every affected proxy ACKed) as events and a metric.
 */
export class StatusStore extends EventEmitter<{ converged: [ConvergedEvent]; outcome: [RevisionOutcome] }> {
  applied: string | null = null;
  attempted: string | null = null;
  error: RevisionError | null = null;
  #pending: Pending[] = [];
  readonly #unsubscribe: Array<() => void> = [];

  constructor(
    private readonly channels: Channels,
    private readonly xds: XdsServer,
    private readonly discovery: Discovery,
    private readonly metrics: DaemonMetrics,
    private readonly revisions: ProxyRevisions,
    private readonly log: Logger,
  ) {
    super();
  }

  start(): void {
    this.#unsubscribe.push(
      this.channels.revisions.subscribe((rev) => {
        this.attempted = rev.id;
      }),
      this.channels.outcomes.subscribe((o) => this.#onOutcome(o)),
    );
    this.xds.on('ack', () => this.#checkConvergence());
    this.xds.on('connect', () => this.#checkConvergence());
    this.xds.on('disconnect', () => this.#checkConvergence());
    this.xds.on('nack', (e) => {
      const typeUrl = (e as { typeUrl?: string })?.typeUrl ?? 'unknown';
      this.metrics.nacks.inc({ type_url: typeUrl });
      this.log.warn({ nack: e }, 'proxy rejected config');
    });
  }

  stop(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  #onOutcome(o: RevisionOutcome): void {
    const seconds = (Date.now() - o.seenAt) / 1000;
    if (o.ok) {
      if (this.applied !== o.revision) {
        if (this.applied) this.metrics.appliedRevision.remove({ revision: this.applied });
        this.metrics.appliedRevision.set({ revision: o.revision }, 1);
      }
      this.applied = o.revision;
      if (this.error) this.error = null;
      this.metrics.reconciles.inc({ outcome: 'applied', stage: 'apply' });
      this.metrics.reconcileDuration.observe({ outcome: 'applied' }, seconds);
      // A newer revision supersedes any older one still converging.
      this.#pending = [];
      this.#pending.push({
        revision: o.revision,
        seenAt: o.seenAt,
        full: new Set(o.pushed),
        endpointOnly: new Set(o.endpointPushes),
      });
      this.#checkConvergence();
    } else {
      this.error = o.error;
      this.metrics.reconciles.inc({ outcome: 'failed', stage: o.error.stage });
      this.metrics.reconcileDuration.observe({ outcome: 'failed' }, seconds);
    }
    this.emit('outcome', o);
  }

  #checkConvergence(): void {
    if (this.#pending.length === 0) return;
    const streams = this.xds.status();
    this.#pending = this.#pending.filter((p) => {
      const affected = [...p.full, ...p.endpointOnly];
      for (const key of affected) {
        const mine = streams.filter((s) => s.proxyKey === key && s.connected);
        if (mine.length === 0) continue;
        if (this.xds.converged) {
          if (!this.xds.converged(key)) return true;
        } else if (mine.some((s) => !synced(s, p.revision, p.full.has(key)))) return true;
      }
      const proxies = affected.filter((k) => streams.some((s) => s.proxyKey === k && s.connected));
      const ms = Date.now() - p.seenAt;
      if (proxies.length > 0) this.metrics.convergence.observe(ms / 1000);
      if (proxies.length > 0)
        this.log.info({ revision: p.revision, ms, proxies: proxies.length }, 'revision converged');
      this.emit('converged', { revision: p.revision, ms, proxies });
      return false;
    });
  }

  /** Refreshes gauges that are read rather than pushed (called before each /metrics scrape). */
  refreshGauges(): void {
    this.metrics.connectedProxies.set(this.xds.status().filter((s) => s.connected).length);
    this.metrics.staleEndpointSets.reset();
    for (const set of this.discovery.current().values()) {
      if (set.stale) this.metrics.staleEndpointSets.inc({ source: set.source });
    }
  }

  document(): StatusDocument {
    return {
      revision: { applied: this.applied, attempted: this.attempted, error: this.error },
      proxies: this.xds.status().map((s) => ({
        node: nodeId(s),
        connected: s.connected,
        acked: s.acked ?? {},
        nacked: Object.fromEntries(
          Object.entries(s.nacked ?? {}).map(([t, n]) => [t, { version: n.version, message: n.message }]),
        ),
        revision: this.revisions.display(s.proxyKey, s.revision) ?? null,
      })),
    };
  }
}
