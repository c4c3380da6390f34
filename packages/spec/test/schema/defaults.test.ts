import { describe, expect, it } from 'vitest';
import { APP_MESH_DEFAULTS, appMeshDefault } from '../../src/index.ts';

describe('APP_MESH_DEFAULTS', () => {
  it('records the documented defaults the translation applies', () => {
    expect(appMeshDefault('Mesh', 'egressFilter.type')).toBe('DROP_ALL');
    expect(appMeshDefault('VirtualNode', 'serviceDiscovery.dns.responseType')).toBe('LOADBALANCER');
    expect(appMeshDefault('VirtualNode', 'backendDefaults.clientPolicy.tls.enforce')).toBe(true);
    expect(appMeshDefault('Route', '<httpRoute|http2Route|grpcRoute>.timeout.perRequest')).toEqual({
      value: 15,
      unit: 's',
    });
    expect(appMeshDefault('Route', 'no.such.field')).toBeUndefined();
  });

  it('has one entry per kind and path', () => {
    const keys = APP_MESH_DEFAULTS.map((d) => `${d.kind} ${d.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
