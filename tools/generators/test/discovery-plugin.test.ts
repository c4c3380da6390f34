import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { repoRoot } from '@plexus/testkit';
import { createTreeWithEmptyWorkspace } from 'nx/src/generators/testing-utils/create-tree-with-empty-workspace';
import { afterAll, describe, expect, it } from 'vitest';
import { discoveryPluginGenerator } from '../discovery-plugin/generator.ts';

const run = promisify(execFile);

describe('discovery-plugin generator (in memory)', () => {
  it('writes a package named after the plugin, with the camelCase key', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await discoveryPluginGenerator(tree, { name: 'my-registry' });
    const root = 'plugins/discovery-my-registry';
    expect(tree.children(root).sort()).toEqual(['README.md', 'package.json', 'src', 'test']);
    expect(JSON.parse(tree.read(`${root}/package.json`, 'utf8') ?? '{}').name).toBe(
      '@plexus/discovery-my-registry',
    );
    const plugin = tree.read(`${root}/src/plugin.ts`, 'utf8') ?? '';
    expect(plugin).toContain("keys: ['myRegistry']");
    expect(plugin).toContain('export const myRegistryDiscoveryPlugin');
  });

  it('refuses bad names, built-in keys and existing folders', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(discoveryPluginGenerator(tree, { name: 'Bad_Name' })).rejects.toThrow(/--name "Bad_Name"/);
    await expect(discoveryPluginGenerator(tree, { name: 'kube', key: 'eks' })).rejects.toThrow(/built-in/);
    await discoveryPluginGenerator(tree, { name: 'twice' });
    await expect(discoveryPluginGenerator(tree, { name: 'twice' })).rejects.toThrow(/already exists/);
  });
});

// The real thing: `nx g` from the local path, then the generated package's own typecheck and test.
describe('discovery-plugin generator through `npx nx g`', () => {
  const scratch = join(repoRoot, 'tools/generators', `.tmp-${process.pid}`);
  const name = 'gentest';
  const pkg = join(scratch, `discovery-${name}`);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('generates a package that typechecks and passes its generated test', async () => {
    const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' };
    const gen = await run(
      'npx',
      [
        'nx',
        'g',
        './tools/generators:discovery-plugin',
        '--name',
        name,
        '--directory',
        relative(repoRoot, scratch),
        '--no-interactive',
      ],
      { cwd: repoRoot, env },
    );
    expect(stripVTControlCharacters(gen.stdout)).toContain(`CREATE ${relative(repoRoot, pkg)}/src/plugin.ts`);
    expect(existsSync(join(pkg, 'test/plugin.test.ts'))).toBe(true);

    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.base.json', include: [`discovery-${name}/**/*.ts`] }),
    );
    await run('npx', ['tsc', '-p', join(scratch, 'tsconfig.json'), '--noEmit'], { cwd: repoRoot });

    // The package's own test, as generated (an explicit config: vitest would otherwise pick up ours).
    writeFileSync(
      join(scratch, 'vitest.config.mjs'),
      `export default { test: { root: ${JSON.stringify(pkg)}, include: ['test/**/*.test.ts'] } };\n`,
    );
    const test = await run(
      'npx',
      ['vitest', 'run', '--config', join(scratch, 'vitest.config.mjs'), '--reporter', 'verbose'],
      { cwd: repoRoot, env },
    );
    expect(stripVTControlCharacters(test.stdout)).toMatch(/2 passed/);
    expect(stripVTControlCharacters(test.stdout)).toContain('reports the configured endpoints');
  }, 180_000);
});
