import type { DaemonOptions } from './options.ts';

/** The telemetry settings a daemon runs with (DaemonOptions.telemetry, defaults filled in). */
export interface ResolvedTelemetry {
  enabled: boolean;
  grpcCluster: string;
  flushInterval: string;
  maxEdges: number;
  expireAfterMs: number;
}

/** `500ms`, `1s`, `1.5s` → proto3 JSON seconds (`0.5s`); throws naming the setting otherwise. */
export function protoDuration(value: string, setting: string): string {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0)
    throw new Error(`${setting}: expected a duration such as 500ms or 1s, got '${value}'`);
  const seconds = m[2] === 'ms' ? Number(m[1]) / 1000 : Number(m[1]);
  return `${seconds}s`;
}

export function resolveTelemetry(o: DaemonOptions): ResolvedTelemetry {
  const t = o.telemetry ?? {};
  return {
    enabled: t.enabled ?? true,
    grpcCluster: t.grpcCluster ?? 'xds_cluster',
    flushInterval: protoDuration(t.flushInterval ?? '1s', 'telemetry.flushInterval'),
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
