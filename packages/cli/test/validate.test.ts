import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
  test('no PATH or an unknown option are usage errors', async () => {
    expect((await runMain(['validate'])).code).toBe(2);
    expect((await runMain(['validate', '--strict', 'x'])).code).toBe(2);
  });

  test('a missing path, or paths with no spec file, are nothing to validate: one line, exit 1', async () => {
    const missing = await runMain(['validate', join(dir, 'nope')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(
      `plexus validate: no such file or directory: ${join(dir, 'nope')}: nothing to validate`,
    );
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'sub'), { recursive: true });
    writeFileSync(join(empty, 'sub', 'README.md'), '# not a spec');
    const none = await runMain(['validate', empty]);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toBe(
      `plexus validate: nothing to validate: no .yaml, .yml or .json file in ${empty}`,
    );
  });

  test('an unreadable file is one line naming its path, not a stack trace', async () => {
    // A unix socket passes stat() but cannot be read, even by root.
    const socket = join(dir, 'not-a-file.yaml');
    const server = createServer().listen(socket);
    await once(server, 'listening');
    try {
      const r = await runMain(['validate', socket]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`^plexus validate: cannot read ${socket}: E[A-Z]+: nothing to validate$`),
      );
    } finally {
      server.close();
    }
  });

  test('YAML with a collection as a key is an error with its position, and no warning reaches stderr', async () => {
    const file = join(dir, 'collection-key.yaml');
    writeFileSync(file, `${MESH}spec:\n  ? [a, b]\n  : 1\n`);
    const { code, stdout, stderr } = await npxPlexus(['validate', file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:5:1: Mesh shop/shop: spec["[ a, b ]"]: unknown field`);
    expect(stderr).toBe('');
  });

  test('--plugin takes repeated and comma-separated packages alike', async () => {
    const one = await runMain([
      'validate',
      '--plugin',
      '@plexus/no-such-a',
      '--plugin',
      '@plexus/no-such-b',
      dir,
    ]);
    const two = await runMain(['validate', '--plugin', '@plexus/no-such-a,@plexus/no-such-b', dir]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('@plexus/no-such-a');
    expect(two).toEqual(one);
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
