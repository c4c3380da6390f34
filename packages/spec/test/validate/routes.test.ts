import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type SpecResource, validateResources } from '../../src/index.ts';
import { at, replace, resource, validMesh } from './helpers.ts';

const run = (...rs: SpecResource[]) =>
  validateResources(rs.reduce((all, r) => replace(all, r), validMesh())).map(formatDiagnostic);
const route = (spec: unknown) => resource('Route', 'color-route', spec, { virtualRouter: 'color' });
const targets = (...weights: number[]) => ({
  weightedTargets: weights.map((weight, i) => ({ virtualNode: i % 2 ? 'blue' : 'red', weight })),
});

describe('route rules', () => {
  it('at least one weight above 0', () => {
    expect(run(route({ httpRoute: { match: { prefix: '/' }, action: targets(0, 100) } }))).toEqual([]);
    const bad = route({ httpRoute: { match: { prefix: '/' }, action: targets(0, 0) } });
    expect(run(bad)).toEqual([
      `${at(bad, 'httpRoute', 'action', 'weightedTargets')}: Route m/color-route: spec.httpRoute.action.weightedTargets: at least one weighted target must have a weight above 0`,
    ]);
  });

  it("the route type matches the router listener's protocol", () => {
    const grpcRouter = resource('VirtualRouter', 'color', {
      listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }],
    });
    const grpc = route({ grpcRoute: { match: { serviceName: 'color.Color' }, action: targets(1) } });
    expect(run(grpcRouter, grpc)).toEqual([]);
    const http = route({ httpRoute: { match: { prefix: '/' }, action: targets(1) } });
    expect(run(grpcRouter, http)).toEqual([
      `${at(http, 'httpRoute')}: Route m/color-route: spec.httpRoute: httpRoute needs a http listener, but virtual router "color" listens with grpc on port 8080`,
    ]);
  });

  it("match.port picks one of the router's listeners, and is required when it has several", () => {
    const router = resource('VirtualRouter', 'color', {
      listeners: [
        { portMapping: { port: 8080, protocol: 'http' } },
        { portMapping: { port: 9090, protocol: 'tcp' } },
      ],
    });
    expect(run(router, route({ tcpRoute: { match: { port: 9090 }, action: targets(1) } }))).toEqual([]);
    const noPort = route({ tcpRoute: { action: targets(1) } });
    expect(run(router, noPort)).toEqual([
      `${at(noPort, 'tcpRoute')}: Route m/color-route: spec.tcpRoute.match.port: match.port is required: virtual router "color" has several listeners (8080, 9090)`,
    ]);
    const wrongProto = route({ tcpRoute: { match: { port: 8080 }, action: targets(1) } });
    expect(run(router, wrongProto)).toEqual([
      `${at(wrongProto, 'tcpRoute')}: Route m/color-route: spec.tcpRoute: tcpRoute needs a tcp listener, but virtual router "color" listens with http on port 8080`,
    ]);
    const unknownPort = route({ httpRoute: { match: { prefix: '/', port: 7070 }, action: targets(1) } });
    expect(run(router, unknownPort)).toEqual([
      `${at(unknownPort, 'httpRoute', 'match', 'port')}: Route m/color-route: spec.httpRoute.match.port: port 7070 is not a listener port of virtual router "color" (8080, 9090)`,
    ]);
  });

  it("a gateway route type matches the gateway listener's protocol", () => {
    const gr = resource(
      'GatewayRoute',
      'to-color',
      {
        grpcRoute: {
          match: {},
          action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
        },
      },
      { virtualGateway: 'gw' },
    );
    expect(run(gr)).toEqual([
      `${at(gr, 'grpcRoute')}: GatewayRoute m/to-color: spec.grpcRoute: grpcRoute needs a grpc listener, but virtual gateway "gw" listens with http on port 8088`,
    ]);
  });

  it('match prefixes start with "/"', () => {
    const bad = route({ http2Route: { match: { prefix: 'api' }, action: targets(1) } });
    const router = resource('VirtualRouter', 'color', {
      listeners: [{ portMapping: { port: 8080, protocol: 'http2' } }],
    });
    expect(run(router, route({ http2Route: { match: { prefix: '/api' }, action: targets(1) } }))).toEqual([]);
    expect(run(router, bad)).toEqual([
      `${at(bad, 'http2Route', 'match', 'prefix')}: Route m/color-route: spec.http2Route.match.prefix: prefix must start with "/"`,
    ]);
    const gr = resource(
      'GatewayRoute',
      'to-color',
      {
        httpRoute: {
          match: { prefix: 'color' },
          action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
        },
      },
      { virtualGateway: 'gw' },
    );
    expect(run(gr)).toEqual([
      `${at(gr, 'httpRoute', 'match', 'prefix')}: GatewayRoute m/to-color: spec.httpRoute.match.prefix: prefix must start with "/"`,
    ]);
  });

  it('prefix and path are exclusive', () => {
    expect(run(route({ httpRoute: { match: { path: { exact: '/a' } }, action: targets(1) } }))).toEqual([]);
    const bad = route({ httpRoute: { match: { prefix: '/', path: { exact: '/a' } }, action: targets(1) } });
    expect(run(bad)).toEqual([
      `${at(bad, 'httpRoute', 'match', 'path')}: Route m/color-route: spec.httpRoute.match.path: prefix and path are mutually exclusive: set only one of prefix, path`,
    ]);
  });

  it('a gRPC methodName needs a serviceName', () => {
    const grpcRouter = resource('VirtualRouter', 'color', {
      listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }],
    });
    expect(
      run(
        grpcRouter,
        route({ grpcRoute: { match: { serviceName: 's', methodName: 'M' }, action: targets(1) } }),
      ),
    ).toEqual([]);
    const bad = route({ grpcRoute: { match: { methodName: 'M' }, action: targets(1) } });
    expect(run(grpcRouter, bad)).toEqual([
      `${at(bad, 'grpcRoute', 'match', 'methodName')}: Route m/color-route: spec.grpcRoute.match.methodName: methodName requires serviceName`,
    ]);
  });

  it('exactly one route type', () => {
    const bad = route({});
    expect(run(bad)).toEqual([
      `${at(bad)}: Route m/color-route: spec: exactly one of httpRoute, http2Route, grpcRoute, tcpRoute must be set, got none`,
    ]);
  });
});
