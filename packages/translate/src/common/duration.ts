import type { Duration } from '@plexus/graph';

export function millis(d: Duration | undefined): number | undefined {
  if (!d || d.value === undefined) return undefined;
  return d.unit === 's' ? d.value * 1000 : d.value;
}

/** proto3 JSON Duration text: 15000 → "15s", 250 → "0.250s". */
export function durationText(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = Math.round(ms % 1000);
  return frac ? `${whole}.${String(frac).padStart(3, '0')}s` : `${whole}s`;
}

export function duration(d: Duration | undefined): string | undefined {
  const ms = millis(d);
  return ms === undefined ? undefined : durationText(ms);
}
