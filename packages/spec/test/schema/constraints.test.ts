import { describe, expect, it } from 'vitest';
import {
  checkSchema,
  GatewayRouteSpecSchema,
  MeshSpecSchema,
  RouteSpecSchema,
  VirtualGatewaySpecSchema,
  VirtualNodeSpecSchema,
  VirtualServiceSpecSchema,
} from '../../src/index.ts';

const listener = (portMapping: unknown, extra: Record<string, unknown> = {}) => ({
  listeners: [{ portMapping, ...extra }],
});
const httpRoute = (match: unknown, weightedTargets: unknown = [{ virtualNode: 'n', weight: 1 }]) => ({
  httpRoute: { match, action: { weightedTargets } },
});

describe('schema constraints', () => {
  it('types: integers, strings, booleans, objects, lists', () => {
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 8080, protocol: 'http' }))).toEqual([]);
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: '8080', protocol: 'http' }))).toEqual([
      { path: ['listeners', 0, 'portMapping', 'port'], message: 'expected an integer, got string "8080"' },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 80.5, protocol: 'http' }))).toEqual([
      { path: ['listeners', 0, 'portMapping', 'port'], message: 'expected an integer, got number 80.5' },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, { listeners: {} })).toEqual([
      { path: ['listeners'], message: 'expected a list, got an object' },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, { backends: ['svc'] })).toEqual([
      { path: ['backends', 0], message: 'expected an object, got string "svc"' },
    ]);
    expect(
      checkSchema(VirtualNodeSpecSchema, {
        backends: [{ virtualService: { virtualServiceName: 7 } }],
      }),
    ).toEqual([
      {
        path: ['backends', 0, 'virtualService', 'virtualServiceName'],
        message: 'expected a string, got number 7',
      },
    ]);
    expect(
      checkSchema(RouteSpecSchema, httpRoute({ prefix: '/', headers: [{ name: 'x', invert: 'yes' }] })),
    ).toEqual([
      {
        path: ['httpRoute', 'match', 'headers', 0, 'invert'],
        message: 'expected true or false, got string "yes"',
      },
    ]);
  });

  it('enums, with a did-you-mean', () => {
    expect(checkSchema(MeshSpecSchema, { egressFilter: { type: 'DROP_ALL' } })).toEqual([]);
    expect(checkSchema(MeshSpecSchema, { egressFilter: { type: 'ALLOW-ALL' } })).toEqual([
      {
        path: ['egressFilter', 'type'],
        message: 'must be one of ALLOW_ALL, DROP_ALL, got string "ALLOW-ALL"; did you mean "ALLOW_ALL"?',
      },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 80, protocol: 'https' }))).toEqual([
      {
        path: ['listeners', 0, 'portMapping', 'protocol'],
        message: 'must be one of grpc, http, http2, tcp, got string "https"; did you mean "http"?',
      },
    ]);
  });

  it('numeric ranges', () => {
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 65535, protocol: 'tcp' }))).toEqual([]);
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 65536, protocol: 'tcp' }))).toEqual([
      { path: ['listeners', 0, 'portMapping', 'port'], message: 'must be between 1 and 65535, got 65536' },
    ]);
    expect(
      checkSchema(
        VirtualNodeSpecSchema,
        listener({ port: 80, protocol: 'http' }, { connectionPool: { http: { maxConnections: 0 } } }),
      ),
    ).toEqual([
      { path: ['listeners', 0, 'connectionPool', 'http', 'maxConnections'], message: 'must be >= 1, got 0' },
    ]);
    expect(checkSchema(RouteSpecSchema, { priority: 1001, ...httpRoute({ prefix: '/' }) })).toEqual([
      { path: ['priority'], message: 'must be between 0 and 1000, got 1001' },
    ]);
    expect(
      checkSchema(RouteSpecSchema, httpRoute({ prefix: '/' }, [{ virtualNode: 'n', weight: 101 }])),
    ).toEqual([
      {
        path: ['httpRoute', 'action', 'weightedTargets', 0, 'weight'],
        message: 'must be between 0 and 100, got 101',
      },
    ]);
  });

  it('string lengths and patterns', () => {
    const cloudMap = (attributes: unknown) => ({
      serviceDiscovery: { awsCloudMap: { namespaceName: 'ns', serviceName: 'svc', attributes } },
    });
    expect(checkSchema(VirtualNodeSpecSchema, cloudMap([{ key: 'stage', value: 'prod v2' }]))).toEqual([]);
    expect(checkSchema(VirtualNodeSpecSchema, cloudMap([{ key: 'sta ge', value: 'x' }]))).toEqual([
      {
        path: ['serviceDiscovery', 'awsCloudMap', 'attributes', 0, 'key'],
        message: 'must match the pattern ^[a-zA-Z0-9!-~]+$',
      },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, cloudMap([{ key: '', value: 'x' }]))).toEqual([
      {
        path: ['serviceDiscovery', 'awsCloudMap', 'attributes', 0, 'key'],
        message: 'length must be between 1 and 255 characters, got 0',
      },
    ]);
    expect(
      checkSchema(VirtualServiceSpecSchema, {
        provider: { virtualNode: { virtualNodeName: 'n'.repeat(256) } },
      }),
    ).toEqual([
      {
        path: ['provider', 'virtualNode', 'virtualNodeName'],
        message: 'length must be between 1 and 255 characters, got 256',
      },
    ]);
  });

  it('list limits', () => {
    const targets = (n: number) => Array.from({ length: n }, (_, i) => ({ virtualNode: `n${i}`, weight: 1 }));
    expect(checkSchema(RouteSpecSchema, httpRoute({ prefix: '/' }, targets(10)))).toEqual([]);
    expect(checkSchema(RouteSpecSchema, httpRoute({ prefix: '/' }, targets(11)))).toEqual([
      {
        path: ['httpRoute', 'action', 'weightedTargets'],
        message: 'must have between 1 and 10 items, got 11',
      },
    ]);
    expect(checkSchema(RouteSpecSchema, httpRoute({ prefix: '/' }, []))).toEqual([
      {
        path: ['httpRoute', 'action', 'weightedTargets'],
        message: 'must have between 1 and 10 items, got 0',
      },
    ]);
    const retry = (tcpRetryEvents: unknown) => ({
      httpRoute: {
        ...httpRoute({ prefix: '/' }).httpRoute,
        retryPolicy: { maxRetries: 1, perRetryTimeout: { value: 1, unit: 's' }, tcpRetryEvents },
      },
    });
    expect(checkSchema(RouteSpecSchema, retry(['connection-error']))).toEqual([]);
    expect(checkSchema(RouteSpecSchema, retry(['connection-error', 'connection-error']))).toEqual([
      { path: ['httpRoute', 'retryPolicy', 'tcpRetryEvents'], message: 'must have exactly 1 item, got 2' },
    ]);
  });

  it('required fields', () => {
    expect(checkSchema(VirtualGatewaySpecSchema, {})).toEqual([
      { path: ['listeners'], message: 'required field is missing' },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 80 }))).toEqual([
      { path: ['listeners', 0, 'portMapping', 'protocol'], message: 'required field is missing' },
    ]);
  });

  it('exactly-one unions', () => {
    expect(checkSchema(RouteSpecSchema, { priority: 1 })).toEqual([
      {
        path: [],
        message: 'exactly one of httpRoute, http2Route, grpcRoute, tcpRoute must be set, got none',
      },
    ]);
    const both = {
      ...httpRoute({ prefix: '/' }),
      tcpRoute: { action: { weightedTargets: [{ virtualNode: 'n', weight: 1 }] } },
    };
    expect(checkSchema(RouteSpecSchema, both)).toEqual([
      {
        path: ['tcpRoute'],
        message:
          'exactly one of httpRoute, http2Route, grpcRoute, tcpRoute must be set, got httpRoute, tcpRoute',
      },
    ]);
    expect(
      checkSchema(VirtualServiceSpecSchema, {
        provider: { virtualNode: { virtualNodeName: 'a' }, virtualRouter: { virtualRouterName: 'b' } },
      }),
    ).toEqual([
      {
        path: ['provider', 'virtualRouter'],
        message: 'exactly one of virtualNode, virtualRouter must be set, got virtualNode, virtualRouter',
      },
    ]);
    expect(
      checkSchema(
        RouteSpecSchema,
        httpRoute({ prefix: '/', headers: [{ name: 'x', match: { exact: 'a', prefix: 'b' } }] }),
      ),
    ).toEqual([
      {
        path: ['httpRoute', 'match', 'headers', 0, 'match', 'prefix'],
        message: 'exactly one of exact, regex, range, prefix, suffix must be set, got exact, prefix',
      },
    ]);
  });

  it('prefix and path are exclusive (route and gateway route)', () => {
    expect(checkSchema(RouteSpecSchema, httpRoute({ path: { exact: '/a' } }))).toEqual([]);
    expect(checkSchema(RouteSpecSchema, httpRoute({ prefix: '/', path: { exact: '/a' } }))).toEqual([
      {
        path: ['httpRoute', 'match', 'path'],
        message: 'prefix and path are mutually exclusive: set only one of prefix, path',
      },
    ]);
    const gw = (match: unknown) => ({
      http2Route: { match, action: { target: { virtualService: { virtualServiceName: 's.m' } } } },
    });
    expect(checkSchema(GatewayRouteSpecSchema, gw({ prefix: '/' }))).toEqual([]);
    expect(checkSchema(GatewayRouteSpecSchema, gw({ prefix: '/', path: { regex: '.*' } }))).toEqual([
      {
        path: ['http2Route', 'match', 'path'],
        message: 'prefix and path are mutually exclusive: set only one of prefix, path',
      },
    ]);
  });

  it('unknown fields are errors, with a did-you-mean', () => {
    expect(checkSchema(VirtualNodeSpecSchema, listener({ port: 80, protocol: 'http', prot: 1 }))).toEqual([
      {
        path: ['listeners', 0, 'portMapping', 'prot'],
        message: 'unknown field "prot"; did you mean "port"?',
      },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, { listener: [] })).toEqual([
      { path: ['listener'], message: 'unknown field "listener"; did you mean "listeners"?' },
    ]);
    expect(checkSchema(MeshSpecSchema, { EgressFilter: {} })).toEqual([
      { path: ['EgressFilter'], message: 'unknown field "EgressFilter"; did you mean "egressFilter"?' },
    ]);
    expect(checkSchema(MeshSpecSchema, { zzz: 1 })).toEqual([
      { path: ['zzz'], message: 'unknown field "zzz"' },
    ]);
  });
});

describe('gateway route exclusive fields', () => {
  const gw = (match: unknown, rewrite?: unknown) => ({
    httpRoute: {
      match,
      action: { target: { virtualService: { virtualServiceName: 's.m' } }, ...(rewrite ? { rewrite } : {}) },
    },
  });

  it('hostname exact and suffix are exclusive', () => {
    expect(checkSchema(GatewayRouteSpecSchema, gw({ hostname: { suffix: '.example.com' } }))).toEqual([]);
    expect(
      checkSchema(
        GatewayRouteSpecSchema,
        gw({ hostname: { exact: 'a.example.com', suffix: '.example.com' } }),
      ),
    ).toEqual([
      {
        path: ['httpRoute', 'match', 'hostname', 'suffix'],
        message: 'exact and suffix are mutually exclusive: set only one of exact, suffix',
      },
    ]);
  });

  it('prefix and path rewrites are exclusive', () => {
    expect(checkSchema(GatewayRouteSpecSchema, gw({ prefix: '/a/' }, { prefix: { value: '/b/' } }))).toEqual(
      [],
    );
    expect(
      checkSchema(
        GatewayRouteSpecSchema,
        gw({ prefix: '/a/' }, { prefix: { value: '/b/' }, path: { exact: '/c' } }),
      ),
    ).toEqual([
      {
        path: ['httpRoute', 'action', 'rewrite', 'path'],
        message: 'prefix and path are mutually exclusive: set only one of prefix, path',
      },
    ]);
  });
});
