import { loadFiles, type SpecResource } from '@plexus/spec';
import { describe, expect, it } from 'vitest';
import { editResourceFile } from '../src/edit/resource-edit.ts';

const NATIVE = `# colorteller: the router and its route
apiVersion: plexus/v1
kind: VirtualRouter
metadata:
  name: colorteller
  mesh: colorapp
spec:
  listeners:
  - portMapping: {port: 9080, protocol: http}   # flow style, unindented list
---
apiVersion: plexus/v1
kind: Route
metadata:
  name: colors
  mesh: colorapp
  virtualRouter: colorteller
spec:
  httpRoute:
    match:
      prefix: "/"          # quoted on purpose
    action:
      weightedTargets:
      - virtualNode: colorteller-red   # stable
        weight: 1
      - virtualNode: colorteller-blue
        weight: 1
`;

function resource(path: string, content: string, kind: string): SpecResource {
  const r = loadFiles([{ path, content }]).resources.find((x) => x.kind === kind);
  if (!r) throw new Error(`no ${kind}`);
  return r;
}

const spec = (red: number, blue: number, prefix = '/') => ({
  httpRoute: {
    match: { prefix },
    action: {
      weightedTargets: [
        { virtualNode: 'colorteller-red', weight: red },
        { virtualNode: 'colorteller-blue', weight: blue },
      ],
    },
  },
});

describe('editing the file a resource came from', () => {
  it('native YAML: changed scalars are replaced in place, every comment and the quoting stay', () => {
    const out = editResourceFile(NATIVE, resource('r.yaml', NATIVE, 'Route'), { spec: spec(0, 100, '/v2') });
    expect(out).toBe(
      NATIVE.replace(
        'weight: 1\n      - virtualNode: colorteller-blue\n        weight: 1',
        'weight: 0\n      - virtualNode: colorteller-blue\n        weight: 100',
      ).replace('prefix: "/"', 'prefix: "/v2"'),
    );
  });

  it('native YAML: a structural change rewrites only that document, keeping its comments and list style', () => {
    const next = spec(1, 1);
    next.httpRoute.action.weightedTargets.push({ virtualNode: 'colorteller-green', weight: 2 });
    const out = editResourceFile(NATIVE, resource('r.yaml', NATIVE, 'Route'), { spec: next })!;
    expect(out.split('---\n')[0]).toBe(NATIVE.split('---\n')[0]);
    expect(out).toContain('- virtualNode: colorteller-red # stable');
    expect(out).toContain('      - virtualNode: colorteller-green\n        weight: 2\n');
    expect(loadFiles([{ path: 'r.yaml', content: out }]).resources[1].spec).toEqual(next);
  });

  it('native YAML: tags go to metadata.tags; delete removes one document, or the file', () => {
    const route = resource('r.yaml', NATIVE, 'Route');
    const tagged = editResourceFile(NATIVE, route, { tags: [{ key: 'team', value: 'colors' }] })!;
    expect(loadFiles([{ path: 'r.yaml', content: tagged }]).resources[1].tags).toEqual([
      { key: 'team', value: 'colors' },
    ]);
    const deleted = editResourceFile(NATIVE, route, { delete: true })!;
    expect(deleted).toBe(NATIVE.slice(0, NATIVE.indexOf('---\n')));
    const one = NATIVE.split('---\n')[1];
    expect(editResourceFile(one, resource('r.yaml', one, 'Route'), { delete: true })).toBeNull();
  });

  it('CLI input JSON: rewritten with the file’s own indentation and key order', () => {
    const json = `{\n    "meshName": "colorapp",\n    "virtualRouterName": "colorteller",\n    "routeName": "colors",\n    "spec": ${JSON.stringify(spec(1, 1))}\n}\n`;
    const out = editResourceFile(json, resource('r.json', json, 'Route'), { spec: spec(3, 4) })!;
    expect(out).toBe(
      `${JSON.stringify({ meshName: 'colorapp', virtualRouterName: 'colorteller', routeName: 'colors', spec: spec(3, 4) }, null, '    ')}\n`,
    );
  });

  it('CRDs and infrastructure code are not rewritten; the refusal says where to edit', () => {
    const crd = `apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: { name: red, namespace: colorapp }
spec:
  awsName: red
  meshRef: { name: colorapp }
`;
    const r = loadFiles([{ path: 'k8s/red.yaml', content: crd }]).resources[0];
    expect(() => editResourceFile(crd, r, { spec: {} })).toThrow(
      /App Mesh controller CRD at k8s\/red\.yaml:1/,
    );
    const cfn = { ...r, format: 'cloudformation' as const, origin: 'CloudFormation stack s, resource R' };
    expect(() => editResourceFile(crd, cfn, { spec: {} })).toThrow(
      /infrastructure code at k8s\/red\.yaml:1 \(CloudFormation stack s, resource R\)/,
    );
  });
});
