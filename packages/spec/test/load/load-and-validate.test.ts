import { describe, expect, test } from 'vitest';
import { loadAndValidate, resourceId } from '../../src/index.ts';

const NATIVE = `apiVersion: plexus/v1
kind: Mesh
metadata:
  name: shop
spec:
  egressFilter:
    type: DROP_ALL
---
apiVersion: plexus/v1
kind: VirtualService
metadata:
  name: color.shop.local
  mesh: shop
spec:
  provider:
    virtualNode:
      virtualNodeName: color_shop
`;

const CLI = `{
  "meshName": "shop",
  "virtualNodeName": "front",
  "spec": {
    "listeners": [{ "portMapping": { "port": 8080, "protocol": "http" } }],
    "backends": [{ "virtualService": { "virtualServiceName": "color.shop.local" } }],
    "serviceDiscovery": { "dns": { "hostname": "front.shop.local" } }
  }
}
`;

const CRD = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata:
  name: color
  namespace: shop
spec:
  meshRef:
    name: shop
  listeners:
    - portMapping:
        port: 8080
        protocol: http
  serviceDiscovery:
    dns:
      hostname: color.shop.local
`;

describe('loadAndValidate', () => {
  test('the three formats load from one tree and reference each other', () => {
    const result = loadAndValidate([
      { path: 'specs/mesh.yaml', content: NATIVE },
      { path: 'specs/front.json', content: CLI },
      { path: 'specs/k8s/color.yaml', content: CRD },
    ]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.resources.map(resourceId).sort()).toEqual([
      'Mesh/shop/shop',
      'VirtualNode/shop/color_shop',
      'VirtualNode/shop/front',
      'VirtualService/shop/color.shop.local',
    ]);
  });

  test('validation findings point at the source field, whatever the format', () => {
    const result = loadAndValidate([
      { path: 'specs/mesh.yaml', content: NATIVE },
      { path: 'specs/front.json', content: CLI.replace('8080', '99999') },
      { path: 'specs/k8s/color.yaml', content: CRD.replace('protocol: http', 'protocol: htp') },
    ]);
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const front = errors.find((d) => d.file === 'specs/front.json');
    expect(front).toMatchObject({ line: 5, kind: 'VirtualNode', name: 'front' });
    expect(front?.path).toContain('port');
    const color = errors.find((d) => d.file === 'specs/k8s/color.yaml');
    expect(color).toMatchObject({ line: 12, col: 9, kind: 'VirtualNode', name: 'color_shop' });
  });

  test('a reference outside the input is an error, and a warning with partial', () => {
    const files = [{ path: 'front.json', content: CLI }];
    const strict = loadAndValidate(files);
    expect(strict.ok).toBe(false);
    const partial = loadAndValidate(files, { partial: true });
    expect(partial.ok).toBe(true);
    expect(partial.diagnostics.length).toBeGreaterThan(0);
    expect(partial.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  test('diagnostics come sorted by file and line', () => {
    const result = loadAndValidate([
      { path: 'b.yaml', content: 'apiVersion: plexus/v1\nkind: Nope\n' },
      { path: 'a.yaml', content: 'x: [\n' },
    ]);
    expect(result.diagnostics.map((d) => d.file)).toEqual(['a.yaml', 'b.yaml']);
  });
});
