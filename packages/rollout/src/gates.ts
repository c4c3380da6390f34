import { durationSeconds, type RolloutGates } from '@plexus/spec';
import type { RouteTargetWindow } from '@plexus/telemetry';

export const DEFAULT_MIN_REQUESTS = 10;
export const DEFAULT_GATE_WINDOW_SECONDS = 10;

export type Verdict =
  | { kind: 'pass' }
  /** Too few canary requests in the window to judge. */
  | { kind: 'insufficient'; requests: number; needed: number }
  | { kind: 'fail'; reason: string };

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** Judges the canary edge (and the stable edge, for the relative gates) over one window. */
export function judge(
  gates: RolloutGates | undefined,
  canary: RouteTargetWindow,
  stable: RouteTargetWindow,
  windowSeconds: number,
): Verdict {
  if (!gates) return { kind: 'pass' };
  const needed = gates.minRequests ?? DEFAULT_MIN_REQUESTS;
  if (canary.requests < needed) return { kind: 'insufficient', requests: canary.requests, needed };
  const over = `${canary.errors} of ${canary.requests} canary requests in the last ${windowSeconds}s`;
  if (gates.maxErrorRate !== undefined && canary.errorRate > gates.maxErrorRate) {
    return {
      kind: 'fail',
      reason: `canary error rate ${pct(canary.errorRate)} > maxErrorRate ${pct(gates.maxErrorRate)} (${over})`,
    };
  }
  if (
    gates.maxErrorRateAboveStable !== undefined &&
    canary.errorRate - stable.errorRate > gates.maxErrorRateAboveStable
  ) {
    return {
      kind: 'fail',
      reason: `canary error rate ${pct(canary.errorRate)} is ${pct(canary.errorRate - stable.errorRate)} above stable's ${pct(stable.errorRate)} > maxErrorRateAboveStable ${pct(gates.maxErrorRateAboveStable)} (${over})`,
    };
  }
  const p99 = canary.p99Ms;
  if (gates.maxP99 !== undefined && p99 !== null && p99 > durationSeconds(gates.maxP99) * 1000) {
    return {
      kind: 'fail',
      reason: `canary p99 ${Math.round(p99)} ms > maxP99 ${gates.maxP99} (${canary.requests} requests)`,
    };
  }
  if (
    gates.maxP99VsStable !== undefined &&
    p99 !== null &&
    stable.p99Ms !== null &&
    p99 > stable.p99Ms * gates.maxP99VsStable
  ) {
    return {
      kind: 'fail',
      reason: `canary p99 ${Math.round(p99)} ms > ${gates.maxP99VsStable}× stable's ${Math.round(stable.p99Ms)} ms`,
    };
  }
  return { kind: 'pass' };
}
