import type { Kind, SpecResource } from '@plexus/spec';

/** A SpecResource built in code (tests only). */
export function res(
  kind: Kind,
  mesh: string,
  name: string,
  spec: unknown,
  parent?: { virtualRouter?: string; virtualGateway?: string },
): SpecResource {
  const position = { file: 'test.yaml', line: 1, col: 1 };
  return { kind, mesh, name, spec, format: 'native', position, positionOf: () => position, ...parent };
}

export function smallMesh(egress: 'ALLOW_ALL' | 'DROP_ALL' = 'DROP_ALL'): SpecResource[] {
  const listener = (port: number) => ({ portMapping: { port, protocol: 'http' } });
  return [
    res('Mesh', 'm', 'm', { egressFilter: { type: egress } }),
    res('VirtualNode', 'm', 'front', { backends: [{ virtualService: { virtualServiceName: 'color' } }] }),
    res('VirtualNode', 'm', 'lonely', {}),
    res('VirtualNode', 'm', 'red', { listeners: [listener(9080)] }),
    res('VirtualNode', 'm', 'blue', { listeners: [listener(9080)] }),
    res('VirtualNode', 'm', 'db', { listeners: [listener(5432)] }),
    res('VirtualRouter', 'm', 'color', { listeners: [listener(9080)] }),
    res(
      'Route',
      'm',
      'b',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
        },
      },
      { virtualRouter: 'color' },
    ),
    res(
      'Route',
      'm',
      'a',
      {
        priority: 1,
        httpRoute: {
          match: { prefix: '/red' },
          action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] },
        },
      },
      { virtualRouter: 'color' },
    ),
    res('VirtualService', 'm', 'color', { provider: { virtualRouter: { virtualRouterName: 'color' } } }),
    res('VirtualService', 'm', 'db', { provider: { virtualNode: { virtualNodeName: 'db' } } }),
    res('VirtualGateway', 'm', 'gw', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] }),
    res(
      'GatewayRoute',
      'm',
      'to-db',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'db' } } },
        },
      },
      { virtualGateway: 'gw' },
    ),
  ];
}
