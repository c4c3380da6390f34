import { viewsHoldingInput } from './build-graph.ts';
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

/** Per graph (graphs are immutable once built): `mesh/node` → the proxies using that node, sorted. */
const usersByGraph = new WeakMap<MeshGraph, Map<string, string[]>>();

function usersOf(graph: MeshGraph): Map<string, string[]> {
  let users = usersByGraph.get(graph);
  if (users) return users;
  users = new Map();
  for (const [id, view] of graph.proxies) {
    for (const node of view.upstreamNodes) {
      const k = `${view.ref.mesh}/${node}`;
      const list = users.get(k);
      if (list) list.push(id);
      else users.set(k, [id]);
    }
  }
  for (const list of users.values()) list.sort();
  usersByGraph.set(graph, users);
  return users;
}

/**
 * Proxies holding a cluster of virtual node `mesh/node`: the ones to push when its endpoints change. On the
 * latest graph this reads the build's input index (every upstream node is an input of the views using it), so
 * it costs O(result); on an older graph the node → proxies index is built once per graph.
 */
export function proxiesUsingNode(graph: MeshGraph, mesh: string, node: string): string[] {
  const holders = viewsHoldingInput(graph, `VirtualNode/${mesh}/${node}`);
  if (!holders) return [...(usersOf(graph).get(`${mesh}/${node}`) ?? [])];
  const out: string[] = [];
  for (const id of holders) if (graph.proxies.get(id)?.upstreamNodes.includes(node)) out.push(id);
  return out.sort();
}
