import { describe, expect, it } from 'vitest';
import { formatDiagnostic, validateResources } from '../../src/index.ts';
import { at, resource, validMesh } from './helpers.ts';

describe('validateResources on a valid mesh', () => {
  it('finds nothing, partial or not', () => {
    expect(validateResources(validMesh())).toEqual([]);
    expect(validateResources(validMesh(), { partial: true })).toEqual([]);
    expect(validateResources([])).toEqual([]);
  });

  it('reports every error of the whole input at once, each positioned', () => {
    const node = resource('VirtualNode', 'bad', {
      listeners: [{ portMapping: { port: 0, protocol: 'htp' } }],
      serviceDiscovery: { dns: { hostname: 'bad.m.local' } },
    });
    const service = resource('VirtualService', 'bad.m.local', {
      provider: { virtualNode: { virtualNodeName: 'nope' } },
    });
    const out = validateResources([...validMesh(), node, service]).map(formatDiagnostic);
    expect(out).toEqual([
      `${at(node, 'listeners', 0, 'portMapping', 'port')}: VirtualNode m/bad: spec.listeners[0].portMapping.port: must be between 1 and 65535, got 0`,
      `${at(node, 'listeners', 0, 'portMapping', 'protocol')}: VirtualNode m/bad: spec.listeners[0].portMapping.protocol: must be one of grpc, http, http2, tcp, got string "htp"; did you mean "http"?`,
      `${at(service, 'provider', 'virtualNode', 'virtualNodeName')}: VirtualService m/bad.m.local: spec.provider.virtualNode.virtualNodeName: virtual node "nope" is not defined in mesh "m"`,
    ]);
    expect(at(node, 'listeners', 0, 'portMapping', 'port')).toBe('virtualnode-bad.yaml:6:9');
  });

  it('treats a missing spec as empty and reports the required fields', () => {
    const gw = resource('VirtualGateway', 'g', undefined);
    expect(validateResources([...validMesh(), gw]).map(formatDiagnostic)).toEqual([
      'virtualgateway-g.yaml:2:1: VirtualGateway m/g: spec.listeners: required field is missing',
    ]);
  });
});
