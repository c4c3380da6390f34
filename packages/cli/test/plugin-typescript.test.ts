import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PLEXUS = join(repoRoot, 'packages/cli/bin/plexus.js');

/**
 * Node strips types only outside node_modules: a plugin installed from a registry as TypeScript source is
 * loaded through tsx instead. The plugin here is a real copy under a node_modules folder, not a workspace link.
 */
describe('a TypeScript plugin installed under node_modules', () => {
  let dir: string;
  let entry: string;
  let mesh: string;

  beforeAll(() => {
    mkdirSync(join(repoRoot, '.cache'), { recursive: true });
    dir = mkdtempSync(join(repoRoot, '.cache', 'plugin-install-'));
    const pkg = join(dir, 'node_modules', 'plexus-plugin-hello');
    cpSync(join(repoRoot, 'examples/plugin-hello/src'), join(pkg, 'src'), { recursive: true });
    cpSync(join(repoRoot, 'examples/plugin-hello/package.json'), join(pkg, 'package.json'));
    entry = join(pkg, 'src/index.ts');
    mesh = join(dir, 'mesh.yaml');
    writeFileSync(
      mesh,
      [
        'apiVersion: plexus/v1',
        'kind: Mesh',
        'metadata: { name: m }',
        'spec: {}',
        '---',
        'apiVersion: plexus/v1',
        'kind: VirtualNode',
        'metadata: { name: a, mesh: m }',
        'spec:',
        '  listeners: [{ portMapping: { port: 8080, protocol: http } }]',
        '  serviceDiscovery: { hello: { file: endpoints.json } }',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates a spec using the plugin’s key', async () => {
    const { stdout } = await run(process.execPath, [PLEXUS, 'validate', '--plugin', entry, mesh]);
    expect(stdout).toMatch(/^valid: 2 resources/);
  });

  it('without the plugin the key is unknown', async () => {
    const failed = await run(process.execPath, [PLEXUS, 'validate', mesh]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/serviceDiscovery.*hello/);
  });
});
