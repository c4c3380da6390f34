import { registerDiscoveryPluginKeys } from '@plexus/plugin-api';
import { loadAndValidate } from '@plexus/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsDiscoveryPlugin } from '../src/index.ts';

const yaml = `apiVersion: plexus/v1
kind: Mesh
metadata:
  name: colorapp
spec: {}
---
apiVersion: plexus/v1
kind: VirtualNode
metadata:
  name: colorteller
  mesh: colorapp
spec:
  listeners:
    - portMapping:
        port: 8080
        protocol: http
  serviceDiscovery:
    ecs:
      service: colorteller
      containerPort: 0
`;

let release: () => void;
beforeAll(() => {
  release = registerDiscoveryPluginKeys([ecsDiscoveryPlugin]);
});
afterAll(() => release());

describe('ecs config through the spec validator', () => {
  it('reports plugin issues with file:line and spec.serviceDiscovery.ecs paths', () => {
    const result = loadAndValidate([{ path: 'mesh/colorteller.yaml', content: yaml }]);
    const ecsIssues = result.diagnostics.filter((d) => d.path.startsWith('spec.serviceDiscovery.ecs'));
    expect(ecsIssues.map((d) => [d.path, d.message, d.file])).toEqual([
      ['spec.serviceDiscovery.ecs.cluster', 'required', 'mesh/colorteller.yaml'],
      [
        'spec.serviceDiscovery.ecs.containerPort',
        'expected an integer port 1..65535',
        'mesh/colorteller.yaml',
      ],
    ]);
    expect(ecsIssues.find((d) => d.path.endsWith('containerPort'))?.line).toBe(20);
    expect(result.ok).toBe(false);
  });

  it('accepts a valid ecs block', () => {
    const ok = yaml
      .replace('containerPort: 0', 'containerPort: 8080')
      .replace('service: colorteller', 'cluster: prod\n      service: colorteller');
    const result = loadAndValidate([{ path: 'mesh/colorteller.yaml', content: ok }]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
