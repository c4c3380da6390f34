import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createSpecLoader,
  type LoadAndValidateResult,
  loadAndValidate,
  loadFiles,
  type SourceFile,
} from '../../src/index.ts';

const MESH = `apiVersion: plexus/v1
kind: Mesh
metadata:
  name: shop
spec: {}
`;

const NODE = (name: string, backend?: string) => `apiVersion: plexus/v1
kind: VirtualNode
metadata:
  name: ${name}
  mesh: shop
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
  serviceDiscovery:
    dns: { hostname: ${name}.shop.local }
${backend ? `  backends:\n    - virtualService: { virtualServiceName: ${backend} }\n` : ''}`;

const CLI_NODE = `{
  "meshName": "shop",
  "virtualNodeName": "cli",
  "spec": { "listeners": [ { "portMapping": { "port": 9081, "protocol": "http" } } ] }
}
`;

/** CRDs whose mesh is settled across files: the Namespace and Mesh in one file, the node in another. */
const CRD_MESH = `apiVersion: v1
kind: Namespace
metadata:
  name: k
  labels: { mesh: kmesh }
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata:
  name: kmesh
spec:
  namespaceSelector:
    matchLabels: { mesh: kmesh }
`;

const CRD_NODE = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata:
  name: knode
  namespace: k
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
  serviceDiscovery:
    dns: { hostname: knode.k.svc.cluster.local }
`;

const LEGACY = `apiVersion: appmesh.k8s.aws/v1beta1
kind: Mesh
metadata: { name: old }
---
apiVersion: appmesh.k8s.aws/v1beta1
kind: VirtualNode
metadata: { name: old-node }
`;

/** A service behind a router and its one route: references whose findings change with files around them. */
const SERVICE = `apiVersion: plexus/v1
kind: VirtualService
metadata: { name: b.shop.local, mesh: shop }
spec:
  provider:
    virtualRouter: { virtualRouterName: r }
`;
const ROUTER = `apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: r, mesh: shop }
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
`;
const ROUTE = `apiVersion: plexus/v1
kind: Route
metadata: { name: to-a, mesh: shop, virtualRouter: r }
spec:
  httpRoute:
    match: { prefix: / }
    action:
      weightedTargets:
        - { virtualNode: a, weight: 1 }
`;

const BROKEN = 'apiVersion: plexus/v1\nkind: [unclosed\n';
const OTHER = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n';

const CONTENTS = [
  MESH,
  NODE('a'),
  NODE('b', 'missing.shop.local'),
  NODE('a', 'b.shop.local'),
  CLI_NODE,
  CRD_MESH,
  CRD_NODE,
  LEGACY,
  BROKEN,
  OTHER,
  SERVICE,
  ROUTER,
  ROUTE,
  '',
];
const PATHS = [
  'mesh.yaml',
  'nodes/a.yaml',
  'nodes/b.yaml',
  'cli.json',
  'k8s/mesh.yaml',
  'k8s/node.yml',
  'svc.yaml',
  'router.yaml',
  'route.yaml',
];

/** Everything a caller can observe of a result, positions included. */
function view(r: LoadAndValidateResult) {
  return {
    ok: r.ok,
    diagnostics: r.diagnostics,
    skipped: r.skipped,
    resources: r.resources.map((x) => ({
      kind: x.kind,
      mesh: x.mesh,
      name: x.name,
      virtualRouter: x.virtualRouter,
      virtualGateway: x.virtualGateway,
      spec: x.spec,
      format: x.format,
      k8s: x.k8s,
      position: x.position,
      listener: x.positionOf(['listeners', 0, 'portMapping', 'port']),
    })),
  };
}

const sorted = (files: Map<string, string>): SourceFile[] =>
  [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, content]) => ({ path, content }));

describe('createSpecLoader', () => {
  test('gives what loadAndValidate gives through edits, renames and deletions, remembering only the latest files', () => {
    const loader = createSpecLoader();
    const steps: Array<Record<string, string | null>> = [
      { 'mesh.yaml': MESH, 'nodes/a.yaml': NODE('a'), 'k8s/mesh.yaml': CRD_MESH, 'k8s/node.yml': CRD_NODE },
      { 'nodes/a.yaml': NODE('a', 'missing.shop.local') },
      { 'nodes/a.yaml': null, 'nodes/renamed.yaml': NODE('a', 'missing.shop.local') },
      { 'k8s/mesh.yaml': null },
      { 'k8s/mesh.yaml': CRD_MESH, 'legacy.yaml': LEGACY, 'broken.yaml': BROKEN },
      { 'broken.yaml': null, 'legacy.yaml': null, 'nodes/renamed.yaml': null, 'cli.json': CLI_NODE },
    ];
    const files = new Map<string, string>();
    for (const step of steps) {
      for (const [path, content] of Object.entries(step)) {
        if (content === null) files.delete(path);
        else files.set(path, content);
      }
      const input = sorted(files);
      expect(view(loader.loadAndValidate(input, { partial: false }))).toEqual(
        view(loadAndValidate(input, { partial: false })),
      );
      expect(loader.size).toBe(files.size);
    }
    expect(loader.loadFiles([]).resources).toEqual([]);
    expect(loader.size).toBe(0);
  });

  test('does not parse an unchanged file again, and does parse a changed one', () => {
    const loader = createSpecLoader();
    const first = loader.loadFiles([
      { path: 'mesh.yaml', content: MESH },
      { path: 'a.yaml', content: NODE('a') },
    ]);
    const second = loader.loadFiles([
      { path: 'mesh.yaml', content: MESH },
      { path: 'a.yaml', content: NODE('a', 'b.shop.local') },
    ]);
    expect(second.resources[0]).toBe(first.resources[0]);
    expect(second.resources[1]).not.toBe(first.resources[1]);
    // same content under another path is another file: its positions name the new path
    const moved = loader.loadFiles([{ path: 'moved.yaml', content: MESH }]);
    expect(moved.resources[0]).not.toBe(first.resources[0]);
    expect(moved.resources[0].position.file).toBe('moved.yaml');
  });

  test('findings of an unchanged file follow the files it references (validation memo)', () => {
    const loader = createSpecLoader();
    const files = new Map([
      ['mesh.yaml', MESH],
      ['nodes/a.yaml', NODE('a', 'b.shop.local')],
      ['svc.yaml', SERVICE],
      ['router.yaml', ROUTER],
      ['route.yaml', ROUTE],
    ]);
    const run = () => {
      const input = sorted(files);
      const got = loader.loadAndValidate(input);
      expect(view(got)).toEqual(view(loadAndValidate(input)));
      return got.diagnostics.map((d) => `${d.file}:${d.severity}:${d.path}`);
    };
    expect(run()).toEqual([]);
    // the node's file is unchanged, the service it names is gone: the node gets the error
    files.delete('svc.yaml');
    expect(run().some((d) => d.startsWith('nodes/a.yaml:error'))).toBe(true);
    files.set('svc.yaml', SERVICE);
    expect(run()).toEqual([]);
    // the router's file is unchanged, its only route is gone: the router gets the warning
    files.delete('route.yaml');
    expect(run().some((d) => d.startsWith('router.yaml:warning'))).toBe(true);
  });

  test('a path given twice in one call is loaded twice, as loadFiles does', () => {
    const loader = createSpecLoader();
    const input = [
      { path: 'x.yaml', content: NODE('a') },
      { path: 'x.yaml', content: NODE('b') },
      { path: 'x.yaml', content: NODE('a') },
    ];
    expect(view(loader.loadAndValidate(input))).toEqual(view(loadAndValidate(input)));
    expect(loader.size).toBe(1);
  });

  test('property: any sequence of trees loads as the pure function does (partial and not)', () => {
    const tree = fc.dictionary(fc.constantFrom(...PATHS), fc.constantFrom(...CONTENTS), { maxKeys: 8 });
    fc.assert(
      fc.property(fc.array(fc.tuple(tree, fc.boolean()), { minLength: 1, maxLength: 6 }), (trees) => {
        const loader = createSpecLoader();
        for (const [t, partial] of trees) {
          const input = sorted(new Map(Object.entries(t)));
          expect(view(loader.loadAndValidate(input, { partial }))).toEqual(
            view(loadAndValidate(input, { partial })),
          );
          expect(loader.loadFiles(input, { partial }).diagnostics).toEqual(
            loadFiles(input, { partial }).diagnostics,
          );
          expect(loader.size).toBe(input.length);
        }
      }),
      { numRuns: 120 },
    );
  });
});
