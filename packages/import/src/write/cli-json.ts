import { type AppMeshKind, isPolicyKind, type SpecResource } from '@plexus/spec';
import type { WriteProblem } from './files.ts';
import { originOf, resourcePath, type WriteResult } from './files.ts';

const NAME_KEY: Readonly<Record<AppMeshKind, string>> = {
  Mesh: 'meshName',
  VirtualNode: 'virtualNodeName',
  VirtualService: 'virtualServiceName',
  VirtualRouter: 'virtualRouterName',
  Route: 'routeName',
  VirtualGateway: 'virtualGatewayName',
  GatewayRoute: 'gatewayRouteName',
};

/** The tag key that carries a resource's origin (JSON has no comments; App Mesh resources carry tags). */
export const ORIGIN_TAG = 'plexus:imported-from';

/**
 * One `aws appmesh create-* --cli-input-json` file per resource. JSON cannot hold a comment, so the origin
 * travels as an App Mesh tag (`tags` is part of the create request; App Mesh limits a value to 256 characters).
 */
export function writeCliJson(resources: readonly SpecResource[]): WriteResult {
  const problems: WriteProblem[] = [];
  const appMesh = resources.filter((r) => {
    if (!isPolicyKind(r.kind)) return true;
    problems.push({
      resource: r,
      message: `${r.kind} is a Plexus kind App Mesh's CLI has no input for: write it with --format native`,
    });
    return false;
  });
  const files = appMesh.map((r) => {
    const doc: Record<string, unknown> = { meshName: r.mesh };
    if (r.kind === 'Route') doc.virtualRouterName = r.virtualRouter;
    if (r.kind === 'GatewayRoute') doc.virtualGatewayName = r.virtualGateway;
    if (r.kind !== 'Mesh') doc[NAME_KEY[r.kind as AppMeshKind]] = r.name;
    doc.spec = r.spec ?? {};
    doc.tags = [{ key: ORIGIN_TAG, value: originOf(r).slice(0, 256) }];
    return { path: resourcePath(r, 'json'), content: `${JSON.stringify(doc, null, 2)}\n` };
  });
  return { files, problems };
}
