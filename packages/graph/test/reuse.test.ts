import type { SpecResource } from '@plexus/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affectedProxies, buildGraph, proxiesUsingNode } from '../src/index.ts';
import { res, smallMesh } from './helpers.ts';

/** One edit: a resource replaced by a new object with another spec (as a re-parsed file gives). */
const EDITS: Array<(rs: SpecResource[]) => SpecResource[]> = [
  // a route now targets another node
  (rs) =>
    rs.map((r) =>
      r.kind === 'Route' && r.name === 'b'
        ? res(
            'Route',
            'm',
            'b',
            {
              httpRoute: {
                match: { prefix: '/' },
                action: { weightedTargets: [{ virtualNode: 'db', weight: 1 }] },
              },
            },
            { virtualRouter: 'color' },
          )
        : r,
    ),
  // a node gains a backend
  (rs) =>
    rs.map((r) =>
      r.kind === 'VirtualNode' && r.name === 'lonely'
        ? res('VirtualNode', 'm', 'lonely', { backends: [{ virtualService: { virtualServiceName: 'db' } }] })
        : r,
    ),
  // the mesh opens egress (every node reaches every service)
  (rs) =>
    rs.map((r) => (r.kind === 'Mesh' ? res('Mesh', 'm', 'm', { egressFilter: { type: 'ALLOW_ALL' } }) : r)),
  // a service switches provider
  (rs) =>
    rs.map((r) =>
      r.kind === 'VirtualService' && r.name === 'db'
        ? res('VirtualService', 'm', 'db', { provider: { virtualNode: { virtualNodeName: 'red' } } })
        : r,
    ),
  // a node's own spec changes (the proxies that reach it now must see it, whichever route made them reach it)
  (rs) =>
    rs.map((r) =>
      r.kind === 'VirtualNode' && r.name === 'db'
        ? res('VirtualNode', 'm', 'db', { listeners: [{ portMapping: { port: 5433, protocol: 'tcp' } }] })
        : r,
    ),
  // a resource removed, one added
  (rs) => rs.filter((r) => !(r.kind === 'Route' && r.name === 'a')),
  (rs) => [
    ...rs,
    res('VirtualService', 'm', 'extra', { provider: { virtualNode: { virtualNodeName: 'blue' } } }),
  ],
  // an unchanged copy of everything (new objects, same content)
  (rs) => rs.map((r) => ({ ...r })),
];

/** Every `mesh/node` → the proxies holding its cluster, by scanning the views (what proxiesUsingNode must answer). */
const scanUsers = (g: ReturnType<typeof buildGraph>) => {
  const out = new Map<string, string[]>();
  for (const n of g.virtualNodes.values()) {
    const users = [...g.proxies.values()].filter(
      (v) => v.ref.mesh === n.mesh && v.upstreamNodes.includes(n.name),
    );
    out.set(`${n.mesh}/${n.name}`, users.map((v) => v.id).sort());
  }
  return out;
};
const askUsers = (g: ReturnType<typeof buildGraph>) =>
  new Map(
    [...g.virtualNodes.values()].map((n) => [`${n.mesh}/${n.name}`, proxiesUsingNode(g, n.mesh, n.name)]),
  );

/** What translate and the change analysis read of a graph. */
const view = (g: ReturnType<typeof buildGraph>) => ({
  proxies: [...g.proxies.values()],
  unresolved: [...g.unresolved].sort(),
  services: [...g.services.keys()],
  routers: [...g.routers.values()].map((r) => [r.name, r.routes.map((x) => x.name)]),
});

describe('buildGraph with the previous graph', () => {
  it('keeps the view object of a proxy whose inputs are the same objects', () => {
    const first = smallMesh();
    const g1 = buildGraph(first);
    const edited = EDITS[0](first);
    const g2 = buildGraph(edited, g1);
    // front uses the router whose route changed; db does not
    expect(g2.proxies.get('mesh/m/virtualNode/front')).not.toBe(g1.proxies.get('mesh/m/virtualNode/front'));
    expect(g2.proxies.get('mesh/m/virtualNode/db')).toBe(g1.proxies.get('mesh/m/virtualNode/db'));
    expect([...affectedProxies(g1, g2)]).toEqual(['mesh/m/virtualNode/front']);
  });

  it('a proxy rebuilt by one edit is found again by the next edit of what it now reaches', () => {
    const base = smallMesh();
    const g1 = buildGraph(base);
    const rs1 = EDITS[0](base); // front's route now targets db
    const g2 = buildGraph(rs1, g1);
    const rs2 = EDITS[4](rs1); // db's listener changes
    const g3 = buildGraph(rs2, g2);
    const front = 'mesh/m/virtualNode/front';
    expect(g3.proxies.get(front)?.hash).toBe(buildGraph(rs2).proxies.get(front)?.hash);
    expect(g3.proxies.get(front)?.hash).not.toBe(g2.proxies.get(front)?.hash);
    // the previous graph is still a valid base: building from it again gives the same
    expect(view(buildGraph(rs2, g2))).toEqual(view(g3));
    // and so is g1, whose front still reaches blue: a blue edit from g1 must rebuild front
    const blue = base.map((r) =>
      r.kind === 'VirtualNode' && r.name === 'blue'
        ? { ...r, spec: { listeners: [{ portMapping: { port: 9999, protocol: 'http' } }] } }
        : r,
    );
    expect(view(buildGraph(blue, g1))).toEqual(view(buildGraph(blue)));
  });

  it('property: any sequence of edits builds the same graph as a fresh build', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: EDITS.length - 1 }), { maxLength: 6 }), (steps) => {
        let rs = smallMesh();
        let g = buildGraph(rs);
        for (const s of steps) {
          const next = EDITS[s](rs);
          const patched = buildGraph(next, g);
          const fresh = buildGraph(next);
          expect(view(patched)).toEqual(view(fresh));
          expect(affectedProxies(g, patched)).toEqual(affectedProxies(g, fresh));
          // endpoint changes: the latest graph answers from its build index, an older one (whose index the
          // next build took) by scanning; both must name exactly the views holding the node
          expect(askUsers(patched)).toEqual(scanUsers(patched));
          expect(askUsers(g)).toEqual(scanUsers(g));
          rs = next;
          g = patched;
        }
      }),
      { numRuns: 100 },
    );
  });
});
