import { describe, expect, it } from 'vitest';
import {
  checkSchema,
  type GatewayRouteSpec,
  isKind,
  type MeshSpec,
  type RouteSpec,
  SPEC_SCHEMAS,
  type VirtualGatewaySpec,
  type VirtualNodeSpec,
  type VirtualRouterSpec,
  type VirtualServiceSpec,
} from '../../src/index.ts';
import { resource } from '../validate/helpers.ts';

const mesh: MeshSpec = {
  egressFilter: { type: 'ALLOW_ALL' },
  serviceDiscovery: { ipPreference: 'IPv4_ONLY' },
};
const node: VirtualNodeSpec = {
  listeners: [
    {
      portMapping: { port: 8080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/ping',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        timeoutMillis: 2000,
        intervalMillis: 5000,
      },
      timeout: { http: { perRequest: { value: 15, unit: 's' } } },
      connectionPool: { http: { maxConnections: 10 } },
      outlierDetection: {
        maxServerErrors: 5,
        maxEjectionPercent: 50,
        interval: { value: 10, unit: 's' },
        baseEjectionDuration: { value: 30, unit: 's' },
      },
    },
  ],
  serviceDiscovery: { static: { endpoints: [{ address: '127.0.0.1', port: 50051, zone: 'a' }] } },
  backends: [{ virtualService: { virtualServiceName: 'b.local' } }],
  logging: {
    accessLog: { file: { path: '/dev/stdout', format: { json: [{ key: 'a', value: '%START_TIME%' }] } } },
  },
};
const service: VirtualServiceSpec = { provider: { virtualRouter: { virtualRouterName: 'r' } } };
const router: VirtualRouterSpec = { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] };
const route: RouteSpec = {
  priority: 1,
  httpRoute: {
    match: { prefix: '/', headers: [{ name: 'x', match: { range: { start: 1, end: 2 } } }] },
    action: { weightedTargets: [{ virtualNode: 'n', weight: 1 }] },
    retryPolicy: {
      maxRetries: 2,
      perRetryTimeout: { value: 1, unit: 's' },
      tcpRetryEvents: ['connection-error'],
    },
  },
};
const gateway: VirtualGatewaySpec = { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] };
const gatewayRoute: GatewayRouteSpec = {
  httpRoute: {
    match: { prefix: '/' },
    action: {
      target: { virtualService: { virtualServiceName: 's.local' } },
      rewrite: { prefix: { defaultPrefix: 'DISABLED' } },
    },
  },
};

describe('spec types and schemas are one source', () => {
  it('accepts a typed value of every kind', () => {
    const samples = {
      Mesh: mesh,
      VirtualNode: node,
      VirtualService: service,
      VirtualRouter: router,
      Route: route,
      VirtualGateway: gateway,
      GatewayRoute: gatewayRoute,
    } as const;
    for (const [kind, spec] of Object.entries(samples)) {
      expect(checkSchema(SPEC_SCHEMAS[kind as keyof typeof samples], spec), kind).toEqual([]);
    }
  });
});

describe('isKind', () => {
  it('narrows a resource to its kind', () => {
    const r = resource('VirtualNode', 'n', node);
    expect(isKind(r, 'VirtualNode')).toBe(true);
    expect(isKind(r, 'VirtualRouter')).toBe(false);
    if (isKind(r, 'VirtualNode')) expect(r.spec.listeners?.[0]?.portMapping.port).toBe(8080);
  });
});
