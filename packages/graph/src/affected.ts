import type { MeshGraph } from './model.ts';

/** Ids of every proxy (`mesh/<m>/<kind>/<n>`) in the graph. */
export function proxyIds(graph: MeshGraph): string[] {
  return [...graph.proxies.keys()].sort();
}

/** Proxies whose input closure changed between two graphs, including proxies that appeared or disappeared. */
export function affectedProxies(before: MeshGraph, after: MeshGraph): Set<string> {
  const out = new Set<string>();
  for (const [id, view] of after.proxies) {
    if (before.proxies.get(id)?.hash !== view.hash) out.add(id);
  }
  for (const id of before.proxies.keys()) if (!after.proxies.has(id)) out.add(id);
  return out;
}

/** Proxies holding a cluster of virtual node `mesh/node`: the ones to push when its endpoints change. */
export function proxiesUsingNode(graph: MeshGraph, mesh: string, node: string): string[] {
  const out: string[] = [];
  for (const [id, view] of graph.proxies) {
    if (view.ref.mesh === mesh && view.upstreamNodes.includes(node)) out.push(id);
  }
  return out.sort();
}
