import type { DaemonOptions } from './options.ts';

/** The telemetry settings a daemon runs with (DaemonOptions.telemetry, defaults filled in). */
export interface ResolvedTelemetry {
  enabled: boolean;
  grpcCluster: string;
  flushInterval: string;
  maxEdges: number;
  expireAfterMs: number;
}

export function resolveTelemetry(o: DaemonOptions): ResolvedTelemetry {
  const t = o.telemetry ?? {};
  return {
    enabled: t.enabled ?? true,
    grpcCluster: t.grpcCluster ?? 'xds_cluster',
    flushInterval: t.flushInterval ?? '1s',
    maxEdges: t.maxEdges ?? 10_000,
    expireAfterMs: t.expireAfterMs ?? 10 * 60_000,
  };
}

/**
 * The translate options with the egress access loggers turned on (or the caller's options untouched when
 * telemetry is off): every proxy streams to the access log service on the xDS port through `grpcCluster`.
 */
export function withTelemetry(
  options: DaemonOptions['translateOptions'],
  t: ResolvedTelemetry,
): DaemonOptions['translateOptions'] {
  if (!t.enabled) return options;
  const telemetry = { grpcCluster: t.grpcCluster, flushInterval: t.flushInterval };
  if (typeof options === 'function') return (key: string) => ({ ...(options(key) ?? {}), telemetry });
  return { ...(options ?? {}), telemetry };
}
