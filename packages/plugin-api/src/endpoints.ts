/** Health of one endpoint as a discovery source reports it. */
export type EndpointHealth = 'healthy' | 'draining' | 'unhealthy';

export interface Endpoint {
  /** IP literal (v4 or v6). */
  address: string;
  port: number;
  zone?: string;
  region?: string;
  health: EndpointHealth;
  metadata?: Record<string, string>;
}

/** Endpoints of one virtual node, keyed by `mesh/virtualNode`. */
export interface EndpointSet {
  mesh: string;
  virtualNode: string;
  endpoints: Endpoint[];
  /** True when the source failed and these are the last endpoints it reported. */
  stale?: boolean;
  /** Which plugin produced them (e.g. `static`, `ecs`). */
  source: string;
  /** True (with `endpoints: []`) when the node no longer has a discovery target: drop the set. */
  removed?: boolean;
}

export function endpointKey(mesh: string, virtualNode: string): string {
  return `${mesh}/${virtualNode}`;
}
