/** Slow start: a new endpoint of the target node ramps from a share of its weight over a window. */
import type { Ctx } from '../context.ts';
import { names } from '../names.ts';
import { envoyDuration } from './envoy-types.ts';

export function applySlowStart(ctx: Ctx): void {
  const mesh = ctx.proxy.mesh;
  for (const [name, cluster] of ctx.clusters) {
    const node = nodeOfCluster(ctx, name);
    if (!node) continue;
    const s = ctx.graph.policies.get(`VirtualNode/${mesh}/${node}`)?.traffic?.spec?.slowStart;
    if (!s) continue;
    cluster.lb_policy = 'ROUND_ROBIN';
    cluster.round_robin_lb_config = {
      slow_start_config: {
        slow_start_window: envoyDuration(s.window),
        aggression: { default_value: s.aggression ?? 1, runtime_key: `plexus.slow_start.${node}.aggression` },
        min_weight_percent: { value: s.minWeightPercent ?? 10 },
      },
    };
  }
}

/** The virtual node of an egress cluster this proxy holds (`cds_egress_<mesh>_<node>_<protocol>_<port>`). */
export function nodeOfCluster(ctx: Ctx, clusterName: string): string | undefined {
  for (const key of ctx.graph.virtualNodes.keys()) {
    const [m, node] = key.split('/') as [string, string];
    if (m !== ctx.proxy.mesh) continue;
    const prefix = names.egressCluster(m, node, '', 0).replace(/__0$/, '_');
    if (!clusterName.startsWith(prefix)) continue;
    const rest = clusterName.slice(prefix.length);
    if (/^(http|http2|grpc|tcp)_\d+$/.test(rest)) return node;
  }
  return undefined;
}
