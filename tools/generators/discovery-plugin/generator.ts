import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateFiles, names, type Tree } from '@nx/devkit';
import type { DiscoveryPluginGeneratorSchema } from './schema.d.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KEY = /^[a-z][A-Za-z0-9]*$/;
// Keys the built-in plugins and App Mesh itself own.
const TAKEN_KEYS = ['dns', 'awsCloudMap', 'static', 'ecs', 'fargate', 'ec2', 'eks'];

/** Writes `<directory>/discovery-<name>/`: package.json, src (config, plugin, module) and a passing test. */
export async function discoveryPluginGenerator(
  tree: Tree,
  options: DiscoveryPluginGeneratorSchema,
): Promise<() => void> {
  if (!NAME.test(options.name)) {
    throw new Error(
      `--name ${JSON.stringify(options.name)}: expected lowercase letters, digits and single dashes`,
    );
  }
  const n = names(options.name);
  const key = options.key ?? n.propertyName;
  if (!KEY.test(key)) throw new Error(`--key ${JSON.stringify(key)}: expected a camelCase identifier`);
  if (TAKEN_KEYS.includes(key)) throw new Error(`--key ${key}: already handled by a built-in plugin`);
  const projectRoot = join(options.directory ?? 'plugins', `discovery-${n.fileName}`);
  if (tree.exists(projectRoot)) throw new Error(`${projectRoot} already exists`);

  generateFiles(tree, join(import.meta.dirname, 'files'), projectRoot, {
    tmpl: '',
    name: n.fileName,
    key,
    className: n.className,
    propertyName: n.propertyName,
    projectRoot,
  });
  return () => {
    // Names of any length: let the repo's formatter settle line breaks (best effort).
    try {
      execFileSync('npx', ['biome', 'check', '--write', projectRoot], { cwd: tree.root, stdio: 'ignore' });
    } catch {
      // biome reports remaining findings itself when run by hand
    }
    console.log(
      [
        `Created ${projectRoot} (serviceDiscovery key "${key}").`,
        'Next: `npm install` (links the new workspace package and updates package-lock.json),',
        `then \`npx vitest run ${projectRoot}\` and load it with \`plexus run --plugin @plexus/discovery-${n.fileName}\`.`,
      ].join('\n'),
    );
  };
}

export default discoveryPluginGenerator;
