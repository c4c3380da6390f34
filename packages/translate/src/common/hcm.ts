import type { Ctx } from '../context.ts';
import { httpTelemetryLog, tcpTelemetryLog } from '../telemetry/access-loggers.ts';
import { ADS_SOURCE, type Json, TYPE } from '../types.ts';

export interface HcmOptions {
  statPrefix: string;
  routeConfigName: string;
  /** Connection idle timeout (common_http_protocol_options.idle_timeout). */
  idleTimeout?: string;
  /** HTTP filters placed before the router (which is always last). */
  filters?: Json[];
  /** An egress HCM (the proxy calling its backends): reports each request to the daemon when telemetry is on. */
  egress?: boolean;
}

function accessLogs(ctx: Ctx, extra: Json | undefined): Json[] | undefined {
  if (!extra) return ctx.accessLog;
  return [...(ctx.accessLog ?? []), extra];
}

/** An HttpConnectionManager fetching its routes over RDS/ADS, router filter last. */
export function hcmFilter(ctx: Ctx, o: HcmOptions): Json {
  const cfg: Json = {
    '@type': TYPE.hcm,
    stat_prefix: o.statPrefix,
    codec_type: 'AUTO',
    rds: { route_config_name: o.routeConfigName, config_source: ADS_SOURCE },
    http_filters: [
      ...(o.filters ?? []),
      { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } },
    ],
  };
  if (o.idleTimeout) cfg.common_http_protocol_options = { idle_timeout: o.idleTimeout };
  const logs = accessLogs(ctx, o.egress ? httpTelemetryLog(ctx) : undefined);
  if (logs) cfg.access_log = logs;
  if (ctx.tracing) cfg.tracing = ctx.tracing;
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: cfg };
}

/** A tcp_proxy; `egressService` names the virtual service it reaches, for telemetry. */
export function tcpProxyFilter(
  ctx: Ctx,
  statPrefix: string,
  target: Json,
  idleTimeout?: string,
  egressService?: string,
): Json {
  const cfg: Json = { '@type': TYPE.tcpProxy, stat_prefix: statPrefix, ...target };
  if (idleTimeout) cfg.idle_timeout = idleTimeout;
  const telemetry = egressService !== undefined ? tcpTelemetryLog(ctx, egressService) : undefined;
  const logs = accessLogs(ctx, telemetry);
  if (logs) cfg.access_log = logs;
  if (telemetry) {
    cfg.access_log_options = {
      access_log_flush_interval: ctx.opts.telemetry!.tcpReportInterval,
      flush_access_log_on_connected: true,
    };
  }
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: cfg };
}

export const ORIGINAL_DST_FILTER = {
  name: 'envoy.filters.listener.original_dst',
  typed_config: { '@type': TYPE.originalDst },
};
export const TLS_INSPECTOR_FILTER = {
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: { '@type': TYPE.tlsInspector },
};

export function socketAddress(address: string, port: number): Json {
  return { socket_address: { address, port_value: port } };
}
