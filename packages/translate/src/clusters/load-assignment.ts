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
 * Endpoints → ClusterLoadAssignment, one locality per (region, zone), each with a load_balancing_weight
 * (gRPC drops a locality without one).
 */
export function loadAssignment(clusterName: string, endpoints: Endpoint[]): Json {
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
