import {
  status as GrpcStatus,
  type ServerReadableStream,
  type ServiceDefinition,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { envoyType } from '@plexus/xds';
import { type StreamIdentity, streamIdentity } from './edge.ts';
import type { EdgeStore, HttpRecord, TcpRecord } from './edge-store.ts';
import { responseFlagCodes } from './response-flags.ts';

const PATH = '/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs';

/** A refusal of a telemetry stream: gRPC status and a one-line reason. */
export interface StreamRefusal {
  code: GrpcStatus;
  reason: string;
}

/**
 * Decides whether a stream may report for the node it names (the same check as xDS once proxy identity is
 * proved: a stream speaks only for its own proxy). Undefined accepts.
 */
export type AuthorizeTelemetryStream = (
  call: ServerReadableStream<unknown, unknown>,
  node: Record<string, unknown>,
) => StreamRefusal | undefined | Promise<StreamRefusal | undefined>;

export interface AccessLogServiceCounters {
  streams: number;
  activeStreams: number;
  messages: number;
  httpEntries: number;
  tcpEntries: number;
  refused: number;
}

type Msg = Record<string, unknown>;

function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return Number(v as { toString(): string });
}

function seconds(d: unknown): number | undefined {
  if (!d) return undefined;
  const x = d as { seconds?: unknown; nanos?: number };
  return num(x.seconds) + (x.nanos ?? 0) / 1e9;
}

function tagsOf(common: Msg): Record<string, string> | undefined {
  const t = common.custom_tags as Record<string, string> | undefined;
  return t && Object.keys(t).length > 0 ? t : undefined;
}

function httpRecord(entry: Msg): HttpRecord {
  const common = (entry.common_properties ?? {}) as Msg;
  const request = (entry.request ?? {}) as Msg;
  const response = (entry.response ?? {}) as Msg;
  const code = (response.response_code as { value?: number } | null)?.value ?? 0;
  const duration = seconds(common.time_to_last_downstream_tx_byte) ?? seconds(common.duration) ?? 0;
  const start = seconds(common.start_time);
  return {
    upstreamCluster: String(common.upstream_cluster ?? ''),
    routeName: String(common.route_name ?? ''),
    authority: String(request.authority ?? ''),
    tags: tagsOf(common),
    responseCode: code,
    flags: responseFlagCodes(common.response_flags as Msg),
    durationSeconds: duration,
    ...(start ? { endMs: Math.round((start + duration) * 1000) } : {}),
  };
}

// envoy.data.accesslog.v3.AccessLogType
const TCP_TYPES: Record<number, TcpRecord['type']> = { 1: 'connected', 2: 'periodic', 3: 'end' };

function tcpRecord(entry: Msg): TcpRecord {
  const common = (entry.common_properties ?? {}) as Msg;
  const conn = (entry.connection_properties ?? {}) as Msg;
  const type = TCP_TYPES[num(common.access_log_type)] ?? (common.intermediate_log_entry ? 'periodic' : 'end');
  return {
    upstreamCluster: String(common.upstream_cluster ?? ''),
    tags: tagsOf(common),
    streamId: String(common.stream_id ?? ''),
    type,
    receivedBytes: num(conn.received_bytes),
    sentBytes: num(conn.sent_bytes),
    flags: responseFlagCodes(common.response_flags as Msg),
  };
}

/**
 * Envoy's gRPC access log service (`envoy.access_loggers.http_grpc` / `tcp_grpc`), feeding an EdgeStore. The
 * stream's first message names the node and logger; every entry after it is attributed to that node.
 */
export function accessLogService(
  store: EdgeStore,
  o: { authorize?: AuthorizeTelemetryStream; onRefused?: (nodeId: string, r: StreamRefusal) => void } = {},
): {
  definition: ServiceDefinition;
  handlers: UntypedServiceImplementation;
  counters: AccessLogServiceCounters;
  /** Ends every open stream with UNAVAILABLE (Envoy reconnects elsewhere), so a server shutdown need not wait. */
  endStreams(reason: string): void;
} {
  const Message = envoyType('envoy.service.accesslog.v3.StreamAccessLogsMessage');
  const Response = envoyType('envoy.service.accesslog.v3.StreamAccessLogsResponse');
  const counters: AccessLogServiceCounters = {
    streams: 0,
    activeStreams: 0,
    messages: 0,
    httpEntries: 0,
    tcpEntries: 0,
    refused: 0,
  };
  const definition: ServiceDefinition = {
    StreamAccessLogs: {
      path: PATH,
      requestStream: true,
      responseStream: false,
      requestSerialize: (m: object) => Buffer.from(Message.encode(m).finish()),
      requestDeserialize: (b: Buffer) => Message.decode(b),
      responseSerialize: (m: object) => Buffer.from(Response.encode(m).finish()),
      responseDeserialize: (b: Buffer) => Response.decode(b),
    },
  };
  /** The open streams' `finish`: Envoy never ends an access log stream on its own. */
  const open = new Set<(err: { code: GrpcStatus; details: string }) => void>();
  const StreamAccessLogs = (call: ServerReadableStream<Msg, object>, done: sendUnaryData<object>) => {
    let id: StreamIdentity | undefined;
    let finished = false;
    counters.streams++;
    counters.activeStreams++;
    const finish = (err: { code: GrpcStatus; details: string } | null) => {
      if (finished) return;
      finished = true;
      open.delete(finish);
      counters.activeStreams--;
      done(err, err ? undefined : {});
    };
    open.add(finish);
    const record = (msg: Msg) => {
      if (!id) return;
      const http = (msg.http_logs as { log_entry?: Msg[] } | null)?.log_entry;
      if (http) {
        counters.httpEntries += http.length;
        for (const e of http) store.recordHttp(id, httpRecord(e));
      }
      const tcp = (msg.tcp_logs as { log_entry?: Msg[] } | null)?.log_entry;
      if (tcp) {
        counters.tcpEntries += tcp.length;
        for (const e of tcp) store.recordTcp(id, tcpRecord(e));
      }
    };
    /** Messages that arrive while the first one's identity is being checked; recorded once it passes. */
    let pending: Msg[] | undefined;
    call.on('data', (msg: Msg) => {
      if (finished) return;
      counters.messages++;
      if (pending) {
        pending.push(msg);
        return;
      }
      if (id) return record(msg);
      const ident = msg.identifier as { node?: Msg; log_name?: string } | null | undefined;
      const node = ident?.node;
      if (!node) {
        return finish({
          code: GrpcStatus.INVALID_ARGUMENT,
          details: 'the first access log message must carry identifier.node',
        });
      }
      const nodeId = String(node.id ?? '');
      pending = [msg];
      const admit = (refusal: StreamRefusal | undefined) => {
        if (finished) return;
        if (refusal) {
          counters.refused++;
          o.onRefused?.(nodeId, refusal);
          return finish({ code: refusal.code, details: refusal.reason });
        }
        id = streamIdentity(nodeId, String(node.cluster ?? ''), String(ident?.log_name ?? ''));
        const queued = pending ?? [];
        pending = undefined;
        for (const m of queued) record(m);
      };
      Promise.resolve()
        .then(() => o.authorize?.(call as ServerReadableStream<unknown, unknown>, node))
        .then(admit, (err: Error) =>
          admit({ code: GrpcStatus.UNAUTHENTICATED, reason: `credential check failed: ${err.message}` }),
        );
    });
    call.on('end', () => finish(null));
    call.on('error', () => finish(null));
    call.on('cancelled', () => finish(null));
  };
  return {
    definition,
    handlers: { StreamAccessLogs } as UntypedServiceImplementation,
    counters,
    endStreams(reason) {
      for (const finish of [...open]) finish({ code: GrpcStatus.UNAVAILABLE, details: reason });
    },
  };
}
