import type { Ctx } from '../context.ts';
import { type Json, TYPE } from '../types.ts';
import { TELEMETRY_CONTRACT } from './contract.ts';

const T = TELEMETRY_CONTRACT.tags;

function commonConfig(ctx: Ctx, customTags?: Json[]): Json {
  const t = ctx.opts.telemetry!;
  const cfg: Json = {
    log_name: TELEMETRY_CONTRACT.egressLogName,
    grpc_service: { envoy_grpc: { cluster_name: t.grpcCluster } },
    transport_api_version: 'V3',
    buffer_flush_interval: t.flushInterval,
  };
  if (customTags) cfg.custom_tags = customTags;
  return cfg;
}

/**
 * The egress HCM's gRPC access logger: every request. Its route name (`<router>/<route>`, or `<service>:<port>`
 * for a node-provided service), authority and upstream cluster say which mesh edge it took.
 */
export function httpTelemetryLog(ctx: Ctx): Json | undefined {
  if (!ctx.opts.telemetry) return undefined;
  return {
    name: 'envoy.access_loggers.http_grpc',
    typed_config: {
      '@type': TYPE.httpGrpcAccessLog,
      common_config: commonConfig(ctx),
    },
  };
}

/** An egress tcp_proxy's gRPC access logger (TCP carries no name: the virtual service is a literal). */
export function tcpTelemetryLog(ctx: Ctx, virtualService: string): Json | undefined {
  if (!ctx.opts.telemetry) return undefined;
  return {
    name: 'envoy.access_loggers.tcp_grpc',
    typed_config: {
      '@type': TYPE.tcpGrpcAccessLog,
      common_config: commonConfig(ctx, [{ tag: T.virtualService, literal: { value: virtualService } }]),
    },
  };
}
