import { describe, expect, test } from 'vitest';
import { loadFiles } from '../../src/index.ts';

const NODES = `# two nodes
apiVersion: plexus/v1
kind: VirtualNode
metadata:
  name: red
  mesh: colorapp
spec:
  listeners:
    - portMapping:
        port: 9081
        protocol: http
---
apiVersion: plexus/v1
kind: Route
metadata:
  name: weighted
  mesh: colorapp
  virtualRouter: colorteller
spec:
  httpRoute:
    match: { prefix: / }
    action:
      weightedTargets:
        - virtualNode: red
          weight: 1
`;

describe('native plexus/v1 YAML', () => {
  test('reads every document of a multi-document file with identity and spec', () => {
    const { resources, diagnostics, skipped } = loadFiles([{ path: 'mesh/nodes.yaml', content: NODES }]);
    expect(diagnostics).toEqual([]);
    expect(skipped).toEqual([]);
    expect(resources.map((r) => [r.kind, r.mesh, r.name, r.virtualRouter, r.format])).toEqual([
      ['VirtualNode', 'colorapp', 'red', undefined, 'native'],
      ['Route', 'colorapp', 'weighted', 'colorteller', 'native'],
    ]);
    expect(resources[0].spec).toEqual({ listeners: [{ portMapping: { port: 9081, protocol: 'http' } }] });
  });

  test('keeps the position of each resource and of each field', () => {
    const [node, route] = loadFiles([{ path: 'mesh/nodes.yaml', content: NODES }]).resources;
    expect(node.position).toEqual({ file: 'mesh/nodes.yaml', line: 2, col: 1 });
    expect(route.position).toEqual({ file: 'mesh/nodes.yaml', line: 13, col: 1 });
    expect(node.positionOf(['listeners', 0, 'portMapping', 'port'])).toEqual({
      file: 'mesh/nodes.yaml',
      line: 10,
      col: 9,
    });
    expect(node.positionOf(['listeners', 0])).toEqual({ file: 'mesh/nodes.yaml', line: 9, col: 7 });
    // flow mappings and list items too
    expect(route.positionOf(['httpRoute', 'match', 'prefix'])).toMatchObject({ line: 21, col: 14 });
    expect(route.positionOf(['httpRoute', 'action', 'weightedTargets', 0, 'weight'])).toMatchObject({
      line: 25,
      col: 11,
    });
    // a field that is not there falls back to its nearest ancestor
    expect(node.positionOf(['listeners', 0, 'tls', 'mode'])).toMatchObject({ line: 9, col: 7 });
    expect(node.positionOf(['backends', 3])).toMatchObject({ line: 7, col: 1 });
  });

  test('missing metadata fields are errors at the metadata', () => {
    const content = 'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata:\n  name: red\nspec: {}\n';
    const { resources, diagnostics } = loadFiles([{ path: 'a.yaml', content }]);
    expect(resources).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'a.yaml',
        line: 3,
        col: 1,
        kind: 'VirtualNode',
        name: 'red',
        path: 'metadata.mesh',
      },
    ]);
    expect(diagnostics[0].message).toContain('metadata.mesh is required');
  });

  test('Route and GatewayRoute need their parent; an unknown kind is an error at kind', () => {
    const content = [
      'apiVersion: plexus/v1\nkind: Route\nmetadata: {name: r, mesh: m}\nspec: {}',
      'apiVersion: plexus/v1\nkind: VirtualThing\nmetadata: {name: x, mesh: m}',
    ].join('\n---\n');
    const { diagnostics } = loadFiles([{ path: 'a.yaml', content }]);
    expect(diagnostics.map((d) => [d.line, d.path])).toEqual([
      [3, 'metadata.virtualRouter'],
      [7, 'kind'],
    ]);
    expect(diagnostics[0].message).toContain('metadata.virtualRouter is required');
    expect(diagnostics[1].message).toContain('kind must be one of Mesh, VirtualNode');
  });

  test('a YAML syntax error is a diagnostic at its line; other documents still load', () => {
    const content = `apiVersion: plexus/v1
kind: Mesh
metadata:
  name: good
---
apiVersion: plexus/v1
kind: Mesh
metadata:
  name: [broken
`;
    const { resources, diagnostics } = loadFiles([{ path: 'bad.yaml', content }]);
    expect(resources.map((r) => r.name)).toEqual(['good']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', file: 'bad.yaml', path: '' });
    expect(diagnostics[0].line).toBeGreaterThanOrEqual(9);
    expect(diagnostics[0].message).toMatch(/^YAML syntax: /);
  });

  test('a Mesh names itself', () => {
    const { resources } = loadFiles([
      { path: 'm.yaml', content: 'apiVersion: plexus/v1\nkind: Mesh\nmetadata:\n  name: colorapp\n' },
    ]);
    expect(resources).toMatchObject([{ kind: 'Mesh', mesh: 'colorapp', name: 'colorapp', spec: {} }]);
  });

  test('other Kubernetes kinds and non-spec files are skipped and counted, not errors', () => {
    const { resources, diagnostics, skipped } = loadFiles([
      { path: 'deploy.yaml', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n' },
      { path: 'package.json', content: '{"name": "x", "version": "1.0.0"}' },
      { path: 'notes.yaml', content: '- just\n- a list\n' },
      { path: 'empty.yaml', content: '# nothing\n' },
    ]);
    expect(resources).toEqual([]);
    expect(diagnostics).toEqual([]);
    expect(skipped.map((s) => s.file)).toEqual(['deploy.yaml', 'package.json', 'notes.yaml']);
    expect(skipped[0].reason).toContain('Deployment');
  });

  test('without a CloudFormation reader, templates are skipped with a reason', () => {
    const content = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties:
      MeshName: !Ref MeshName
  Role:
    Type: AWS::IAM::Role
`;
    const { resources, diagnostics, skipped } = loadFiles([{ path: 'stack.yaml', content }]);
    expect(resources).toEqual([]);
    expect(diagnostics).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].reason).toContain(
      'CloudFormation template (1 AWS::AppMesh::* resources): this load has no CloudFormation reader',
    );
  });
});
