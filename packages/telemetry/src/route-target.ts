import { DDSketch } from '@datadog/sketches-js';
import type { EdgeStore } from './edge-store.ts';
import { sketchQuantiles } from './latency.ts';

/** One route's traffic to one target virtual node, from every caller (what a canary gate judges). */
export interface RouteTargetRef {
  mesh: string;
  virtualRouter: string;
  route: string;
  targetVirtualNode: string;
}

export interface RouteTargetWindow {
  requests: number;
  /** 5xx and no response (see isError). */
  errors: number;
  errorRate: number;
  /** Milliseconds over the latency slots covering the window; null without requests. */
  p99Ms: number | null;
}

/** The last `seconds` of every HTTP edge that took `ref`'s route to its target node, summed over callers. */
export function routeTargetWindow(store: EdgeStore, ref: RouteTargetRef, seconds: number): RouteTargetWindow {
  const now = store.now();
  let requests = 0;
  let errors = 0;
  const merged = new DDSketch({ relativeAccuracy: 0.01 });
  for (const e of store.edges()) {
    const l = e.labels;
    if (l.protocol !== 'http' || l.mesh !== ref.mesh || l.virtualRouter !== ref.virtualRouter) continue;
    if (l.route !== ref.route || l.targetVirtualNode !== ref.targetVirtualNode) continue;
    const w = store.windowOf(e, seconds, now);
    requests += w.requests;
    errors += w.errors;
    e.latency.mergeInto(merged, now, seconds);
  }
  return {
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    p99Ms: requests > 0 ? (sketchQuantiles(merged)?.p99 ?? null) : null,
  };
}
