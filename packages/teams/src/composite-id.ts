import { createHash } from 'node:crypto';

/**
 * The revision id of a mesh assembled from several sources: the one source's own id when there is one
 * (so a single-source daemon reports its commit), else a SHA-1 over the sorted `name=revision` pairs, which
 * every replica computes alike.
 */
export function compositeRevisionId(revisions: ReadonlyMap<string, string>): string {
  if (revisions.size === 1) return [...revisions.values()][0]!;
  const lines = [...revisions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, r]) => `${n}=${r}`);
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}
