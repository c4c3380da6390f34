import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type SpecResource, validateResources } from '../../src/index.ts';
import { at, replace, resource, validMesh } from './helpers.ts';

const run = (r: SpecResource) => validateResources(replace(validMesh(), r)).map(formatDiagnostic);
const node = (
  listeners: unknown[],
  rest: Record<string, unknown> = { serviceDiscovery: { dns: { hostname: 'red.m.local' } } },
) => resource('VirtualNode', 'red', { listeners, ...rest });

describe('listener rules', () => {
  it('nodes, routers and gateways may have several listeners (App Mesh multiple listeners)', () => {
    const two = [
      { portMapping: { port: 8088, protocol: 'http' } },
      { portMapping: { port: 8089, protocol: 'http' } },
    ];
    const solo = resource('VirtualNode', 'solo', {
      listeners: two,
      serviceDiscovery: { dns: { hostname: 'solo.m.local' } },
    });
    const router = resource('VirtualRouter', 'r2', { listeners: two });
    const route = resource(
      'Route',
      'r2-route',
      {
        httpRoute: {
          match: { prefix: '/', port: 8089 },
          action: { weightedTargets: [{ virtualNode: 'solo', port: 8089, weight: 1 }] },
        },
      },
      { virtualRouter: 'r2' },
    );
    const gw = resource('VirtualGateway', 'gw', { listeners: two });
    const gr = resource(
      'GatewayRoute',
      'to-color',
      {
        httpRoute: {
          match: { prefix: '/', port: 8088 },
          action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
        },
      },
      { virtualGateway: 'gw' },
    );
    expect(validateResources([...replace(replace(validMesh(), gw), gr), solo, router, route])).toEqual([]);
  });

  it('listener ports are unique', () => {
    const dup = node([
      { portMapping: { port: 8080, protocol: 'http' } },
      { portMapping: { port: 8080, protocol: 'tcp' } },
    ]);
    expect(run(dup)).toEqual([
      `${at(dup, 'listeners', 1, 'portMapping', 'port')}: VirtualNode m/red: spec.listeners[1].portMapping.port: port 8080 is already used by listeners[0]`,
    ]);
  });

  it('the connection pool type matches the listener protocol', () => {
    expect(
      run(
        node([
          { portMapping: { port: 8080, protocol: 'http2' }, connectionPool: { http2: { maxRequests: 5 } } },
        ]),
      ),
    ).toEqual([]);
    const bad = node([
      { portMapping: { port: 8080, protocol: 'http' }, connectionPool: { grpc: { maxRequests: 5 } } },
    ]);
    expect(run(bad)).toEqual([
      `${at(bad, 'listeners', 0, 'connectionPool', 'grpc')}: VirtualNode m/red: spec.listeners[0].connectionPool.grpc: connection pool type "grpc" does not match the listener protocol "http"`,
    ]);
    const gw = resource('VirtualGateway', 'gw', {
      listeners: [
        { portMapping: { port: 8088, protocol: 'grpc' }, connectionPool: { http: { maxConnections: 1 } } },
      ],
    });
    expect(run(gw)).toEqual([
      `${at(gw, 'listeners', 0, 'connectionPool', 'http')}: VirtualGateway m/gw: spec.listeners[0].connectionPool.http: connection pool type "http" does not match the listener protocol "grpc"`,
      'gatewayroute-to-color.yaml:3:3: GatewayRoute m/to-color: spec.httpRoute: httpRoute needs a http listener, but virtual gateway "gw" listens with grpc on port 8088',
    ]);
  });

  it('exactly one connection pool type', () => {
    const two = node([
      {
        portMapping: { port: 8080, protocol: 'http' },
        connectionPool: { http: { maxConnections: 1 }, tcp: { maxConnections: 1 } },
      },
    ]);
    expect(run(two)).toEqual([
      `${at(two, 'listeners', 0, 'connectionPool', 'tcp')}: VirtualNode m/red: spec.listeners[0].connectionPool.tcp: exactly one of tcp, http, http2, grpc must be set, got http, tcp`,
      `${at(two, 'listeners', 0, 'connectionPool', 'tcp')}: VirtualNode m/red: spec.listeners[0].connectionPool.tcp: connection pool type "tcp" does not match the listener protocol "http"`,
    ]);
  });

  it('the listener timeout type matches the listener protocol', () => {
    expect(
      run(
        node([
          {
            portMapping: { port: 8080, protocol: 'tcp' },
            timeout: { tcp: { idle: { value: 1, unit: 's' } } },
          },
        ]),
      ),
    ).toEqual([]);
    const bad = node([
      { portMapping: { port: 8080, protocol: 'tcp' }, timeout: { http: { idle: { value: 1, unit: 's' } } } },
    ]);
    expect(run(bad)).toEqual([
      `${at(bad, 'listeners', 0, 'timeout', 'http')}: VirtualNode m/red: spec.listeners[0].timeout.http: timeout type "http" does not match the listener protocol "tcp"`,
    ]);
  });

  it('a health check port is the listener port', () => {
    const hc = (port: number) => ({
      portMapping: { port: 8080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        port,
        path: '/',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        timeoutMillis: 2000,
        intervalMillis: 5000,
      },
    });
    expect(run(node([hc(8080)]))).toEqual([]);
    const bad = node([hc(9090)]);
    expect(run(bad)).toEqual([
      `${at(bad, 'listeners', 0, 'healthCheck', 'port')}: VirtualNode m/red: spec.listeners[0].healthCheck.port: health check port 9090 must be the listener port 8080`,
    ]);
  });

  it('service discovery is required when listeners are set', () => {
    expect(run(node([], {}))).toEqual([]);
    const bad = node([{ portMapping: { port: 8080, protocol: 'http' } }], {});
    expect(run(bad)).toEqual([
      `${at(bad, 'serviceDiscovery')}: VirtualNode m/red: spec.serviceDiscovery: serviceDiscovery is required when listeners are set`,
    ]);
    expect(at(bad, 'serviceDiscovery')).toBe('virtualnode-red.yaml:2:1');
  });
});
