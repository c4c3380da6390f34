import type { V1EndpointConditions, V1EndpointSlice } from '@kubernetes/client-node';
import type { Endpoint, EndpointHealth } from '@plexus/plugin-api';

/**
 * EndpointSlice conditions → endpoint health:
 * - terminating → `draining` (whether or not it still serves: it is going away, finish in-flight work);
 * - otherwise ready (or unset, which Kubernetes defines as ready) → `healthy`;
 * - otherwise serving → `healthy` (Kubernetes keeps serving == ready for endpoints that are not terminating);
 * - otherwise (readiness probe failing, pod starting) → `unhealthy`.
 */
export function endpointHealth(c: V1EndpointConditions | undefined): EndpointHealth {
  if (c?.terminating === true) return 'draining';
  if (c?.ready !== false) return 'healthy';
  if (c.serving === true) return 'healthy';
  return 'unhealthy';
}

export interface SliceSelection {
  /** Port number, or the name of an EndpointSlice port; undefined → `listenerPort`, then the slice's first port. */
  port?: number | string;
  listenerPort?: number;
  /** Pod mode: only endpoints whose targetRef is one of these pods (by name) count. */
  pods?: ReadonlySet<string>;
}

const RANK: Record<EndpointHealth, number> = { healthy: 0, draining: 1, unhealthy: 2 };

/** The endpoints of `slices`, one per address:port (the healthiest wins), sorted by address then port. */
export function endpointsFromSlices(slices: Iterable<V1EndpointSlice>, sel: SliceSelection): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const port = slicePort(slice, sel);
    if (port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const pod = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined;
      if (sel.pods && (pod === undefined || !sel.pods.has(pod))) continue;
      const health = endpointHealth(ep.conditions);
      const metadata: Record<string, string> = {};
      if (slice.metadata?.name) metadata.endpointSlice = slice.metadata.name;
      if (pod) metadata.pod = pod;
      if (ep.nodeName) metadata.nodeName = ep.nodeName;
      // An endpoint lists one address per pod in practice; Kubernetes allows more, all equivalent.
      for (const address of ep.addresses ?? []) {
        const key = `${address}|${port}`;
        const prev = byKey.get(key);
        if (prev && RANK[prev.health] <= RANK[health]) continue;
        const e: Endpoint = { address, port, health, metadata };
        if (ep.zone) e.zone = ep.zone;
        byKey.set(key, e);
      }
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port,
  );
}

function slicePort(slice: V1EndpointSlice, sel: SliceSelection): number | undefined {
  if (typeof sel.port === 'number') return sel.port;
  if (typeof sel.port === 'string') return slice.ports?.find((p) => p.name === sel.port)?.port;
  return sel.listenerPort ?? slice.ports?.find((p) => p.port !== undefined)?.port;
}
