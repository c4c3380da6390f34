import type { SpecResource } from '@plexus/spec';
import { stringify } from 'yaml';
import { originOf, resourcePath, type WriteResult } from './files.ts';

const PARENT_KEY = { Route: 'virtualRouter', GatewayRoute: 'virtualGateway' } as const;

/** One `apiVersion: plexus/v1` YAML file per resource, its origin in a comment on top. */
export function writeNative(resources: readonly SpecResource[]): WriteResult {
  const files = resources.map((r) => {
    const metadata: Record<string, string> = { name: r.name };
    if (r.kind !== 'Mesh') metadata.mesh = r.mesh;
    if (r.kind === 'Route') metadata[PARENT_KEY.Route] = r.virtualRouter!;
    if (r.kind === 'GatewayRoute') metadata[PARENT_KEY.GatewayRoute] = r.virtualGateway!;
    const doc = { apiVersion: 'plexus/v1', kind: r.kind, metadata, spec: r.spec ?? {} };
    return {
      path: resourcePath(r, 'yaml'),
      content: `# Imported by plexus import from ${originOf(r)}\n${stringify(doc, { lineWidth: 0 })}`,
    };
  });
  return { files, problems: [] };
}
