import type { OutlierDetection } from '@plexus/graph';
import { duration } from '../common/duration.ts';
import type { Json } from '../types.ts';

/** App Mesh outlier detection (on the upstream node's listener) → the client's cluster outlier_detection. */
export function outlierDetection(o: OutlierDetection | undefined): Json | undefined {
  if (!o) return undefined;
  const out: Json = { consecutive_5xx: o.maxServerErrors, max_ejection_percent: o.maxEjectionPercent };
  const interval = duration(o.interval);
  if (interval) out.interval = interval;
  const base = duration(o.baseEjectionDuration);
  if (base) out.base_ejection_time = base;
  return out;
}
