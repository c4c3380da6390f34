import { attributeEntry, type EdgeLabels, edgeKey, type StreamIdentity } from './edge.ts';
import { Latency } from './latency.ts';
import { SecondsWindow } from './window.ts';

/** One finished HTTP request as an egress access log reported it. */
export interface HttpRecord {
  upstreamCluster: string;
  routeName: string;
  authority: string;
  tags?: Record<string, string>;
  /** 0 when no response was sent (reset, timeout before headers). */
  responseCode: number;
  flags: string[];
  durationSeconds: number;
  /** When the request finished (epoch ms, the proxy's clock); windows count it then, not when it arrived. */
  endMs?: number;
}

/** One TCP proxy access log entry: a connection opening, a periodic report, or its end. */
export interface TcpRecord {
  upstreamCluster: string;
  tags?: Record<string, string>;
  streamId: string;
  type: 'connected' | 'periodic' | 'end';
  /** Bytes so far on this connection (Envoy reports running totals). */
  receivedBytes: number;
  sentBytes: number;
  flags: string[];
}

export type ResponseClass = '2xx' | '3xx' | '4xx' | '5xx' | '1xx' | 'none';
export const RESPONSE_CLASSES: readonly ResponseClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'];

export function responseClass(code: number): ResponseClass {
  if (code >= 100 && code < 600) return `${Math.floor(code / 100)}xx` as ResponseClass;
  return 'none';
}

// Window fields.
const W_REQ = 0;
const W_ERR = 1;
const W_CLASS = 2; // + index in RESPONSE_CLASSES
const W_RX = W_CLASS + RESPONSE_CLASSES.length;
const W_TX = W_RX + 1;
const W_FIELDS = W_TX + 1;

export interface EdgeStats {
  key: string;
  labels: EdgeLabels;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
  errors: number;
  byClass: Record<ResponseClass, number>;
  byFlag: Map<string, number>;
  latency: Latency;
  window: SecondsWindow;
  flagWindows: Map<string, SecondsWindow>;
  tcp: { active: number; opened: number; closed: number; receivedBytes: number; sentBytes: number };
}

export interface EdgeStoreOptions {
  /** Most edges kept at once (label cardinality cap). Default 10,000. */
  maxEdges?: number;
  /** An edge with no traffic for this long is dropped (its series disappear). Default 10 minutes. */
  expireAfterMs?: number;
  /** Open TCP connections tracked for byte deltas. Default 100,000. */
  maxConnections?: number;
  now?: () => number;
}

interface OpenConnection {
  edge: EdgeStats;
  rx: number;
  tx: number;
  open: boolean;
  lastMs: number;
}

/** A 5xx or no response at all (reset, refused, timed out before headers): what the error rate counts. */
export function isError(cls: ResponseClass): boolean {
  return cls === '5xx' || cls === 'none';
}

/** Per-edge aggregation with bounded memory: a cap on edges, expiry of idle ones, fixed-size windows. */
export class EdgeStore {
  readonly #edges = new Map<string, EdgeStats>();
  readonly #connections = new Map<string, OpenConnection>();
  readonly #max: number;
  readonly #expireMs: number;
  readonly #maxConnections: number;
  readonly #now: () => number;
  /** Entries not counted because the edge cap was reached, and entries no edge could be found for. */
  dropped = { overCap: 0, unattributed: 0 };
  expired = 0;

  constructor(o: EdgeStoreOptions = {}) {
    this.#max = o.maxEdges ?? 10_000;
    this.#expireMs = o.expireAfterMs ?? 10 * 60_000;
    this.#maxConnections = o.maxConnections ?? 100_000;
    this.#now = o.now ?? Date.now;
  }

  get size(): number {
    return this.#edges.size;
  }

  edges(): IterableIterator<EdgeStats> {
    return this.#edges.values();
  }

  now(): number {
    return this.#now();
  }

  #edge(labels: EdgeLabels, now: number): EdgeStats | undefined {
    const key = edgeKey(labels);
    let e = this.#edges.get(key);
    if (!e) {
      if (this.#edges.size >= this.#max) this.expire(now);
      if (this.#edges.size >= this.#max) {
        this.dropped.overCap++;
        return undefined;
      }
      e = {
        key,
        labels,
        firstSeenMs: now,
        lastSeenMs: now,
        requests: 0,
        errors: 0,
        byClass: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 },
        byFlag: new Map(),
        latency: new Latency(),
        window: new SecondsWindow(W_FIELDS),
        flagWindows: new Map(),
        tcp: { active: 0, opened: 0, closed: 0, receivedBytes: 0, sentBytes: 0 },
      };
      this.#edges.set(key, e);
    }
    e.lastSeenMs = now;
    return e;
  }

  #flags(e: EdgeStats, flags: string[], now: number): void {
    for (const f of flags) {
      e.byFlag.set(f, (e.byFlag.get(f) ?? 0) + 1);
      let w = e.flagWindows.get(f);
      if (!w) {
        w = new SecondsWindow(1);
        e.flagWindows.set(f, w);
      }
      w.add(now, 0);
    }
  }

  recordHttp(id: StreamIdentity, r: HttpRecord): void {
    const labels = attributeEntry(id, r, 'http');
    if (!labels) {
      this.dropped.unattributed++;
      return;
    }
    const now = this.#now();
    const e = this.#edge(labels, now);
    if (!e) return;
    // Clamped: a proxy clock ahead of ours counts now, one far behind lands in the window's oldest second.
    const at = r.endMs === undefined ? now : Math.min(now, Math.max(now - 59_000, r.endMs));
    const cls = responseClass(r.responseCode);
    const err = isError(cls);
    e.requests++;
    e.byClass[cls]++;
    e.window.add(at, W_REQ);
    e.window.add(at, W_CLASS + RESPONSE_CLASSES.indexOf(cls));
    if (err) {
      e.errors++;
      e.window.add(at, W_ERR);
    }
    this.#flags(e, r.flags, at);
    e.latency.observe(at, r.durationSeconds);
  }

  recordTcp(id: StreamIdentity, r: TcpRecord): void {
    const labels = attributeEntry(id, { ...r, routeName: '' }, 'tcp');
    if (!labels) {
      this.dropped.unattributed++;
      return;
    }
    const now = this.#now();
    const e = this.#edge(labels, now);
    if (!e) return;
    const key = `${id.nodeId}\u0000${r.streamId}`;
    let c = r.streamId ? this.#connections.get(key) : undefined;
    if (!c) {
      c = { edge: e, rx: 0, tx: 0, open: false, lastMs: now };
      if (r.streamId && r.type !== 'end') {
        if (this.#connections.size >= this.#maxConnections) this.#expireConnections(now);
        if (this.#connections.size < this.#maxConnections) this.#connections.set(key, c);
      }
    }
    c.lastMs = now;
    if (!c.open && r.type !== 'end') {
      c.open = true;
      e.tcp.active++;
      e.tcp.opened++;
    } else if (!c.open && r.type === 'end') {
      // A connection we never saw open (daemon restarted, or no flush on connect): count it once.
      e.tcp.opened++;
      c.open = true;
      e.tcp.active++;
    }
    const drx = Math.max(0, r.receivedBytes - c.rx);
    const dtx = Math.max(0, r.sentBytes - c.tx);
    c.rx = Math.max(c.rx, r.receivedBytes);
    c.tx = Math.max(c.tx, r.sentBytes);
    e.tcp.receivedBytes += drx;
    e.tcp.sentBytes += dtx;
    e.window.add(now, W_RX, drx);
    e.window.add(now, W_TX, dtx);
    if (r.type === 'end') {
      e.tcp.active = Math.max(0, e.tcp.active - 1);
      e.tcp.closed++;
      e.requests++;
      e.window.add(now, W_REQ);
      const failed = r.flags.length > 0 && !r.flags.every((f) => f === 'DC');
      if (failed) {
        e.errors++;
        e.window.add(now, W_ERR);
      }
      this.#flags(e, r.flags, now);
      this.#connections.delete(key);
    }
  }

  /** Drops edges idle past the expiry (and their open-connection state). Returns how many went. */
  expire(now = this.#now()): number {
    let n = 0;
    for (const [k, e] of this.#edges) {
      if (now - e.lastSeenMs > this.#expireMs) {
        this.#edges.delete(k);
        n++;
      }
    }
    if (n)
      for (const [k, c] of this.#connections) if (!this.#edges.has(c.edge.key)) this.#connections.delete(k);
    this.#expireConnections(now);
    this.expired += n;
    return n;
  }

  #expireConnections(now: number): void {
    for (const [k, c] of this.#connections) {
      if (now - c.lastMs > this.#expireMs) {
        if (c.open) c.edge.tcp.active = Math.max(0, c.edge.tcp.active - 1);
        this.#connections.delete(k);
      }
    }
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  /** Windowed figures of one edge: requests, errors, per class, bytes over the last `seconds`. */
  windowOf(e: EdgeStats, seconds: number, now = this.#now()) {
    const s = e.window.sums(now, seconds);
    const byClass = Object.fromEntries(RESPONSE_CLASSES.map((c, i) => [c, s[W_CLASS + i]])) as Record<
      ResponseClass,
      number
    >;
    const byFlag: Record<string, number> = {};
    for (const [f, w] of e.flagWindows) {
      const n = w.sums(now, seconds)[0]!;
      if (n > 0) byFlag[f] = n;
    }
    return {
      requests: s[W_REQ]!,
      errors: s[W_ERR]!,
      byClass,
      byFlag,
      receivedBytes: s[W_RX]!,
      sentBytes: s[W_TX]!,
    };
  }
}
