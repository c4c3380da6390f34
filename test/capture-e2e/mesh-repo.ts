import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@plexus/testkit';
import { parseAllDocuments } from 'yaml';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Plexus Test',
  GIT_AUTHOR_EMAIL: 'test@plexus.invalid',
  GIT_COMMITTER_NAME: 'Plexus Test',
  GIT_COMMITTER_EMAIL: 'test@plexus.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * A git repo (real git CLI) holding a copy of examples/colorapp/mesh whose `colors` route sends `weights` to the
 * named colorteller virtual nodes (others are dropped from the route). Returns the commit SHA.
 */
export function colorappRepo(dir: string, weights: Record<string, number>): string {
  cpSync(join(repoRoot, 'examples/colorapp/mesh'), join(dir, 'mesh'), { recursive: true });
  const file = join(dir, 'mesh/colorteller.yaml');
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const route = docs.find((d) => d.get('kind') === 'Route' && d.getIn(['metadata', 'name']) === 'colors');
  if (!route) throw new Error(`${file}: no Route 'colors'`);
  route.setIn(
    ['spec', 'httpRoute', 'action', 'weightedTargets'],
    Object.entries(weights).map(([color, weight]) => ({ virtualNode: `colorteller-${color}`, weight })),
  );
  writeFileSync(file, docs.map((d) => d.toString()).join('---\n'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `colorapp, weights ${JSON.stringify(weights)}`);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Sets the mesh's egress filter in mesh/mesh.yaml and commits it; returns the new commit SHA. */
export function commitEgressFilter(dir: string, type: 'ALLOW_ALL' | 'DROP_ALL'): string {
  const file = join(dir, 'mesh/mesh.yaml');
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const mesh = docs.find((d) => d.get('kind') === 'Mesh');
  if (!mesh) throw new Error(`${file}: no Mesh`);
  mesh.setIn(['spec', 'egressFilter', 'type'], type);
  writeFileSync(file, docs.map((d) => d.toString()).join('---\n'));
  git(dir, 'commit', '-q', '-am', `egress filter ${type}`);
  return git(dir, 'rev-parse', 'HEAD');
}
