import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runMain } from './capture.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

test('npx plexus graph prints the JSON graph of DESIGN.md (spawned)', async () => {
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile('npx', ['plexus', 'graph', 'examples/colorapp'], { cwd: REPO }, (err, stdout) =>
      resolve({ code: err ? Number(err.code) : 0, stdout }),
    );
  });
  expect(code).toBe(0);
  const graph = JSON.parse(stdout);
  expect(Object.keys(graph)).toEqual(['nodes', 'edges']);
  expect(graph.nodes).toHaveLength(11);
  expect(graph.nodes).toContainEqual({
    kind: 'VirtualNode',
    mesh: 'colorapp',
    name: 'front',
    file: 'examples/colorapp/mesh/front.yaml',
    line: 1,
  });
  for (const n of graph.nodes) expect(Object.keys(n)).toEqual(['kind', 'mesh', 'name', 'file', 'line']);
  expect(graph.edges).toEqual(
    expect.arrayContaining([
      {
        from: 'VirtualNode/colorapp/front',
        to: 'VirtualService/colorapp/colorteller.colorapp.local',
        type: 'backend',
      },
      {
        from: 'VirtualService/colorapp/colorteller.colorapp.local',
        to: 'VirtualRouter/colorapp/colorteller',
        type: 'provider',
      },
      { from: 'VirtualRouter/colorapp/colorteller', to: 'Route/colorapp/colorteller/colors', type: 'route' },
      {
        from: 'Route/colorapp/colorteller/colors',
        to: 'VirtualNode/colorapp/colorteller-red',
        type: 'target',
      },
      {
        from: 'Route/colorapp/colorteller/colors',
        to: 'VirtualNode/colorapp/colorteller-blue',
        type: 'target',
      },
      {
        from: 'Route/colorapp/colorteller/colors',
        to: 'VirtualNode/colorapp/colorteller-green',
        type: 'target',
      },
      {
        from: 'VirtualService/colorapp/front.colorapp.local',
        to: 'VirtualNode/colorapp/front',
        type: 'provider',
      },
      {
        from: 'VirtualGateway/colorapp/ingress-gw',
        to: 'GatewayRoute/colorapp/ingress-gw/to-front',
        type: 'route',
      },
      {
        from: 'GatewayRoute/colorapp/ingress-gw/to-front',
        to: 'VirtualService/colorapp/front.colorapp.local',
        type: 'target',
      },
    ]),
  );
  expect(graph.edges).toHaveLength(9);
});

test('dot and mermaid render the same graph', async () => {
  const dot = await runMain(['graph', '--format', 'dot', 'examples/colorapp']);
  expect(dot.code).toBe(0);
  expect(dot.stdout).toMatch(/^digraph plexus \{/);
  expect(dot.stdout).toContain(
    '"VirtualNode/colorapp/front" -> "VirtualService/colorapp/colorteller.colorapp.local" [label="backend"];',
  );
  expect(dot.stdout.match(/ -> /g)).toHaveLength(9);
  const mermaid = await runMain(['graph', '--format=mermaid', 'examples/colorapp']);
  expect(mermaid.code).toBe(0);
  expect(mermaid.stdout).toMatch(/^graph LR\n/);
  expect(mermaid.stdout).toContain('["VirtualNode colorapp/front"]');
  expect(mermaid.stdout.match(/ -->\|\w+\| /g)).toHaveLength(9);
});

const dir = mkdtempSync(join(tmpdir(), 'plexus-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an invalid input exits 1, errors on stderr, and still prints what loaded', async () => {
  writeFileSync(
    join(dir, 'svc.yaml'),
    'apiVersion: plexus/v1\nkind: VirtualService\nmetadata: {name: a.local, mesh: m}\nspec:\n  provider:\n    virtualNode: {virtualNodeName: gone}\n',
  );
  const { code, stdout, stderr } = await runMain(['graph', dir]);
  expect(code).toBe(1);
  expect(stderr).toContain(`${join(dir, 'svc.yaml')}:`);
  const graph = JSON.parse(stdout);
  expect(graph.edges).toEqual([
    { from: 'VirtualService/m/a.local', to: 'VirtualNode/m/gone', type: 'provider' },
  ]);
  expect((await runMain(['graph', '--format', 'png', dir])).code).toBe(2);
  expect((await runMain(['graph'])).code).toBe(2);
});

test('plexus graph --source NAME=DIR says which source defines each resource', async () => {
  const a = mkdtempSync(join(tmpdir(), 'plexus-graph-a-'));
  const b = mkdtempSync(join(tmpdir(), 'plexus-graph-b-'));
  writeFileSync(
    join(a, 'mesh.yaml'),
    'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop }\nspec: {}\n',
  );
  writeFileSync(
    join(b, 'web.yaml'),
    'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: web, mesh: shop }\nspec: {}\n',
  );
  try {
    const { code, stdout } = await runMain(['graph', '--source', `platform=${a}`, '--source', `team-a=${b}`]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).nodes).toEqual([
      { kind: 'Mesh', mesh: 'shop', name: 'shop', file: 'platform/mesh.yaml', line: 1, source: 'platform' },
      { kind: 'VirtualNode', mesh: 'shop', name: 'web', file: 'team-a/web.yaml', line: 1, source: 'team-a' },
    ]);
    const mermaid = await runMain(['graph', '--format', 'mermaid', '--source', `team-a=${b}`]);
    expect(mermaid.stdout).toContain('VirtualNode shop/web (source team-a)');
    expect((await runMain(['graph', '--source', 'bad name=x'])).code).toBe(2);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});
