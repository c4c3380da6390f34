import { describe, expect, it } from 'vitest';
import { formatDiagnostic, validateResources } from '../../src/index.ts';
import { at, replace, resource, validMesh } from './helpers.ts';

describe('references within the mesh', () => {
  it('a virtual service provider node or router exists', () => {
    const byNode = resource('VirtualService', 'x.m.local', {
      provider: { virtualNode: { virtualNodeName: 'ghost' } },
    });
    const byRouter = resource('VirtualService', 'y.m.local', {
      provider: { virtualRouter: { virtualRouterName: 'ghost' } },
    });
    expect(validateResources([...validMesh(), byNode, byRouter]).map(formatDiagnostic)).toEqual([
      `${at(byNode, 'provider', 'virtualNode', 'virtualNodeName')}: VirtualService m/x.m.local: spec.provider.virtualNode.virtualNodeName: virtual node "ghost" is not defined in mesh "m"`,
      `${at(byRouter, 'provider', 'virtualRouter', 'virtualRouterName')}: VirtualService m/y.m.local: spec.provider.virtualRouter.virtualRouterName: virtual router "ghost" is not defined in mesh "m"`,
    ]);
  });

  it('a reference resolves only within the same mesh', () => {
    const other = [
      resource('Mesh', 'other', {}),
      resource(
        'VirtualService',
        's.other',
        { provider: { virtualNode: { virtualNodeName: 'red' } } },
        { mesh: 'other' },
      ),
    ];
    expect(validateResources([...validMesh(), ...other]).map(formatDiagnostic)).toEqual([
      `${at(other[1] as never, 'provider', 'virtualNode', 'virtualNodeName')}: VirtualService other/s.other: spec.provider.virtualNode.virtualNodeName: virtual node "red" is not defined in mesh "other"`,
    ]);
  });

  it("a virtual node's backends are virtual services", () => {
    const front = resource('VirtualNode', 'front', {
      listeners: [{ portMapping: { port: 9080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'front.m.local' } },
      backends: [
        { virtualService: { virtualServiceName: 'color.m.local' } },
        { virtualService: { virtualServiceName: 'ghost.m.local' } },
      ],
    });
    expect(validateResources(replace(validMesh(), front)).map(formatDiagnostic)).toEqual([
      `${at(front, 'backends', 1, 'virtualService', 'virtualServiceName')}: VirtualNode m/front: spec.backends[1].virtualService.virtualServiceName: virtual service "ghost.m.local" is not defined in mesh "m"`,
    ]);
  });

  it("a route's weighted targets are virtual nodes", () => {
    const route = resource(
      'Route',
      'color-route',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'ghost', weight: 1 }] },
        },
      },
      { virtualRouter: 'color' },
    );
    expect(validateResources(replace(validMesh(), route)).map(formatDiagnostic)).toEqual([
      `${at(route, 'httpRoute', 'action', 'weightedTargets', 0, 'virtualNode')}: Route m/color-route: spec.httpRoute.action.weightedTargets[0].virtualNode: virtual node "ghost" is not defined in mesh "m"`,
    ]);
  });

  it("a gateway route's target is a virtual service", () => {
    const gr = resource(
      'GatewayRoute',
      'to-color',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'ghost.m.local' } } },
        },
      },
      { virtualGateway: 'gw' },
    );
    expect(validateResources(replace(validMesh(), gr)).map(formatDiagnostic)).toEqual([
      `${at(gr, 'httpRoute', 'action', 'target', 'virtualService', 'virtualServiceName')}: GatewayRoute m/to-color: spec.httpRoute.action.target.virtualService.virtualServiceName: virtual service "ghost.m.local" is not defined in mesh "m"`,
    ]);
  });

  it('with partial, references outside the input are warnings', () => {
    const front = resource('VirtualNode', 'front', {
      backends: [{ virtualService: { virtualServiceName: 'elsewhere.m.local' } }],
    });
    const out = validateResources([resource('Mesh', 'm', {}), front], { partial: true });
    expect(out.map(formatDiagnostic)).toEqual([
      `${at(front, 'backends', 0, 'virtualService', 'virtualServiceName')}: VirtualNode m/front: spec.backends[0].virtualService.virtualServiceName: warning: virtual service "elsewhere.m.local" is not defined in mesh "m"`,
    ]);
    expect(out.every((d) => d.severity === 'warning')).toBe(true);
    expect(validateResources([resource('Mesh', 'm', {}), front])[0]?.severity).toBe('error');
  });
});

describe('target ports', () => {
  const twoPortNode = () =>
    resource('VirtualNode', 'red', {
      listeners: [
        { portMapping: { port: 8080, protocol: 'http' } },
        { portMapping: { port: 9090, protocol: 'http' } },
      ],
      serviceDiscovery: { static: { endpoints: [{ address: '127.0.0.1' }] } },
    });
  const route = (target: Record<string, unknown>) =>
    resource(
      'Route',
      'color-route',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'red', weight: 1, ...target }] },
        },
      },
      { virtualRouter: 'color' },
    );

  it('a weighted target port is one of the node listener ports, and required when it has several', () => {
    expect(validateResources(replace(replace(validMesh(), twoPortNode()), route({ port: 9090 })))).toEqual(
      [],
    );
    const noPort = route({});
    expect(
      validateResources(replace(replace(validMesh(), twoPortNode()), noPort)).map(formatDiagnostic),
    ).toEqual([
      `${at(noPort, 'httpRoute', 'action', 'weightedTargets', 0)}: Route m/color-route: spec.httpRoute.action.weightedTargets[0]: port is required: virtual node "red" has several listeners (8080, 9090)`,
    ]);
    const wrong = route({ port: 7070 });
    expect(validateResources(replace(validMesh(), wrong)).map(formatDiagnostic)).toEqual([
      `${at(wrong, 'httpRoute', 'action', 'weightedTargets', 0, 'port')}: Route m/color-route: spec.httpRoute.action.weightedTargets[0].port: port 7070 is not a listener port of virtual node "red" (8080)`,
    ]);
  });

  it("a gateway route target port is one its service's provider listens on", () => {
    const gr = (port: number) =>
      resource(
        'GatewayRoute',
        'to-color',
        {
          httpRoute: {
            match: { prefix: '/' },
            action: { target: { port, virtualService: { virtualServiceName: 'color.m.local' } } },
          },
        },
        { virtualGateway: 'gw' },
      );
    expect(validateResources(replace(validMesh(), gr(8080)))).toEqual([]);
    const wrong = gr(81);
    expect(validateResources(replace(validMesh(), wrong)).map(formatDiagnostic)).toEqual([
      `${at(wrong, 'httpRoute', 'action', 'target', 'port')}: GatewayRoute m/to-color: spec.httpRoute.action.target.port: port 81 is not a listener port of the provider of virtual service "color.m.local" (8080)`,
    ]);
  });
});
