import { describe, expect, test } from 'vitest';
import { loadFiles, resourceId, type SpecResource } from '../../src/index.ts';

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    mesh: shop-mesh
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata:
  name: shop-mesh
spec:
  namespaceSelector:
    matchLabels:
      mesh: shop-mesh
  meshServiceDiscovery:
    ipPreference: IPv4_ONLY
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata:
  name: front
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: front
  listeners:
    - portMapping:
        port: 8080
        protocol: http
      tls:
        mode: STRICT
        certificate:
          acm:
            certificateARN: arn:aws:acm:us-west-2:111122223333:certificate/abc
  backends:
    - virtualService:
        virtualServiceRef:
          name: color
    - virtualService:
        virtualServiceARN: arn:aws:appmesh:us-west-2:111122223333:mesh/shop-mesh/virtualService/billing.shop.svc
  backendGroups:
    - name: extras
  serviceDiscovery:
    dns:
      hostname: front.shop.svc.cluster.local
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: BackendGroup
metadata:
  name: extras
  namespace: shop
spec:
  virtualservices:
    - name: color
    - name: stock
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata:
  name: blue
  namespace: shop
spec:
  awsName: color-blue
  listeners:
    - portMapping: { port: 8080, protocol: http }
  serviceDiscovery:
    dns: { hostname: blue.shop.svc.cluster.local }
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata:
  name: color
  namespace: shop
spec:
  awsName: color.shop.svc.cluster.local
  provider:
    virtualRouter:
      virtualRouterRef:
        name: color
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata:
  name: color
  namespace: shop
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
  routes:
    - name: color-route
      httpRoute:
        match:
          prefix: /
        action:
          weightedTargets:
            - virtualNodeRef:
                name: blue
              weight: 1
            - virtualNodeARN: arn:aws:appmesh:us-west-2:111122223333:mesh/shop-mesh/virtualNode/red_shop
              weight: 1
    - name: color-tcp
      tcpRoute:
        action:
          weightedTargets:
            - virtualNodeRef: { name: blue, namespace: other }
              weight: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: front
`;

function byId(resources: SpecResource[]): Map<string, SpecResource> {
  return new Map(resources.map((r) => [resourceId(r), r]));
}

describe('appmesh.k8s.aws/v1beta2 CRDs', () => {
  const result = loadFiles([{ path: 'k8s/shop.yaml', content: MANIFEST }]);
  const resources = byId(result.resources);

  test('loads every App Mesh object with awsName names, mesh membership and embedded routes', () => {
    expect(result.diagnostics).toEqual([]);
    expect([...resources.keys()].sort()).toEqual([
      'Mesh/shop-mesh/shop-mesh',
      'Route/shop-mesh/color_shop/color-route',
      'Route/shop-mesh/color_shop/color-tcp',
      'VirtualNode/shop-mesh/color-blue',
      'VirtualNode/shop-mesh/front_shop',
      'VirtualRouter/shop-mesh/color_shop',
      'VirtualService/shop-mesh/color.shop.svc.cluster.local',
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'Kubernetes Namespace (its labels are read for mesh membership)',
      'Kubernetes Deployment (apps/v1) is not an App Mesh resource',
    ]);
    for (const r of resources.values()) expect(r.format).toBe('k8s-crd');
  });

  test('maps CRD field names and references to the API shape', () => {
    expect(resources.get('Mesh/shop-mesh/shop-mesh')?.spec).toEqual({
      serviceDiscovery: { ipPreference: 'IPv4_ONLY' },
    });
    const front = resources.get('VirtualNode/shop-mesh/front_shop')!;
    expect(front.spec).toEqual({
      listeners: [
        {
          portMapping: { port: 8080, protocol: 'http' },
          tls: {
            mode: 'STRICT',
            certificate: { acm: { certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/abc' } },
          },
        },
      ],
      backends: [
        { virtualService: { virtualServiceName: 'color.shop.svc.cluster.local' } },
        { virtualService: { virtualServiceName: 'billing.shop.svc' } },
        // from BackendGroup extras: color is already a backend, stock is not in the input (default awsName)
        { virtualService: { virtualServiceName: 'stock.shop' } },
      ],
      serviceDiscovery: { dns: { hostname: 'front.shop.svc.cluster.local' } },
    });
    expect(front.k8s).toEqual({ namespace: 'shop', podSelector: { matchLabels: { app: 'front' } } });
    expect(resources.get('VirtualService/shop-mesh/color.shop.svc.cluster.local')?.spec).toEqual({
      provider: { virtualRouter: { virtualRouterName: 'color_shop' } },
    });
    expect(resources.get('VirtualRouter/shop-mesh/color_shop')?.spec).toEqual({
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    });
    expect(resources.get('Route/shop-mesh/color_shop/color-route')?.spec).toEqual({
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: [
            { virtualNode: 'color-blue', weight: 1 },
            { virtualNode: 'red_shop', weight: 1 },
          ],
        },
      },
    });
    // a Ref into another namespace that is not in the input gets that namespace's default awsName
    expect(resources.get('Route/shop-mesh/color_shop/color-tcp')?.spec).toEqual({
      tcpRoute: { action: { weightedTargets: [{ virtualNode: 'blue_other', weight: 1 }] } },
    });
  });

  test('positions map API paths back through the renamed CRD fields', () => {
    const front = resources.get('VirtualNode/shop-mesh/front_shop')!;
    expect(front.position).toEqual({ file: 'k8s/shop.yaml', line: 19, col: 1 });
    expect(front.positionOf(['listeners', 0, 'tls', 'certificate', 'acm', 'certificateArn'])).toMatchObject({
      line: 36,
      col: 13,
    });
    expect(front.positionOf(['backends', 0, 'virtualService', 'virtualServiceName'])).toMatchObject({
      line: 39,
      col: 9,
    });
    expect(front.positionOf(['backends', 1, 'virtualService', 'virtualServiceName'])).toMatchObject({
      line: 42,
      col: 9,
    });
    // a backend that came from a BackendGroup points at the group entry
    expect(front.positionOf(['backends', 2, 'virtualService', 'virtualServiceName'])).toMatchObject({
      line: 44,
      col: 7,
    });
    expect(
      resources.get('Mesh/shop-mesh/shop-mesh')!.positionOf(['serviceDiscovery', 'ipPreference']),
    ).toMatchObject({
      line: 17,
      col: 5,
    });
    const route = resources.get('Route/shop-mesh/color_shop/color-route')!;
    expect(route.position).toMatchObject({ line: 92, col: 7 });
    expect(route.positionOf(['httpRoute', 'action', 'weightedTargets', 0, 'virtualNode'])).toMatchObject({
      line: 98,
      col: 15,
    });
    expect(route.positionOf(['httpRoute', 'action', 'weightedTargets', 1, 'virtualNode'])).toMatchObject({
      line: 101,
      col: 15,
    });
  });

  test("'*' backend group means every virtual service of the namespace", () => {
    const content = MANIFEST.replace('    - name: extras\n', "    - name: '*'\n");
    const r = byId(loadFiles([{ path: 'k8s/shop.yaml', content }]).resources);
    expect(r.get('VirtualNode/shop-mesh/front_shop')?.spec).toMatchObject({
      backends: [
        { virtualService: { virtualServiceName: 'color.shop.svc.cluster.local' } },
        { virtualService: { virtualServiceName: 'billing.shop.svc' } },
      ],
    });
  });

  test('an unresolved mesh is an error, or a warning with partial', () => {
    const content = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata:
  name: lonely
  namespace: ns
spec: {}
`;
    const strict = loadFiles([{ path: 'vn.yaml', content }]);
    expect(strict.diagnostics).toMatchObject([{ severity: 'error', line: 3, col: 1, path: 'metadata' }]);
    expect(strict.diagnostics[0].message).toContain('cannot tell the mesh');
    expect(strict.diagnostics[0].message).toContain('spec.meshRef.name');
    const partial = loadFiles([{ path: 'vn.yaml', content }], { partial: true });
    expect(partial.diagnostics).toMatchObject([{ severity: 'warning' }]);
    expect(partial.resources).toMatchObject([
      { kind: 'VirtualNode', name: 'lonely_ns', mesh: '(unresolved)' },
    ]);
  });

  test('meshRef names the mesh; the only VirtualGateway takes the GatewayRoute', () => {
    const content = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: { name: gw, namespace: edge }
spec:
  meshRef: { name: m }
  listeners: [{ portMapping: { port: 8088, protocol: http } }]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: GatewayRoute
metadata: { name: to-color, namespace: edge }
spec:
  meshRef: { name: m }
  httpRoute:
    match: { prefix: / }
    action:
      target:
        virtualService:
          virtualServiceRef: { name: color, namespace: shop }
`;
    const { resources, diagnostics } = loadFiles([{ path: 'gw.yaml', content }]);
    expect(diagnostics).toEqual([]);
    expect(resources.map(resourceId)).toEqual([
      'VirtualGateway/m/gw_edge',
      'GatewayRoute/m/gw_edge/to-color_edge',
    ]);
    expect(resources[1].spec).toEqual({
      httpRoute: {
        match: { prefix: '/' },
        action: { target: { virtualService: { virtualServiceName: 'color.shop' } } },
      },
    });
  });

  test('bad references are errors at the CRD field', () => {
    const content = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: { name: s, namespace: ns }
spec:
  meshRef: { name: m }
  provider:
    virtualNode:
      virtualNodeARN: arn:aws:appmesh:us-west-2:1:mesh/m/virtualRouter/r
`;
    const { diagnostics } = loadFiles([{ path: 'vs.yaml', content }]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 8,
        col: 7,
        path: 'spec.provider.virtualNode.virtualNodeARN',
        kind: 'VirtualService',
      },
    ]);
    expect(diagnostics[0].message).toContain('mesh/<mesh>/virtualNode/<name>');
  });

  test('legacy v1beta1 objects are rejected with how to convert them', () => {
    const content = `apiVersion: appmesh.k8s.aws/v1beta1
kind: VirtualService
metadata:
  name: jazz.prod.svc.cluster.local
spec:
  meshName: dj-app
`;
    const { resources, diagnostics } = loadFiles([{ path: 'old.yaml', content }]);
    expect(resources).toEqual([]);
    expect(diagnostics).toMatchObject([{ severity: 'error', line: 1, col: 1, path: 'apiVersion' }]);
    expect(diagnostics[0].message).toContain('Convert it to appmesh.k8s.aws/v1beta2');
  });

  test('duplicate embedded route names are rejected as the controller does', () => {
    const content = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: { name: r, namespace: ns }
spec:
  meshRef: { name: m }
  routes:
    - name: a
      tcpRoute: { action: { weightedTargets: [{ virtualNodeRef: { name: x }, weight: 1 }] } }
    - name: a
      tcpRoute: { action: { weightedTargets: [{ virtualNodeRef: { name: y }, weight: 1 }] } }
`;
    const { resources, diagnostics } = loadFiles([{ path: 'vr.yaml', content }]);
    expect(resources.map(resourceId)).toEqual(['VirtualRouter/m/r_ns', 'Route/m/r_ns/a']);
    expect(diagnostics).toMatchObject([{ severity: 'error', line: 9, col: 7, path: 'spec.routes[1].name' }]);
  });
});
