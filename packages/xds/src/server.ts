import { EventEmitter } from 'node:events';
import {
  status as GrpcStatus,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import type { Authorize, AuthorizeAdmin, AuthorizeResult, Recheck, StreamAuthContext } from './authorize.ts';
import { callAuthContext } from './call-context.ts';
import { buildClientStatus } from './csds.ts';
import { DeltaStream } from './delta-stream.ts';
import { CONFIG_KEYS, type ConfigKey, envoyRoot, PUSH_ORDER, TypeUrl } from './protos.ts';
import { ResourceCache, type ResourceEntry } from './resource-cache.ts';
import { SotwBodies } from './sotw-bodies.ts';
import { SotwStream } from './sotw-stream.ts';
import { SotwSubscriptions } from './sotw-subscriptions.ts';
import type { AdsStream, StreamContext } from './stream-base.ts';
import { listenTcp, parseHostPort, type TcpListener } from './tcp-listener.ts';
import type { ProxyConfig, ProxySnapshot, ProxyStatus, RejectEvent, XdsLogger, XdsNode } from './types.ts';

export type ResolveProxy = (
  node: XdsNode,
) => string | { error: string; code?: 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'PERMISSION_DENIED' };

/** What authorizeCall decides: the proved identity, or a refusal with its gRPC status name. */
export type CallVerdict =
  | AuthorizeResult
  | { code: 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'PERMISSION_DENIED'; message: string };

export interface XdsServerOptions {
  /** Maps a client's node to the key its config is stored under, or says why it has none (obligation 4). */
  resolveProxy: ResolveProxy;
  logger?: XdsLogger;
  /** The TCP accept queue asked for (the kernel caps it at net.core.somaxconn). Default 65,535. */
  listenBacklog?: number;
  /** HTTP/2 keepalive for long-lived streams (defaults 30 s ping, 10 s timeout). */
  keepalive?: { timeMs?: number; timeoutMs?: number };
  /**
   * Responses per stream handed to the transport and not yet flushed (obligation 15). Default 5, one per type of
   * a full push (secrets, clusters, endpoints, listeners, routes): a push goes out in one write round, not two.
   */
  maxQueuedPerStream?: number;
  /**
   * Who may read which proxy's config: called once per stream after `resolveProxy`, before any response.
   * Unset: every stream is taken at its word (identity method `none`), as on a loopback dev listener.
   */
  authorize?: Authorize;
  /** Who may call CSDS (every connected proxy's config). Unset: anyone who reaches the listener. */
  authorizeAdmin?: AuthorizeAdmin;
  /** Transport credentials for every listener (TLS, optionally reloading); default plaintext. */
  credentials?: ServerCredentials;
  /**
   * Groups a proxy's streams by where they run (for example `zone=<region>/<zone>` from node.locality): a
   * stream whose group has localized endpoints (setLocalizedEndpoints) is served those instead of the proxy's
   * own. Unset, or undefined for a node: the proxy's config as it is.
   */
  localityKeyOf?: (node: XdsNode) => string | undefined;
}

const SERVICE_ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService/';
const SERVICE_CSDS = '/envoy.service.status.v3.ClientStatusDiscoveryService/';
const passBytes = (b: Buffer) => b;
const noopLogger: XdsLogger = { debug() {}, info() {}, warn() {} };

function structToJson(s: unknown): Record<string, unknown> | undefined {
  const fields = (s as { fields?: Record<string, unknown> } | null)?.fields;
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = valueToJson(v);
  return out;
}

/** An `envoy.config.core.v3.Node` as protobufjs decodes it (snake_case keys) → the server's view of it. */
function nodeFromWire(raw: Record<string, unknown>): XdsNode {
  return {
    id: String(raw.id ?? ''),
    cluster: String(raw.cluster ?? ''),
    metadata: structToJson(raw.metadata),
    userAgentName: raw.user_agent_name ? String(raw.user_agent_name) : undefined,
    userAgentVersion: raw.user_agent_version ? String(raw.user_agent_version) : undefined,
    clientFeatures: (raw.client_features as string[] | undefined) ?? [],
    locality: localityFromWire(raw.locality),
  };
}

function localityFromWire(raw: unknown): XdsNode['locality'] {
  const l = raw as { region?: string; zone?: string; sub_zone?: string } | null | undefined;
  if (!l || (!l.region && !l.zone && !l.sub_zone)) return undefined;
  return {
    ...(l.region ? { region: l.region } : {}),
    ...(l.zone ? { zone: l.zone } : {}),
    ...(l.sub_zone ? { subZone: l.sub_zone } : {}),
  };
}

function valueToJson(v: unknown): unknown {
  const x = v as Record<string, unknown>;
  if ('string_value' in x) return x.string_value;
  if ('number_value' in x) return x.number_value;
  if ('bool_value' in x) return x.bool_value;
  if ('struct_value' in x) return structToJson(x.struct_value);
  if ('list_value' in x) return ((x.list_value as { values?: unknown[] }).values ?? []).map(valueToJson);
  return null;
}

interface Localized {
  endpoints: Map<string, ResourceEntry>;
  base?: ProxySnapshot;
  composed?: ProxySnapshot;
}

function withEndpoints(base: ProxySnapshot, endpoints: Map<string, ResourceEntry>): ProxySnapshot {
  const own = base.types.get(TypeUrl.ClusterLoadAssignment);
  if (!own) return base;
  const merged = new Map(own);
  for (const [name, e] of endpoints) if (merged.has(name)) merged.set(name, e);
  const types = new Map(base.types);
  types.set(TypeUrl.ClusterLoadAssignment, merged);
  return { revision: base.revision, types };
}

/**
 * The Plexus xDS server: ADS (SotW and delta) and CSDS on one gRPC server, fed per proxy by
 * setProxyConfig. Events: 'connect', 'disconnect', 'ack', 'nack', 'reject' (see types.ts).
 */
export class XdsServer extends EventEmitter {
  private readonly server: Server;
  private readonly root: protobuf.Root;
  private readonly cache = new ResourceCache();
  private readonly snapshots = new Map<string, ProxySnapshot>();
  /** Per proxy: the secrets its config carried, and those set apart by setProxySecrets (the mesh CA's). */
  private readonly secretParts = new Map<string, { config: object[]; own: object[] }>();
  private readonly streamsByKey = new Map<string, Set<AdsStream<unknown>>>();
  /** Per proxy, per locality key: endpoints that replace the proxy's own, and the snapshot composed with them. */
  private readonly localized = new Map<string, Map<string, Localized>>();
  private readonly streams = new Map<AdsStream<unknown>, unknown>();
  private readonly ctx: StreamContext;
  private readonly log: XdsLogger;
  private readonly rejected: Record<string, number> = {};
  private readonly authContexts = new Map<AdsStream<unknown>, StreamAuthContext>();
  private readonly tls: boolean;
  private stopping = false;
  private listening = false;
  private tcpListener: TcpListener | undefined;

  private readonly options: XdsServerOptions;
  constructor(options: XdsServerOptions) {
    super();
    this.options = options;
    this.root = envoyRoot();
    this.log = options.logger ?? noopLogger;
    this.tls = options.credentials?._isSecure() ?? false;
    this.ctx = {
      snapshot: (k, locality) => this.snapshotFor(k, locality),
      events: this,
      maxQueued: Math.max(1, options.maxQueuedPerStream ?? PUSH_ORDER.length),
      bodies: new SotwBodies(),
      subscriptions: new SotwSubscriptions(),
    };
    this.server = new Server({
      'grpc.keepalive_time_ms': options.keepalive?.timeMs ?? 30_000,
      'grpc.keepalive_timeout_ms': options.keepalive?.timeoutMs ?? 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      // Status and CSDS report on every stream already; channelz would keep trace state per connection.
      'grpc.enable_channelz': 0,
    });
    this.addServices();
  }

  private addServices(): void {
    const t = (n: string) => this.root.lookupType(n);
    const DiscoveryRequest = t('envoy.service.discovery.v3.DiscoveryRequest');
    const DeltaDiscoveryRequest = t('envoy.service.discovery.v3.DeltaDiscoveryRequest');
    const ClientStatusRequest = t('envoy.service.status.v3.ClientStatusRequest');
    const bidi = (path: string, req: protobuf.Type) => ({
      path,
      requestStream: true,
      responseStream: true,
      requestSerialize: passBytes,
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: passBytes,
      responseDeserialize: passBytes,
    });
    this.server.addService(
      {
        StreamAggregatedResources: bidi(`${SERVICE_ADS}StreamAggregatedResources`, DiscoveryRequest),
        DeltaAggregatedResources: bidi(`${SERVICE_ADS}DeltaAggregatedResources`, DeltaDiscoveryRequest),
      },
      {
        StreamAggregatedResources: (call: ServerDuplexStream<unknown, Buffer>) =>
          this.handleAds(call, 'sotw'),
        DeltaAggregatedResources: (call: ServerDuplexStream<unknown, Buffer>) =>
          this.handleAds(call, 'delta'),
      },
    );
    const csdsStatus = (req: unknown) => buildClientStatus(this.root, this.streamEntries(), req as object);
    this.server.addService(
      {
        StreamClientStatus: bidi(`${SERVICE_CSDS}StreamClientStatus`, ClientStatusRequest),
        FetchClientStatus: {
          ...bidi(`${SERVICE_CSDS}FetchClientStatus`, ClientStatusRequest),
          requestStream: false,
          responseStream: false,
        },
      },
      {
        StreamClientStatus: (call: ServerDuplexStream<unknown, Buffer>) => {
          const allowed = this.csdsAllowed(call);
          call.on('data', (req) => {
            void allowed.then((refusal) => {
              if (refusal) call.emit('error', refusal);
              else call.write(csdsStatus(req));
            });
          });
          call.on('end', () => call.end());
          call.on('error', () => {});
        },
        FetchClientStatus: (call: ServerUnaryCall<unknown, Buffer>, cb: sendUnaryData<Buffer>) => {
          void this.csdsAllowed(call).then((refusal) =>
            refusal ? cb(refusal) : cb(null, csdsStatus(call.request)),
          );
        },
      },
    );
  }

  /** Undefined when the caller may use CSDS, else the gRPC error to end the call with. */
  private async csdsAllowed(
    call: ServerDuplexStream<unknown, Buffer> | ServerUnaryCall<unknown, Buffer>,
  ): Promise<{ code: GrpcStatus; details: string } | undefined> {
    if (!this.options.authorizeAdmin) return undefined;
    const ctx = callAuthContext(call, this.tls);
    let verdict: Awaited<ReturnType<AuthorizeAdmin>>;
    try {
      verdict = await this.options.authorizeAdmin(ctx);
    } catch (err) {
      verdict = {
        code: 'UNAUTHENTICATED',
        message: `admin credential check failed: ${(err as Error).message}`,
      };
    }
    if (verdict === true) return undefined;
    this.countReject(`csds ${verdict.code}`);
    this.log.warn({ peer: ctx.peer, reason: verdict.message }, 'CSDS call refused');
    return { code: GrpcStatus[verdict.code], details: verdict.message };
  }

  private countReject(kind: string): void {
    this.rejected[kind] = (this.rejected[kind] ?? 0) + 1;
  }

  private *streamEntries() {
    for (const [stream, rawNode] of this.streams) yield { stream, rawNode };
  }

  private handleAds(call: ServerDuplexStream<unknown, Buffer>, variant: 'sotw' | 'delta'): void {
    let stream: AdsStream<unknown> | undefined;
    let ended = false;
    let expiry: NodeJS.Timeout | undefined;
    /** Requests that arrive while the first one is being authorized; replayed in order once it is. */
    let waiting: Record<string, unknown>[] | undefined;
    const close = () => {
      if (ended && !stream) return;
      ended = true;
      clearTimeout(expiry);
      if (!stream) return;
      const s = stream;
      stream = undefined;
      s.connected = false;
      this.streams.delete(s);
      this.authContexts.delete(s);
      const peers = this.streamsByKey.get(s.proxyKey);
      peers?.delete(s);
      if (peers?.size === 0) this.streamsByKey.delete(s.proxyKey);
      this.emit('disconnect', { streamId: s.id, proxyKey: s.proxyKey, node: s.node, at: Date.now() });
    };
    const reject = (code: GrpcStatus, reason: string, node?: XdsNode, peer?: string) => {
      this.countReject(reason.split(':')[0]);
      const ev: RejectEvent = { node, code, reason, peer, at: Date.now() };
      this.emit('reject', ev);
      this.log.warn({ node: node?.id, peer, code: GrpcStatus[code], reason }, 'xDS stream rejected');
      ended = true;
      call.emit('error', { code, details: reason });
    };
    const open = (
      node: XdsNode,
      key: string,
      raw: unknown,
      ctx: StreamAuthContext,
      verdict: AuthorizeResult,
    ) => {
      if (ended) return;
      if (!('identity' in verdict)) {
        return reject(GrpcStatus[verdict.code], verdict.message, node, ctx.peer);
      }
      if (this.stopping) return reject(GrpcStatus.UNAVAILABLE, 'server shutting down', node, ctx.peer);
      const s =
        variant === 'sotw'
          ? (new SotwStream('sotw', node, key, this.ctx, call as never) as AdsStream<unknown>)
          : (new DeltaStream('delta', node, key, this.ctx, call as never) as AdsStream<unknown>);
      s.identity = verdict.identity;
      s.peer = ctx.peer;
      s.localityKey = this.options.localityKeyOf?.(node);
      stream = s;
      this.streams.set(s, raw);
      this.authContexts.set(s, ctx);
      let set = this.streamsByKey.get(key);
      if (!set) {
        set = new Set();
        this.streamsByKey.set(key, set);
      }
      set.add(s);
      const expiresAt = verdict.identity.expiresAt;
      if (expiresAt !== undefined) {
        // setTimeout holds at most ~24.8 days; a longer credential is re-armed when that fires.
        const arm = () => {
          const left = expiresAt - Date.now();
          if (left <= 0)
            return s.fail(GrpcStatus.UNAUTHENTICATED, 'credential expired: reconnect with a fresh one');
          expiry = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
          expiry.unref();
        };
        arm();
      }
      this.emit('connect', {
        streamId: s.id,
        proxyKey: key,
        node,
        variant,
        identity: s.identity,
        at: Date.now(),
      });
      this.log.info(
        { node: node.id, proxyKey: key, variant, method: s.identity.method, peer: ctx.peer },
        'xDS stream connected',
      );
      const queued = waiting ?? [];
      waiting = undefined;
      for (const req of queued) handle(req);
    };
    const first = (req: Record<string, unknown>) => {
      if (this.stopping) return reject(GrpcStatus.UNAVAILABLE, 'server shutting down');
      const raw = req.node as Record<string, unknown> | null | undefined;
      if (!raw?.id && !raw?.cluster) {
        return reject(GrpcStatus.INVALID_ARGUMENT, 'missing node: the first request must carry node.id');
      }
      const node = nodeFromWire(raw);
      let key: ReturnType<ResolveProxy>;
      try {
        key = this.options.resolveProxy(node);
      } catch (e) {
        key = { error: (e as Error).message, code: 'INVALID_ARGUMENT' };
      }
      const peer = call.getPeer();
      if (typeof key !== 'string') {
        const code = GrpcStatus[key.code ?? 'NOT_FOUND'];
        return reject(
          code,
          `unknown node: node.id "${node.id}" cluster "${node.cluster}": ${key.error}`,
          node,
          peer,
        );
      }
      const proxyKey = key;
      const ctx: StreamAuthContext = { ...callAuthContext(call, this.tls), node, proxyKey, variant };
      waiting = [req];
      const authorize = this.options.authorize;
      if (!authorize) return open(node, proxyKey, raw, ctx, { identity: { proxyKey, method: 'none' } });
      Promise.resolve()
        .then(() => authorize(ctx))
        .then(
          (verdict) => open(node, proxyKey, raw, ctx, verdict),
          (err: Error) =>
            open(node, proxyKey, raw, ctx, {
              code: 'UNAUTHENTICATED',
              message: `credential check failed: ${err.message}`,
            }),
        );
    };
    const handle = (req: Record<string, unknown>) => {
      if (ended || !stream) return;
      const again = req.node as Record<string, unknown> | null | undefined;
      if (again && (again.id || again.cluster)) {
        const id = String(again.id ?? '');
        const cluster = String(again.cluster ?? '');
        if (id !== stream.node.id || cluster !== stream.node.cluster) {
          return stream.fail(
            GrpcStatus.PERMISSION_DENIED,
            `node changed on the stream: it began as "${stream.node.id}" and now says "${id}"; a stream's node is pinned`,
          );
        }
      }
      const s = stream;
      s.onRequest(req);
      if (!s.connected) close();
    };
    call.on('data', (req: Record<string, unknown>) => {
      if (ended) return;
      if (waiting) waiting.push(req);
      else if (!stream) first(req);
      else handle(req);
    });
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('cancelled', close);
    call.on('error', close);
    call.on('close', close);
  }

  /**
   * Hosts another gRPC service on the xDS port (telemetry's access log service, for one), so it is reached
   * through the same listener, credentials and identity checks as ADS. Call before listen().
   */
  addService(definition: ServiceDefinition, handlers: UntypedServiceImplementation): void {
    if (this.listening) throw new Error('addService: the xDS server is already listening');
    this.server.addService(definition, handlers);
  }

  /**
   * The ADS identity check for a call of a service added with addService (an access log stream, say) that
   * names `rawNode` (a decoded `envoy.config.core.v3.Node`): the same node resolution and `authorize` as an
   * ADS stream, so a caller can speak only for the proxy its credential proves.
   */
  async authorizeCall(
    call: ServerReadableStream<unknown, unknown>,
    rawNode: Record<string, unknown>,
  ): Promise<CallVerdict> {
    const node = nodeFromWire(rawNode);
    let key: ReturnType<ResolveProxy>;
    try {
      key = this.options.resolveProxy(node);
    } catch (e) {
      key = { error: (e as Error).message, code: 'INVALID_ARGUMENT' };
    }
    if (typeof key !== 'string') {
      return {
        code: key.code ?? 'NOT_FOUND',
        message: `unknown node: node.id "${node.id}" cluster "${node.cluster}": ${key.error}`,
      };
    }
    const authorize = this.options.authorize;
    if (!authorize) return { identity: { proxyKey: key, method: 'none' } };
    const ctx: StreamAuthContext = {
      ...callAuthContext(call, this.tls),
      node,
      proxyKey: key,
      variant: 'sotw',
    };
    try {
      return await authorize(ctx);
    } catch (err) {
      return { code: 'UNAUTHENTICATED', message: `credential check failed: ${(err as Error).message}` };
    }
  }

  /**
   * Re-checks every live stream with `check` (for example after endpoints changed); a stream it gives a reason
   * for ends with PERMISSION_DENIED and that reason. Returns how many ended.
   */
  recheck(check: Recheck): number {
    let n = 0;
    for (const [s, ctx] of this.authContexts) {
      if (!s.connected || !s.identity) continue;
      const reason = check(s.identity, ctx);
      if (!reason) continue;
      n++;
      this.countReject(reason.split(':')[0]);
      this.emit('reject', {
        node: s.node,
        code: GrpcStatus.PERMISSION_DENIED,
        reason,
        peer: ctx.peer,
        at: Date.now(),
      });
      this.log.warn(
        { node: s.node.id, peer: ctx.peer, reason },
        'xDS stream ended: identity no longer holds',
      );
      s.fail(GrpcStatus.PERMISSION_DENIED, reason);
    }
    return n;
  }

  /** Binds and starts (`host:port` or `unix:///path`); resolves to the bound port (1 for a unix socket). */
  async listen(hostPort: string): Promise<number> {
    const credentials = this.options.credentials ?? ServerCredentials.createInsecure();
    this.listening = true;
    const tcp = parseHostPort(hostPort);
    if (tcp) {
      this.tcpListener = await listenTcp(this.server, credentials, tcp, this.options.listenBacklog);
      return this.tcpListener.port;
    }
    return new Promise((resolve, reject) => {
      this.server.bindAsync(hostPort, credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** Stops accepting, ends every stream (clients reconnect elsewhere), then closes after graceMs at most. */
  async shutdown(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const closing = this.tcpListener?.close();
    const done = new Promise<void>((r) => this.server.tryShutdown(() => r()));
    for (const s of [...this.streams.keys()]) s.fail(GrpcStatus.UNAVAILABLE, 'xDS server shutting down');
    const timer = setTimeout(() => {
      this.server.forceShutdown();
      this.tcpListener?.destroyAll();
    }, graceMs);
    // forced, grpc-js may still not call back while a call is open: give up waiting a second later
    let late: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((r) => {
      late = setTimeout(r, graceMs + 1000);
    });
    await Promise.race([Promise.all([done, closing]), deadline]);
    clearTimeout(timer);
    clearTimeout(late);
  }

  /**
   * Replaces a proxy's snapshot. Each resource is encoded once per content version and shared; only types
   * whose content changed reach the clients. Throws (changing nothing) if a resource does not encode.
   */
  setProxyConfig(proxyKey: string, config: ProxyConfig, meta: { revision?: string } = {}): void {
    const types = new Map<string, Map<string, ResourceEntry>>();
    const own = this.secretParts.get(proxyKey)?.own ?? [];
    for (const [key, typeUrl] of Object.entries(CONFIG_KEYS) as [ConfigKey, string][]) {
      const list = key === 'secrets' ? [...(config.secrets ?? []), ...own] : (config[key] ?? []);
      types.set(typeUrl, this.encodeAll(typeUrl, list, `${proxyKey}: ${key}`));
    }
    this.secretParts.set(proxyKey, { config: config.secrets ?? [], own });
    this.install(proxyKey, { revision: meta.revision, types });
  }

  /**
   * Sets the secrets of one proxy that do not come from its translated config (the mesh CA's certificate and
   * trust bundle): kept across setProxyConfig, pushed (SDS only) on that proxy's own streams and no other.
   * An empty list drops them. Before the proxy has a config they wait for it.
   */
  setProxySecrets(proxyKey: string, secrets: object[]): void {
    const parts = this.secretParts.get(proxyKey) ?? { config: [], own: [] };
    const old = this.snapshots.get(proxyKey);
    const encoded = this.encodeAll(TypeUrl.Secret, [...parts.config, ...secrets], `${proxyKey}: secrets`);
    if (secrets.length === 0 && parts.config.length === 0 && !old) this.secretParts.delete(proxyKey);
    else this.secretParts.set(proxyKey, { config: parts.config, own: secrets });
    if (!old) return;
    const types = new Map(old.types);
    types.set(TypeUrl.Secret, encoded);
    this.install(proxyKey, { revision: old.revision, types });
  }

  /** Replaces only a proxy's endpoints: only EDS is pushed. */
  updateEndpoints(proxyKey: string, endpoints: object[], meta: { revision?: string } = {}): void {
    const old = this.snapshots.get(proxyKey);
    const types = new Map(old?.types ?? []);
    types.set(
      TypeUrl.ClusterLoadAssignment,
      this.encodeAll(TypeUrl.ClusterLoadAssignment, endpoints, `${proxyKey}: endpoints`),
    );
    this.install(proxyKey, { revision: meta.revision ?? old?.revision, types });
  }

  removeProxyConfig(proxyKey: string): void {
    const old = this.snapshots.get(proxyKey);
    if (!old) return;
    this.snapshots.delete(proxyKey);
    const own = this.secretParts.get(proxyKey)?.own ?? [];
    if (own.length) this.secretParts.set(proxyKey, { config: [], own });
    else this.secretParts.delete(proxyKey);
    for (const m of old.types.values()) for (const e of m.values()) this.cache.release(e);
  }

  private encodeAll(typeUrl: string, list: object[], where: string): Map<string, ResourceEntry> {
    const out = new Map<string, ResourceEntry>();
    list.forEach((json, i) => {
      let e: ResourceEntry;
      try {
        e = this.cache.entryFor(typeUrl, json as Record<string, unknown>);
      } catch (err) {
        throw new Error(`${where}[${i}]: ${(err as Error).message}`);
      }
      if (out.has(e.name)) throw new Error(`${where}[${i}]: duplicate name "${e.name}"`);
      out.set(e.name, e);
    });
    return out;
  }

  /**
   * Endpoints for the streams of `proxyKey` whose locality key is `localityKey`: each replaces the proxy's
   * assignment of the same name (one the proxy does not have is ignored), the rest of the config is shared.
   */
  setLocalizedEndpoints(proxyKey: string, localityKey: string, endpoints: object[]): void {
    const encoded = this.encodeAll(
      TypeUrl.ClusterLoadAssignment,
      endpoints,
      `${proxyKey} (${localityKey}): endpoints`,
    );
    for (const e of encoded.values()) this.cache.retain(e);
    let perKey = this.localized.get(proxyKey);
    if (!perKey) {
      perKey = new Map();
      this.localized.set(proxyKey, perKey);
    }
    const old = perKey.get(localityKey);
    perKey.set(localityKey, { endpoints: encoded });
    if (old) for (const e of old.endpoints.values()) this.cache.release(e);
    this.flushLocality(proxyKey, localityKey);
  }

  removeLocalizedEndpoints(proxyKey: string, localityKey: string): void {
    const perKey = this.localized.get(proxyKey);
    const old = perKey?.get(localityKey);
    if (!perKey || !old) return;
    perKey.delete(localityKey);
    if (perKey.size === 0) this.localized.delete(proxyKey);
    for (const e of old.endpoints.values()) this.cache.release(e);
    this.flushLocality(proxyKey, localityKey);
  }

  private flushLocality(proxyKey: string, localityKey: string): void {
    for (const s of this.streamsByKey.get(proxyKey) ?? []) {
      if (s.localityKey === localityKey) s.scheduleFlush();
    }
  }

  private snapshotFor(proxyKey: string, localityKey: string | undefined): ProxySnapshot | undefined {
    const base = this.snapshots.get(proxyKey);
    if (!base || localityKey === undefined) return base;
    const l = this.localized.get(proxyKey)?.get(localityKey);
    if (!l) return base;
    // Streams recognise an unchanged snapshot by the identity of its maps: compose once per base.
    if (l.base !== base || !l.composed) {
      l.base = base;
      l.composed = withEndpoints(base, l.endpoints);
    }
    return l.composed;
  }

  private install(proxyKey: string, snap: ProxySnapshot): void {
    for (const m of snap.types.values()) for (const e of m.values()) this.cache.retain(e);
    const old = this.snapshots.get(proxyKey);
    this.snapshots.set(proxyKey, snap);
    if (old) for (const m of old.types.values()) for (const e of m.values()) this.cache.release(e);
    for (const s of this.streamsByKey.get(proxyKey) ?? []) s.scheduleFlush();
  }

  /** Per connected stream: node, proxy key, revision, ACKed / NACKed / sent versions per type. */
  status(): ProxyStatus[] {
    return [...this.streams.keys()].map((s) => s.status());
  }

  /** status() of one proxy's streams only: O(its streams), not O(all streams). */
  statusOf(proxyKey: string): ProxyStatus[] {
    return [...(this.streamsByKey.get(proxyKey) ?? [])].map((s) => s.status());
  }

  /** True when every stream of the proxy (at least one) has ACKed everything it was sent of the snapshot. */
  converged(proxyKey: string): boolean {
    const set = this.streamsByKey.get(proxyKey);
    if (!set || set.size === 0) return false;
    return [...set].every((s) => s.converged());
  }

  /**
   * Counters for /metrics: connected streams, streams rejected before they started by reason (unknown node,
   * missing node, shutdown), cached resources and encodes so far.
   */
  metrics(): {
    connectedStreams: number;
    rejectedStreams: Record<string, number>;
    cachedResources: number;
    encodes: number;
  } {
    return {
      connectedStreams: this.streams.size,
      rejectedStreams: { ...this.rejected },
      cachedResources: this.cache.size,
      encodes: this.cache.encodeCount,
    };
  }
}
