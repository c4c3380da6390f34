import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitAll, initRepo, repoRoot } from '@plexus/testkit';
import { parseAllDocuments } from 'yaml';

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
  initRepo(dir);
  return commitAll(dir, `colorapp, weights ${JSON.stringify(weights)}`);
}

/** Sets the mesh's egress filter in mesh/mesh.yaml and commits it; returns the new commit SHA. */
export function commitEgressFilter(dir: string, type: 'ALLOW_ALL' | 'DROP_ALL'): string {
  const file = join(dir, 'mesh/mesh.yaml');
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const mesh = docs.find((d) => d.get('kind') === 'Mesh');
  if (!mesh) throw new Error(`${file}: no Mesh`);
  mesh.setIn(['spec', 'egressFilter', 'type'], type);
  writeFileSync(file, docs.map((d) => d.toString()).join('---\n'));
  return commitAll(dir, `egress filter ${type}`);
}
