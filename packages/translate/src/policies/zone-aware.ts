/**
 * Zone preference: the calling proxy's egress endpoints in its own zone get priority 0, the rest of its region
 * priority 1, everything else priority 2. Envoy moves traffic down a priority only as endpoints there turn
 * unhealthy (discovery health, outlier detection), so traffic stays local until the local zone fails.
 */
import type { MeshGraph, ProxyRef } from '@plexus/graph';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';
import { nodeOfCluster } from './slow-start.ts';
import { ownPolicies } from './targets.ts';

/**
 * Whether the proxy's config depends on its locality (a zone preference is attached to it): only then is it
 * translated once per zone its replicas report.
 */
export function usesLocality(graph: MeshGraph, proxy: ProxyRef): boolean {
  const kind = proxy.kind === 'virtualNode' ? 'VirtualNode' : 'VirtualGateway';
  return (
    graph.policies.get(`${kind}/${proxy.mesh}/${proxy.name}`)?.traffic?.spec?.zoneAware?.preferLocalZone ===
    true
  );
}

export function applyZoneAware(ctx: Ctx): void {
  const z = ownPolicies(ctx)?.traffic?.spec?.zoneAware;
  const here = ctx.opts.locality;
  if (!z?.preferLocalZone || !here?.zone) return;
  const byRegion = z.preferLocalRegion ?? true;
  for (const [name, cla] of ctx.loadAssignments) {
    if (!nodeOfCluster(ctx, name)) continue;
    const groups = (cla.endpoints as Json[] | undefined) ?? [];
    const ranked = groups.map((g) => {
      const loc = (g.locality as { zone?: string; region?: string } | undefined) ?? {};
      const priority =
        loc.zone === here.zone && (!here.region || !loc.region || loc.region === here.region)
          ? 0
          : byRegion && here.region && loc.region === here.region
            ? 1
            : 2;
      return { ...g, priority };
    });
    // Priorities must be contiguous from 0.
    const used = [...new Set(ranked.map((g) => g.priority))].sort();
    const endpoints = ranked.map((g) => ({ ...g, priority: used.indexOf(g.priority) }));
    for (const e of endpoints) if (e.priority === 0) delete (e as Json).priority;
    // Assignments are shared between proxies (see load-assignment.ts): this one gets its own copy.
    ctx.loadAssignments.set(name, { ...cla, endpoints });
  }
}
