import type { OutlierDetection } from '@plexus/graph';
import { duration } from '../common/duration.ts';
import type { Json } from '../types.ts';

/**
 * Envoy's documented success-rate defaults, written out. Envoy behaves the same with or without them, but
 * grpc-js-xds (which reads only success-rate and failure-percentage ejection, gRFC A50) turns the unset fields
 * into explicit undefineds that override its own defaults and then throws in a timer on every interval.
 */
const SUCCESS_RATE_DEFAULTS = {
  enforcing_success_rate: 100,
  success_rate_minimum_hosts: 5,
  success_rate_request_volume: 100,
  success_rate_stdev_factor: 1900,
};

/** App Mesh outlier detection (on the upstream node's listener) → the client's cluster outlier_detection. */
export function outlierDetection(o: OutlierDetection | undefined): Json | undefined {
  if (!o) return undefined;
  const out: Json = {
    consecutive_5xx: o.maxServerErrors,
    max_ejection_percent: o.maxEjectionPercent,
    ...SUCCESS_RATE_DEFAULTS,
  };
  const interval = duration(o.interval);
  if (interval) out.interval = interval;
  const base = duration(o.baseEjectionDuration);
  if (base) out.base_ejection_time = base;
  return out;
}
