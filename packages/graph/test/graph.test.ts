import { affectedProxies, buildGraph, parseProxyId, proxiesUsingNode, proxyIds } from '@plexus/graph';
import { describe, expect, it } from 'vitest';
import { res, smallMesh } from './helpers.ts';

describe('parseProxyId', () => {
  it('reads the short forms and ARNs of nodes and gateways', () => {
    expect(parseProxyId('mesh/m/virtualNode/front')).toEqual({
      kind: 'virtualNode',
      mesh: 'm',
      name: 'front',
    });
    expect(parseProxyId('mesh/m/virtualGateway/gw')).toEqual({
      kind: 'virtualGateway',
      mesh: 'm',
      name: 'gw',
    });
    expect(parseProxyId('arn:aws:appmesh:us-west-2:123456789012:mesh/m/virtualNode/front')).toEqual({
      kind: 'virtualNode',
      mesh: 'm',
      name: 'front',
    });
    expect(parseProxyId('arn:aws:appmesh:eu-west-1:1:mesh/m/virtualGateway/gw')?.kind).toBe('virtualGateway');
    expect(parseProxyId('mesh/shared@111122223333/virtualNode/x')?.mesh).toBe('shared');
  });
  it('rejects anything else', () => {
    for (const bad of [
      '',
      'front',
      'mesh/m/virtualRouter/r',
      'mesh/m/virtualNode/',
      'mesh//virtualNode/x',
      'arn:aws:s3:::b',
    ]) {
      expect(parseProxyId(bad), bad).toBeNull();
    }
  });
});

describe('buildGraph', () => {
  it('resolves services, routers (routes in priority order) and per-proxy views', () => {
    const g = buildGraph(smallMesh());
    expect(g.unresolved).toEqual([]);
    expect(proxyIds(g)).toEqual([
      'mesh/m/virtualGateway/gw',
      'mesh/m/virtualNode/blue',
      'mesh/m/virtualNode/db',
      'mesh/m/virtualNode/front',
      'mesh/m/virtualNode/lonely',
      'mesh/m/virtualNode/red',
    ]);
    expect(g.routers.get('m/color')!.routes.map((r) => r.name)).toEqual(['a', 'b']);
    const front = g.proxies.get('mesh/m/virtualNode/front')!;
    expect(front.services.map((s) => s.name)).toEqual(['color']);
    expect(front.upstreamNodes).toEqual(['blue', 'red']);
    expect(front.inputs).toContain('Route/m/color/a');
    expect(g.proxies.get('mesh/m/virtualNode/lonely')!.services).toEqual([]);
    const gw = g.proxies.get('mesh/m/virtualGateway/gw')!;
    expect(gw.services.map((s) => s.name)).toEqual(['db']);
    expect(gw.upstreamNodes).toEqual(['db']);
  });

  it('ALLOW_ALL makes every virtual service of the mesh reachable', () => {
    const g = buildGraph(smallMesh('ALLOW_ALL'));
    const lonely = g.proxies.get('mesh/m/virtualNode/lonely')!;
    expect(lonely.services.map((s) => [s.name, s.implicit])).toEqual([
      ['color', true],
      ['db', true],
    ]);
  });

  it('records unresolved references instead of failing', () => {
    const g = buildGraph([
      res('Mesh', 'm', 'm', {}),
      res('VirtualNode', 'm', 'a', { backends: [{ virtualService: { virtualServiceName: 'nope' } }] }),
      res('VirtualService', 'm', 's', { provider: { virtualNode: { virtualNodeName: 'ghost' } } }),
    ]);
    expect(g.unresolved).toEqual([
      'VirtualService/m/s -> VirtualNode/m/ghost',
      'VirtualNode/m/a -> VirtualService/m/nope',
    ]);
  });
});

describe('affectedProxies', () => {
  it('is empty for the same input, whatever the key order', () => {
    const a = smallMesh();
    const b = smallMesh().map((r) => ({ ...r, spec: JSON.parse(JSON.stringify(r.spec)) }));
    expect(affectedProxies(buildGraph(a), buildGraph(b)).size).toBe(0);
  });

  it('names exactly the proxies whose closure holds a changed route', () => {
    const before = buildGraph(smallMesh());
    const changed = smallMesh().map((r) =>
      r.kind === 'Route' && r.name === 'a' ? { ...r, spec: { ...(r.spec as object), priority: 5 } } : r,
    );
    expect([...affectedProxies(before, buildGraph(changed))]).toEqual(['mesh/m/virtualNode/front']);
  });

  it('a changed upstream listener affects the node and its clients; added and removed proxies count', () => {
    const before = buildGraph(smallMesh());
    const after = smallMesh()
      .filter((r) => r.name !== 'lonely')
      .map((r) =>
        r.kind === 'VirtualNode' && r.name === 'db'
          ? { ...r, spec: { listeners: [{ portMapping: { port: 5433, protocol: 'tcp' } }] } }
          : r,
      );
    after.push(res('VirtualNode', 'm', 'new', {}));
    expect([...affectedProxies(before, buildGraph(after))].sort()).toEqual([
      'mesh/m/virtualGateway/gw',
      'mesh/m/virtualNode/db',
      'mesh/m/virtualNode/lonely',
      'mesh/m/virtualNode/new',
    ]);
  });
});

describe('proxiesUsingNode', () => {
  it('names the proxies whose clusters hold a node (for endpoint changes)', () => {
    const g = buildGraph(smallMesh());
    expect(proxiesUsingNode(g, 'm', 'red')).toEqual(['mesh/m/virtualNode/front']);
    expect(proxiesUsingNode(g, 'm', 'db')).toEqual(['mesh/m/virtualGateway/gw']);
    expect(proxiesUsingNode(g, 'm', 'lonely')).toEqual([]);
  });

  it('answers from a per-graph index without letting a caller change it', () => {
    const g = buildGraph(smallMesh());
    proxiesUsingNode(g, 'm', 'red').push('mesh/m/virtualNode/intruder');
    expect(proxiesUsingNode(g, 'm', 'red')).toEqual(['mesh/m/virtualNode/front']);
    expect(proxiesUsingNode(g, 'other', 'red')).toEqual([]);
    expect(proxiesUsingNode(buildGraph(smallMesh('ALLOW_ALL')), 'm', 'db')).toContain(
      'mesh/m/virtualNode/front',
    );
  });
});
