import type { EndpointSet } from '@plexus/plugin-api';

/** A virtual node whose endpoint set appeared, disappeared or changed between two discovery snapshots. */
export interface ChangedNode {
  mesh: string;
  node: string;
}

function sameSet(a: EndpointSet, b: EndpointSet): boolean {
  if (a === b) return true;
  // Discovery hands out a fresh set object per snapshot but keeps the endpoint list of an unchanged node.
  if (a.endpoints === b.endpoints && a.stale === b.stale && a.source === b.source) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function nodeOf(key: string, set: EndpointSet): ChangedNode {
  if (set.mesh !== undefined && set.virtualNode !== undefined)
    return { mesh: set.mesh, node: set.virtualNode };
  const slash = key.indexOf('/');
  return { mesh: key.slice(0, slash), node: key.slice(slash + 1) };
}

/** The nodes whose endpoints differ between two `mesh/node`-keyed snapshots; unchanged sets cost O(1) each. */
export function changedEndpointNodes(
  before: Map<string, EndpointSet>,
  after: Map<string, EndpointSet>,
): ChangedNode[] {
  if (before === after) return [];
  const out: ChangedNode[] = [];
  for (const [key, set] of after) {
    const prev = before.get(key);
    if (!prev || !sameSet(prev, set)) out.push(nodeOf(key, set));
  }
  for (const [key, prev] of before) if (!after.has(key)) out.push(nodeOf(key, prev));
  return out;
}
