import { hashText, type MeshGraph, type ProxyRef, proxyKey, stableStringify } from '@plexus/graph';
import { translateProxy } from './translate-proxy.ts';
import type { EndpointLookup, EnvoyConfig, TranslateOptions } from './types.ts';

export interface ProxyTranslator {
  /** translateProxy, reusing the last result for this proxy when its inputs and upstream endpoints are unchanged. */
  translate(graph: MeshGraph, proxy: ProxyRef, endpoints: EndpointLookup): EnvoyConfig;
  /** Drops a proxy's cached result (e.g. when it left the graph). */
  forget(proxyId: string): void;
  readonly stats: { hits: number; misses: number };
}

/**
 * A per-proxy cache over translateProxy keyed by content: the proxy's input-closure hash (from the graph) and
 * the endpoints of its upstream nodes. Results are shared, not copied: treat them as read-only.
 */
export function createProxyTranslator(options?: TranslateOptions): ProxyTranslator {
  const cache = new Map<string, { key: string; config: EnvoyConfig }>();
  const stats = { hits: 0, misses: 0 };
  return {
    stats,
    forget: (id) => void cache.delete(id),
    translate(graph, proxy, endpoints) {
      const id = proxyKey(proxy);
      const view = graph.proxies.get(id);
      if (!view) return translateProxy(graph, proxy, endpoints, options);
      const eps = view.upstreamNodes.map((n) => endpoints(proxy.mesh, n)?.endpoints ?? null);
      const key = `${view.hash}:${hashText(stableStringify(eps))}`;
      const hit = cache.get(id);
      if (hit?.key === key) {
        stats.hits++;
        return hit.config;
      }
      stats.misses++;
      const config = translateProxy(graph, proxy, endpoints, options);
      cache.set(id, { key, config });
      return config;
    },
  };
}
