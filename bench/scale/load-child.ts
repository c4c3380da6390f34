/**
 * Load clients in a child process: lightweight raw ADS clients (RawAdsStream: gRPC framing over node:http2)
 * that subscribe like Envoy — wildcard LDS and CDS, then RDS by the route names the listeners name and EDS by
 * the EDS clusters' names — and ACK every response.
 * IPC in: { start: LoadInit }, { reconnect: true }, { report: true }. IPC out: batched { events: AckEvent[] },
 * { names: ClientNames[] } on request.
 */
import { XdsTypes } from '@plexus/testkit';
import { envoyType } from '@plexus/xds';
import { RawAdsStream, type Variant } from './raw-ads.ts';

export type { Variant };

export interface LoadInit {
  address: string;
  clients: { idx: number; node: string; variant: Variant }[];
}

/** t: 'L' | 'R' | 'C' | 'E'; conv: the client holds every subscribed type; bytes: resource payload received. */
export interface AckEvent {
  idx: number;
  t: string;
  at: number;
  bytes: number;
  conv?: boolean;
}

const SHORT: Record<string, string> = {
  [XdsTypes.listener]: 'L',
  [XdsTypes.route]: 'R',
  [XdsTypes.cluster]: 'C',
  [XdsTypes.endpoint]: 'E',
};

const Listener = envoyType('envoy.config.listener.v3.Listener');
const Cluster = envoyType('envoy.config.cluster.v3.Cluster');
const Hcm = envoyType('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager');
const HCM_URL = `type.googleapis.com/${Hcm.fullName.slice(1)}`;

type AnyMsg = { type_url: string; value: Uint8Array };

function routeNamesOf(bytes: Uint8Array): string[] {
  const l = Listener.decode(bytes) as unknown as {
    filter_chains?: { filters?: { typed_config?: AnyMsg }[] }[];
    api_listener?: { api_listener?: AnyMsg };
  };
  const anys: AnyMsg[] = [];
  for (const fc of l.filter_chains ?? [])
    for (const f of fc.filters ?? []) if (f.typed_config) anys.push(f.typed_config);
  if (l.api_listener?.api_listener) anys.push(l.api_listener.api_listener);
  const out: string[] = [];
  for (const a of anys) {
    if (a.type_url !== HCM_URL) continue;
    const h = Hcm.decode(a.value) as unknown as { rds?: { route_config_name?: string } };
    if (h.rds?.route_config_name) out.push(h.rds.route_config_name);
  }
  return out;
}

/** The cluster's name if it takes its endpoints from EDS. */
function edsClusterName(bytes: Uint8Array): { name: string; eds: boolean } {
  const c = Cluster.decode(bytes) as unknown as { name: string; type?: number };
  return { name: c.name, eds: c.type === 3 };
}

const events: AckEvent[] = [];
let flushScheduled = false;
function emit(e: AckEvent) {
  events.push(e);
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(() => {
    flushScheduled = false;
    process.send?.({ events: events.splice(0) });
  }, 10);
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** One simulated proxy. */
class LoadProxy {
  private stream: RawAdsStream | undefined;
  private eds = new Set<string>();
  private rds = new Set<string>();
  /** Delta: per resource what it implies (cluster → EDS?, listener → route names). */
  private clusterEds = new Map<string, boolean>();
  private listenerRoutes = new Map<string, string[]>();
  private acked = new Set<string>();
  private pending = new Set<string>();
  private converged = false;
  /** Streams that ended without being closed by us (refused, reset, no response in 10 s): each is reopened. */
  ends = 0;
  private closing = false;
  private generation = 0;

  private readonly address: string;
  readonly idx: number;
  readonly node: string;
  readonly variant: Variant;
  constructor(address: string, idx: number, node: string, variant: Variant) {
    this.address = address;
    this.idx = idx;
    this.node = node;
    this.variant = variant;
  }

  names() {
    return { idx: this.idx, eds: [...this.eds], rds: [...this.rds], ends: this.ends };
  }

  open(): void {
    this.closing = false;
    const generation = ++this.generation;
    // One connection per proxy, as a fleet of Envoys has (RawAdsStream opens its own).
    this.eds = new Set();
    this.rds = new Set();
    this.clusterEds.clear();
    this.listenerRoutes.clear();
    this.acked.clear();
    this.pending = new Set(['L', 'C']);
    this.converged = false;
    if (this.variant === 'sotw') this.openSotw();
    else this.openDelta();
    // No first response within 10 s: the stream is as good as dead, e.g. its connection got a SYN cookie while
    // the server's accept queue was full and was never accepted (TCP would retry for minutes); start over.
    const watchdog = setTimeout(() => {
      if (!this.closing && generation === this.generation && !this.stream?.answered) this.stream?.close();
    }, 10_000);
    void this.stream?.ended().then(() => {
      clearTimeout(watchdog);
      if (this.closing || generation !== this.generation) return;
      // Refused or reset (a SYN queue overflow in a connection storm, say): retry after a jittered 0.25–1 s.
      this.ends++;
      this.stream?.close();
      setTimeout(
        () => {
          if (!this.closing && generation === this.generation) this.open();
        },
        250 + Math.random() * 750,
      );
    });
  }

  close(): void {
    this.closing = true;
    this.stream?.close();
  }

  private noteAck(type: string, bytes: number) {
    const t = SHORT[type] ?? '?';
    this.acked.add(t);
    this.pending.delete(t);
    const ready =
      this.pending.size === 0 &&
      this.acked.has('L') &&
      this.acked.has('C') &&
      (this.eds.size === 0 || this.acked.has('E')) &&
      (this.rds.size === 0 || this.acked.has('R'));
    const conv = ready && !this.converged;
    if (conv) this.converged = true;
    emit({ idx: this.idx, t, at: Date.now(), bytes, ...(conv ? { conv: true } : {}) });
  }

  private openSotw(): void {
    const s = new RawAdsStream(this.address, 'sotw', this.node);
    this.stream = s;
    const subscribe = (type: string, names: Set<string>) => {
      this.pending.add(SHORT[type]);
      s.request({ typeUrl: type, names: [...names] });
    };
    s.onResponse((r) => {
      let bytes = 0;
      for (const x of r.resources) bytes += x.bytes.length;
      if (r.typeUrl === XdsTypes.listener) {
        const next = new Set(r.resources.flatMap((x) => routeNamesOf(x.bytes)));
        s.ack(r, []);
        if (!sameSet(next, this.rds)) {
          this.rds = next;
          subscribe(XdsTypes.route, next);
        }
      } else if (r.typeUrl === XdsTypes.cluster) {
        const next = new Set(
          r.resources
            .map((x) => edsClusterName(x.bytes))
            .filter((c) => c.eds)
            .map((c) => c.name),
        );
        s.ack(r, []);
        if (!sameSet(next, this.eds)) {
          this.eds = next;
          subscribe(XdsTypes.endpoint, next);
        }
      } else {
        s.ack(r, [...(r.typeUrl === XdsTypes.route ? this.rds : this.eds)]);
      }
      this.noteAck(r.typeUrl, bytes);
    });
    s.request({ typeUrl: XdsTypes.listener, names: [] });
    s.request({ typeUrl: XdsTypes.cluster, names: [] });
  }

  private openDelta(): void {
    const s = new RawAdsStream(this.address, 'delta', this.node);
    this.stream = s;
    const resubscribe = (type: string, prev: Set<string>, next: Set<string>) => {
      const subscribe = [...next].filter((n) => !prev.has(n));
      const unsubscribe = [...prev].filter((n) => !next.has(n));
      if (subscribe.length === 0 && unsubscribe.length === 0) return;
      if (subscribe.length > 0) this.pending.add(SHORT[type]);
      s.deltaRequest({ typeUrl: type, subscribe, unsubscribe });
    };
    s.onResponse((r) => {
      let bytes = 0;
      for (const x of r.resources) bytes += x.bytes.length;
      if (r.typeUrl === XdsTypes.listener) {
        for (const n of r.removed) this.listenerRoutes.delete(n);
        for (const x of r.resources) this.listenerRoutes.set(x.name, routeNamesOf(x.bytes));
        s.ack(r);
        const next = new Set([...this.listenerRoutes.values()].flat());
        const prev = this.rds;
        this.rds = next;
        resubscribe(XdsTypes.route, prev, next);
      } else if (r.typeUrl === XdsTypes.cluster) {
        for (const n of r.removed) this.clusterEds.delete(n);
        for (const x of r.resources) this.clusterEds.set(x.name, edsClusterName(x.bytes).eds);
        s.ack(r);
        const next = new Set([...this.clusterEds].filter(([, eds]) => eds).map(([n]) => n));
        const prev = this.eds;
        this.eds = next;
        resubscribe(XdsTypes.endpoint, prev, next);
      } else {
        s.ack(r);
      }
      this.noteAck(r.typeUrl, bytes);
    });
    s.deltaRequest({ typeUrl: XdsTypes.listener, subscribe: ['*'] });
    s.deltaRequest({ typeUrl: XdsTypes.cluster, subscribe: ['*'] });
  }
}

const proxies: LoadProxy[] = [];

async function openAll(): Promise<void> {
  for (let i = 0; i < proxies.length; i++) {
    proxies[i].open();
    // Spread connection setup a little, as a fleet would; a reconnect storm skips this.
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
  }
}

process.on('message', (m: { start?: LoadInit; reconnect?: boolean; names?: boolean; stop?: boolean }) => {
  if (m.start) {
    for (const c of m.start.clients) proxies.push(new LoadProxy(m.start.address, c.idx, c.node, c.variant));
    void openAll();
  } else if (m.reconnect) {
    for (const p of proxies) p.close();
    for (const p of proxies) p.open();
  } else if (m.names) {
    process.send?.({ names: proxies.map((p) => p.names()) });
  } else if (m.stop) {
    for (const p of proxies) p.close();
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ up: true });
