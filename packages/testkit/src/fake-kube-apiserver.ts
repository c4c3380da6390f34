import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeKubeTokens } from './fake-kube-tokens.ts';

/**
 * A real HTTP server on 127.0.0.1 that speaks the part of the Kubernetes API an informer uses:
 * list and watch of discovery.k8s.io/v1 EndpointSlices and v1 Pods, cluster-wide or per namespace,
 * with labelSelector, one global resourceVersion counter (like etcd), watch bookmarks and
 * 410 Gone after the history was compacted. Tests change objects through the methods below.
 */

export type FakeKubeResource = 'endpointslices' | 'pods';

/** Any Kubernetes object: only metadata is interpreted by the fake. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface HistoryEvent {
  rv: number;
  resource: FakeKubeResource;
  type: WatchEventType;
  object: KubeObject;
  /** MODIFIED only: the object before, so selector watches see it enter (ADDED) or leave (DELETED). */
  previous?: KubeObject;
}

interface OpenWatch {
  resource: FakeKubeResource;
  namespace: string | undefined;
  selector: LabelRequirement[];
  bookmarks: boolean;
  res: ServerResponse;
}

export interface FakeKubeApiServerOptions {
  /** Port to listen on; 0 (default) lets the OS pick. Restarting keeps the same port. */
  port?: number;
  /** When > 0, every watch that asked for bookmarks gets a BOOKMARK event this often. */
  bookmarkIntervalMs?: number;
}

const RESOURCE_INFO: Record<FakeKubeResource, { apiVersion: string; kind: string }> = {
  endpointslices: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
};

const PATHS: Array<{ re: RegExp; resource: FakeKubeResource }> = [
  {
    re: /^\/apis\/discovery\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?endpointslices$/,
    resource: 'endpointslices',
  },
  { re: /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/, resource: 'pods' },
];

export class FakeKubeApiServer {
  private server: Server | undefined;
  private port: number;
  private readonly bookmarkIntervalMs: number;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private rv = 1000;
  /** Oldest resourceVersion a watch may resume from; older ones get 410 Gone. */
  private compactedRv = 1000;
  private readonly objects = new Map<FakeKubeResource, Map<string, KubeObject>>([
    ['endpointslices', new Map()],
    ['pods', new Map()],
  ]);
  private history: HistoryEvent[] = [];
  private readonly watches = new Set<OpenWatch>();
  /** Watch requests held while watches are paused: answered on resumeWatches(). */
  private held: Array<() => void> | undefined;
  private readonly counts = { list: 0, watch: 0, gone: 0 };
  /** Service-account tokens: TokenRequest and TokenReview (authentication.k8s.io/v1). */
  readonly tokens = new FakeKubeTokens();

  constructor(opts: FakeKubeApiServerOptions = {}) {
    this.port = opts.port ?? 0;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 0;
  }

  /** Starts (or restarts, on the same port) listening on 127.0.0.1; stored objects survive restarts. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    if (this.bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(() => this.bookmark(), this.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  /** Stops listening and cuts every connection (the API server is "down"). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.bookmarkTimer);
    this.dropWatches();
    this.held = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Requests served so far: lists, watches, and watches answered with 410 Gone. */
  get stats(): Readonly<{ list: number; watch: number; gone: number }> {
    return { ...this.counts };
  }

  /** Open watch connections right now. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Creates or replaces an object; returns the stored copy with its new resourceVersion. */
  apply(resource: FakeKubeResource, obj: KubeObject): KubeObject {
    const store = this.store(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const previous = store.get(key);
    const type: WatchEventType = previous ? 'MODIFIED' : 'ADDED';
    const rv = ++this.rv;
    const stored: KubeObject = {
      ...RESOURCE_INFO[resource],
      ...structuredClone(obj),
      metadata: { ...structuredClone(obj.metadata), resourceVersion: String(rv) },
    };
    store.set(key, stored);
    this.record({ rv, resource, type, object: stored, previous });
    return structuredClone(stored);
  }

  /** Deletes an object; returns false when there was none. */
  delete(resource: FakeKubeResource, namespace: string | undefined, name: string): boolean {
    const store = this.store(resource);
    const key = objectKey(namespace, name);
    const existing = store.get(key);
    if (!existing) return false;
    store.delete(key);
    const rv = ++this.rv;
    const object = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } };
    this.record({ rv, resource, type: 'DELETED', object });
    return true;
  }

  get(resource: FakeKubeResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.store(resource).get(objectKey(namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  /** Forgets the event history: watches resuming from any earlier resourceVersion get 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  /**
   * Cuts every open watch connection (as a load balancer or a crashing API server would). With
   * `{ graceful: true }` the streams end cleanly instead, after what was already sent (as the API server
   * does when a watch times out).
   */
  dropWatches({ graceful = false } = {}): void {
    for (const w of this.watches) {
      if (graceful) w.res.end();
      else w.res.destroy();
    }
    this.watches.clear();
  }

  /**
   * Holds new watch requests unanswered until resumeWatches() (lists are still served). With
   * dropWatches() this opens a gap in which changes and compaction happen unseen by clients.
   */
  pauseWatches(): void {
    this.held ??= [];
  }

  /** Answers the held watch requests against the state as it is now. */
  resumeWatches(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  /** Watch requests waiting in pauseWatches(). */
  get heldWatches(): number {
    return this.held?.length ?? 0;
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks. */
  bookmark(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      writeEvent(w.res, 'BOOKMARK', {
        ...RESOURCE_INFO[w.resource],
        metadata: { name: '', resourceVersion: String(this.rv) },
      });
    }
  }

  private store(resource: FakeKubeResource): Map<string, KubeObject> {
    const store = this.objects.get(resource);
    if (!store) throw new Error(`fake kube-apiserver: unknown resource ${resource}`);
    return store;
  }

  private record(ev: HistoryEvent): void {
    this.history.push(ev);
    for (const w of this.watches) {
      const type = eventFor(w, ev);
      if (type) writeEvent(w.res, type, ev.object);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.tokens.handle(req, res, url.pathname)) return;
    if (req.method !== 'GET') {
      sendStatus(res, 405, 'MethodNotAllowed', `${req.method} not supported`);
      return;
    }
    const route = PATHS.map((p) => ({ m: p.re.exec(url.pathname), resource: p.resource })).find((r) => r.m);
    if (!route?.m) {
      sendStatus(res, 404, 'NotFound', `no route for ${url.pathname}`);
      return;
    }
    const namespace = route.m[1] ? decodeURIComponent(route.m[1]) : undefined;
    let selector: LabelRequirement[];
    try {
      selector = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
    } catch (err) {
      sendStatus(res, 400, 'BadRequest', (err as Error).message);
      return;
    }
    const spec = { resource: route.resource, namespace, selector };
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      if (this.held) {
        this.held.push(() => this.serveWatch(spec, url.searchParams, res));
        return;
      }
      this.serveWatch(spec, url.searchParams, res);
    } else {
      this.serveList(spec, res);
    }
  }

  private serveList(spec: Omit<OpenWatch, 'res' | 'bookmarks'>, res: ServerResponse): void {
    this.counts.list++;
    const items = [...this.store(spec.resource).values()].filter((o) => matches(spec, spec.resource, o));
    const info = RESOURCE_INFO[spec.resource];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: info.apiVersion,
        kind: `${info.kind}List`,
        metadata: { resourceVersion: String(this.rv) },
        items,
      }),
    );
  }

  private serveWatch(
    spec: Omit<OpenWatch, 'res' | 'bookmarks'>,
    params: URLSearchParams,
    res: ServerResponse,
  ): void {
    this.counts.watch++;
    if (res.destroyed) return;
    const w: OpenWatch = { ...spec, bookmarks: params.get('allowWatchBookmarks') === 'true', res };
    const fromParam = params.get('resourceVersion') ?? '';
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (fromParam === '' || fromParam === '0') {
      // No starting point: the current state as synthetic ADDED events, then live changes.
      for (const o of this.store(spec.resource).values()) {
        if (matches(spec, spec.resource, o)) writeEvent(res, 'ADDED', o);
      }
    } else {
      const from = Number(fromParam);
      if (!Number.isInteger(from) || from < this.compactedRv) {
        this.counts.gone++;
        writeEvent(res, 'ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${fromParam} (${this.compactedRv})`,
          reason: 'Expired',
          code: 410,
        });
        res.end();
        return;
      }
      for (const ev of this.history) {
        const type = ev.rv > from ? eventFor(spec, ev) : undefined;
        if (type) writeEvent(res, type, ev.object);
      }
    }
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
    const timeoutSeconds = Number(params.get('timeoutSeconds') ?? '0');
    if (timeoutSeconds > 0) {
      const t = setTimeout(() => res.end(), timeoutSeconds * 1000);
      t.unref();
      res.on('close', () => clearTimeout(t));
    }
  }
}

/** Starts a fake API server; call stop() in afterAll. */
export async function startFakeKubeApiServer(
  opts: FakeKubeApiServerOptions = {},
): Promise<FakeKubeApiServer> {
  const s = new FakeKubeApiServer(opts);
  await s.start();
  return s;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function matches(spec: WatchSpec, resource: FakeKubeResource, obj: KubeObject): boolean {
  if (spec.resource !== resource) return false;
  if (spec.namespace !== undefined && obj.metadata.namespace !== spec.namespace) return false;
  return selectorMatches(spec.selector, obj.metadata.labels ?? {});
}

type WatchSpec = { resource: FakeKubeResource; namespace: string | undefined; selector: LabelRequirement[] };

/** The event type a watch sees for `ev`, as the real API server filters: undefined when it sees none. */
function eventFor(spec: WatchSpec, ev: HistoryEvent): WatchEventType | undefined {
  const now = matches(spec, ev.resource, ev.object);
  if (ev.type !== 'MODIFIED' || !ev.previous) return now ? ev.type : undefined;
  const before = matches(spec, ev.resource, ev.previous);
  if (before && now) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

function writeEvent(res: ServerResponse, type: string, object: unknown): void {
  if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
}

/** One clause of a Kubernetes label selector string. */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h` (the label selector string syntax). */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      out.push({ key: m[1], op: m[2] as 'in' | 'notin', values });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p);
    if (m) {
      out.push({ key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] });
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(p);
    if (m) {
      out.push({ key: m[2], op: m[1] ? 'notexists' : 'exists' });
      continue;
    }
    throw new Error(`unable to parse requirement: ${JSON.stringify(p)}`);
  }
  return out;
}

export function selectorMatches(reqs: LabelRequirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'eq':
        return has && labels[r.key] === r.value;
      case 'neq':
        return !has || labels[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
    return false;
  });
}
