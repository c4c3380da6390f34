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

function nodeOf(set: EndpointSet): ChangedNode {
  return { mesh: set.mesh, node: set.virtualNode };
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
    if (!prev || !sameSet(prev, set)) out.push(nodeOf(set));
  }
  for (const [key, prev] of before) if (!after.has(key)) out.push(nodeOf(prev));
  return out;
}
