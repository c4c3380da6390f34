import type { Ctx } from '../context.ts';
import { type Json, TYPE } from '../types.ts';
import { TELEMETRY_CONTRACT } from './contract.ts';

const T = TELEMETRY_CONTRACT.tags;

function routeTag(tag: string, field: string): Json {
  return {
    tag,
    metadata: {
      kind: { route: {} },
      metadata_key: { key: TELEMETRY_CONTRACT.metadataNamespace, path: [{ key: field }] },
    },
  };
}

function commonConfig(ctx: Ctx, customTags: Json[]): Json {
  const t = ctx.opts.telemetry!;
  return {
    log_name: TELEMETRY_CONTRACT.egressLogName,
    grpc_service: { envoy_grpc: { cluster_name: t.grpcCluster } },
    transport_api_version: 'V3',
    buffer_flush_interval: t.flushInterval,
    custom_tags: customTags,
  };
}

/** The egress HCM's gRPC access logger: every request, tagged with its route's App Mesh names. */
export function httpTelemetryLog(ctx: Ctx): Json | undefined {
  if (!ctx.opts.telemetry) return undefined;
  return {
    name: 'envoy.access_loggers.http_grpc',
    typed_config: {
      '@type': TYPE.httpGrpcAccessLog,
      common_config: commonConfig(ctx, [
        routeTag(T.virtualService, 'virtual_service'),
        routeTag(T.virtualRouter, 'virtual_router'),
        routeTag(T.route, 'route'),
      ]),
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

/** Route metadata the HTTP logger's tags read: which virtual service, router and route an Envoy route is. */
export function routeTelemetryMetadata(
  ctx: Ctx,
  names: { virtualService: string; virtualRouter?: string; route?: string },
): Json | undefined {
  if (!ctx.opts.telemetry) return undefined;
  return {
    filter_metadata: {
      [TELEMETRY_CONTRACT.metadataNamespace]: {
        virtual_service: names.virtualService,
        virtual_router: names.virtualRouter ?? '',
        route: names.route ?? '',
      },
    },
  };
}
