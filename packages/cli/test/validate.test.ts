import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runMain } from './capture.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** Spawns the real `npx plexus` from the repository root. */
function npxPlexus(args: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['plexus', ...args], { cwd }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const BAD_NODE = `apiVersion: plexus/v1
kind: VirtualNode
metadata:
  name: front
  mesh: shop
spec:
  listeners:
    - portMapping:
        port: 70000
        protocol: http
  serviceDiscovery:
    dns:
      hostname: front.shop.local
`;
const MESH = 'apiVersion: plexus/v1\nkind: Mesh\nmetadata:\n  name: shop\n';
const CLIENT = `{"meshName": "shop", "virtualNodeName": "client", "spec": {"backends": [{"virtualService": {"virtualServiceName": "elsewhere.shop.local"}}]}}`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-validate-'));
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'mesh.yaml'), MESH);
  writeFileSync(join(dir, 'bad', 'front.yaml'), BAD_NODE);
  mkdirSync(join(dir, 'partial'));
  writeFileSync(join(dir, 'partial', 'mesh.yaml'), MESH);
  writeFileSync(join(dir, 'partial', 'client.json'), CLIENT);
  // a directory walk skips node_modules and .git, and files that are not .yaml/.yml/.json
  for (const skipped of ['node_modules', '.git']) {
    mkdirSync(join(dir, 'partial', skipped));
    writeFileSync(join(dir, 'partial', skipped, 'broken.yaml'), 'x: [\n');
  }
  writeFileSync(join(dir, 'partial', 'README.md'), '# not a spec: [\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx plexus validate (spawned)', () => {
  test('a valid tree exits 0 with a summary', async () => {
    const { code, stdout } = await npxPlexus(['validate', 'examples/colorapp']);
    expect(stdout).toContain('valid: 11 resources (1 Mesh, 4 VirtualNode, 2 VirtualService');
    expect(stdout).toContain('0 skipped, 0 errors, 0 warnings');
    expect(code).toBe(0);
  });

  test('an invalid tree exits 1 and names file:line:col, resource and field', async () => {
    const { code, stdout } = await npxPlexus(['validate', join(dir, 'bad')]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${join(dir, 'bad', 'front.yaml')}:9:9: VirtualNode shop/front: spec.listeners[0].portMapping.port: `,
    );
    expect(stdout).toMatch(
      /invalid: 2 resources \(1 Mesh, 1 VirtualNode\), 0 skipped, [1-9]\d* errors?, \d+ warnings?/,
    );
  });

  test('relative paths are relative to where the user ran npx, also inside a workspace package', async () => {
    // npx runs a workspace's bin with the workspace package as cwd; the path must still resolve from here
    const { code, stdout } = await npxPlexus(
      ['validate', '../../../examples/colorapp/mesh/mesh.yaml'],
      join(REPO, 'packages', 'cli', 'test'),
    );
    expect(stdout).toContain('valid: 1 resource (1 Mesh)');
    expect(code).toBe(0);
  });

  test('usage errors exit 2', async () => {
    const { code, stderr } = await npxPlexus(['validate', '--format', 'xml', 'examples/colorapp']);
    expect(code).toBe(2);
    expect(stderr).toContain('--format must be one of text, json');
  });
});

describe('plexus validate (in-process)', () => {
  test('no PATH, an unknown option, or a missing path are usage errors', async () => {
    expect((await runMain(['validate'])).code).toBe(2);
    expect((await runMain(['validate', '--strict', 'x'])).code).toBe(2);
    const missing = await runMain(['validate', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
  });

  test('--partial turns references outside the input into warnings', async () => {
    const strict = await runMain(['validate', join(dir, 'partial')]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('elsewhere.shop.local');
    const partial = await runMain(['validate', '--partial', join(dir, 'partial')]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('warning: ');
    expect(partial.stdout).toMatch(
      /^valid: 2 resources \(1 Mesh, 1 VirtualNode\), 0 skipped, 0 errors, [1-9]\d* warnings?$/m,
    );
  });

  test('--format json lists counts, resources with positions, skipped documents and diagnostics', async () => {
    const { code, stdout } = await runMain(['validate', '--format=json', join(dir, 'bad')]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.ok).toBe(false);
    expect(out.counts).toEqual({ Mesh: 1, VirtualNode: 1 });
    expect(out.resources).toContainEqual({
      kind: 'VirtualNode',
      mesh: 'shop',
      name: 'front',
      format: 'native',
      file: join(dir, 'bad', 'front.yaml'),
      line: 1,
    });
    expect(out.errors).toBeGreaterThan(0);
    expect(out.diagnostics[0]).toMatchObject({ severity: 'error', line: 9, col: 9, kind: 'VirtualNode' });
  });

  test('several paths, files and directories, load together', async () => {
    const { code, stdout } = await runMain([
      'validate',
      join(dir, 'partial', 'client.json'),
      join(dir, 'bad', 'mesh.yaml'),
      '--partial',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^valid: 2 resources/m);
  });
});
