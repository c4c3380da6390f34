import type { ReachableService, WeightedTarget } from '@plexus/graph';
import { egressCluster } from '../clusters/egress.ts';
import { type Ctx, targetListener } from '../context.ts';
import type { Json } from '../types.ts';

/** Weighted targets (node + optional port) → a `cluster` or `weighted_clusters` action part; undefined if none resolve. */
export function targetClusters(ctx: Ctx, targets: WeightedTarget[], via: ReachableService): Json | undefined {
  const resolved: { name: string; weight: number }[] = [];
  for (const t of targets) {
    const l = targetListener(ctx, t.virtualNode, t.port);
    if (!l) continue;
    const name = egressCluster(ctx, t.virtualNode, l, via);
    const same = resolved.find((r) => r.name === name);
    if (same) same.weight += t.weight;
    else resolved.push({ name, weight: t.weight });
  }
  const live = resolved.filter((r) => r.weight > 0);
  if (live.length === 0) return undefined;
  if (live.length === 1) return { cluster: live[0]!.name };
  return { weighted_clusters: { clusters: live } };
}
