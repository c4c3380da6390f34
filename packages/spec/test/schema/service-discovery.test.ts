import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSchema,
  registerServiceDiscoveryKey,
  serviceDiscoveryKeys,
  VirtualNodeSpecSchema,
} from '../../src/index.ts';

const sd = (serviceDiscovery: unknown) => ({ serviceDiscovery });
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('serviceDiscovery', () => {
  it('accepts dns, awsCloudMap and static', () => {
    expect(
      checkSchema(VirtualNodeSpecSchema, sd({ dns: { hostname: 'a.b', responseType: 'ENDPOINTS' } })),
    ).toEqual([]);
    expect(
      checkSchema(VirtualNodeSpecSchema, sd({ awsCloudMap: { namespaceName: 'ns', serviceName: 's' } })),
    ).toEqual([]);
    expect(
      checkSchema(
        VirtualNodeSpecSchema,
        sd({ static: { endpoints: [{ address: '::1' }, { address: '10.0.0.1', port: 9, zone: 'z' }] } }),
      ),
    ).toEqual([]);
  });

  it('static endpoints need IP literals, valid ports and at least one endpoint', () => {
    expect(
      checkSchema(VirtualNodeSpecSchema, sd({ static: { endpoints: [{ address: 'localhost', port: 0 }] } })),
    ).toEqual([
      {
        path: ['serviceDiscovery', 'static', 'endpoints', 0, 'address'],
        message: 'must be an IP address literal',
      },
      {
        path: ['serviceDiscovery', 'static', 'endpoints', 0, 'port'],
        message: 'must be between 1 and 65535, got 0',
      },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, sd({ static: { endpoints: [] } }))).toEqual([
      { path: ['serviceDiscovery', 'static', 'endpoints'], message: 'must have at least 1 item, got 0' },
    ]);
  });

  it('takes exactly one discovery type', () => {
    expect(checkSchema(VirtualNodeSpecSchema, sd({}))).toEqual([
      {
        path: ['serviceDiscovery'],
        message: 'exactly one of dns, awsCloudMap, static must be set, got none',
      },
    ]);
    expect(
      checkSchema(
        VirtualNodeSpecSchema,
        sd({ dns: { hostname: 'a' }, static: { endpoints: [{ address: '1.2.3.4' }] } }),
      ),
    ).toEqual([
      {
        path: ['serviceDiscovery', 'static'],
        message: 'exactly one of dns, awsCloudMap, static must be set, got dns, static',
      },
    ]);
  });

  it('rejects unregistered keys, suggesting a close one', () => {
    expect(checkSchema(VirtualNodeSpecSchema, sd({ dsn: { hostname: 'a' } }))).toEqual([
      { path: ['serviceDiscovery', 'dsn'], message: 'unknown field "dsn"; did you mean "dns"?' },
      {
        path: ['serviceDiscovery'],
        message: 'exactly one of dns, awsCloudMap, static must be set, got none',
      },
    ]);
  });

  it('lets plugins register a key with their own validator', () => {
    cleanups.push(
      registerServiceDiscoveryKey('ecs', (config, path) =>
        typeof (config as { cluster?: unknown }).cluster === 'string'
          ? []
          : [{ path: [...path, 'cluster'], message: 'cluster is required' }],
      ),
    );
    expect(serviceDiscoveryKeys()).toEqual(['dns', 'awsCloudMap', 'static', 'ecs']);
    expect(checkSchema(VirtualNodeSpecSchema, sd({ ecs: { cluster: 'c' } }))).toEqual([]);
    expect(checkSchema(VirtualNodeSpecSchema, sd({ ecs: {} }))).toEqual([
      { path: ['serviceDiscovery', 'ecs', 'cluster'], message: 'cluster is required' },
    ]);
    expect(checkSchema(VirtualNodeSpecSchema, sd({ ecs: { cluster: 'c' }, dns: { hostname: 'a' } }))).toEqual(
      [
        {
          path: ['serviceDiscovery', 'dns'],
          message: 'exactly one of dns, awsCloudMap, static, ecs must be set, got ecs, dns',
        },
      ],
    );
    expect(() => registerServiceDiscoveryKey('ecs', () => [])).toThrow(
      'service discovery key "ecs" is already registered',
    );
    expect(() => registerServiceDiscoveryKey('dns', () => [])).toThrow(
      'service discovery key "dns" is already registered',
    );
  });

  it('unregisters, and reports a throwing plugin validator instead of throwing', () => {
    const unregister = registerServiceDiscoveryKey('boom', () => {
      throw new Error('bad plugin');
    });
    expect(checkSchema(VirtualNodeSpecSchema, sd({ boom: {} }))).toEqual([
      { path: ['serviceDiscovery', 'boom'], message: 'discovery plugin validator failed: bad plugin' },
    ]);
    unregister();
    expect(checkSchema(VirtualNodeSpecSchema, sd({ boom: {} }))[0]?.message).toBe('unknown field "boom"');
  });
});
