/**
 * Load clients for the replica proof, in a child process: raw SotW ADS clients that subscribe as Envoy does
 * (wildcard LDS and CDS, then RDS and EDS by the names those name), ACK every response, and, like Envoy, open a
 * new stream on a new connection when theirs ends (after a jittered wait below `retryMs`), so a connection
 * through the TCP load balancer lands on whichever replica it picks.
 * IPC in: { start: LoadInit }, { stop: true }. IPC out: { up: true }, batched { events: ClientEvent[] }.
 */
import { AdsClient, type SotwAdsStream, type SotwResponse, XdsTypes } from '@plexus/testkit';
import { edsClusterName, routeNamesOf } from './subscriptions.ts';

export interface LoadInit {
  address: string;
  clients: { idx: number; node: string }[];
  /** Upper bound of the jittered wait before a new stream (Envoy's first retry waits up to 500 ms). */
  retryMs: number;
}

/** t: L R C E. `open`: a stream started; `end`: it ended; `resp`: a response (version) arrived and was ACKed. */
export type ClientEvent =
  | { kind: 'open'; idx: number; stream: number; at: number }
  | { kind: 'end'; idx: number; stream: number; at: number; code: number }
  | { kind: 'resp'; idx: number; stream: number; at: number; t: string; version: string; names: number };

const SHORT: Record<string, string> = {
  [XdsTypes.listener]: 'L',
  [XdsTypes.route]: 'R',
  [XdsTypes.cluster]: 'C',
  [XdsTypes.endpoint]: 'E',
};

const events: ClientEvent[] = [];
let flushScheduled = false;
function emit(e: ClientEvent): void {
  events.push(e);
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(() => {
    flushScheduled = false;
    process.send?.({ events: events.splice(0) });
  }, 20);
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

class Client {
  private ads: AdsClient | undefined;
  private stream: SotwAdsStream | undefined;
  private streamNo = 0;
  private stopped = false;
  private readonly init: LoadInit;
  private readonly idx: number;
  private readonly node: string;
  constructor(init: LoadInit, idx: number, node: string) {
    this.init = init;
    this.idx = idx;
    this.node = node;
  }

  open(): void {
    if (this.stopped) return;
    const n = ++this.streamNo;
    // A channel of its own: a new TCP connection, balanced afresh; reconnect quickly as Envoy's retry would.
    const ads = new AdsClient(
      this.init.address,
      {
        'grpc.use_local_subchannel_pool': 1,
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      },
      { decode: false },
    );
    const s = ads.sotw({ id: this.node, cluster: this.node.split('/').at(-1) });
    this.ads = ads;
    this.stream = s;
    let rds = new Set<string>();
    let eds = new Set<string>();
    emit({ kind: 'open', idx: this.idx, stream: n, at: Date.now() });
    s.onResponse((r: SotwResponse) => {
      if (r.typeUrl === XdsTypes.listener) {
        s.ack(r, []);
        const next = new Set(r.resources.flatMap((x) => routeNamesOf(x.bytes)));
        if (!sameSet(next, rds)) {
          rds = next;
          s.request({ typeUrl: XdsTypes.route, names: [...next] });
        }
      } else if (r.typeUrl === XdsTypes.cluster) {
        s.ack(r, []);
        const next = new Set(r.resources.map((x) => edsClusterName(x.bytes)).filter((x) => x !== undefined));
        if (!sameSet(next, eds)) {
          eds = next;
          s.request({ typeUrl: XdsTypes.endpoint, names: [...next] });
        }
      } else {
        s.ack(r, [...(r.typeUrl === XdsTypes.route ? rds : eds)]);
      }
      const t = SHORT[r.typeUrl] ?? '?';
      emit({
        kind: 'resp',
        idx: this.idx,
        stream: n,
        at: r.receivedAt,
        t,
        version: r.versionInfo,
        names: r.resources.length,
      });
    });
    void s.ended().then((end) => {
      if (this.streamNo !== n) return;
      emit({ kind: 'end', idx: this.idx, stream: n, at: Date.now(), code: end.code });
      ads.close();
      if (this.stopped) return;
      setTimeout(() => this.open(), Math.random() * this.init.retryMs);
    });
    s.request({ typeUrl: XdsTypes.listener, names: [] });
    s.request({ typeUrl: XdsTypes.cluster, names: [] });
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
    this.ads?.close();
  }
}

const clients: Client[] = [];

process.on('message', async (m: { start?: LoadInit; stop?: boolean }) => {
  if (m.start) {
    for (const c of m.start.clients) clients.push(new Client(m.start, c.idx, c.node));
    for (let i = 0; i < clients.length; i++) {
      clients[i]!.open();
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
  } else if (m.stop) {
    for (const c of clients) c.stop();
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ up: true });
