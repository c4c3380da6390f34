import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChannelCredentials,
  type ClientDuplexStream,
  credentials,
  Client as GrpcClient,
  Metadata,
} from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { envoyProtoDirs, repoRoot } from './paths.ts';

/**
 * A raw ADS client for tests and load generation: speaks SotW and delta over @grpc/grpc-js with Envoy's
 * protos, and ACKs/NACKs exactly when told (like Envoy: wildcard LDS/CDS; like gRPC: named subscriptions).
 */

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService/';

export const XdsTypes = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

let root: protobuf.Root | undefined;
function protoRoot(): protobuf.Root {
  if (root) return root;
  const dirs = [...envoyProtoDirs, join(repoRoot, 'node_modules/protobufjs')];
  const r = new protobuf.Root();
  r.resolvePath = (_o, t) => dirs.map((d) => join(d, t)).find((p) => existsSync(p)) ?? t;
  r.loadSync(
    [
      'envoy/service/discovery/v3/ads.proto',
      'envoy/service/status/v3/csds.proto',
      'envoy/config/listener/v3/listener.proto',
      'envoy/config/route/v3/route.proto',
      'envoy/config/cluster/v3/cluster.proto',
      'envoy/config/endpoint/v3/endpoint.proto',
      'envoy/extensions/transport_sockets/tls/v3/secret.proto',
      'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
      'envoy/extensions/filters/http/router/v3/router.proto',
    ],
    { keepCase: true },
  );
  r.resolveAll();
  root = r;
  return r;
}

export interface AdsNodeInit {
  id: string;
  cluster?: string;
  /** Advertised client features, e.g. "envoy.lb.does_not_support_overprovisioning". */
  clientFeatures?: string[];
  /** `user_agent_name`: `envoy` for an Envoy, `gRPC Node Pure JS` for grpc-js; empty when unset. */
  userAgentName?: string;
  /** node.locality (Envoy's region/zone/sub_zone). */
  locality?: { region?: string; zone?: string; sub_zone?: string };
}

export interface DecodedResource {
  typeUrl: string;
  name: string;
  /** The resource decoded with snake_case field names (nested Any stay { type_url, value }). */
  value: Record<string, unknown>;
  /** The exact Any bytes received. */
  bytes: Uint8Array;
  /** Delta only: the resource version. */
  version?: string;
  /** Delta only: whether a TTL was set. */
  ttl?: unknown;
}

export interface SotwResponse {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: DecodedResource[];
  receivedAt: number;
}

export interface DeltaResponse {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: DecodedResource[];
  removed: string[];
  receivedAt: number;
}

export interface StreamEnd {
  code: number;
  details: string;
}

interface AnyMessage {
  type_url: string;
  value: Uint8Array;
}

/** A received resource: decoded, with the Any's bytes; with `decode` off only its type and value bytes. */
function decodeAny(any: AnyMessage, decode: boolean): DecodedResource {
  if (!decode) return { typeUrl: any.type_url, name: '', value: {}, bytes: any.value };
  const r = protoRoot();
  const bytes = r.lookupType('google.protobuf.Any').encode(any).finish();
  const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
  const T = r.lookupType(typeName);
  const value = T.toObject(T.decode(any.value), { longs: String, enums: String, defaults: false }) as Record<
    string,
    unknown
  >;
  const name = String(value.name ?? value.cluster_name ?? '');
  return { typeUrl: any.type_url, name, value, bytes };
}

/** Decodes a response of protobuf type `typeName` and hands the message to `toResponse`. */
function responseDecoder<M, Res>(typeName: string, toResponse: (m: M) => Res): (b: Buffer) => Res {
  const T = protoRoot().lookupType(typeName);
  return (b) => toResponse(T.decode(b) as unknown as M);
}

/** A queue of received messages with awaitable next(). */
class Inbox<T> {
  private readonly items: T[] = [];
  private waiter: ((v: T) => void) | undefined;
  end: StreamEnd | undefined;
  private endWaiters: ((e: StreamEnd) => void)[] = [];
  onMessage: ((v: T) => void) | undefined;

  push(v: T): void {
    if (this.onMessage) {
      this.onMessage(v);
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(v);
    } else this.items.push(v);
  }

  finish(e: StreamEnd): void {
    this.end ??= e;
    for (const w of this.endWaiters) w(this.end);
    this.endWaiters = [];
  }

  ended(): Promise<StreamEnd> {
    return this.end ? Promise.resolve(this.end) : new Promise((r) => this.endWaiters.push(r));
  }

  pending(): number {
    return this.items.length;
  }

  next(timeoutMs: number, what: string): Promise<T> {
    const first = this.items.shift();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms${this.end ? ` (stream ended: ${this.end.details})` : ''}`,
          ),
        );
      }, timeoutMs);
      this.waiter = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
    });
  }
}

export interface AdsClientOptions {
  decode?: boolean;
  credentials?: ChannelCredentials;
  metadata?: Record<string, string>;
}

/** One gRPC channel to an ADS server; open as many streams on it as you like. */
export class AdsClient {
  private readonly client: GrpcClient;

  /**
   * `decode: false` leaves resources as bytes (load clients: no per-resource decoding cost); `credentials`:
   * TLS channel credentials (default plaintext); `metadata`: headers on every stream and call (for example
   * `authorization: Bearer ...`).
   */
  private readonly opts: AdsClientOptions;
  constructor(address: string, options: Record<string, unknown> = {}, opts: AdsClientOptions = {}) {
    this.opts = opts;
    this.client = new GrpcClient(address, opts.credentials ?? credentials.createInsecure(), options);
  }

  sotw(node: AdsNodeInit, metadata?: Record<string, string>): SotwAdsStream {
    return new SotwAdsStream(this.client, node, this.opts.decode ?? true, this.metadata(metadata));
  }

  delta(node: AdsNodeInit, metadata?: Record<string, string>): DeltaAdsStream {
    return new DeltaAdsStream(this.client, node, this.opts.decode ?? true, this.metadata(metadata));
  }

  private metadata(extra?: Record<string, string>): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries({ ...this.opts.metadata, ...extra })) md.set(k, v);
    return md;
  }

  /** CSDS FetchClientStatus, decoded. */
  fetchClientStatus(req: object = {}): Promise<Record<string, unknown>> {
    const r = protoRoot();
    const Req = r.lookupType('envoy.service.status.v3.ClientStatusRequest');
    const Res = r.lookupType('envoy.service.status.v3.ClientStatusResponse');
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        '/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus',
        (v: object) => Buffer.from(Req.encode(Req.fromObject(v)).finish()),
        (b: Buffer) =>
          Res.toObject(Res.decode(b), { longs: String, enums: String }) as Record<string, unknown>,
        req,
        this.metadata(),
        (err, res) => (err ? reject(err) : resolve(res!)),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

abstract class AdsStreamBase<Req extends object, Res extends { typeUrl: string }> {
  protected readonly call: ClientDuplexStream<Req, Res>;
  protected readonly inbox = new Inbox<Res>();
  private sentNode = false;
  protected readonly node: AdsNodeInit;

  constructor(
    client: GrpcClient,
    method: string,
    reqType: string,
    decode: (b: Buffer) => Res,
    node: AdsNodeInit,
    metadata: Metadata,
  ) {
    this.node = node;
    const T = protoRoot().lookupType(reqType);
    this.call = client.makeBidiStreamRequest(
      ADS + method,
      (v: Req) => Buffer.from(T.encode(T.fromObject(v)).finish()),
      decode,
      metadata,
    );
    this.call.on('data', (m: Res) => this.inbox.push(m));
    this.call.on('status', (s) => this.inbox.finish({ code: s.code, details: s.details }));
    this.call.on('error', (e: Error & { code?: number; details?: string }) =>
      this.inbox.finish({ code: e.code ?? -1, details: e.details ?? e.message }),
    );
  }

  /** Node goes on the first request only (as real clients may do), unless `withNode` forces it. */
  protected nodeField(withNode?: boolean): object | undefined {
    if (this.sentNode && !withNode) return undefined;
    this.sentNode = true;
    return {
      id: this.node.id,
      cluster: this.node.cluster ?? '',
      client_features: this.node.clientFeatures ?? [],
      user_agent_name: this.node.userAgentName ?? '',
      locality: this.node.locality ?? {},
    };
  }

  /** Raw send. */
  send(req: Req): void {
    this.call.write(req);
  }

  next(timeoutMs = 10_000): Promise<Res> {
    return this.inbox.next(timeoutMs, 'response');
  }

  /** Next response of a given type (others are dropped). */
  async nextOf(typeUrl: string, timeoutMs = 10_000): Promise<Res> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.next(Math.max(1, deadline - Date.now()));
      if (r.typeUrl === typeUrl) return r;
    }
  }

  /** Resolves true if a response arrived within `ms` (and leaves it queued). */
  async receivesWithin(ms: number): Promise<boolean> {
    if (this.inbox.pending() > 0) return true;
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.pending() > 0;
  }

  /** Every response goes to `fn` instead of the queue (load clients). */
  onResponse(fn: (r: Res) => void): void {
    this.inbox.onMessage = fn;
  }

  ended(): Promise<StreamEnd> {
    return this.inbox.ended();
  }

  /** Stops reading from the transport (a stuck client); resume() reads again. */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  close(): void {
    this.call.end();
    this.call.cancel();
  }
}

export interface SotwRequestInit {
  typeUrl: string;
  names?: string[];
  versionInfo?: string;
  nonce?: string;
  error?: string;
  withNode?: boolean;
}

interface DiscoveryResponseMessage {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: AnyMessage[];
}

export class SotwAdsStream extends AdsStreamBase<object, SotwResponse> {
  constructor(client: GrpcClient, node: AdsNodeInit, decode = true, metadata = new Metadata()) {
    super(
      client,
      'StreamAggregatedResources',
      'envoy.service.discovery.v3.DiscoveryRequest',
      responseDecoder('envoy.service.discovery.v3.DiscoveryResponse', (m: DiscoveryResponseMessage) => ({
        versionInfo: m.version_info,
        typeUrl: m.type_url,
        nonce: m.nonce,
        resources: m.resources.map((a) => decodeAny(a, decode)),
        receivedAt: Date.now(),
      })),
      node,
      metadata,
    );
  }

  request(init: SotwRequestInit): void {
    this.send({
      node: this.nodeField(init.withNode),
      type_url: init.typeUrl,
      resource_names: init.names ?? [],
      version_info: init.versionInfo ?? '',
      response_nonce: init.nonce ?? '',
      error_detail: init.error ? { code: 3, message: init.error } : undefined,
    });
  }

  /** ACK like Envoy/gRPC: same names, the response's version and nonce. */
  ack(res: SotwResponse, names: string[] = []): void {
    this.request({ typeUrl: res.typeUrl, names, versionInfo: res.versionInfo, nonce: res.nonce });
  }

  /** NACK: the last accepted version, the rejected response's nonce, an error_detail. */
  nack(res: SotwResponse, message: string, names: string[] = [], lastGoodVersion = ''): void {
    this.request({
      typeUrl: res.typeUrl,
      names,
      versionInfo: lastGoodVersion,
      nonce: res.nonce,
      error: message,
    });
  }
}

export interface DeltaRequestInit {
  typeUrl: string;
  subscribe?: string[];
  unsubscribe?: string[];
  initialVersions?: Record<string, string>;
  nonce?: string;
  error?: string;
}

interface DeltaDiscoveryResponseMessage {
  system_version_info: string;
  type_url: string;
  nonce: string;
  removed_resources: string[];
  resources: { name: string; version: string; resource: AnyMessage; ttl?: unknown }[];
}

export class DeltaAdsStream extends AdsStreamBase<object, DeltaResponse> {
  constructor(client: GrpcClient, node: AdsNodeInit, decode = true, metadata = new Metadata()) {
    super(
      client,
      'DeltaAggregatedResources',
      'envoy.service.discovery.v3.DeltaDiscoveryRequest',
      responseDecoder(
        'envoy.service.discovery.v3.DeltaDiscoveryResponse',
        (m: DeltaDiscoveryResponseMessage) => ({
          systemVersionInfo: m.system_version_info,
          typeUrl: m.type_url,
          nonce: m.nonce,
          removed: m.removed_resources,
          resources: m.resources.map((x) => ({
            ...decodeAny(x.resource, decode),
            name: x.name,
            version: x.version,
            ttl: x.ttl ?? undefined,
          })),
          receivedAt: Date.now(),
        }),
      ),
      node,
      metadata,
    );
  }

  request(init: DeltaRequestInit): void {
    this.send({
      node: this.nodeField(),
      type_url: init.typeUrl,
      resource_names_subscribe: init.subscribe ?? [],
      resource_names_unsubscribe: init.unsubscribe ?? [],
      initial_resource_versions: init.initialVersions ?? {},
      response_nonce: init.nonce ?? '',
      error_detail: init.error ? { code: 3, message: init.error } : undefined,
    });
  }

  ack(res: DeltaResponse): void {
    this.request({ typeUrl: res.typeUrl, nonce: res.nonce });
  }

  nack(res: DeltaResponse, message: string): void {
    this.request({ typeUrl: res.typeUrl, nonce: res.nonce, error: message });
  }
}
