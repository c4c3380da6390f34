import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { envoyType } from '@plexus/xds';

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService/';
const SotwRequest = envoyType('envoy.service.discovery.v3.DiscoveryRequest');
const SotwResponse = envoyType('envoy.service.discovery.v3.DiscoveryResponse');
const DeltaRequest = envoyType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const DeltaResponse = envoyType('envoy.service.discovery.v3.DeltaDiscoveryResponse');

export type Variant = 'sotw' | 'delta';

export interface RawResource {
  /** Delta: the resource's name; SotW: '' (the bench reads names from the bytes where it needs them). */
  name: string;
  /** The Any's value: the resource's own encoding. */
  bytes: Uint8Array;
}

export interface RawResponse {
  typeUrl: string;
  /** SotW version_info, delta system_version_info. */
  versionInfo: string;
  nonce: string;
  resources: RawResource[];
  /** Delta removed_resources. */
  removed: string[];
}

export interface RawEnd {
  code: number;
  details: string;
}

interface Any {
  type_url: string;
  value: Uint8Array;
}
interface SotwMessage {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: Any[];
}
interface DeltaMessage {
  system_version_info: string;
  type_url: string;
  nonce: string;
  removed_resources: string[];
  resources: { name: string; resource?: Any }[];
}

/**
 * One simulated proxy's ADS stream on its own HTTP/2 connection, speaking gRPC's framing by hand (a 5-byte
 * prefix per message, grpc-status in the trailers). A bench fleet is thousands of these in a few processes
 * sharing the machine with the daemon they measure: each costs a socket, an HTTP/2 session and an envelope
 * decode per response, not a grpc-js channel's resolver, load balancer, subchannel and call stack, so the
 * harness leaves the CPU to the daemon.
 */
export class RawAdsStream {
  private readonly session: ClientHttp2Session;
  private readonly stream: ClientHttp2Stream;
  private readonly variant: Variant;
  private readonly nodeId: string;
  private sentNode = false;
  private pending: Buffer = Buffer.alloc(0);
  private listener: (r: RawResponse) => void = () => {};
  private end: RawEnd | undefined;
  private readonly endWaiters: ((e: RawEnd) => void)[] = [];
  private status: RawEnd | undefined;
  /** A response has arrived (see LoadProxy's watchdog). */
  answered = false;

  constructor(address: string, variant: Variant, nodeId: string) {
    this.variant = variant;
    this.nodeId = nodeId;
    this.session = connect(`http://${address}`);
    this.session.on('error', (e) => this.finish({ code: -1, details: e.message }));
    this.stream = this.session.request({
      ':method': 'POST',
      ':path': ADS + (variant === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources'),
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const statusOf = (h: Record<string, unknown>) => {
      if (h['grpc-status'] === undefined) return;
      this.status = { code: Number(h['grpc-status']), details: String(h['grpc-message'] ?? '') };
    };
    this.stream.on('response', statusOf);
    this.stream.on('trailers', statusOf);
    this.stream.on('data', (chunk: Buffer) => this.read(chunk));
    this.stream.on('error', (e) => this.finish({ code: -1, details: e.message }));
    this.stream.on('close', () =>
      this.finish(this.status ?? { code: -1, details: `stream closed (HTTP/2 code ${this.stream.rstCode})` }),
    );
  }

  onResponse(fn: (r: RawResponse) => void): void {
    this.listener = fn;
  }

  /** SotW: a request for names (empty: wildcard), or an ACK when version and nonce are given. */
  request(init: { typeUrl: string; names?: string[]; versionInfo?: string; nonce?: string }): void {
    this.send(
      SotwRequest.encode({
        ...this.node(),
        type_url: init.typeUrl,
        resource_names: init.names ?? [],
        version_info: init.versionInfo ?? '',
        response_nonce: init.nonce ?? '',
      }).finish(),
    );
  }

  /** Delta: subscription changes, or an ACK when a nonce is given. */
  deltaRequest(init: {
    typeUrl: string;
    subscribe?: string[];
    unsubscribe?: string[];
    nonce?: string;
  }): void {
    this.send(
      DeltaRequest.encode({
        ...this.node(),
        type_url: init.typeUrl,
        resource_names_subscribe: init.subscribe ?? [],
        resource_names_unsubscribe: init.unsubscribe ?? [],
        response_nonce: init.nonce ?? '',
      }).finish(),
    );
  }

  /** ACK like Envoy: SotW repeats the names with the response's version and nonce; delta sends the nonce. */
  ack(r: RawResponse, names: string[] = []): void {
    if (this.variant === 'sotw')
      this.request({ typeUrl: r.typeUrl, names, versionInfo: r.versionInfo, nonce: r.nonce });
    else this.deltaRequest({ typeUrl: r.typeUrl, nonce: r.nonce });
  }

  ended(): Promise<RawEnd> {
    return this.end ? Promise.resolve(this.end) : new Promise((r) => this.endWaiters.push(r));
  }

  close(): void {
    this.stream.close();
    this.session.destroy();
  }

  /** The node goes on the first request only (set_node_on_first_message_only). */
  private node(): { node?: { id: string } } {
    if (this.sentNode) return {};
    this.sentNode = true;
    return { node: { id: this.nodeId } };
  }

  private send(message: Uint8Array): void {
    if (this.end) return;
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    this.stream.write(frame);
  }

  private read(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 5) {
      const length = buf.readUInt32BE(1);
      if (buf.length < 5 + length) break;
      this.answered = true;
      this.listener(this.decode(buf.subarray(5, 5 + length)));
      buf = buf.subarray(5 + length);
    }
    this.pending = buf;
  }

  private decode(bytes: Uint8Array): RawResponse {
    if (this.variant === 'sotw') {
      const m = SotwResponse.decode(bytes) as unknown as SotwMessage;
      return {
        typeUrl: m.type_url,
        versionInfo: m.version_info,
        nonce: m.nonce,
        resources: m.resources.map((a) => ({ name: '', bytes: a.value })),
        removed: [],
      };
    }
    const m = DeltaResponse.decode(bytes) as unknown as DeltaMessage;
    return {
      typeUrl: m.type_url,
      versionInfo: m.system_version_info,
      nonce: m.nonce,
      resources: m.resources.map((x) => ({ name: x.name, bytes: x.resource?.value ?? new Uint8Array() })),
      removed: m.removed_resources,
    };
  }

  private finish(e: RawEnd): void {
    if (this.end) return;
    this.end = e;
    for (const w of this.endWaiters.splice(0)) w(e);
  }
}
