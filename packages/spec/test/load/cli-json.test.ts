import { describe, expect, test } from 'vitest';
import { loadFiles } from '../../src/index.ts';

const NODE = `{
  "meshName": "colorapp",
  "virtualNodeName": "red",
  "spec": {
    "listeners": [
      { "portMapping": { "port": 9081, "protocol": "http" } }
    ],
    "serviceDiscovery": { "dns": { "hostname": "red.colorapp.local" } }
  }
}
`;

describe('App Mesh CLI input JSON', () => {
  test('each kind is recognised by its name keys', () => {
    const files = [
      { path: 'vn.json', content: NODE },
      {
        path: 'mesh.json',
        content: '{"meshName": "colorapp", "spec": {"egressFilter": {"type": "DROP_ALL"}}}',
      },
      { path: 'vs.json', content: '{"meshName": "colorapp", "virtualServiceName": "c.local", "spec": {}}' },
      { path: 'vr.json', content: '{"meshName": "colorapp", "virtualRouterName": "vr", "spec": {}}' },
      {
        path: 'r.json',
        content: '{"meshName": "colorapp", "virtualRouterName": "vr", "routeName": "r", "spec": {}}',
      },
      { path: 'vg.json', content: '{"meshName": "colorapp", "virtualGatewayName": "gw", "spec": {}}' },
      {
        path: 'gr.json',
        content:
          '{"meshName": "colorapp", "virtualGatewayName": "gw", "gatewayRouteName": "gr", "spec": {}, "tags": []}',
      },
    ];
    const { resources, diagnostics } = loadFiles(files);
    expect(diagnostics).toEqual([]);
    expect(
      resources.map((r) => [r.kind, r.mesh, r.name, r.virtualRouter ?? r.virtualGateway, r.format]),
    ).toEqual([
      ['VirtualNode', 'colorapp', 'red', undefined, 'cli-json'],
      ['Mesh', 'colorapp', 'colorapp', undefined, 'cli-json'],
      ['VirtualService', 'colorapp', 'c.local', undefined, 'cli-json'],
      ['VirtualRouter', 'colorapp', 'vr', undefined, 'cli-json'],
      ['Route', 'colorapp', 'r', 'vr', 'cli-json'],
      ['VirtualGateway', 'colorapp', 'gw', undefined, 'cli-json'],
      ['GatewayRoute', 'colorapp', 'gr', 'gw', 'cli-json'],
    ]);
  });

  test('field positions are found in the JSON text', () => {
    const [node] = loadFiles([{ path: 'vn.json', content: NODE }]).resources;
    expect(node.position).toEqual({ file: 'vn.json', line: 1, col: 1 });
    expect(node.positionOf(['listeners', 0, 'portMapping', 'port'])).toEqual({
      file: 'vn.json',
      line: 6,
      col: 26,
    });
    expect(node.positionOf(['serviceDiscovery', 'dns', 'hostname'])).toMatchObject({ line: 8, col: 36 });
  });

  test('a spec-only file is rejected with what to add', () => {
    const content =
      '{\n  "spec": {\n    "provider": {"virtualRouter": {"virtualRouterName": "vr"}}\n  }\n}\n';
    const { resources, diagnostics } = loadFiles([{ path: 'svc.json', content }]);
    expect(resources).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', file: 'svc.json', line: 1, col: 1 });
    expect(diagnostics[0].message).toContain('"meshName", "virtualServiceName"');
    expect(diagnostics[0].message).toContain('apiVersion: plexus/v1');
  });

  test('names without meshName are rejected with what to add', () => {
    const content = '{"virtualRouterName": "vr", "routeName": "r", "spec": {}}';
    const { diagnostics } = loadFiles([{ path: 'r.json', content }]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ kind: 'Route', name: 'r' });
    expect(diagnostics[0].message).toContain('add "meshName"');
  });

  test('a JSON syntax error is reported at its line', () => {
    const content = '{\n  "meshName": "m",\n  "virtualNodeName": "n",\n  "spec": {,}\n}\n';
    const { resources, diagnostics } = loadFiles([{ path: 'bad.json', content }]);
    expect(resources).toEqual([]);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', file: 'bad.json', line: 4 });
    expect(diagnostics[0].message).toMatch(/^JSON syntax: /);
  });

  test('CLI input written as YAML loads too', () => {
    const content = 'meshName: m\nvirtualNodeName: n\nspec:\n  listeners: []\n';
    const { resources } = loadFiles([{ path: 'vn.yaml', content }]);
    expect(resources).toMatchObject([{ kind: 'VirtualNode', mesh: 'm', name: 'n', format: 'cli-json' }]);
    expect(resources[0].positionOf(['listeners'])).toMatchObject({ line: 4, col: 3 });
  });
});
