import type { EventEmitter } from 'node:events';
import { status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import type { StreamIdentity } from './authorize.ts';
import { PUSH_ORDER, TypeUrl } from './protos.ts';
import type { ResourceEntry } from './resource-cache.ts';
import type { SotwBodies } from './sotw-bodies.ts';
import type { SotwSubscriptions } from './sotw-subscriptions.ts';
import type { AckEvent, NackEvent, NackRecord, ProxySnapshot, ProxyStatus, XdsNode } from './types.ts';
import { nonceSource } from './versions.ts';

export interface StreamContext {
  /** The proxy's snapshot as a stream of `localityKey` is served it (see XdsServerOptions.localityKeyOf). */
  snapshot(proxyKey: string, localityKey?: string): ProxySnapshot | undefined;
  events: EventEmitter;
  /** Responses written to the transport and not yet flushed; beyond this the stream waits (obligation 15). */
  maxQueued: number;
  /** SotW resource bodies shared between streams sent the same set. */
  bodies: SotwBodies;
  /** SotW subscription name sets and their selections, shared between streams. */
  subscriptions: SotwSubscriptions;
}

let nextStreamId = 1;

/**
 * What SotW and delta streams share: identity, ACK/NACK/sent tracking, and a write path that never queues
 * more than `maxQueued` responses. Pending changes are not queued as messages: each flush recomputes what
 * the client lacks from the current snapshot, so a slow client costs one bounded set of buffers.
 */
export abstract class AdsStream<Req, S extends object = object> {
  readonly id = nextStreamId++;
  readonly connectedAt = Date.now();
  connected = true;
  /** What the stream proved it is (set before its first response; see XdsServerOptions.authorize). */
  identity: StreamIdentity | undefined;
  /** The peer as the transport reports it (`ip:port`). */
  peer: string | undefined;
  /** The group of the proxy's streams this one is served with (set before its first response). */
  localityKey: string | undefined;
  readonly acked: Record<string, string> = {};
  readonly nacked: Record<string, NackRecord> = {};
  readonly sent: Record<string, { version: string; at: number }> = {};
  protected readonly nextNonce = nonceSource();
  private writesInFlight = 0;
  private responses = 0;
  private flushPending = false;
  /** A flush stopped at the write budget: the next write completion owes the stream a pass. */
  private starved = false;
  /** Per type the client has asked for, in the order it first asked (types are added, never removed). */
  protected readonly types = new Map<string, S>();
  /** orderedTypes() as of `count` types asked for. */
  private ordered: { count: number; types: readonly string[] } | undefined;

  readonly variant: 'sotw' | 'delta';
  readonly node: XdsNode;
  readonly proxyKey: string;
  protected readonly ctx: StreamContext;
  protected readonly call: ServerDuplexStream<Req, Buffer>;
  constructor(
    variant: 'sotw' | 'delta',
    node: XdsNode,
    proxyKey: string,
    ctx: StreamContext,
    call: ServerDuplexStream<Req, Buffer>,
  ) {
    this.variant = variant;
    this.node = node;
    this.proxyKey = proxyKey;
    this.ctx = ctx;
    this.call = call;
  }

  abstract onRequest(req: Req): void;
  /** Sends whatever the client lacks, in make-before-break order, as far as the write budget allows. */
  protected abstract flushNow(snapshot: ProxySnapshot): void;
  /** True when the client has been sent, and has answered, everything of this type it should have. */
  abstract settled(typeUrl: string): boolean;

  /** The types this stream has asked for. */
  requestedTypes(): string[] {
    return [...this.types.keys()];
  }

  /** The resources the client was last sent of a type (for CSDS). */
  abstract sentEntries(typeUrl: string): Iterable<ResourceEntry>;

  /**
   * The state of a request's type, made by `create` on the type's first request. A request without a type
   * fails the stream with INVALID_ARGUMENT naming the request message (`requestMessage`) and gets undefined.
   */
  protected stateFor(
    typeUrl: string,
    requestMessage: string,
    create: () => S,
  ): { st: S; first: boolean } | undefined {
    if (!typeUrl) {
      this.fail(GrpcStatus.INVALID_ARGUMENT, `${requestMessage}.type_url is empty`);
      return undefined;
    }
    const known = this.types.get(typeUrl);
    if (known) return { st: known, first: false };
    const st = create();
    this.types.set(typeUrl, st);
    return { st, first: true };
  }

  /** Coalesces many changes in one tick into one pass. */
  scheduleFlush(): void {
    if (this.flushPending || !this.connected) return;
    this.flushPending = true;
    setImmediate(this.runFlush);
  }

  private readonly runFlush = (): void => {
    this.flushPending = false;
    if (!this.connected) return;
    this.starved = false;
    const snap = this.ctx.snapshot(this.proxyKey, this.localityKey);
    if (snap) this.flushNow(snap);
  };

  /** False once the stream has `maxQueued` responses in the transport; the pass resumes when one completes. */
  protected canWrite(): boolean {
    if (this.connected && this.writesInFlight < this.ctx.maxQueued) return true;
    this.starved = true;
    return false;
  }

  protected write(buf: Buffer): void {
    this.writesInFlight++;
    this.responses++;
    this.call.write(buf, this.written);
  }

  /** A write completed: only a pass the budget stopped has more to send (every other change schedules its own). */
  private readonly written = (): void => {
    this.writesInFlight--;
    if (this.starved) this.scheduleFlush();
  };

  /** Types in push order: known ones first (obligation 12), then any other type the client asked for. */
  protected orderedTypes(): readonly string[] {
    if (this.ordered?.count === this.types.size) return this.ordered.types;
    const asked = this.requestedTypes();
    const types = [
      ...PUSH_ORDER.filter((t) => asked.includes(t)),
      ...asked.filter((t) => !PUSH_ORDER.includes(t)),
    ];
    this.ordered = { count: this.types.size, types };
    return types;
  }

  /**
   * Listeners and routes wait while clusters or endpoints the client did not have are on their way (make before
   * break): a route must not point at a cluster the client has not yet created and warmed. A response that only
   * changes existing clusters or endpoints holds nothing back, since the client keeps serving the old cluster
   * until the new version is warm, so an ordinary update costs one round trip, not three.
   */
  protected heldBack(typeUrl: string): boolean {
    if (typeUrl !== TypeUrl.Listener && typeUrl !== TypeUrl.RouteConfiguration) return false;
    return this.addingInFlight(TypeUrl.Cluster) || this.addingInFlight(TypeUrl.ClusterLoadAssignment);
  }

  /** An unanswered response of this type carries a resource name the client did not have. */
  protected abstract addingInFlight(typeUrl: string): boolean;

  /** Stale clusters go only once listeners and routes no longer point at them (obligation 12). */
  protected listenersAndRoutesSettled(): boolean {
    return this.settled(TypeUrl.Listener) && this.settled(TypeUrl.RouteConfiguration);
  }

  protected recordSent(typeUrl: string, version: string): void {
    this.sent[typeUrl] = { version, at: Date.now() };
  }

  /** `clearsNack`: this ACK shows the client now holds good versions of what it rejected. */
  protected recordAck(typeUrl: string, version: string, clearsNack = true): void {
    this.acked[typeUrl] = version;
    if (clearsNack && this.nacked[typeUrl] && this.nacked[typeUrl].version !== version)
      delete this.nacked[typeUrl];
    // thousands of streams ACK each push: the event is built only for someone listening
    if (this.ctx.events.listenerCount('ack') === 0) return;
    const ev: AckEvent = this.event(typeUrl, version);
    this.ctx.events.emit('ack', ev);
  }

  protected recordNack(typeUrl: string, version: string, message: string): void {
    const at = Date.now();
    this.nacked[typeUrl] = { version, message, at };
    const ev: NackEvent = { ...this.event(typeUrl, version), message, at };
    this.ctx.events.emit('nack', ev);
  }

  private event(typeUrl: string, version: string): AckEvent {
    return {
      streamId: this.id,
      proxyKey: this.proxyKey,
      nodeId: this.node.id,
      typeUrl,
      version,
      revision: this.ctx.snapshot(this.proxyKey, this.localityKey)?.revision,
      at: Date.now(),
    };
  }

  status(): ProxyStatus {
    return {
      streamId: this.id,
      variant: this.variant,
      node: this.node,
      proxyKey: this.proxyKey,
      connected: this.connected,
      connectedAt: this.connectedAt,
      identity: this.identity,
      peer: this.peer,
      revision: this.ctx.snapshot(this.proxyKey, this.localityKey)?.revision,
      acked: { ...this.acked },
      nacked: { ...this.nacked },
      sent: { ...this.sent },
      responses: this.responses,
      queued: this.writesInFlight,
    };
  }

  /** True when every requested type has been sent and ACKed at the current snapshot. */
  converged(): boolean {
    return this.requestedTypes().every((t) => this.settled(t) && this.acked[t] === this.sent[t]?.version);
  }

  fail(code: number, details: string): void {
    this.connected = false;
    this.call.emit('error', { code, details });
  }
}

/** Resources of a type in the snapshot, or an empty map. */
function typeEntries(snap: ProxySnapshot, typeUrl: string): Map<string, ResourceEntry> {
  return snap.types.get(typeUrl) ?? EMPTY;
}
const EMPTY = new Map<string, ResourceEntry>();

const withoutApi = new WeakMap<Map<string, ResourceEntry>, Map<string, ResourceEntry>>();

/**
 * What a client may get of a type. Envoy's server build cannot load a Listener carrying an `api_listener`
 * (those are for proxyless gRPC, which asks for them by name), so an Envoy never sees them, not even through a
 * wildcard subscription; the filtered map is built once per snapshot map.
 */
export function entriesForClient(
  snap: ProxySnapshot,
  typeUrl: string,
  node: { userAgentName?: string },
): Map<string, ResourceEntry> {
  const all = typeEntries(snap, typeUrl);
  if (node.userAgentName !== 'envoy' || !typeUrl.endsWith('.Listener')) return all;
  let filtered = withoutApi.get(all);
  if (!filtered) {
    filtered = new Map([...all].filter(([, e]) => !e.apiListener));
    if (filtered.size === all.size) filtered = all;
    withoutApi.set(all, filtered);
  }
  return filtered;
}
