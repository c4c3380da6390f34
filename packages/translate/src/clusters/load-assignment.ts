import type { StaticEndpoint } from '@plexus/graph';
import type { Endpoint } from '@plexus/plugin-api';
import { socketAddress } from '../common/hcm.ts';
import type { Json } from '../types.ts';

const HEALTH: Record<Endpoint['health'], string> = {
  healthy: 'HEALTHY',
  draining: 'DRAINING',
  unhealthy: 'UNHEALTHY',
};

/**
 * Assignments already built from one endpoint list, by cluster name. Every proxy that calls a node gets the same
 * cluster from the same discovered list, so a 1,000-proxy mesh shares one object per cluster instead of holding a
 * copy per caller (~20 MB at 10 endpoints per node). Results are never mutated after they are returned.
 */
const built = new WeakMap<Endpoint[], Map<string, Json>>();

/**
 * Endpoints → ClusterLoadAssignment, one locality per (region, zone), each with a load_balancing_weight
 * (gRPC drops a locality without one).
 */
export function loadAssignment(clusterName: string, endpoints: Endpoint[]): Json {
  let byCluster = built.get(endpoints);
  if (!byCluster) {
    byCluster = new Map();
    built.set(endpoints, byCluster);
  }
  let cla = byCluster.get(clusterName);
  if (!cla) {
    cla = buildLoadAssignment(clusterName, endpoints);
    byCluster.set(clusterName, cla);
  }
  return cla;
}

function buildLoadAssignment(clusterName: string, endpoints: Endpoint[]): Json {
  const groups = new Map<string, { region?: string; zone?: string; lb: Json[] }>();
  const sorted = [...endpoints].sort((a, b) =>
    `${a.region ?? ''}/${a.zone ?? ''}/${a.address}/${a.port}`.localeCompare(
      `${b.region ?? ''}/${b.zone ?? ''}/${b.address}/${b.port}`,
    ),
  );
  for (const e of sorted) {
    const k = `${e.region ?? ''}/${e.zone ?? ''}`;
    let g = groups.get(k);
    if (!g) {
      g = { region: e.region, zone: e.zone, lb: [] };
      groups.set(k, g);
    }
    g.lb.push({
      endpoint: { address: socketAddress(e.address, e.port) },
      health_status: HEALTH[e.health] ?? 'UNKNOWN',
    });
  }
  return {
    cluster_name: clusterName,
    endpoints: [...groups.values()].map((g) => ({
      locality: { ...(g.region ? { region: g.region } : {}), ...(g.zone ? { zone: g.zone } : {}) },
      load_balancing_weight: 1,
      lb_endpoints: g.lb,
    })),
  };
}

/** The embedded `static` discovery: endpoints written in the spec, port defaulting to the listener's. */
export function staticEndpoints(list: StaticEndpoint[], listenerPort: number): Endpoint[] {
  return list.map((e) => ({
    address: e.address,
    port: e.port ?? listenerPort,
    health: 'healthy' as const,
    ...(e.zone ? { zone: e.zone } : {}),
  }));
}
